"""Take the text out of a PDF in a child process: `python -m resolutions.pdftext PAGES STREAM CHARS < file.pdf`.

Run by `resolutions.attachments.extract_text` with a time limit and a memory limit, so
that a PDF built to be expensive (50,000 pages, a content stream that inflates to
gigabytes) costs a bounded child and never the worker. No Django here: the child starts in
a blink and knows only the bytes on its standard input. The text goes to standard output
as UTF-8; the exit code says how it went.
"""

import sys

OK = 0
LIMIT = 3  # more pages, a larger stream or more memory than allowed
UNREADABLE = 4


def extract(data, *, max_pages: int, max_stream_bytes: int, max_chars: int) -> str:
    """The text of the pages, up to `max_chars`; raises LimitReachedError beyond the limits."""
    import pypdf
    from pypdf.errors import LimitReachedError

    with pypdf.apply_configuration(
        zlib_maximum_output_length=max_stream_bytes,
        maximum_declared_stream_length=max_stream_bytes,
        lzw_maximum_output_length=max_stream_bytes,
        run_length_maximum_output_length=max_stream_bytes,
        array_based_stream_maximum_output_length=max_stream_bytes,
    ):
        reader = pypdf.PdfReader(data, strict=False)
        # The declared count first (cheap), then the real one (the page tree flattened).
        declared = int(reader.root_object["/Pages"].get_object().get("/Count", 0))
        if declared > max_pages or len(reader.pages) > max_pages:
            raise LimitReachedError(f"more than {max_pages} pages")
        parts, total = [], 0
        for page in reader.pages:
            # Inflated once here, within the limit, whatever the page's resources say.
            contents = page.get_contents()
            if contents is not None and len(contents.get_data()) > max_stream_bytes:
                raise LimitReachedError("content stream too large")
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total >= max_chars:
                break
    # PostgreSQL text cannot hold NUL characters, which some PDFs' text layers contain.
    return "\n".join(parts).replace("\x00", "")[:max_chars]


def main(argv: list[str]) -> int:
    import io
    import logging

    from pypdf.errors import LimitReachedError

    logging.disable(logging.WARNING)  # pypdf's warnings about sloppy PDFs are of no use here
    max_pages, max_stream_bytes, max_chars = (int(value) for value in argv[1:4])
    data = io.BytesIO(sys.stdin.buffer.read())
    try:
        text = extract(data, max_pages=max_pages, max_stream_bytes=max_stream_bytes, max_chars=max_chars)
    except (LimitReachedError, MemoryError, RecursionError):
        return LIMIT
    except Exception:  # a broken PDF has no text; the caller records that
        return UNREADABLE
    sys.stdout.buffer.write(text.encode("utf-8", "replace"))
    return OK


if __name__ == "__main__":
    sys.exit(main(sys.argv))
