"""The OParl importer against a small OParl server in a dict: paging, retries, tolerance, incremental runs."""

import copy
import datetime
import hashlib
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import responses
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import resolve, reverse
from django.utils import timezone

from council.models import AgendaItem, Attendance, Body, LegislativeTerm, Meeting, Membership, Organization
from council.models import Person as PersonModel
from oparl.importer.client import OParlClient, Response, build_session, getter_from_dict, session_getter
from oparl.importer.mapping import decision_result, to_date, to_datetime, type_name
from oparl.importer.records import Outcome
from oparl.importer.run import Options, import_oparl
from oparl.management.commands.import_oparl import COLUMN_LABELS
from oparl.models import ImportedObject, ImportRun
from resolutions.models import Attachment, Consultation, Decision, Paper
from resolutions.views import documents, drafting
from resolutions.views import reading as reading_views
from tests.factories import TINY_PDF

BASE = "https://ris.example.org/oparl/v1"
SCHEMA = "https://schema.oparl.org/1.1/"
OLD = "2013-01-10T09:00:00+01:00"
ANNEX = b"%PDF-1.4\n% Anlage\n" + TINY_PDF[9:]


def url(path: str) -> str:
    return f"{BASE}/{path}"


class FakeServer:
    """An OParl server in memory: objects at their ids, lists paged along links.next, file bytes.

    `modified_since` on a list keeps the objects modified since then, as a real server does;
    `fail` makes a URL answer with the given statuses in turn (the last one repeats).
    """

    def __init__(self, page_size: int = 2):
        self.page_size = page_size
        self.objects: dict[str, dict] = {}
        self.lists: dict[str, list[str]] = {}
        self.files: dict[str, bytes] = {}
        self.fail: dict[str, list[int]] = {}
        self.requests: list[str] = []

    def get(self, requested: str) -> Response:
        self.requests.append(requested)
        parts = urlsplit(requested)
        path = requested.split("?")[0]
        params = dict(parse_qsl(parts.query))
        if self.fail.get(path):
            statuses = self.fail[path]
            status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
            return Response(status, b"")
        if path in self.files:
            return Response(200, self.files[path], "application/pdf")
        if path in self.lists:
            return Response(200, json.dumps(self._page(path, params)).encode())
        if path in self.objects:
            return Response(200, json.dumps(self.objects[path]).encode())
        return Response(404, b"{}")

    def _page(self, path: str, params: dict) -> dict:
        items = [self.objects[i] for i in self.lists[path]]
        since = to_datetime(params.get("modified_since"))
        if since is not None:
            items = [item for item in items if to_datetime(item.get("modified", OLD)) >= since]
        page = int(params.get("page", 1))
        chunk = items[(page - 1) * self.page_size : page * self.page_size]
        links = {}
        if page * self.page_size < len(items):
            links["next"] = f"{path}?{urlencode({**params, 'page': page + 1})}"
        return {"data": chunk, "pagination": {"totalElements": len(items)}, "links": links}

    def add(self, obj: dict, *, list_path: str | None = None) -> dict:
        obj.setdefault("created", OLD)
        obj.setdefault("modified", OLD)
        self.objects[obj["id"]] = obj
        if list_path:
            self.lists.setdefault(url(list_path), []).append(obj["id"])
        return obj

    def touch(self, oparl_id: str, **changes) -> None:
        """Change an object and mark it modified now (after the last run began)."""
        self.objects[oparl_id].update(changes)
        self.objects[oparl_id]["modified"] = (timezone.now() + datetime.timedelta(seconds=5)).isoformat()

    def client(self) -> OParlClient:
        return OParlClient(get=self.get)


def sample_server() -> FakeServer:
    """A small 1.1 endpoint: one body, a council with a Fraktion, two people, a meeting, a Vorlage with files."""
    server = FakeServer()
    server.add({"id": url(""), "type": SCHEMA + "System", "oparlVersion": SCHEMA, "body": url("bodies")})
    server.add(
        {
            "id": url("body/1"),
            "type": SCHEMA + "Body",
            "name": "Stadt Beispielstadt",
            "shortName": "Beispielstadt",
            "ags": "09162000",
            "organization": url("body/1/organizations"),
            "person": url("body/1/persons"),
            "meeting": url("body/1/meetings"),
            "paper": url("body/1/papers"),
            "legislativeTerm": [
                {
                    "id": url("term/1"),
                    "type": SCHEMA + "LegislativeTerm",
                    "name": "WP 2009–2014",
                    "startDate": "2009-07-01",
                    "endDate": "2014-06-30",
                },
            ],
            "created": "2012-01-01T00:00:00+01:00",
            "modified": OLD,
        },
        list_path="bodies",
    )
    org = "body/1/organizations"
    # The unit is listed before the Dezernat it belongs to.
    server.add(
        {
            "id": url("org/unit"),
            "type": SCHEMA + "Organization",
            "name": "Amt für Stadtentwicklung",
            "shortName": "61",
            "organizationType": "Verwaltungsbereich",
            "subOrganizationOf": url("org/dezernat"),
        },
        list_path=org,
    )
    server.add(
        {
            "id": url("org/dezernat"),
            "type": SCHEMA + "Organization",
            "name": "Dezernat IV",
            "organizationType": "Verwaltungsbereich",
        },
        list_path=org,
    )
    server.add(
        {
            "id": url("org/council"),
            "type": SCHEMA + "Organization",
            "name": "Stadtrat",
            "organizationType": "Gremium",
            "classification": "Hauptorgan",
        },
        list_path=org,
    )
    server.add(
        {
            "id": url("org/faction"),
            "type": SCHEMA + "Organization",
            "name": "Fraktion Grün",
            "organizationType": "Fraktion",
        },
        list_path=org,
    )
    server.add(
        {
            "id": url("person/1"),
            "type": SCHEMA + "Person",
            "name": "Dr. Anna Beispiel",
            "familyName": "Beispiel",
            "givenName": "Anna",
            "title": ["Dr."],
            "gender": "female",
            "email": ["anna@example.org"],
            "membership": [
                {
                    "id": url("membership/1"),
                    "type": SCHEMA + "Membership",
                    "organization": url("org/council"),
                    "role": "Mitglied",
                    "votingRight": True,
                    "onBehalfOf": url("org/faction"),
                    "startDate": "2009-07-01",
                },
            ],
        },
        list_path="body/1/persons",
    )
    server.add(
        {
            "id": url("person/2"),
            "type": SCHEMA + "Person",
            "name": "Bernd Muster",
            "familyName": "Muster",
            "membership": [url("membership/2")],
        },
        list_path="body/1/persons",
    )
    # Given as a URL only: fetched on its own; its organization comes embedded instead of as a URL.
    server.add(
        {
            "id": url("membership/2"),
            "type": SCHEMA + "Membership",
            "person": url("person/2"),
            "organization": {
                "id": url("org/faction"),
                "type": SCHEMA + "Organization",
                "name": "Fraktion Grün",
                "organizationType": "Fraktion",
            },
        }
    )
    server.add(
        {
            "id": url("location/hall"),
            "type": SCHEMA + "Location",
            "description": "Ratssaal",
            "streetAddress": "Marktplatz 1",
            "postalCode": "80331",
            "locality": "Beispielstadt",
        }
    )
    server.add(
        {
            "id": url("meeting/1"),
            "type": SCHEMA + "Meeting",
            "name": "1. Sitzung des Stadtrates",
            "start": "2013-03-18T17:00:00+01:00",
            "end": "2013-03-18T19:30:00+01:00",
            "location": url("location/hall"),  # a URL where an object is expected
            "organization": [url("org/council")],
            "participant": [url("person/1")],
            "agendaItem": [
                {
                    "id": url("item/1"),
                    "type": SCHEMA + "AgendaItem",
                    "number": "1",
                    "name": "Eröffnung",
                    "public": True,
                },
                {
                    "id": url("item/2"),
                    "type": SCHEMA + "AgendaItem",
                    "number": "2",
                    "name": "Beitritt zum Bündnis",
                    "public": True,
                    "consultation": url("consultation/1"),
                    "result": "Beschlossen",
                    "resolutionText": "Die Stadt tritt bei.",
                    "ratsbuch:votes": {
                        "yes": 40,
                        "no": 0,
                        "abstention": 2,
                        "unanimous": True,
                        "byFaction": [{"organization": url("org/faction"), "yes": 10}],
                    },
                },
            ],
        },
        list_path="body/1/meetings",
    )
    server.add(
        {
            "id": url("paper/1"),
            "type": SCHEMA + "Paper",
            "body": url("body/1"),
            "name": "Beitritt zum Bündnis für Soziale Stadtentwicklung",
            "reference": "VO/2013/0123",
            "date": "2013-02-20",
            "paperType": "Beschlussvorlage",
            "underDirectionOf": [url("org/unit")],
            "originatorPerson": [url("person/1")],
            "mainFile": {
                "id": url("file/1"),
                "type": SCHEMA + "File",
                "name": "Vorlage",
                "fileName": "vorlage.pdf",
                "mimeType": "application/pdf",
                "accessUrl": url("file/1/access"),
                "downloadUrl": url("file/1/download"),
                "sha512Checksum": hashlib.sha512(TINY_PDF).hexdigest(),
                "created": "2013-02-21T08:00:00+01:00",
            },
            "auxiliaryFile": [url("file/2")],
            "consultation": [url("consultation/1")],
        },
        list_path="body/1/papers",
    )
    server.add(
        {
            "id": url("file/2"),
            "type": SCHEMA + "File",
            "name": "Beitrittserklärung",
            "fileName": "Erklärung.pdf",
            "accessUrl": url("file/2/access"),
            "size": len(ANNEX),
        }
    )
    server.add(
        {
            "id": url("consultation/1"),
            "type": SCHEMA + "Consultation",
            "paper": url("paper/1"),
            "agendaItem": url("item/2"),
            "organization": [url("org/council")],
            "authoritative": True,
            "role": "Entscheidung",
        }
    )
    server.files[url("file/1/download")] = TINY_PDF
    server.files[url("file/2/access")] = ANNEX
    return server


def run(server: FakeServer, entry: str = "", **options):
    return import_oparl(url(entry), client=server.client(), options=Options(**options))


@pytest.fixture
def server():
    return sample_server()


def imported(model, oparl_id):
    record = ImportedObject.objects.get(oparl_id=oparl_id)
    return model.objects.get(pk=record.object_id)


# --- a full import ---------------------------------------------------------------------
@pytest.mark.django_db
def test_import_creates_every_object_keyed_by_its_oparl_id(server):
    result = run(server)

    assert result.problems == []
    body = imported(Body, url("body/1"))
    assert (body.name, body.short_name, body.ags) == ("Stadt Beispielstadt", "Beispielstadt", "09162000")
    assert imported(LegislativeTerm, url("term/1")).end_date == datetime.date(2014, 6, 30)
    unit = imported(Organization, url("org/unit"))
    assert unit.parent == imported(Organization, url("org/dezernat"))
    assert unit.organization_type == Organization.Type.ADMINISTRATIVE_UNIT
    anna = imported(PersonModel, url("person/1"))
    assert (anna.title, anna.gender, anna.email) == ("Dr.", "female", "anna@example.org")
    seat = imported(Membership, url("membership/1"))
    assert (seat.person, seat.on_behalf_of.name) == (anna, "Fraktion Grün")
    meeting = imported(Meeting, url("meeting/1"))
    assert meeting.state == Meeting.State.HELD
    assert meeting.location.description == "Ratssaal"
    assert list(meeting.organizations.values_list("name", flat=True)) == ["Stadtrat"]
    assert list(Attendance.objects.filter(meeting=meeting).values_list("person", "status")) == [
        (anna.pk, Attendance.Status.PRESENT)
    ]
    assert list(meeting.agenda_items.values_list("order", "number", "name")) == [
        (1, "1", "Eröffnung"),
        (2, "2", "Beitritt zum Bündnis"),
    ]
    assert result.counts["Body"]["created"] == 1
    assert result.counts["Organization"]["created"] == 4
    assert result.counts["File"]["created"] == 2
    assert ImportRun.objects.get().finished_at is not None


@pytest.mark.django_db
def test_created_and_modified_are_kept_as_the_source_gives_them(server):
    run(server)

    body = imported(Body, url("body/1"))
    assert body.created == to_datetime("2012-01-01T00:00:00+01:00")
    assert body.modified == to_datetime(OLD)
    paper = imported(Paper, url("paper/1"))
    assert paper.modified == to_datetime(OLD)


@pytest.mark.django_db
def test_a_foreign_reference_is_kept_as_given_and_the_paper_released(server):
    run(server)

    paper = imported(Paper, url("paper/1"))
    assert paper.reference == "VO/2013/0123"
    assert paper.under_direction_of.name == "Amt für Stadtentwicklung"
    assert list(paper.originator_persons.values_list("family_name", flat=True)) == ["Beispiel"]
    # Released when its main document appeared; decided by the Stadtrat.
    assert paper.released_at == to_datetime("2013-02-21T08:00:00+01:00")
    assert paper.state == Paper.State.DECIDED
    assert Paper.objects.public().filter(pk=paper.pk).exists()


RATSBUCH_TEXTS = {
    "ratsbuch:explanation": "Die Stadt ist **Modellstadt**.\n\n- erstens\n  - eingerückt\n",
    "ratsbuch:proposalAddressee": "Der Stadtrat möge wie folgt beschließen:",
    "ratsbuch:proposal": "Die Stadt tritt dem Bündnis bei.",
    "ratsbuch:financialImpact": "Keine Kosten.",
}


@pytest.mark.django_db
def test_the_texts_of_a_ratsbuch_paper_are_imported_as_given(server):
    server.objects[url("paper/1")].update(RATSBUCH_TEXTS)

    run(server)

    paper = imported(Paper, url("paper/1"))
    assert (paper.explanation, paper.proposal_addressee, paper.proposal, paper.financial_impact) == tuple(
        RATSBUCH_TEXTS.values()
    )


@pytest.mark.django_db
def test_without_the_texts_a_paper_has_none_and_a_text_dropped_at_the_source_is_emptied(server):
    run(server)
    paper = imported(Paper, url("paper/1"))
    assert (paper.explanation, paper.proposal_addressee, paper.proposal, paper.financial_impact) == ("", "", "", "")

    server.touch(url("paper/1"), **RATSBUCH_TEXTS)
    run(server)
    assert imported(Paper, url("paper/1")).proposal == "Die Stadt tritt dem Bündnis bei."

    del server.objects[url("paper/1")]["ratsbuch:financialImpact"]
    server.touch(url("paper/1"), **{"ratsbuch:proposal": "   ", "ratsbuch:explanation": 7})
    run(server)
    paper = imported(Paper, url("paper/1"))
    assert (paper.explanation, paper.proposal_addressee, paper.proposal, paper.financial_impact) == (
        "",
        "Der Stadtrat möge wie folgt beschließen:",
        "",
        "",
    )


@pytest.mark.django_db
def test_consultation_and_decision_with_votes(server):
    run(server)

    consultation = imported(Consultation, url("consultation/1"))
    item = imported(AgendaItem, url("item/2"))
    assert (consultation.role, consultation.authoritative, consultation.order) == ("Entscheidung", True, 1)
    assert consultation.agenda_item == item
    decision = Decision.objects.get()
    assert (decision.consultation, decision.agenda_item, decision.result) == (consultation, item, "beschlossen")
    assert (decision.votes_yes, decision.votes_no, decision.votes_abstain, decision.unanimous) == (40, 0, 2, True)
    assert decision.date == datetime.date(2013, 3, 18)
    assert decision.resolution_text == "Die Stadt tritt bei."
    assert [(row.faction.name, row.votes_yes) for row in decision.faction_votes.all()] == [("Fraktion Grün", 10)]


@pytest.mark.django_db
def test_files_are_downloaded_and_stored_with_size_and_sha512(server):
    run(server)

    main, annex = Attachment.objects.order_by("order")
    assert (main.order, main.name, main.file_name, main.mime_type) == (1, "Vorlage", "vorlage.pdf", "application/pdf")
    assert main.size == len(TINY_PDF)
    assert main.sha512 == hashlib.sha512(TINY_PDF).hexdigest()
    with main.file.open("rb") as stored:
        assert stored.read() == TINY_PDF
    assert (annex.order, annex.file_name, annex.attachment_type) == (2, "Erklaerung.pdf", "Beitrittserklärung")
    assert annex.sha512 == hashlib.sha512(ANNEX).hexdigest()


@pytest.mark.django_db
def test_the_text_of_an_imported_pdf_is_taken_by_the_queue_after_the_batch_commits(
    server, django_capture_on_commit_callbacks
):
    from weasyprint import HTML

    server.files[url("file/2/access")] = HTML(string="<p>Beitrittserklärung zur Gemeinwesenarbeit</p>").write_pdf()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(server)
        # The import itself does not read the PDFs: that would be half of its time.
        annex = imported(Attachment, url("file/2"))
        assert (annex.text, annex.text_state) == ("", Attachment.TextState.PENDING)
    assert len(callbacks) >= 2  # one text task for each of the two PDFs
    annex.refresh_from_db()
    assert annex.text_state == Attachment.TextState.EXTRACTED
    assert "Gemeinwesenarbeit" in annex.text

    # Read again, the same bytes keep the text taken; nothing waits for it again.
    with django_capture_on_commit_callbacks(execute=True):
        run(server)
    annex.refresh_from_db()
    assert annex.text_state == Attachment.TextState.EXTRACTED
    assert "Gemeinwesenarbeit" in annex.text


@pytest.mark.django_db
def test_the_text_a_source_gives_with_a_file_is_kept_and_not_taken_again(server, django_capture_on_commit_callbacks):
    server.objects[url("file/2")]["text"] = "Erklärung über den Beitritt"
    server.files[url("file/2/access")] = b"%PDF-1.4 not readable at all"

    with django_capture_on_commit_callbacks(execute=True):
        run(server)

    annex = imported(Attachment, url("file/2"))
    assert (annex.text, annex.text_state) == ("Erklärung über den Beitritt", Attachment.TextState.EXTRACTED)


@pytest.mark.django_db
def test_an_imported_file_of_a_type_without_text_waits_for_none(server):
    server.files[url("file/2/access")] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

    run(server)

    annex = imported(Attachment, url("file/2"))
    assert (annex.text, annex.text_state) == ("", Attachment.TextState.NONE)


@pytest.mark.django_db
def test_no_files_skips_the_downloads(server):
    result = run(server, files=False)

    assert not Attachment.objects.exists()
    assert result.counts["File"]["skipped"] == 2
    assert not any("/download" in requested or "/access" in requested for requested in server.requests)


@pytest.mark.django_db
def test_a_file_whose_bytes_do_not_match_its_checksum_is_refused(server):
    server.files[url("file/1/download")] = b"%PDF-1.4 tampered"

    result = run(server)

    assert [p["id"] for p in result.problems] == [url("file/1")]
    assert "sha512" in result.problems[0]["reason"]
    assert Attachment.objects.count() == 1


# --- reading the endpoint ---------------------------------------------------------------
@pytest.mark.django_db
def test_lists_are_read_page_after_page(server):
    server.page_size = 1

    run(server)

    assert Organization.objects.count() == 4
    pages = [r for r in server.requests if r.startswith(url("body/1/organizations"))]
    assert len(pages) == 4
    assert pages[1].endswith("?page=2")


@pytest.mark.django_db
def test_a_body_url_is_an_endpoint_too(server):
    result = run(server, "body/1")

    assert result.problems == []
    assert Paper.objects.count() == 1


@responses.activate
@pytest.mark.django_db
def test_a_503_is_retried_and_then_read():
    system = {"id": url(""), "type": SCHEMA + "System", "body": url("bodies")}
    responses.get(url(""), status=503)
    responses.get(url(""), json=system)
    responses.get(url("bodies"), status=502)
    responses.get(url("bodies"), json={"data": [], "links": {}})
    client = OParlClient(get=session_getter(build_session(backoff=0)))

    result = import_oparl(url(""), client=client)

    assert result.problems == []
    assert [call.response.status_code for call in responses.calls] == [503, 200, 502, 200]


@responses.activate
def test_retries_give_up_with_the_last_status():
    responses.get(url("paper/9"), status=503)
    client = OParlClient(get=session_getter(build_session(retries=2, backoff=0)))

    with pytest.raises(Exception, match="HTTP 503"):
        client.get_object(url("paper/9"))
    assert len(responses.calls) == 3


def test_the_session_says_who_reads():
    session = build_session()

    assert session.headers["User-Agent"].startswith("Ratsbuch")
    assert session.get_adapter("https://x.example").max_retries.status_forcelist == (429, 500, 502, 503, 504)


@pytest.mark.django_db
def test_a_missing_object_is_reported_and_the_rest_imported(server):
    server.fail[url("membership/2")] = [404]

    result = run(server)

    assert any(p["id"] == url("membership/2") and "HTTP 404" in p["reason"] for p in result.problems)
    assert Membership.objects.count() == 1
    assert Paper.objects.count() == 1
    assert imported(PersonModel, url("person/2")).family_name == "Muster"


@pytest.mark.django_db
def test_an_unreadable_list_is_reported_and_the_others_read(server):
    server.fail[url("body/1/meetings")] = [500]

    result = run(server)

    assert any(p["id"] == url("body/1/meetings") and "500" in p["reason"] for p in result.problems)
    assert not Meeting.objects.exists()
    assert Paper.objects.count() == 1
    # The consultation's agenda item could not be imported; the consultation stands without it.
    assert imported(Consultation, url("consultation/1")).agenda_item is None


@pytest.mark.django_db
def test_an_unreadable_endpoint_raises():
    server = FakeServer()
    with pytest.raises(Exception, match="404"):
        run(server)
    assert not ImportRun.objects.exists()


# --- tolerance --------------------------------------------------------------------------
@pytest.mark.django_db
def test_oparl_1_0_objects_are_read(server):
    for obj in server.objects.values():
        obj["type"] = obj["type"].replace("https://schema.oparl.org/1.1/", "https://schema.oparl.org/1.0/")
    paper = server.objects[url("paper/1")]
    paper["publishedDate"] = paper.pop("date")
    paper["underDirectionof"] = paper.pop("underDirectionOf")
    paper["mainFile"]["type"] = "http://oparl.org/schema/1.0/File"
    paper["mainFile"]["sha1Checksum"] = hashlib.sha1(TINY_PDF).hexdigest()  # noqa: S324
    del paper["mainFile"]["sha512Checksum"]

    result = run(server)

    assert result.problems == []
    imported_paper = imported(Paper, url("paper/1"))
    assert imported_paper.date == datetime.date(2013, 2, 20)
    assert imported_paper.under_direction_of.name == "Amt für Stadtentwicklung"
    assert Attachment.objects.count() == 2


@pytest.mark.django_db
def test_objects_with_only_what_oparl_requires_are_imported():
    server = FakeServer()
    server.add(
        {
            "id": url("body/1"),
            "type": SCHEMA + "Body",
            "name": "Gemeinde Klein",
            "ags": "07338001",
            "person": url("body/1/persons"),
            "meeting": url("body/1/meetings"),
            "paper": url("body/1/papers"),
            "organization": url("body/1/organizations"),
        }
    )
    server.lists[url("body/1/organizations")] = []
    server.add(
        {"id": url("org/1"), "type": SCHEMA + "Organization", "name": "Gemeinderat"}, list_path="body/1/organizations"
    )
    server.add({"id": url("person/1"), "type": SCHEMA + "Person", "name": "Müller"}, list_path="body/1/persons")
    server.add(
        {
            "id": url("meeting/1"),
            "type": SCHEMA + "Meeting",
            "start": "2030-05-04T18:00:00",
            "organization": [url("org/1")],
            "agendaItem": [{"id": url("item/1"), "type": SCHEMA + "AgendaItem"}],
        },
        list_path="body/1/meetings",
    )
    server.add(
        {
            "id": url("paper/1"),
            "type": SCHEMA + "Paper",
            "name": "Antrag der Fraktion X",
            "paperType": "Antrag (Fraktion)",
            "created": "2024-05-01T10:00:00+02:00",
            "consultation": [{"id": url("c/1"), "type": SCHEMA + "Consultation", "organization": [url("org/1")]}],
        },
        list_path="body/1/papers",
    )

    result = run(server, "body/1")

    assert Body.objects.get().short_name == ""
    assert Organization.objects.get(name="Gemeinderat").organization_type == Organization.Type.OTHER
    assert PersonModel.objects.get().family_name == "Müller"
    meeting = Meeting.objects.get()
    # Without timezone: read as local time; in the future: scheduled.
    assert timezone.localtime(meeting.start).hour == 18
    assert (meeting.state, meeting.location, meeting.end) == (Meeting.State.SCHEDULED, None, None)
    assert meeting.name.startswith("Gemeinderat, 04.05.2030")
    assert list(meeting.agenda_items.values_list("number", "order", "public")) == [("1", 1, True)]
    paper = Paper.objects.get()
    # No reference: numbered as ours; no date: the day it was created; no unit: filed under a placeholder.
    assert paper.reference == "20240001"
    assert paper.date == datetime.date(2024, 5, 1)
    assert paper.paper_type == Paper.Type.MOTION
    assert paper.under_direction_of.organization_type == Organization.Type.ADMINISTRATIVE_UNIT
    assert paper.state == Paper.State.RELEASED
    consultation = Consultation.objects.get()
    assert (consultation.role, consultation.authoritative, consultation.order) == ("Vorberatung", False, 1)
    # What was made up is reported, but the objects are there.
    assert {p["id"] for p in result.problems} == {url("paper/1")}


@pytest.mark.django_db
def test_a_bad_object_is_reported_and_rolled_back_alone(server):
    server.objects[url("meeting/1")]["start"] = "not a date"

    result = run(server)

    assert {p["id"] for p in result.problems} >= {url("meeting/1")}
    assert not Meeting.objects.exists()
    assert not AgendaItem.objects.exists()
    assert Paper.objects.count() == 1
    assert result.counts["Meeting"]["failed"] == 1


@pytest.mark.django_db
def test_an_unknown_result_is_kept_as_worded_under_other(server):
    server.objects[url("meeting/1")]["agendaItem"][1]["result"] = "erledigt"

    result = run(server)

    decision = Decision.objects.get()
    assert (decision.result, decision.result_wording) == (Decision.Result.OTHER, "erledigt")
    assert any(p["type"] == "Decision" and "erledigt" in p["reason"] for p in result.problems)
    assert result.counts["Decision"]["created"] == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("beschlossen", "beschlossen"),
        ("Geändert beschlossen", "geändert beschlossen"),
        ("beschlossen (52 ja, 0 nein, 2 Enthaltungen)", "beschlossen"),
        ("einstimmig beschlossen", "beschlossen"),
        ("Kenntnis genommen", "zur Kenntnis genommen"),
        ("erledigt", None),
    ],
)
def test_results_are_matched_only_where_clear(value, expected):
    assert decision_result(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.oparl.org/1.1/Paper", "Paper"),
        ("https://schema.oparl.org/1.0/AgendaItem", "AgendaItem"),
        ("http://oparl.org/schema/1.0/File", "File"),
    ],
)
def test_type_urls_of_both_versions(value, expected):
    assert type_name({"type": value}) == expected


def test_dates_with_and_without_timezone(settings):
    assert to_datetime("2013-03-18T17:00:00+01:00").isoformat() == "2013-03-18T17:00:00+01:00"
    assert timezone.localtime(to_datetime("2013-03-18T17:00:00")).hour == 17
    assert to_datetime("2013-03-18").date() == datetime.date(2013, 3, 18)
    assert to_date("2013-03-18T23:30:00+00:00") == datetime.date(2013, 3, 19)  # Berlin is an hour ahead
    assert to_datetime("") is None and to_date(None) is None


# --- incremental runs and deletions -------------------------------------------------------
@pytest.mark.django_db
def test_a_second_run_reads_only_what_changed(server):
    run(server)
    first = ImportRun.objects.get()
    server.requests.clear()
    server.touch(url("person/2"), givenName="Bernhard")

    result = run(server)

    second = ImportRun.objects.order_by("-started_at").first()
    assert second.modified_since == first.started_at
    lists = [r for r in server.requests if "/body/1/" in r]
    assert lists and all("modified_since=" in r for r in lists)
    assert imported(PersonModel, url("person/2")).given_name == "Bernhard"
    assert result.counts["Person"] == {"updated": 1}
    assert "Paper" not in result.counts
    # Nothing was downloaded again.
    assert not any("/file/" in r for r in server.requests)


@pytest.mark.django_db
def test_a_full_run_skips_unchanged_objects(server):
    run(server)
    before = imported(Paper, url("paper/1")).modified

    result = run(server, full=True)

    assert ImportRun.objects.order_by("-started_at").first().modified_since is None
    assert result.counts["Paper"] == {"unchanged": 1}
    assert result.counts["File"] == {"unchanged": 2}
    assert imported(Paper, url("paper/1")).modified == before


@pytest.mark.django_db
def test_a_changed_object_is_updated_in_place(server):
    run(server)
    paper = imported(Paper, url("paper/1"))
    server.touch(url("paper/1"), name="Beitritt (geändert)")

    result = run(server)

    assert result.counts["Paper"] == {"updated": 1}
    again = Paper.objects.get()
    assert (again.pk, again.name, again.reference) == (paper.pk, "Beitritt (geändert)", "VO/2013/0123")


@pytest.mark.django_db
def test_a_deleted_object_is_deleted_here(server):
    run(server)
    server.objects[url("person/2")] = {
        "id": url("person/2"),
        "type": SCHEMA + "Person",
        "created": OLD,
        "modified": (timezone.now() + datetime.timedelta(seconds=5)).isoformat(),
        "deleted": True,
    }

    result = run(server)

    assert result.counts["Person"] == {"deleted": 1}
    assert not PersonModel.objects.filter(family_name="Muster").exists()
    assert not ImportedObject.objects.filter(oparl_id=url("person/2")).exists()


@pytest.mark.django_db
def test_a_deleted_object_never_imported_is_skipped(server):
    server.objects[url("person/2")]["deleted"] = True

    result = run(server)

    assert result.counts["Person"]["skipped"] == 1
    assert not PersonModel.objects.filter(family_name="Muster").exists()


@pytest.mark.django_db
def test_a_body_already_here_is_updated_not_duplicated(server, body):
    body.ags = "09162000"
    body.save()

    run(server)

    assert Body.objects.get().name == "Stadt Beispielstadt"


@pytest.mark.django_db
def test_only_the_chosen_body(server):
    other = copy.deepcopy(server.objects[url("body/1")])
    other.update({"id": url("body/2"), "name": "Andere Stadt", "ags": "09184000"})
    server.add(other, list_path="bodies")

    run(server, body=url("body/2"))

    assert list(Body.objects.values_list("name", flat=True)) == ["Andere Stadt"]


# --- the command ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_prints_counts_and_problems(server, monkeypatch, capsys):
    server.fail[url("membership/2")] = [404]
    monkeypatch.setattr("oparl.management.commands.import_oparl.OParlClient", server.client)

    call_command("import_oparl", url(""))

    out = capsys.readouterr().out
    assert "Organization" in out and str(COLUMN_LABELS[Outcome.CREATED]) in out
    assert url("membership/2") in out


@pytest.mark.django_db
def test_the_command_fails_when_the_endpoint_cannot_be_read(monkeypatch):
    monkeypatch.setattr("oparl.management.commands.import_oparl.OParlClient", lambda: OParlClient(getter_from_dict({})))

    with pytest.raises(CommandError):
        call_command("import_oparl", url(""))


# --- references as given --------------------------------------------------------------------
SLASHED = "VO/2013/0123"


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("resolutions:paper_detail", {"reference": SLASHED}, f"/vorlagen/{SLASHED}/", reading_views.paper_detail),
        ("resolutions:paper_pdf", {"reference": SLASHED}, f"/vorlagen/{SLASHED}/pdf/", documents.paper_pdf),
        (
            "resolutions:attachment_download",
            {"reference": SLASHED, "pk": 3},
            f"/vorlagen/{SLASHED}/anlagen/3/",
            reading_views.attachment_download,
        ),
        (
            "resolutions:attachment_list",
            {"reference": SLASHED},
            f"/vorlagen/{SLASHED}/anlagen/",
            drafting.attachment_list,
        ),
        ("resolutions:paper_create", {}, "/vorlagen/neu/", drafting.paper_create),
    ],
)
def test_a_slashed_reference_reverses_and_resolves(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert (match.func, match.kwargs) == (view, kwargs)


@pytest.mark.django_db
def test_a_slashed_reference_serves_its_pages(server, client):
    run(server)
    paper = imported(Paper, url("paper/1"))
    attachment = paper.attachments.order_by("order").first()

    detail = client.get(paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    pdf = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}))
    download = client.get(attachment.get_absolute_url())

    assert detail.status_code == 200
    assert SLASHED in detail.content.decode()
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PDF


@pytest.mark.django_db
def test_the_constraint_accepts_references_as_given_and_refuses_others(body, unit):
    from django.core.exceptions import ValidationError

    from tests.factories import PaperFactory

    for reference in ("20135317", "VO/2013/0123", "0815/2013", "A-1.2_3"):
        PaperFactory.build(body=body, under_direction_of=unit, reference=reference).full_clean()
    for reference in ("/VO", "VO//1", "VO/../1", "VO 1", "VO/", "x" * 51):
        with pytest.raises(ValidationError):
            PaperFactory.build(body=body, under_direction_of=unit, reference=reference).full_clean()
