"""Only the public record is served, to anyone; and every response has the headers OParl asks for."""

import json
from collections import deque

import pytest

from oparl import views
from resolutions.models import Paper
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    ConsultationFactory,
    DecisionFactory,
    MembershipFactory,
    PaperFactory,
    PersonFactory,
    ReleasedPaperFactory,
    UnitFactory,
)
from tests.oparl.conftest import JSON_CONTENT_TYPE, api_url

SECRET_RESOLUTION = "Der Ausschuss stimmt der Einstellung von Katrin Vogelsang zu."


@pytest.fixture
def hidden(record):
    """One thing of every kind the public may not see, next to the public record."""
    body = record.body
    draft = PaperFactory(body=body, name="Entwurf: Neuordnung der Quartiersbüros")
    draft_step = ConsultationFactory(paper=draft, organization=record.committee)
    draft_file = AttachmentFactory(paper=draft, name="Entwurfsskizze", file_name="entwurfsskizze.pdf")
    closed = ReleasedPaperFactory(body=body, name="Personalangelegenheit Quartiersmanagement", public=False)
    closed_item = AgendaItemFactory(
        meeting=record.meeting, number="9", order=9, name="Personalangelegenheit", public=False
    )
    closed_step = ConsultationFactory(paper=closed, organization=record.committee, agenda_item=closed_item)
    closed_file = AttachmentFactory(paper=closed, name="Bewerbungsunterlagen", file_name="bewerbung.pdf")
    closed_decision = DecisionFactory(
        consultation=closed_step, agenda_item=closed_item, resolution_text=SECRET_RESOLUTION, votes_yes=9
    )
    secret_annex = AttachmentFactory(
        paper=record.paper, name="Interne Kostenschätzung", file_name="kosten-intern.pdf", public=False, order=2
    )
    clerk = PersonFactory(body=body, given_name="Sabine", family_name="Sachbearbeiterin")
    clerk_seat = MembershipFactory(person=clerk, organization=UnitFactory(body=body))
    return {
        "ids": {
            api_url("oparl:paper", pk=draft.pk),
            api_url("oparl:paper", pk=closed.pk),
            api_url("oparl:consultation", pk=draft_step.pk),
            api_url("oparl:consultation", pk=closed_step.pk),
            api_url("oparl:file", pk=draft_file.pk),
            api_url("oparl:file", pk=closed_file.pk),
            api_url("oparl:file", pk=secret_annex.pk),
            api_url("oparl:agendaitem", pk=closed_item.pk),
            api_url("oparl:person", pk=clerk.pk),
            api_url("oparl:membership", pk=clerk_seat.pk),
            api_url("oparl:paper_main_file", pk=draft.pk),
            api_url("oparl:paper_main_file", pk=closed.pk),
        },
        "bytes": [
            api_url(name, pk=pk)
            for pk in (draft_file.pk, closed_file.pk, secret_annex.pk)
            for name in ("oparl:file_access", "oparl:file_download")
        ]
        + [
            api_url("oparl:paper_main_file_access", pk=draft.pk),
            api_url("oparl:paper_main_file_download", pk=closed.pk),
        ],
        "texts": {
            draft.name,
            closed.name,
            closed_item.name,
            closed_file.name,
            draft_file.name,
            secret_annex.name,
            SECRET_RESOLUTION,
            "Sachbearbeiterin",
            closed.reference,
            draft.reference,
        },
        "decision": closed_decision,
    }


def every_list(record) -> list[str]:
    urls = [api_url("oparl:body_list")]
    urls += [api_url("oparl:body_objects", pk=record.body.pk, kind=kind) for kind in views.BODY_LIST_KINDS]
    urls += [
        api_url(name, pk=record.committee.pk)
        for name in ("oparl:organization_meetings", "oparl:organization_consultations")
    ]
    return urls


def crawl_text(oparl_response, start: list[str]) -> dict[str, str]:
    """The JSON text of every API document reachable from the start URLs."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue:
        url = queue.popleft()
        if url in seen or url.endswith(("/access/", "/download/")):
            continue
        response = oparl_response(url)
        assert response.status_code == 200, url
        seen[url] = response.content.decode("utf-8")
        queue.extend(link for link in _links(json.loads(seen[url])) if link not in seen)
    return seen


def _links(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _links(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _links(inner)
    elif isinstance(value, str) and value.startswith("http://testserver/oparl/"):
        yield value


def test_nothing_hidden_is_listed_linked_or_mentioned(oparl_response, record, hidden):
    documents = crawl_text(oparl_response, [api_url("oparl:system"), *every_list(record)])

    assert api_url("oparl:paper", pk=record.paper.pk) in documents
    assert not hidden["ids"] & set(documents)
    everything = "\n".join(documents.values())
    assert [text for text in hidden["texts"] if text in everything] == []


def test_hidden_things_are_404_at_their_ids_and_their_bytes(oparl_get, oparl_response, hidden):
    for url in hidden["ids"]:
        error = oparl_get(url, status=404)
        assert error["type"] == "https://schema.oparl.org/1.1/Error"
    for url in hidden["bytes"]:
        assert oparl_response(url).status_code == 404, url


def test_the_decision_of_a_non_public_item_shows_nowhere(oparl_get, record, hidden):
    meeting = oparl_get(api_url("oparl:meeting", pk=record.meeting.pk))

    assert [item["number"] for item in meeting["agendaItem"]] == ["3"]
    assert SECRET_RESOLUTION not in json.dumps(meeting, ensure_ascii=False)


def test_a_logged_in_member_reads_the_same_public_record(client, member, record, hidden):
    client.force_login(member)

    for url in sorted(hidden["ids"]):
        assert client.get(url.removeprefix("http://testserver")).status_code == 404, url
    for url in hidden["bytes"]:
        assert client.get(url.removeprefix("http://testserver")).status_code == 404, url


def test_drafts_and_non_public_papers_are_never_counted(oparl_get, record, hidden):
    page = oparl_get(api_url("oparl:body_objects", pk=record.body.pk, kind="papers"))

    assert page["pagination"]["totalElements"] == Paper.objects.public().count() == 1


# --- headers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("oparl:system", 200),
        ("oparl:body_list", 200),
        ("missing-object", 404),
        ("bad-filter", 400),
    ],
)
def test_every_json_response_is_utf8_json_with_cors(oparl_response, record, path, status):
    url = {
        "missing-object": api_url("oparl:paper", pk=999999),
        "bad-filter": api_url("oparl:body_list") + "?created_since=gestern",
    }.get(path) or api_url(path)

    response = oparl_response(url)

    assert response.status_code == status
    assert response["Content-Type"] == JSON_CONTENT_TYPE
    assert response["Access-Control-Allow-Origin"] == "*"
    json.loads(response.content.decode("utf-8"))


def test_json_is_utf8_without_escapes(oparl_response, record):
    response = oparl_response(api_url("oparl:person", pk=record.person.pk))

    assert "Müller".encode() in response.content
    assert b"\\u00fc" not in response.content


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, record, method):
    response = getattr(client, method)(api_url("oparl:system").removeprefix("http://testserver"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Content-Type"] == JSON_CONTENT_TYPE
    assert response["Access-Control-Allow-Origin"] == "*"


def test_options_says_what_is_allowed(client, record):
    response = client.options(api_url("oparl:system").removeprefix("http://testserver"))

    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_head_sends_the_headers_without_the_body(client, record):
    url = api_url("oparl:paper", pk=record.paper.pk).removeprefix("http://testserver")

    get, head = client.get(url), client.head(url)

    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Content-Type"] == JSON_CONTENT_TYPE


def test_conditional_get_answers_304(oparl_response, record):
    url = api_url("oparl:paper", pk=record.paper.pk)
    first = oparl_response(url)

    assert first["ETag"] and first["Last-Modified"]
    assert oparl_response(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert oparl_response(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    record.paper.name = "Ein neuer Titel"
    record.paper.save()
    assert oparl_response(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_file_access_is_inline_and_download_an_attachment_with_the_name(oparl_response, record):
    access = oparl_response(api_url("oparl:file_access", pk=record.attachment.pk))
    download = oparl_response(api_url("oparl:file_download", pk=record.attachment.pk))

    record.attachment.file.open("rb")
    stored = record.attachment.file.read()
    for response in (access, download):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert int(response["Content-Length"]) == record.attachment.size == len(stored)
        assert _content(response) == stored
    assert access["Content-Disposition"].startswith("inline;")
    # The name has umlauts: an ASCII fallback and the exact name in RFC 5987 encoding.
    assert download["Content-Disposition"] == (
        "attachment; filename=\"grundungserklarung.pdf\"; filename*=UTF-8''gr%C3%BCndungserkl%C3%A4rung.pdf"
    )


def test_an_ascii_file_name_needs_no_encoding():
    assert views.content_disposition("attachment", "anlage 1.pdf") == 'attachment; filename="anlage 1.pdf"'
    assert views.content_disposition("attachment", 'a"b.pdf').startswith('attachment; filename="ab.pdf"; filename*=')


def test_the_sites_documents_come_as_pdf(oparl_response, record):
    invitation = oparl_response(api_url("oparl:meeting_invitation_download", pk=record.meeting.pk))
    vorlage = oparl_response(api_url("oparl:paper_main_file_access", pk=record.paper.pk))

    assert invitation.status_code == vorlage.status_code == 200
    assert invitation["Content-Type"] == vorlage["Content-Type"] == "application/pdf"
    assert invitation["Content-Disposition"] == f'attachment; filename="Einladung-{record.meeting.pk}.pdf"'
    assert vorlage["Content-Disposition"].startswith("inline;")
    assert _content(invitation).startswith(b"%PDF") and _content(vorlage).startswith(b"%PDF")
