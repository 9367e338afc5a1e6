"""What an uploaded attachment really is: type from content, safe name, checksum, text.

The type is read from the file's first bytes (and, for the office formats, which are ZIP
archives, from the archive's directory), never from its name or the browser's claim. The
detected type is the truth: the download name gets the detected type's extension, so a
PDF uploaded as "protokoll.txt" is offered as "protokoll.pdf".

Nothing here touches the database or the storage; `resolutions.services` does the writes.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Extracted text feeds the search index; a page of text is ~3,000 characters, so this is
# several hundred pages, and it keeps one pathological PDF from bloating a row.
MAX_TEXT_CHARS = 1_000_000
MAX_FILE_NAME_CHARS = 100
FALLBACK_STEM = "anlage"

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"


@dataclass(frozen=True)
class FileType:
    mime_type: str
    label: str  # how people call it, e.g. "PDF"
    extensions: tuple[str, ...]  # the first is the one a rewritten name gets


ALLOWED_TYPES: dict[str, FileType] = {
    t.mime_type: t
    for t in (
        FileType(PDF, "PDF", ("pdf",)),
        FileType(ODT, "ODT", ("odt",)),
        FileType(ODS, "ODS", ("ods",)),
        FileType(DOCX, "DOCX", ("docx",)),
        FileType(XLSX, "XLSX", ("xlsx",)),
        FileType(PNG, "PNG", ("png",)),
        FileType(JPEG, "JPEG", ("jpg", "jpeg")),
    )
}
ALLOWED_LABELS = ", ".join(t.label for t in ALLOWED_TYPES.values())
ALLOWED_EXTENSIONS = frozenset(ext for t in ALLOWED_TYPES.values() for ext in t.extensions)

EMPTY_FILE_ERROR = _("The file “%(name)s” is empty. Choose the document again and upload it.")
FILE_TOO_LARGE_ERROR = _(
    "The file “%(name)s” is %(size)s; an attachment may be at most %(limit)s. Reduce it (e.g. scan with a lower "
    "resolution, or split it) and upload it again."
)
DISGUISED_FILE_ERROR = _(
    "The file “%(name)s” is named like a %(claimed)s, but its content is not one: it is refused. Allowed are "
    "%(allowed)s; save the document in one of these formats and upload it again."
)
UNSUPPORTED_FILE_ERROR = _(
    "The content of “%(name)s” is not an allowed type. Allowed are %(allowed)s; save the document in one of these "
    "formats and upload it again."
)

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
_ZIP_MAGIC = b"PK\x03\x04"
_OOXML_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_OPENDOCUMENT_TYPES = {ODT, ODS}


@dataclass(frozen=True)
class InspectedFile:
    """What an upload turned out to be."""

    file_name: str  # sanitised, with the detected type's extension
    mime_type: str
    size: int
    sha512: str
    text: str


def max_upload_bytes() -> int:
    return getattr(settings, "RATSBUCH_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _split_extension(name: str) -> tuple[str, str]:
    # Only a purely alphabetic suffix counts as an extension: "Sitzung 18.03.2013" keeps its date.
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix.isascii() and suffix.isalpha() and len(suffix) <= 5:
        return stem, suffix.lower()
    return name, ""


def sanitize_file_name(name: str, *, file_type: FileType | None = None) -> str:
    """Make an uploaded name safe to store and offer for download.

    Drops any directory part, transliterates German umlauts (ä → ae, ß → ss) and folds
    other accents to ASCII, keeps letters, digits, dots, dashes and underscores, caps the
    length, and gives the name the detected type's extension.
    """
    name = PurePosixPath(name.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name).translate(_UMLAUTS)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem, extension = _split_extension(name)
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = ""
    # No hidden files, no leftover dots or dashes at the ends.
    stem = stem.strip("._-")[:MAX_FILE_NAME_CHARS].rstrip("._-") or FALLBACK_STEM
    if file_type is not None and extension not in file_type.extensions:
        extension = file_type.extensions[0]
    return f"{stem}.{extension}" if extension else stem


def _read_head(uploaded_file: UploadedFile, count: int = 8192) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(count)
    uploaded_file.seek(0)
    return head


def _zip_document_type(uploaded_file: UploadedFile) -> str | None:
    """Tell ODT/ODS/DOCX/XLSX apart by the archive's directory, reading no large member.

    filetype looks only at the first entries of the archive, whose order differs between
    office suites; the directory at the end of the archive is the reliable place.
    """
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return declared if declared in _OPENDOCUMENT_TYPES else None
            if "[Content_Types].xml" in names:
                # Macro-enabled documents (.docm, .xlsm) carry a vbaProject part: not allowed.
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return None
                for part, mime_type in _OOXML_MAIN_PARTS.items():
                    if part in names:
                        return mime_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        uploaded_file.seek(0)
    return None


def detect_type(uploaded_file: UploadedFile) -> FileType | None:
    """The allowed type of the content, or None if the content is of no allowed type."""
    head = _read_head(uploaded_file)
    if head.startswith(_ZIP_MAGIC):
        mime_type = _zip_document_type(uploaded_file)
    else:
        guess = filetype.guess(head)
        mime_type = guess.mime if guess else None
    return ALLOWED_TYPES.get(mime_type)


def _refuse_type(name: str) -> ValidationError:
    _stem, extension = _split_extension(PurePosixPath(name.replace("\\", "/")).name)
    claimed = next((t for t in ALLOWED_TYPES.values() if extension in t.extensions), None)
    params = {"name": name, "allowed": ALLOWED_LABELS}
    if claimed is not None:
        return ValidationError(DISGUISED_FILE_ERROR, code="disguised_file", params={**params, "claimed": claimed.label})
    return ValidationError(UNSUPPORTED_FILE_ERROR, code="unsupported_file", params=params)


def _too_large(name: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        FILE_TOO_LARGE_ERROR,
        code="file_too_large",
        params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def _checksum(uploaded_file: UploadedFile, *, limit: int) -> tuple[str, int]:
    """SHA-512 and size, read chunk by chunk so a large upload never sits in memory whole."""
    digest = hashlib.sha512()
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            # The declared size can lie (a streamed upload); the bytes read cannot.
            raise _too_large(uploaded_file.name, size, limit)
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest(), size


def extract_pdf_text(uploaded_file: UploadedFile, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """The text of a PDF for search; empty for a PDF pypdf cannot read, never an exception."""
    from pypdf import PdfReader

    parts, total = [], 0
    uploaded_file.seek(0)
    try:
        for page in PdfReader(uploaded_file).pages:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total >= max_chars:
                break
    except Exception:  # a broken PDF is still a valid attachment, only without text
        pass
    finally:
        uploaded_file.seek(0)
    # PostgreSQL text cannot hold NUL characters, which some PDFs' text layers contain.
    return re.sub(r"\x00", "", "\n".join(parts))[:max_chars]


def inspect_upload(uploaded_file: UploadedFile) -> InspectedFile:
    """Check an upload's size and content type and describe it; raise ValidationError if refused."""
    name = uploaded_file.name or ""
    limit = max_upload_bytes()
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _too_large(name, uploaded_file.size, limit)
    if not uploaded_file.size and not _read_head(uploaded_file, 1):
        raise ValidationError(EMPTY_FILE_ERROR, code="empty_file", params={"name": name})
    file_type = detect_type(uploaded_file)
    if file_type is None:
        raise _refuse_type(name)
    sha512, size = _checksum(uploaded_file, limit=limit)
    text = extract_pdf_text(uploaded_file) if file_type.mime_type == PDF else ""
    return InspectedFile(
        file_name=sanitize_file_name(name, file_type=file_type),
        mime_type=file_type.mime_type,
        size=size,
        sha512=sha512,
        text=text,
    )
