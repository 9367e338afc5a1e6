"""Documents of free agenda items: attached by the office on the agenda page, downloaded as the item is visible."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.models import Meeting
from resolutions import services
from resolutions.models import ItemDocument
from tests.council.conftest import at, meeting_of
from tests.factories import TINY_PDF, AgendaItemFactory


@pytest.fixture
def meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2031, 3, 4)), name="5. Sitzung des Ausschusses")


@pytest.fixture
def documents(meeting, office):
    """A document on a public and one on a non-public free item."""
    public = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Mitteilungen", public=True)
    closed = AgendaItemFactory(meeting=meeting, number="2", order=2, name="Personalsache", public=False)
    return {
        "public": services.item_document_add(
            item=public, by=office, uploaded_file=SimpleUploadedFile("bericht.pdf", TINY_PDF), name="Kita-Bericht"
        ),
        "closed": services.item_document_add(
            item=closed, by=office, uploaded_file=SimpleUploadedFile("bewerbung.pdf", TINY_PDF), name="Bewerbung"
        ),
    }


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_public_items_document_is_for_everyone_and_served_safely(client, documents):
    response = client.get(documents["public"].get_absolute_url())

    assert response.status_code == 200
    assert _content(response) == TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;") and "bericht.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("clerk", 404), ("member", 200), ("office", 200)])
def test_a_non_public_items_document_reaches_members_and_the_office_only(request, client, documents, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    assert client.get(documents["closed"].get_absolute_url()).status_code == status


def test_a_document_is_not_found_under_another_item_or_meeting(client, documents):
    document = documents["public"]
    wrong = reverse(
        "resolutions:item_document_download",
        kwargs={"pk": document.agenda_item.meeting_id + 1, "item": document.agenda_item_id, "document": document.pk},
    )

    assert client.get(wrong).status_code == 404


def test_the_meeting_page_lists_the_documents_the_reader_may_see(client, documents, member):
    page = client.get(documents["public"].agenda_item.meeting.get_absolute_url()).text
    assert "Kita-Bericht" in page and "Bewerbung" not in page

    client.force_login(member)
    assert "Bewerbung" in client.get(documents["public"].agenda_item.meeting.get_absolute_url()).text


def _agenda(meeting):
    return reverse("resolutions:agenda_edit", kwargs={"pk": meeting.pk})


def test_the_office_attaches_a_document_on_the_agenda_page(client, office, meeting):
    item = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Mitteilungen")
    client.force_login(office)

    response = client.post(
        _agenda(meeting),
        {
            "action": "add_document",
            "item": item.pk,
            "name": "",
            "file": SimpleUploadedFile("Präsentation.pdf", TINY_PDF),
        },
    )

    assert response.status_code == 302
    document = ItemDocument.objects.get()
    assert (document.agenda_item, document.name) == (item, document.file_name)
    assert document.get_absolute_url() in client.get(_agenda(meeting)).text


def test_a_refused_upload_says_why_and_stores_nothing(client, office, meeting):
    item = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Mitteilungen")
    client.force_login(office)

    response = client.post(
        _agenda(meeting),
        {"action": "add_document", "item": item.pk, "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
        follow=True,
    )

    assert not ItemDocument.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("who", ["clerk", "head", "member"])
def test_others_may_not_attach_documents(request, client, meeting, who):
    item = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Mitteilungen")
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        _agenda(meeting), {"action": "add_document", "item": item.pk, "file": SimpleUploadedFile("a.pdf", TINY_PDF)}
    )

    assert response.status_code == 403 and not ItemDocument.objects.exists()


def test_the_office_removes_a_document_on_the_agenda_page(client, office, documents):
    document = documents["public"]
    client.force_login(office)

    client.post(_agenda(document.agenda_item.meeting), {"action": "remove_document", "document": document.pk})

    assert not ItemDocument.objects.filter(pk=document.pk).exists()
