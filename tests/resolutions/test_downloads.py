"""Every stored file goes out safely: the detected type, nosniff, a sandbox, attachment unless a checked PDF."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from resolutions import services
from resolutions.downloads import SANDBOX_POLICY, may_show_inline
from tests.factories import TINY_PDF, AgendaItemFactory, AttachmentFactory
from tests.resolutions.documents import image


def _safe(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_POLICY
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("plan.png", image("PNG"), "image/png"), ("beitritt.pdf", TINY_PDF, "application/pdf")],
)
def test_an_attachment_is_a_sandboxed_download_of_the_detected_type(client, draft, clerk, name, content, content_type):
    # The browser claims a web page; what is stored and sent is what the content is.
    upload = SimpleUploadedFile(name, content, content_type="text/html")
    attachment = services.attachment_add(paper=draft, by=clerk, uploaded_file=upload, name="Anlage")
    client.force_login(clerk)

    response = client.get(attachment.get_absolute_url())

    _safe(response, content_type)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_an_item_document_is_a_sandboxed_download(client, office, committee):
    from tests.council.conftest import at, meeting_of

    meeting = meeting_of(committee, start=at(datetime.date(2031, 3, 4)))
    item = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Mitteilungen", public=True)
    upload = SimpleUploadedFile("bericht.png", image("PNG"), content_type="application/javascript")
    document = services.item_document_add(item=item, by=office, uploaded_file=upload, name="Bericht")

    response = Client().get(document.get_absolute_url())

    _safe(response, "image/png")
    assert response["Content-Disposition"] == 'attachment; filename="bericht.png"'


@pytest.mark.parametrize(
    ("checked", "mime_type", "file_name", "disposition"),
    [
        (True, "application/pdf", "anlage.pdf", 'inline; filename="anlage.pdf"'),
        # Imported, never checked: not shown inline, and OParl's accessUrl must not be an attachment.
        (False, "application/pdf", "anlage.pdf", None),
        (True, "image/png", "plan.png", None),
    ],
)
def test_only_a_checked_pdf_is_shown_inline_at_the_oparl_access_url(paper, checked, mime_type, file_name, disposition):
    attachment = AttachmentFactory(
        paper=paper, checked=checked, mime_type=mime_type, file_name=file_name, file=ContentFile(b"x", name=file_name)
    )
    assert may_show_inline(attachment) is (disposition is not None)

    access = Client().get(reverse("oparl:file_access", kwargs={"pk": attachment.pk}))
    download = Client().get(reverse("oparl:file_download", kwargs={"pk": attachment.pk}))

    _safe(access, mime_type)
    assert access.get("Content-Disposition") == disposition
    _safe(download, mime_type)
    assert download["Content-Disposition"] == f'attachment; filename="{file_name}"'
