"""PDF documents: rendering with WeasyPrint and reading their text back with pypdf.

This is the only module that imports WeasyPrint. Documents are PDF/A-3b with their fonts
embedded, and their creation date comes from the document, not the clock, so that the same
content always gives the same bytes (and the same SHA-512) and can be cached and checksummed.
"""

import datetime
import io
from html import escape

import weasyprint
from pypdf import PdfReader

PDF_VARIANT = "pdf/a-3b"

SIMPLE_DOCUMENT_CSS = """
@page { size: A4; margin: 2.5cm 2cm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 16pt; margin: 0 0 0.3cm; }
h2 { font-size: 12pt; font-weight: normal; margin: 0 0 0.8cm; }
p { margin: 0 0 0.35cm; }
"""


def render_html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML document to PDF/A bytes; identical HTML gives identical bytes.

    The title comes from the document's <title>, the creation and modification dates from
    <meta name="dcterms.created"> and <meta name="dcterms.modified">.
    """
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)


def simple_document_pdf(
    title: str,
    paragraphs: list[str],
    *,
    subtitle: str = "",
    created: datetime.date | None = None,
    lang: str = "de",
) -> bytes:
    """Render a plain document: a heading, an optional subheading and paragraphs of text."""
    meta = ""
    if created is not None:
        stamp = created.isoformat()
        meta = f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    heading = f"<h1>{escape(title)}</h1>" + (f"<h2>{escape(subtitle)}</h2>" if subtitle else "")
    html = (
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{meta}<style>{SIMPLE_DOCUMENT_CSS}</style></head>"
        f"<body>{heading}{body}</body></html>"
    )
    return render_html_to_pdf(html)


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page, for search."""
    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages).strip()
