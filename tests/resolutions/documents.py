"""Small real documents for the upload tests, passive and hostile, built in the tests (no fixtures on disk)."""

import io
import zipfile

from PIL import Image

from tests.factories import pdf_bytes

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def zip_of(entries, *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in entries:
            # OpenDocument wants its `mimetype` first and uncompressed.
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


def _relationships(*relations: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{"".join(relations)}</Relationships>'
    )


def ooxml(
    main_part: str = "word/document.xml",
    *,
    first: str = "[Content_Types].xml",
    types: str = "",
    body: str = "<w:body><w:p><w:r><w:t>Beitritt</w:t></w:r></w:p></w:body>",
    main_rels: str = "",
    extra=(),
) -> bytes:
    """A DOCX (or, with xl/workbook.xml, an XLSX) as Word writes its skeleton, plus `extra` parts."""
    if main_part == "xl/workbook.xml":
        main_type, main = XLSX_MAIN, f'<workbook xmlns="{S}"><sheets/></workbook>'
    else:
        main_type, main = DOCX_MAIN, f'<w:document xmlns:w="{W}" xmlns:r="{REL}">{body}</w:document>'
    folder, _slash, file_name = main_part.rpartition("/")
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{types}</Types>'
        ),
        "_rels/.rels": _relationships(f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="{main_part}"/>'),
        "docProps/app.xml": '<?xml version="1.0"?><Properties/>',
        main_part: f'<?xml version="1.0" encoding="UTF-8"?>{main}',
        **({f"{folder}/_rels/{file_name}.rels": _relationships(main_rels)} if main_rels else {}),
        **dict(extra),
    }
    order = [first, *(name for name in parts if name != first)]
    return zip_of([(name, parts[name]) for name in order])


ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_NAMESPACES = (
    f'xmlns:office="{ODF_OFFICE}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'
)


def opendocument(
    mime_type: str = "application/vnd.oasis.opendocument.text",
    *,
    body: str = "<office:text><text:p>Beitritt</text:p></office:text>",
    manifest_entries: str = "",
    extra=(),
) -> bytes:
    """An ODT (or ODS) as LibreOffice writes its skeleton, plus `extra` parts."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime_type}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        f"{manifest_entries}</manifest:manifest>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES} office:version="1.3">'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    return zip_of([("mimetype", mime_type), ("META-INF/manifest.xml", manifest), ("content.xml", content), *extra])


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_with(catalog_extra: bytes = b"", *more_objects: bytes, page_extra: bytes = b"") -> bytes:
    """A one-page PDF whose catalog (object 1) and page (object 3) carry extra entries; more objects from 4 on."""
    return pdf_bytes(
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]" + page_extra + b">>",
        *more_objects,
    )
