"""Attachments: type by content, safe names, checksums, text, and files that follow the rows."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat

from resolutions import services
from resolutions.attachments import (
    ALLOWED_TYPES,
    DISGUISED_FILE_ERROR,
    DOCX,
    EMPTY_FILE_ERROR,
    FILE_TOO_LARGE_ERROR,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    UNSUPPORTED_FILE_ERROR,
    XLSX,
    extract_text,
    sanitize_file_name,
)
from resolutions.filecheck import OFFICE_MACRO_ERROR, PDF_UNREADABLE_ERROR
from resolutions.models import Attachment
from resolutions.workflow import EDIT_NOT_DRAFT_ERROR, EDIT_ROLE_ERROR
from tests.factories import TINY_PDF
from tests.resolutions.conftest import messages_of, rendered
from tests.resolutions.documents import image, ooxml, opendocument, zip_of

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


# --- real small files -----------------------------------------------------------------
FILES = {
    "png": image("PNG"),
    "jpeg": image("JPEG"),
    "docx": ooxml("word/document.xml"),
    # LibreOffice and others put the parts in another order; the directory decides.
    "docx_docprops_first": ooxml("word/document.xml", first="docProps/app.xml"),
    "xlsx": ooxml("xl/workbook.xml"),
    "odt": opendocument(ODT, body="<office:text/>"),
    "ods": opendocument(ODS, body="<office:spreadsheet/>"),
}


@pytest.fixture(scope="module")
def text_pdf():
    from weasyprint import HTML

    return HTML(
        string="<h1>Beitritt</h1><p>Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz</p>"
    ).write_pdf()


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _add(paper, by, name: str, content: bytes, **kwargs) -> Attachment:
    return services.attachment_add(
        paper=paper,
        by=by,
        uploaded_file=SimpleUploadedFile(name, content),
        name=kwargs.pop("title", "Anlage"),
        **kwargs,
    )


@pytest.fixture
def attachment(draft, clerk):
    return _add(draft, clerk, "anlage.pdf", TINY_PDF, title="Anlage 1")


# --- adding ---------------------------------------------------------------------------
def test_pdf_is_stored_with_checksum_size_and_a_clean_name(draft, clerk):
    upload = SimpleUploadedFile("../../etc/Gründungs erklärung?.pdf", TINY_PDF, content_type="text/plain")

    added = services.attachment_add(
        paper=draft,
        by=clerk,
        uploaded_file=upload,
        name="Gründungserklärung",
        attachment_type=Attachment.Type.FOUNDING_DECLARATION,
        public=False,
    )

    stored = Attachment.objects.get(pk=added.pk)
    assert stored.file_name == "Gruendungs_erklaerung.pdf"
    assert stored.mime_type == PDF  # from the content, not from the browser's "text/plain"
    assert stored.size == len(TINY_PDF)
    assert stored.sha512 == hashlib.sha512(TINY_PDF).hexdigest()
    assert (stored.name, stored.attachment_type, stored.public, stored.order) == (
        "Gründungserklärung",
        Attachment.Type.FOUNDING_DECLARATION,
        False,
        1,
    )
    assert stored.file.name.startswith(f"attachments/{draft.reference}/")
    assert stored.file.name.endswith("-Gruendungs_erklaerung.pdf")
    assert ".." not in stored.file.name
    with stored.file.open("rb") as handle:
        assert handle.read() == TINY_PDF


def test_attachments_are_listed_in_the_order_added(draft, clerk):
    first = _add(draft, clerk, "a.pdf", TINY_PDF)
    second = _add(draft, clerk, "b.png", FILES["png"])
    assert (first.order, second.order) == (1, 2)


@pytest.mark.parametrize(
    ("kind", "upload_name", "mime_type", "file_name"),
    [
        ("png", "Lageplan.png", PNG, "Lageplan.png"),
        ("jpeg", "Foto Straße.jpeg", JPEG, "Foto_Strasse.jpeg"),
        ("jpeg", "foto.JPG", JPEG, "foto.jpg"),
        ("docx", "Stellungnahme.docx", DOCX, "Stellungnahme.docx"),
        ("docx_docprops_first", "Stellungnahme.docx", DOCX, "Stellungnahme.docx"),
        ("xlsx", "Kosten.xlsx", XLSX, "Kosten.xlsx"),
        ("odt", "Beitrittserklärung.odt", ODT, "Beitrittserklaerung.odt"),
        ("ods", "Finanzplan.ods", ODS, "Finanzplan.ods"),
        # The content is the truth; the name gets the content's extension.
        ("png", "Lageplan.pdf", PNG, "Lageplan.png"),
        ("odt", "Erklärung", ODT, "Erklaerung.odt"),
    ],
)
def test_allowed_types_are_recognised_by_content(draft, clerk, kind, upload_name, mime_type, file_name):
    added = _add(draft, clerk, upload_name, FILES[kind])
    assert (added.mime_type, added.file_name) == (mime_type, file_name)
    assert added.sha512 == hashlib.sha512(FILES[kind]).hexdigest()


def test_text_is_extracted_from_a_pdf_after_the_upload_commits(
    draft, clerk, text_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        added = _add(draft, clerk, "beitritt.pdf", text_pdf)
        # In the request: no text yet, only the promise of it.
        assert (added.text, added.text_state) == ("", Attachment.TextState.PENDING)
    assert len(callbacks) == 1
    added.refresh_from_db()
    assert added.text_state == Attachment.TextState.EXTRACTED
    assert "Soziale Stadtentwicklung" in added.text
    assert "Bündnis" in added.text


def test_extracted_text_is_capped(settings, text_pdf):
    settings.RATSBUCH_MAX_EXTRACTED_CHARS = 10
    assert len(extract_text(text_pdf, mime_type=PDF).text) == 10


def test_a_broken_pdf_is_refused_as_it_cannot_be_checked(settings, draft, clerk):
    broken = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 9 0 R>>\nthis is not a pdf body\n%%EOF"
    _refused(settings, draft, clerk, "kaputt.pdf", broken, PDF_UNREADABLE_ERROR)


# --- refusals -------------------------------------------------------------------------
def _refused(settings, draft, by, name, content, message) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        _add(draft, by, name, content)
    assert messages_of(excinfo.value) == [message]
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []
    return excinfo.value


def test_an_executable_disguised_as_pdf_is_refused(settings, draft, clerk):
    error = _refused(settings, draft, clerk, "beschluss.pdf", EXE, DISGUISED_FILE_ERROR)
    assert "beschluss.pdf" in rendered(error)
    assert "PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG" in rendered(error)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, UNSUPPORTED_FILE_ERROR),
        ("notizen.txt", b"Nur Text.", UNSUPPORTED_FILE_ERROR),
        ("archiv.zip", zip_of([("a.txt", "x")]), UNSUPPORTED_FILE_ERROR),
        ("bild.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", UNSUPPORTED_FILE_ERROR),
        ("lageplan.png", b"<html><script>alert(1)</script></html>", DISGUISED_FILE_ERROR),
        ("kaputt.odt", b"PK\x03\x04" + b"\x00" * 200, DISGUISED_FILE_ERROR),
        ("erklaerung.odt", opendocument("application/vnd.oasis.opendocument.graphics"), DISGUISED_FILE_ERROR),
        # A macro-enabled Word document (.docm) renamed .docx.
        (
            "makro.docx",
            ooxml("word/document.xml", extra=[("word/vbaProject.bin", "macro")]),
            OFFICE_MACRO_ERROR,
        ),
    ],
)
def test_other_content_is_refused(settings, draft, clerk, name, content, message):
    _refused(settings, draft, clerk, name, content, message)


def test_a_file_over_the_limit_is_refused(settings, draft, clerk):
    settings.RATSBUCH_MAX_UPLOAD_BYTES = 1000
    error = _refused(settings, draft, clerk, "gross.pdf", TINY_PDF + b"%" * 1000, FILE_TOO_LARGE_ERROR)
    assert str(filesizeformat(1000)) in rendered(error)


def test_the_limit_counts_the_bytes_not_the_declared_size(settings, draft, clerk):
    settings.RATSBUCH_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("gross.pdf", TINY_PDF + b"%" * 1000)
    upload.size = 10  # a client that lies
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_add(paper=draft, by=clerk, uploaded_file=upload, name="Anlage")
    assert messages_of(excinfo.value) == [FILE_TOO_LARGE_ERROR]
    assert _stored_files(settings) == []


def test_the_limit_defaults_to_twenty_megabytes(settings):
    from resolutions.attachments import max_upload_bytes

    del settings.RATSBUCH_MAX_UPLOAD_BYTES
    assert max_upload_bytes() == 20 * 1024 * 1024


def test_an_empty_file_is_refused(settings, draft, clerk):
    _refused(settings, draft, clerk, "leer.pdf", b"", EMPTY_FILE_ERROR)


def test_no_file_is_left_when_the_row_cannot_be_saved(settings, draft, clerk, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Attachment, "_do_insert", fail)
    with pytest.raises(IntegrityError):
        _add(draft, clerk, "anlage.pdf", TINY_PDF)
    assert _stored_files(settings) == []


@pytest.mark.parametrize("who", ["head", "other_clerk", "office"])
def test_only_clerks_of_the_unit_attach(request, settings, draft, who):
    _refused(settings, draft, request.getfixturevalue(who), "anlage.pdf", TINY_PDF, EDIT_ROLE_ERROR)


# --- replacing and removing -----------------------------------------------------------
def test_replace_puts_the_new_file_in_place_and_drops_the_old_after_commit(
    settings, attachment, clerk, django_capture_on_commit_callbacks
):
    old_path = Path(attachment.file.path)

    with django_capture_on_commit_callbacks() as callbacks:
        replaced = services.attachment_replace(
            attachment=attachment, by=clerk, uploaded_file=SimpleUploadedFile("Plan.png", FILES["png"])
        )
        assert old_path.exists()  # nothing is deleted before the commit
    for callback in callbacks:
        callback()

    stored = Attachment.objects.get(pk=attachment.pk)
    assert (stored.mime_type, stored.file_name, stored.size) == (PNG, "Plan.png", len(FILES["png"]))
    assert stored.sha512 == hashlib.sha512(FILES["png"]).hexdigest()
    assert (stored.name, stored.order) == ("Anlage 1", 1)
    assert not old_path.exists()
    assert _stored_files(settings) == [Path(replaced.file.path)]


def test_a_refused_replacement_keeps_the_old_file(settings, attachment, clerk):
    before = _stored_files(settings)
    with pytest.raises(ValidationError) as excinfo:
        services.attachment_replace(attachment=attachment, by=clerk, uploaded_file=SimpleUploadedFile("b.pdf", EXE))
    assert messages_of(excinfo.value) == [DISGUISED_FILE_ERROR]
    stored = Attachment.objects.get(pk=attachment.pk)
    assert (stored.sha512, stored.file.name) == (attachment.sha512, attachment.file.name)
    assert _stored_files(settings) == before


def test_remove_deletes_the_row_and_after_commit_the_file(
    settings, attachment, clerk, django_capture_on_commit_callbacks
):
    path = Path(attachment.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment, by=clerk)

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()


def test_a_rolled_back_removal_loses_nothing(attachment, clerk, django_capture_on_commit_callbacks):
    path = Path(attachment.file.path)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.attachment_remove(attachment=attachment, by=clerk)
        raise RuntimeError("the surrounding work failed")

    assert callbacks == []
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert path.exists()


def test_attachments_are_frozen_once_released(settings, attachment, clerk, head, finance_head):
    services.paper_submit(paper=attachment.paper, by=clerk, cosigners=[head, finance_head])
    services.paper_cosign(paper=attachment.paper, by=head)
    services.paper_cosign(paper=attachment.paper, by=finance_head)
    services.paper_release(paper=attachment.paper, by=head)
    before = _stored_files(settings)
    calls = [
        lambda: _add(attachment.paper, clerk, "neu.pdf", TINY_PDF),
        lambda: services.attachment_replace(
            attachment=attachment, by=clerk, uploaded_file=SimpleUploadedFile("neu.pdf", TINY_PDF)
        ),
        lambda: services.attachment_remove(attachment=attachment, by=clerk),
    ]

    for call in calls:
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert messages_of(excinfo.value) == [EDIT_NOT_DRAFT_ERROR]

    assert list(Attachment.objects.values_list("pk", "sha512")) == [(attachment.pk, attachment.sha512)]
    assert _stored_files(settings) == before


@pytest.mark.parametrize("who", ["head", "other_clerk"])
def test_only_clerks_of_the_unit_replace_or_remove(request, attachment, who):
    by = request.getfixturevalue(who)
    for call in (
        lambda: services.attachment_replace(
            attachment=attachment, by=by, uploaded_file=SimpleUploadedFile("n.pdf", TINY_PDF)
        ),
        lambda: services.attachment_remove(attachment=attachment, by=by),
    ):
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert messages_of(excinfo.value) == [EDIT_ROLE_ERROR]
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- names ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "mime_type", "expected"),
    [
        ("../../etc/Gründungs erklärung?.pdf", PDF, "Gruendungs_erklaerung.pdf"),
        ("C:\\Users\\sb\\Desktop\\Übersicht ÄÖÜ ß.pdf", PDF, "Uebersicht_AeOeUe_ss.pdf"),
        ("Café résumé.pdf", PDF, "Cafe_resume.pdf"),
        (".htaccess", PDF, "htaccess.pdf"),
        ("???.pdf", PDF, "anlage.pdf"),
        ("Sitzung 18.03.2013", PDF, "Sitzung_18.03.2013.pdf"),
        ("beschluss.pdf.exe", PDF, "beschluss.pdf.pdf"),
        ('<Plan> (alt)|"neu".png', PNG, "Plan_altneu.png"),
        ("x" * 300 + ".pdf", PDF, "x" * 100 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(name, mime_type, expected):
    assert sanitize_file_name(name, file_type=ALLOWED_TYPES[mime_type]) == expected
