"""What an uploaded attachment really is: type from content, safe name, checksum, text.

The type is read from the file's first bytes (and, for the office formats, which are ZIP
archives, from the archive's directory), never from its name or the browser's claim. The
detected type is the truth: the download name gets the detected type's extension, so a
PDF uploaded as "protokoll.txt" is offered as "protokoll.pdf".

What the content may hold (only passive documents) and how much work a file may cause
are the rules of `resolutions.filecheck`, which `inspect_upload` applies. The text for
search is not taken here: `extract_text` runs in the background task
(`resolutions.tasks.checked_file_text`) after the upload is saved.

Nothing here touches the database or the storage; `resolutions.services` does the writes.
"""

import hashlib
import resource
import subprocess
import sys
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

from resolutions import filecheck, pdftext
from resolutions.models import CheckedFile

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
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

# The codes of every refusal of `inspect_upload`: they are about the chosen file.
FILE_ERROR_CODES = (
    frozenset({"empty_file", "file_too_large", "disguised_file", "unsupported_file"}) | filecheck.REFUSAL_CODES
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
    has_text: bool  # whether text for search is to be taken from it (in the background)


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
                # Macros and the like are refused by resolutions.filecheck, whatever their parts are called.
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


_MAIN_PARTS = {mime_type: part for part, mime_type in _OOXML_MAIN_PARTS.items()}


def check_content(uploaded_file: UploadedFile, file_type: FileType, *, size: int) -> None:
    """Apply the rules of `resolutions.filecheck` for the detected type; raise ValidationError if refused."""
    bounds = filecheck.limits()
    mime_type, label = file_type.mime_type, file_type.label
    if mime_type == PDF:
        filecheck.check_pdf(uploaded_file, size=size, bounds=bounds)
    elif mime_type in _MAIN_PARTS:
        filecheck.check_ooxml(uploaded_file, label=label, bounds=bounds, main_part=_MAIN_PARTS[mime_type])
    elif mime_type in _OPENDOCUMENT_TYPES:
        filecheck.check_opendocument(uploaded_file, label=label, bounds=bounds, mime_type=mime_type)
    elif mime_type in (PNG, JPEG):
        filecheck.check_image(uploaded_file, size=size, bounds=bounds, label=label)


@dataclass(frozen=True)
class ExtractedText:
    text: str
    state: str  # a CheckedFile.TextState


def _child_limits(memory_bytes: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


def extract_text(content: bytes, *, mime_type: str) -> ExtractedText:
    """The text of a stored file for search, taken in a child process within the limits; never an exception.

    The child (`resolutions.pdftext`) gets the bytes, a page, stream and character limit,
    a memory limit and a time limit: whatever the PDF holds, the worker neither waits
    longer nor grows. Beyond a limit the file keeps no text (state LIMITED).
    """
    if mime_type != PDF:
        return ExtractedText("", CheckedFile.TextState.NONE)
    bounds = filecheck.limits()
    command = [
        sys.executable,
        "-m",
        "resolutions.pdftext",
        str(bounds.pages),
        str(bounds.stream_bytes),
        str(bounds.text_chars),
    ]
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, arguments are numbers
            command,
            input=content,
            capture_output=True,
            timeout=bounds.extract_seconds,
            cwd=settings.BASE_DIR,
            preexec_fn=_child_limits(bounds.extract_memory_bytes),  # noqa: PLW1509 - no threads hold locks here
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ExtractedText("", CheckedFile.TextState.LIMITED)
    if finished.returncode == pdftext.OK:
        text = finished.stdout.decode("utf-8", "replace").replace("\x00", "")[: bounds.text_chars]
        return ExtractedText(text, CheckedFile.TextState.EXTRACTED)
    if finished.returncode == pdftext.UNREADABLE:
        return ExtractedText("", CheckedFile.TextState.UNREADABLE)
    # LIMIT, or killed for its memory (a negative code, a MemoryError at start-up).
    return ExtractedText("", CheckedFile.TextState.LIMITED)


def inspect_upload(uploaded_file: UploadedFile) -> InspectedFile:
    """Check an upload's size, content type and content and describe it; raise ValidationError if refused."""
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
    check_content(uploaded_file, file_type, size=size)
    return InspectedFile(
        file_name=sanitize_file_name(name, file_type=file_type),
        mime_type=file_type.mime_type,
        size=size,
        sha512=sha512,
        has_text=file_type.mime_type == PDF,
    )
