"""Only passive documents: the rules an attachment's content must pass, and the limits of the work.

Council documents go out to the public and to every member, so an attachment must not
carry anything that runs or reaches out when it is opened: no JavaScript or launching
actions in a PDF, no embedded files or XFA forms, no macros, ActiveX, OLE objects or remote
references in an office document, nothing hidden after an image's end. Each format is read
with a parser for it (pypdf, zipfile with defusedxml, the PNG and JPEG structure), never by
searching bytes, except for the two places a browser sniffs markup in (a PDF's head and
what follows its end).

The checks here are the cheap ones that run in the request, bounded by `limits()`: the
archive's directory and its XML parts, streamed with a cap; of a PDF, the objects a viewer
can act on (catalog, name trees, forms, outline, pages, annotations), not its fonts and
content. Text extraction, the expensive part, runs later in a background task
(`resolutions.tasks`) in a child process under the same limits.

Nothing here touches the database or the storage.
"""

import io
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# --- messages -----------------------------------------------------------------------------
PDF_SCRIPT_ERROR = _(
    "The PDF “%(name)s” contains JavaScript or actions that run when it is opened; it is refused. Print it again "
    "as a plain PDF (without forms and scripts) and upload that."
)
PDF_EMBEDDED_ERROR = _(
    "The PDF “%(name)s” carries embedded files; it is refused. Upload those files as attachments of their own and "
    "the PDF printed again without them."
)
PDF_XFA_ERROR = _(
    "The PDF “%(name)s” is an XFA form, which can run scripts; it is refused. Print it again as a plain PDF and "
    "upload that."
)
PDF_ENCRYPTED_ERROR = _(
    "The PDF “%(name)s” is encrypted or password-protected, so its content cannot be checked; it is refused. "
    "Save it without protection and upload it again."
)
PDF_UNREADABLE_ERROR = _(
    "The PDF “%(name)s” is damaged and cannot be checked; it is refused. Save or print it again as PDF and upload it "
    "again."
)
POLYGLOT_ERROR = _(
    "The file “%(name)s” is also a web page or script besides a %(label)s (markup at its start or after its end); "
    "it is refused. Save the document again and upload that."
)
TOO_MANY_PAGES_ERROR = _(
    "The PDF “%(name)s” has %(pages)s pages; an attachment may have at most %(limit)s. Split it and upload the parts."
)
TOO_COMPLEX_ERROR = _(
    "The file “%(name)s” is too complex to be checked (%(count)s parts, at most %(limit)s); it is refused. Save it "
    "again in a simpler form or split it."
)
UNPACKED_TOO_LARGE_ERROR = _(
    "The file “%(name)s” unpacks to more than %(limit)s; it is refused. Reduce it (e.g. smaller pictures) or split it."
)
OFFICE_MACRO_ERROR = _(
    "The document “%(name)s” contains macros, ActiveX controls or OLE objects, which can run programs; it is "
    "refused. Save it as a document without macros (.docx, .xlsx, .odt, .ods) or as PDF and upload it again."
)
OFFICE_EXTERNAL_ERROR = _(
    "The document “%(name)s” refers to outside content (a remote template, linked object or field), which is "
    "fetched when it is opened; it is refused. Remove the link (or embed the content) and upload it again."
)
OFFICE_SCRIPT_ERROR = _(
    "The document “%(name)s” contains scripts or macros (Basic, event handlers); it is refused. Remove them, or save "
    "it as PDF, and upload it again."
)
CONTAINER_MISMATCH_ERROR = _(
    "The file “%(name)s” claims to be a %(label)s, but its content is not a proper one; it is refused. Save the "
    "document again from the office program and upload that."
)
IMAGE_TRAILING_DATA_ERROR = _(
    "The image “%(name)s” carries other data after the end of the picture; it is refused. Open it in an image "
    "program, save it again and upload that."
)
IMAGE_BROKEN_ERROR = _(
    "The image “%(name)s” is damaged or too large to check (at most %(limit)s pixels); it is refused. Save it again "
    "and upload that."
)

# The codes of the refusals above: all are about the chosen file (forms put them on the file field).
REFUSAL_CODES = frozenset(
    {
        "pdf_script",
        "pdf_embedded",
        "pdf_xfa",
        "pdf_encrypted",
        "pdf_unreadable",
        "polyglot",
        "too_many_pages",
        "too_complex",
        "unpacked_too_large",
        "office_macro",
        "office_external",
        "office_script",
        "container_mismatch",
        "image_trailing_data",
        "image_broken",
    }
)

# --- limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much work one attachment may cause; see the RATSBUCH_* settings of the same meaning."""

    upload_bytes: int
    pages: int
    unpacked_bytes: int
    stream_bytes: int
    extract_seconds: float
    extract_memory_bytes: int
    text_chars: int

    @property
    def pdf_objects(self) -> int:
        # A page of a real document has a few dozen objects (fonts, images, annotations).
        return 1000 + 100 * self.pages

    @property
    def archive_members(self) -> int:
        return 10_000

    @property
    def image_pixels(self) -> int:
        return 100_000_000


def limits() -> Limits:
    """The limits in force, from the settings (documented in .env.example)."""
    return Limits(
        upload_bytes=settings.RATSBUCH_MAX_UPLOAD_BYTES,
        pages=settings.RATSBUCH_MAX_PAGES,
        unpacked_bytes=settings.RATSBUCH_MAX_UNPACKED_BYTES,
        stream_bytes=settings.RATSBUCH_MAX_STREAM_BYTES,
        extract_seconds=settings.RATSBUCH_EXTRACT_SECONDS,
        extract_memory_bytes=settings.RATSBUCH_EXTRACT_MEMORY_BYTES,
        text_chars=settings.RATSBUCH_MAX_EXTRACTED_CHARS,
    )


def _refuse(message, code: str, name: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params={"name": name, **params})


# --- markup where a browser would sniff it --------------------------------------------------
# Not a parser: browsers decide on "this is HTML" from these tags near the start of a
# response, which is exactly the test here.
_MARKUP = (b"<html", b"<script", b"<body", b"<head", b"<iframe", b"<svg", b"<!doctype", b"<object", b"<embed")
_SNIFF_BYTES = 1024


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()
    return any(tag in lowered for tag in _MARKUP)


def _read_at(uploaded_file: UploadedFile, offset: int, count: int) -> bytes:
    uploaded_file.seek(offset)
    data = uploaded_file.read(count)
    uploaded_file.seek(0)
    return data


def _tail(uploaded_file: UploadedFile, size: int, count: int) -> bytes:
    return _read_at(uploaded_file, max(0, size - count), count)


# --- PDF --------------------------------------------------------------------------------------
# Actions that may run on opening (/OpenAction, /AA): only moving to a place in the document.
_PASSIVE_ACTIONS = {"/GoTo"}
# Actions that are refused wherever they are (a link, a form field, a bookmark).
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/GoToE", "/RichMediaExecute"}
_MAX_NESTING = 50


# What a viewer never runs, and the links back up the trees: page content and its resources,
# appearance streams, fonts, metadata, the structure tree. The walk does not follow them, which
# keeps it to the places where actions, scripts and embedded files live (the catalog, its name
# trees and forms, the outline, the pages and their annotations) and makes it cheap.
_PDF_INERT_KEYS = frozenset(
    {
        "/Resources",
        "/Contents",
        "/AP",
        "/Parent",
        "/P",
        "/Pg",
        "/Prev",
        "/Last",
        "/Metadata",
        "/StructTreeRoot",
        "/ParentTree",
        "/Font",
        "/XObject",
        "/ColorSpace",
        "/Thumb",
        "/PieceInfo",
        "/OutputIntents",
        "/Info",
        "/Encrypt",
        "/DR",
    }
)


class _TooComplex(Exception):
    def __init__(self, count: int):
        self.count = count


def _pdf_reachable(reader, limit: int) -> Iterator:
    """Every dictionary reachable from the trailer, each indirect object once, at most `limit` of them."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    pending = [reader.trailer]
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > limit:
                raise _TooComplex(len(seen))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # a stream's dictionary too
            yield obj
            pending.extend(value for key, value in dict.items(obj) if key not in _PDF_INERT_KEYS)
        elif isinstance(obj, ArrayObject):
            pending.extend(list.__iter__(obj))


def _action_types(value) -> set[str]:
    """The /S of an action (resolved) and of the actions chained after it by /Next."""
    from pypdf.generic import ArrayObject, DictionaryObject

    found, pending, seen = set(), [value], 0
    while pending and seen < 100:
        seen += 1
        action = pending.pop()
        action = action.get_object() if hasattr(action, "get_object") else action
        if isinstance(action, DictionaryObject):
            if "/S" in action:
                found.add(str(action["/S"]))
            if "/Next" in action:
                following = action["/Next"].get_object()
                pending.extend(following if isinstance(following, ArrayObject) else [following])
    return found


def _pdf_dictionary_refusal(entry) -> tuple:
    """The refusal (message, code) for one dictionary of a PDF, or ()."""
    from pypdf.generic import DictionaryObject

    if "/JS" in entry or "/JavaScript" in entry or "/RichMedia" in entry:
        return PDF_SCRIPT_ERROR, "pdf_script"
    if str(entry.get("/S", "")) in _ACTIVE_ACTIONS:
        return PDF_SCRIPT_ERROR, "pdf_script"
    if "/XFA" in entry:
        return PDF_XFA_ERROR, "pdf_xfa"
    if "/EmbeddedFiles" in entry or "/EF" in entry or str(entry.get("/Type", "")) == "/EmbeddedFile":
        return PDF_EMBEDDED_ERROR, "pdf_embedded"
    if "/OpenAction" in entry:
        opening = entry["/OpenAction"].get_object()
        # A destination (an array) only says where to open; an action dictionary may do anything.
        if isinstance(opening, DictionaryObject) and not _action_types(opening) <= _PASSIVE_ACTIONS:
            return PDF_SCRIPT_ERROR, "pdf_script"
    if "/AA" in entry:
        triggers = entry["/AA"].get_object()
        if isinstance(triggers, DictionaryObject):
            for action in triggers.values():
                if not _action_types(action) <= _PASSIVE_ACTIONS:
                    return PDF_SCRIPT_ERROR, "pdf_script"
    return ()


def check_pdf(uploaded_file: UploadedFile, *, size: int, bounds: Limits) -> None:
    """Refuse a PDF with active content, one that is also markup, or one beyond the limits."""
    import pypdf
    from pypdf.errors import PyPdfError

    name = uploaded_file.name or ""
    tail = _tail(uploaded_file, size, _SNIFF_BYTES)
    end = tail.rfind(b"%%EOF")
    after_end = tail[end + 5 :] if end >= 0 else b""
    if _has_markup(_read_at(uploaded_file, 0, _SNIFF_BYTES)) or _has_markup(after_end):
        raise _refuse(POLYGLOT_ERROR, "polyglot", name, label="PDF")
    with pypdf.apply_configuration(
        zlib_maximum_output_length=bounds.stream_bytes,
        maximum_declared_stream_length=bounds.stream_bytes,
    ):
        uploaded_file.seek(0)
        try:
            reader = pypdf.PdfReader(uploaded_file, strict=False)
            if reader.is_encrypted:
                raise _refuse(PDF_ENCRYPTED_ERROR, "pdf_encrypted", name)
            declared_pages = int(reader.root_object["/Pages"].get_object().get("/Count", 0))
            if declared_pages > bounds.pages:
                raise _refuse(TOO_MANY_PAGES_ERROR, "too_many_pages", name, pages=declared_pages, limit=bounds.pages)
            for entry in _pdf_reachable(reader, bounds.pdf_objects):
                refusal = _pdf_dictionary_refusal(entry)
                if refusal:
                    raise _refuse(*refusal, name)
        except _TooComplex as error:
            raise _refuse(
                TOO_COMPLEX_ERROR, "too_complex", name, count=error.count, limit=bounds.pdf_objects
            ) from error
        except ValidationError:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as error:
            raise _refuse(PDF_UNREADABLE_ERROR, "pdf_unreadable", name) from error
        finally:
            uploaded_file.seek(0)


# --- archives (OOXML, OpenDocument) -----------------------------------------------------------
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File: VBA projects, ActiveX, OLE objects
_XML_PART_BYTES = 20 * 1024 * 1024


class _Unpacked(Exception):
    """An archive member inflates to more than it declared, or than the limit."""


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """A file-like reader of one member that refuses to inflate beyond its declared size or `limit`."""

    class Capped(io.RawIOBase):
        def __init__(self):
            self.member = archive.open(info)
            self.read_so_far = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            data = self.member.read(len(buffer))
            self.read_so_far += len(data)
            if self.read_so_far > min(info.file_size, limit):
                raise _Unpacked
            buffer[: len(data)] = data
            return len(data)

        def close(self):
            self.member.close()
            super().close()

    return io.BufferedReader(Capped())


def _open_archive(uploaded_file: UploadedFile, name: str, bounds: Limits, label: str) -> zipfile.ZipFile:
    uploaded_file.seek(0)
    try:
        archive = zipfile.ZipFile(uploaded_file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label) from error
    members = archive.infolist()
    if len(members) > bounds.archive_members:
        raise _refuse(TOO_COMPLEX_ERROR, "too_complex", name, count=len(members), limit=bounds.archive_members)
    if sum(info.file_size for info in members) > bounds.unpacked_bytes:
        raise _refuse(UNPACKED_TOO_LARGE_ERROR, "unpacked_too_large", name, limit=filesizeformat(bounds.unpacked_bytes))
    return archive


def _parse(archive, info, bounds: Limits):
    """The root of one XML member, parsed safely (no entities, no external DTDs) with a cap."""
    with _member_reader(archive, info, min(bounds.unpacked_bytes, _XML_PART_BYTES)) as stream:
        return SafeTree.parse(stream).getroot()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_members(archive, name: str, bounds: Limits) -> None:
    """Every member inflates within its declared size; none is an OLE compound file, whatever its name."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        if "vbaproject" in info.filename.lower() or "activex/" in info.filename.lower():
            raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
        with _member_reader(archive, info, bounds.unpacked_bytes) as stream:
            if stream.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
                raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
            while stream.read(1024 * 1024):
                pass


def _checked_archive(check):
    """Run an archive check, turning broken XML or a member that inflates too far into refusals."""

    def run(uploaded_file: UploadedFile, *, label: str, bounds: Limits, **kwargs) -> None:
        name = uploaded_file.name or ""
        archive = _open_archive(uploaded_file, name, bounds, label)
        try:
            with archive:
                _check_members(archive, name, bounds)
                check(archive, name=name, label=label, bounds=bounds, **kwargs)
        except _Unpacked as error:
            raise _refuse(
                UNPACKED_TOO_LARGE_ERROR, "unpacked_too_large", name, limit=filesizeformat(bounds.unpacked_bytes)
            ) from error
        except (SafeTree.ParseError, DefusedXmlException, zipfile.BadZipFile, KeyError, EOFError, OSError) as error:
            raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label) from error
        finally:
            uploaded_file.seek(0)

    return run


# OOXML: what the package's content types and relationships may name.
_OOXML_ACTIVE_TYPES = ("vbaproject", "macroenabled", "activex", "oleobject", "vbadata", "keymapcustomizations")
_OOXML_MAIN = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "document",
    ),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "workbook"),
}
# Field codes that fetch or run something when the document is opened or updated.
_ACTIVE_FIELDS = ("DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "LINK", "IMPORT")


@_checked_archive
def check_ooxml(archive: zipfile.ZipFile, *, name: str, label: str, bounds: Limits, main_part: str) -> None:
    """Refuse a DOCX/XLSX with macros, ActiveX, OLE, external relationships or a main part that is none."""
    infos = {info.filename: info for info in archive.infolist()}
    types = _parse(archive, infos["[Content_Types].xml"], bounds)
    declared = {}
    for entry in types:
        content_type = entry.get("ContentType", "").lower()
        if any(active in content_type for active in _OOXML_ACTIVE_TYPES):
            raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
        if entry.get("PartName"):
            declared[entry.get("PartName").lstrip("/")] = content_type
    expected_type, expected_root = _OOXML_MAIN[main_part]
    if declared.get(main_part) != expected_type:
        raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label)
    for part, info in infos.items():
        if not part.endswith(".rels"):
            continue
        for relation in _parse(archive, info, bounds):
            kind = relation.get("Type", "").lower()
            if any(active in kind for active in _OOXML_ACTIVE_TYPES):
                raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
            if relation.get("TargetMode", "").lower() == "external" and not kind.endswith("/hyperlink"):
                raise _refuse(OFFICE_EXTERNAL_ERROR, "office_external", name)
    main = _parse(archive, infos[main_part], bounds)
    if _local(main.tag) != expected_root:
        raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label)
    for element in main.iter():
        tag = _local(element.tag)
        if tag in ("control", "ocx"):
            raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
        instruction = element.text if tag == "instrText" else _attribute(element, "instr") if tag == "fldSimple" else ""
        if instruction and instruction.split() and instruction.split()[0].upper() in _ACTIVE_FIELDS:
            raise _refuse(OFFICE_EXTERNAL_ERROR, "office_external", name)


def _attribute(element, local_name: str) -> str:
    return next((value for key, value in element.attrib.items() if _local(key) == local_name), "")


# OpenDocument: the manifest's root type must be the mimetype, content.xml its document.
_ODF_SCRIPT_ELEMENTS = {"script", "event-listener"}  # office:script, script:event-listener
_ODF_ACTIVE_OBJECTS = {"object-ole", "applet", "plugin"}
_ODF_LINKING = {"image", "section-source", "object", "object-ole", "applet", "plugin", "text-input"}
_ODF_STRUCTURE_PARTS = ("content.xml", "styles.xml", "settings.xml")


@_checked_archive
def check_opendocument(archive: zipfile.ZipFile, *, name: str, label: str, bounds: Limits, mime_type: str) -> None:
    """Refuse an ODT/ODS with Basic or scripts, OLE objects, external links, or content that is not one."""
    infos = {info.filename: info for info in archive.infolist()}
    # Basic/ and Scripts/ hold macros, also in an embedded object's folder ("Object 1/Basic/…").
    if any(folder in f"/{part.lower()}" for part in infos for folder in ("/basic/", "/scripts/")):
        raise _refuse(OFFICE_SCRIPT_ERROR, "office_script", name)
    if "META-INF/manifest.xml" not in infos or "content.xml" not in infos:
        raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label)
    manifest = _parse(archive, infos["META-INF/manifest.xml"], bounds)
    root_types = [_attribute(entry, "media-type") for entry in manifest if _attribute(entry, "full-path") == "/"]
    if _local(manifest.tag) != "manifest" or root_types != [mime_type]:
        raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label)
    if any("script" in _attribute(entry, "media-type").lower() for entry in manifest):
        raise _refuse(OFFICE_SCRIPT_ERROR, "office_script", name)
    for part in _ODF_STRUCTURE_PARTS:
        if part not in infos:
            continue
        root = _parse(archive, infos[part], bounds)
        if part == "content.xml" and _local(root.tag) != "document-content":
            raise _refuse(CONTAINER_MISMATCH_ERROR, "container_mismatch", name, label=label)
        for element in root.iter():
            tag = _local(element.tag)
            if tag in _ODF_SCRIPT_ELEMENTS:
                raise _refuse(OFFICE_SCRIPT_ERROR, "office_script", name)
            if tag in _ODF_ACTIVE_OBJECTS:
                raise _refuse(OFFICE_MACRO_ERROR, "office_macro", name)
            href = _attribute(element, "href")
            if tag in _ODF_LINKING and href and _is_external(href):
                raise _refuse(OFFICE_EXTERNAL_ERROR, "office_external", name)


def _is_external(href: str) -> bool:
    # Inside the package a link is relative ("Pictures/…", "./Object 1"); anything else leaves it.
    return ":" in href or href.startswith(("/", "\\", "../"))


# --- images ------------------------------------------------------------------------------------
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_end(data: io.BufferedIOBase) -> int:
    """The offset after the IEND chunk, walking the chunks by their lengths."""
    data.seek(len(_PNG_SIGNATURE))
    while True:
        header = data.read(8)
        if len(header) < 8:
            raise ValueError("no IEND")
        length, kind = struct.unpack(">I4s", header)
        data.seek(length + 4, io.SEEK_CUR)  # the data and its CRC
        if kind == b"IEND":
            return data.tell()


_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length


def _jpeg_end(data: io.BufferedIOBase) -> int:
    """The offset after the EOI marker, walking the segments and the entropy-coded scans."""
    data.seek(2)  # after SOI
    while True:
        byte = data.read(1)
        if not byte:
            raise ValueError("no EOI")
        if byte != b"\xff":
            continue  # inside a scan: entropy-coded data
        marker = data.read(1)
        while marker == b"\xff":  # fill bytes
            marker = data.read(1)
        if not marker:
            raise ValueError("no EOI")
        code = marker[0]
        if code == 0x00 or code in _JPEG_STANDALONE:
            continue  # a stuffed 0xFF or a restart marker, still inside the scan
        if code == 0xD9:
            return data.tell()
        (length,) = struct.unpack(">H", data.read(2))
        data.seek(length - 2, io.SEEK_CUR)


def check_image(uploaded_file: UploadedFile, *, size: int, bounds: Limits, label: str) -> None:
    """Refuse an image Pillow cannot read within the pixel limit, or one with data after its end."""
    from PIL import Image

    name = uploaded_file.name or ""
    uploaded_file.seek(0)
    try:
        with Image.open(uploaded_file) as image:
            width, height = image.size
            if width * height > bounds.image_pixels:
                raise ValueError("too many pixels")
            image.verify()
        uploaded_file.seek(0)
        end = _png_end(uploaded_file) if label == "PNG" else _jpeg_end(uploaded_file)
    except (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError) as error:
        raise _refuse(IMAGE_BROKEN_ERROR, "image_broken", name, limit=f"{bounds.image_pixels:,}") from error
    finally:
        uploaded_file.seek(0)
    if end < size:
        raise _refuse(IMAGE_TRAILING_DATA_ERROR, "image_trailing_data", name)
