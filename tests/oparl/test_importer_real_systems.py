"""The importer against OParl as real council systems serve it: an SD.NET-style 1.0 endpoint and a
SessionNet-style 1.1 endpoint, over HTTP (`responses`), each with the quirks issue 13 lists.

The endpoints are written from the OParl 1.0 and 1.1 specifications and what the vendors'
public endpoints are documented to send: 1.0's four body lists with embedded objects and no
`created`/`modified` on them, `sha1Checksum`, `publishedDate`; bodies without an eight-digit
AGS; free-text results; deleted objects without a `type`; GeoJSON as [lat, lon]; postal codes
with a no-break space; dead links; vendor fields; control characters in JSON; 5xx, 429 and timeouts.
"""

import hashlib
import io
import json
from urllib.parse import urlsplit

import pytest
import requests
import responses
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from responses import matchers

from council.models import AgendaItem, Body, Location, Meeting, Membership, Organization
from oparl import serializers
from oparl.importer import client as client_module
from oparl.importer import files as files_module
from oparl.importer import report as report_module
from oparl.importer.client import OParlClient, build_session, parse_json, session_getter
from oparl.importer.progress import Progress
from oparl.importer.report import problem_kind
from oparl.importer.run import import_oparl
from oparl.models import ImportedObject, ImportRun
from resolutions.models import Attachment, Consultation, Decision, Paper, ResultWording
from tests.factories import TINY_PDF
from tests.oparl.endpoints import GeneratedEndpoint

SD = "https://sdnet.example.de/oparl/1.0"
SN = "https://sessionnet.example.de/oparl/v1.1"
V10 = "https://schema.oparl.org/1.0/"
V11 = "https://schema.oparl.org/1.1/"
ANNEX = b"%PDF-1.4\n% Anlage SD.NET\n" + TINY_PDF[9:]


@pytest.fixture(autouse=True)
def _english():
    # The reasons are compared as written in the source; the site's default language is German.
    with translation.override("en"):
        yield


def sd(path):
    return f"{SD}/{path}"


def sn(path):
    return f"{SN}/{path}"


def page(data, *, next_url=None, total_pages=1):
    return {"data": data, "pagination": {"totalPages": total_pages}, "links": {"next": next_url} if next_url else {}}


# --- an SD.NET-style OParl 1.0 endpoint --------------------------------------------------------
def sdnet_endpoint() -> dict:
    """URL -> answer (a JSON value, bytes, or a status code). Two bodies: no AGS at all, and a seven-digit one."""
    committee = {
        "id": sd("organization/10"),
        "type": V10 + "Organization",
        "name": "Haupt- und Finanzausschuss",
        "organizationType": "Gremium",
        # The Location and the meeting list of this organization answer 404.
        "location": sd("location/404"),
        "meeting": sd("organization/10/meetings"),
        "website": "www.kein-schema",  # not a URL our model takes: left out, not a refused organization
        "sdnet:gremienart": {"kurz": "HFA"},  # a vendor field of its own
    }
    person = {
        "id": sd("person/20"),
        "type": V10 + "Person",
        "name": "Erika Beispiel",
        "familyName": "Beispiel",
        "givenName": "Erika",
        # 1.0 embeds the memberships, without created/modified; most have no endDate.
        "membership": [
            {
                "id": sd("membership/21"),
                "type": V10 + "Membership",
                "organization": sd("organization/10"),
                "role": "Mitglied",
                "startDate": "2014-06-01",
            }
        ],
        "modified": "2016-02-01T10:00:00+01:00",
    }
    meeting = {
        "id": sd("meeting/30"),
        "type": V10 + "Meeting",
        "name": "Sitzung des Haupt- und Finanzausschusses",
        "start": "2016-03-01T17:00:00+01:00",
        "end": "2016-03-01T15:00:00+01:00",  # before the start
        "organization": [sd("organization/10")],
        "location": {
            "id": sd("location/31"),
            "type": V10 + "Location",
            "description": "Rathaus, Sitzungssaal",
            "streetAddress": "Marktplatz 1",
            "postalCode": "67059\u00a0",
            "locality": "Beispielstadt",
            # GeoJSON wants [longitude, latitude]; this is [latitude, longitude].
            "geojson": {"type": "Point", "coordinates": [49.48, 8.44]},
        },
        # An AgendaItem type in the spelling of 1.0 servers.
        "agendaItem": [
            {
                "id": sd("agendaitem/32"),
                "type": V10 + "Agendaitem",
                "number": "1",
                "name": "Haushalt 2016",
                "public": True,
                "consultation": sd("consultation/42"),
                "result": "Kenntnisnahme",
            },
            {
                "id": sd("agendaitem/33"),
                "type": V10 + "AgendaItem",
                "number": "2",
                "name": "Radwege",
                "public": True,
                "consultation": sd("consultation/43"),
                "result": "verwiesen in Fachausschuss",
            },
        ],
    }
    paper = {
        "id": sd("paper/40"),
        "type": V10 + "Paper",
        "name": "Haushaltssatzung 2016",
        "reference": "SV/2016/0040",
        "publishedDate": "2016-02-10",  # 1.0's name for `date`
        "paperType": "Beschlussvorlage",
        "underDirectionOf": [sd("organization/10")],
        "consultation": [
            {
                "id": sd("consultation/42"),
                "type": V10 + "Consultation",
                "agendaItem": sd("agendaitem/32"),
                "organization": [sd("organization/10")],
                "authoritative": True,
                "role": "Entscheidung",
            }
        ],
        "mainFile": {
            "id": sd("file/44"),
            "type": V10 + "File",
            "name": "Haushaltssatzung",
            "fileName": "haushalt.pdf",
            "mimeType": "application/pdf",
            "accessUrl": sd("file/44/access"),
            "sha1Checksum": hashlib.sha1(ANNEX).hexdigest(),  # noqa: S324 - 1.0 gives only sha1
        },
        "auxiliaryFile": [
            {
                "id": sd("file/45"),
                "type": V10 + "File",
                "name": "Anlage, verloren",
                "fileName": "fehlt.pdf",
                "accessUrl": sd("file/45/access"),  # answers 404
            }
        ],
    }
    second_paper = {
        "id": sd("paper/41"),
        "type": V10 + "Paper",
        "name": "Radwegekonzept",
        "reference": "SV/2016/0041",
        "publishedDate": "2016-02-11",
        "consultation": [
            {
                "id": sd("consultation/43"),
                "type": V10 + "Consultation",
                "agendaItem": sd("agendaitem/33"),
                "organization": [sd("organization/10")],
                "authoritative": False,
            }
        ],
    }
    lists = {name: sd(f"body/1/{name}") for name in ("organization", "person", "meeting", "paper")}
    return {
        sd(""): {
            "id": sd(""),
            "type": V10 + "System",
            "oparlVersion": V10,
            "name": "SD.NET RIM",
            "body": sd("bodies"),
        },
        sd("bodies"): page(
            [
                {
                    "id": sd("body/1"),
                    "type": V10 + "Body",
                    "name": "Gemeinde Ohneschlüssel",
                    **lists,
                    "legislativeTerm": [
                        {
                            "id": sd("term/1"),
                            "type": V10 + "Legislativeterm",
                            "name": "2014-2019",
                            "startDate": "2014-06-01",
                        }
                    ],
                },
                {
                    "id": sd("body/2"),
                    "type": V10 + "Body",
                    "name": "Stadt Siebenstellig",
                    "ags": "5358016",  # 05358016 without its leading zero
                    "organization": sd("body/2/organization"),
                },
            ]
        ),
        lists["organization"]: page([committee]),
        lists["person"]: page([person]),
        lists["meeting"]: page([meeting]),
        # The paper list page has raw control characters inside a string (a vertical tab, a raw newline).
        lists["paper"]: json.dumps(page([paper, second_paper]), ensure_ascii=False)
        .replace("Haushaltssatzung 2016", "Haushalts\u000bsatzung\n2016")
        .encode(),
        sd("body/2/organization"): page(
            [{"id": sd("organization/90"), "type": V10 + "Organization", "name": "Rat", "organizationType": "Gremium"}]
        ),
        sd("file/44/access"): ANNEX,
        sd("location/404"): 404,
        sd("organization/10/meetings"): 404,
        sd("file/45/access"): 404,
    }


def register(mock, pages: dict) -> None:
    """Serve `pages` (URL -> a JSON value, bytes, or an HTTP status) on the mock."""
    for address, answer in pages.items():
        # The query must match too: a list's first page is not its second.
        match = [matchers.query_string_matcher(urlsplit(address).query or None)]
        if isinstance(answer, int):
            mock.get(address, status=answer, json={"type": V11 + "Error", "message": "Not Found"}, match=match)
        elif isinstance(answer, bytes):
            mock.get(address, body=answer, content_type="application/json", match=match)
        else:
            mock.get(address, json=answer, match=match)


def http_client() -> OParlClient:
    return OParlClient(get=session_getter(build_session(backoff=0)))


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(files_module, "DOWNLOAD_BACKOFF", 0)


def imported(model, oparl_id):
    return model.objects.get(pk=ImportedObject.objects.get(oparl_id=oparl_id).object_id)


def reasons(result, oparl_id):
    return " | ".join(p["reason"] for p in result.problems if p["id"] == oparl_id)


@pytest.fixture
def sdnet_run(db, no_backoff):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sdnet_endpoint())
        yield import_oparl(sd(""), client=http_client())


# --- SD.NET 1.0: nothing real is refused whole ----------------------------------------------
def test_a_body_without_any_ags_is_imported_and_the_gap_reported(sdnet_run):
    body = imported(Body, sd("body/1"))

    assert (body.name, body.ags) == ("Gemeinde Ohneschlüssel", "")
    assert "no ags nor rgs" in reasons(sdnet_run, sd("body/1"))
    assert Paper.objects.filter(body=body).count() == 2


def test_a_seven_digit_ags_gets_its_leading_zero_back(sdnet_run):
    body = imported(Body, sd("body/2"))

    assert body.ags == "05358016"
    assert "leading zero" in reasons(sdnet_run, sd("body/2"))
    assert imported(Organization, sd("organization/90")).body == body


def test_oparl_1_0_embedded_objects_without_timestamps_and_1_0_spellings_are_read(sdnet_run):
    assert imported(AgendaItem, sd("agendaitem/32")).name == "Haushalt 2016"
    assert imported(Membership, sd("membership/21")).end_date is None  # no endDate: open-ended
    paper = imported(Paper, sd("paper/40"))
    assert (paper.reference, str(paper.date)) == ("SV/2016/0040", "2016-02-10")
    assert imported(Body, sd("body/1")).legislative_terms.get().name == "2014-2019"


def test_a_file_checked_by_sha1_only_is_stored(sdnet_run):
    attachment = imported(Attachment, sd("file/44"))

    assert attachment.size == len(ANNEX)
    assert attachment.sha512 == hashlib.sha512(ANNEX).hexdigest()


def test_a_file_answering_404_is_listed_once_with_its_url_and_counted(sdnet_run):
    run = ImportRun.objects.get()

    assert run.report["failed_files"] == [{"url": sd("file/45/access"), "reason": "HTTP 404"}]
    assert sdnet_run.counts["File"]["failed"] == 1
    assert Attachment.objects.count() == 1


def test_a_location_answering_404_is_reported_and_its_organization_kept(sdnet_run):
    organization = imported(Organization, sd("organization/10"))

    assert organization.location is None
    assert "HTTP 404" in reasons(sdnet_run, sd("location/404"))
    # A malformed website is left out, not a reason to refuse the organization; the vendor field is ignored.
    assert organization.website == ""
    assert "website" in reasons(sdnet_run, sd("organization/10"))


def test_a_meeting_ending_before_it_starts_keeps_its_start(sdnet_run):
    meeting = imported(Meeting, sd("meeting/30"))

    assert meeting.end is None
    assert "end before start" in reasons(sdnet_run, sd("meeting/30"))


def test_postal_code_with_a_no_break_space_and_swapped_geojson(sdnet_run):
    location = imported(Location, sd("location/31"))

    assert (location.postal_code, location.locality) == ("67059", "Beispielstadt")


def test_control_characters_in_json_are_repaired_and_reported(sdnet_run):
    assert imported(Paper, sd("paper/40")).name == "Haushaltssatzung\n2016"
    assert "control characters" in reasons(sdnet_run, sd("body/1/paper"))


def test_free_text_results_are_kept_and_mapped(sdnet_run):
    noted = imported(Decision, sd("agendaitem/32") + "#decision")
    referred = imported(Decision, sd("agendaitem/33") + "#decision")

    assert (noted.result, noted.result_wording) == (Decision.Result.NOTED, "Kenntnisnahme")
    assert (referred.result, referred.result_wording) == (Decision.Result.REFERRED, "verwiesen in Fachausschuss")
    # Referred: the Vorlage is still open; noted on the deciding step: decided.
    assert imported(Paper, sd("paper/41")).state == Paper.State.IN_CONSULTATION
    assert imported(Paper, sd("paper/40")).state == Paper.State.DECIDED


def test_the_run_report_groups_the_problems_by_kind(sdnet_run):
    report = ImportRun.objects.get().report

    assert report["total"] == len(sdnet_run.problems)
    assert sum(group["count"] for group in report["groups"]) == report["total"]
    kinds = {(group["type"], group["kind"]) for group in report["groups"]}
    assert ("Location", "not readable: HTTP N") in kinds
    assert all(len(group["examples"]) <= 3 for group in report["groups"])


# --- a SessionNet-style OParl 1.1 endpoint ------------------------------------------------------
SESSIONNET_RESULTS = {
    1: ("vorberaten ohne Änderungen", Decision.Result.ADOPTED),
    2: ("verwiesen in den Gemeinderat", Decision.Result.REFERRED),
    3: ("teilweise zugestimmt", Decision.Result.ADOPTED_AMENDED),
    4: ("teilweise abgelehnt", Decision.Result.ADOPTED_AMENDED),
    5: ("Zustimmung", Decision.Result.ADOPTED),
    6: ("gewählt", Decision.Result.ADOPTED),
    7: ("Beratung im Fachgremium/Arbeitskreis", Decision.Result.OTHER),
    8: ("erledigt", Decision.Result.OTHER),
    9: ("mit Stellungnahme einverstanden", Decision.Result.ADOPTED),
}
STAMP = {"created": "2020-01-01T10:00:00+01:00", "modified": "2020-01-01T10:00:00+01:00"}


def sessionnet_endpoint() -> dict:
    """Nine Vorlagen on one agenda, their external 1.1 lists paged by three, with deleted objects in between."""
    items = [
        {
            "id": sn(f"agendaitem/{n}"),
            "type": V11 + "AgendaItem",
            "meeting": sn("meeting/1"),
            "number": f"Ö {n}",
            "order": n,
            "name": f"Punkt {n}",
            "public": True,
            "consultation": sn(f"consultation/{n}"),
            "result": SESSIONNET_RESULTS[n][0],
            **STAMP,
        }
        for n in SESSIONNET_RESULTS
    ]
    papers = [
        {
            "id": sn(f"paper/{n}"),
            "type": V11 + "Paper",
            "name": f"Vorlage {n}",
            "reference": f"VO/2020/{n:04d}",
            "date": "2020-01-01",
            "paperType": "Beschlussvorlage",
            "underDirectionOf": [sn("organization/1")],
            "consultation": [
                {
                    "id": sn(f"consultation/{n}"),
                    "type": V11 + "Consultation",
                    "paper": sn(f"paper/{n}"),
                    "agendaItem": sn(f"agendaitem/{n}"),
                    "meeting": sn("meeting/1"),
                    "organization": [sn("organization/1")],
                    "authoritative": True,
                    "role": "Beschlussfassung",
                    **STAMP,
                }
            ],
            **STAMP,
        }
        for n in SESSIONNET_RESULTS
    ]
    # SessionNet's unfiltered lists carry deleted objects too, with neither type nor anything else.
    deleted = {"id": sn("paper/99"), "deleted": True}
    paper_pages = [papers[0:3] + [deleted], papers[3:6], papers[6:9]]
    lists = {
        "paper": sn("body/1/paper"),
        "meeting": sn("body/1/meeting"),
        "organization": sn("body/1/organization"),
        "person": sn("body/1/person"),
        "agendaItem": sn("body/1/agendaItem"),
        "consultation": sn("body/1/consultation"),
    }
    pages = {
        sn(""): {"id": sn(""), "type": V11 + "System", "oparlVersion": V11, "name": "SessionNet", "body": sn("bodies")},
        sn("bodies"): page(
            [
                {
                    "id": sn("body/1"),
                    "type": V11 + "Body",
                    "name": "Stadt Sitzungsdienst",
                    "rgs": "064350014014",
                    **lists,
                    **STAMP,
                }
            ]
        ),
        lists["organization"]: page(
            [{"id": sn("organization/1"), "type": V11 + "Organization", "name": "Stadtverordnetenversammlung", **STAMP}]
        ),
        lists["person"]: page([]),
        lists["meeting"]: page(
            [
                {
                    "id": sn("meeting/1"),
                    "type": V11 + "Meeting",
                    "name": "Sitzung",
                    "start": "2020-02-01T18:00:00+01:00",
                    "organization": [sn("organization/1")],
                    "agendaItem": [item["id"] for item in items],
                    **STAMP,
                }
            ]
        ),
        lists["agendaItem"]: page(items + [{"id": sn("agendaitem/98"), "deleted": True}]),
        lists["consultation"]: page([c for p in papers for c in p["consultation"]]),
    }
    for number, data in enumerate(paper_pages, start=1):
        address = lists["paper"] if number == 1 else f"{lists['paper']}?page={number}"
        following = f"{lists['paper']}?page={number + 1}" if number < len(paper_pages) else None
        pages[address] = page(data, next_url=following, total_pages=len(paper_pages))
    return pages


@pytest.mark.django_db
def test_sessionnet_wordings_are_kept_and_mapped_none_is_lost():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sessionnet_endpoint())
        result = import_oparl(sn(""), client=http_client())

    assert result.counts["Decision"]["created"] == len(SESSIONNET_RESULTS)
    for n, (wording, category) in SESSIONNET_RESULTS.items():
        decision = imported(Decision, sn(f"agendaitem/{n}") + "#decision")
        assert (decision.result, decision.result_wording) == (category, wording)
    assert imported(Body, sn("body/1")).ags == "06435014"  # from the rgs
    assert "failed" not in result.counts["Paper"]


@pytest.mark.django_db
def test_deleted_objects_without_a_type_in_unfiltered_lists_are_passed_over():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sessionnet_endpoint())
        result = import_oparl(sn(""), client=http_client())

    assert result.counts["Paper"]["skipped"] == 1  # never imported, so nothing to delete here
    assert result.counts["AgendaItem"]["skipped"] == 1
    assert Paper.objects.count() == len(SESSIONNET_RESULTS)


@pytest.mark.django_db
def test_a_result_wording_the_municipality_adds_in_the_admin_wins():
    ResultWording.objects.create(wording="ERLEDIGT", result=Decision.Result.NOTED)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sessionnet_endpoint())
        import_oparl(sn(""), client=http_client())

    decision = imported(Decision, sn("agendaitem/8") + "#decision")
    assert (decision.result, decision.result_wording) == (Decision.Result.NOTED, "erledigt")


@pytest.mark.django_db
def test_pages_pdfs_and_oparl_show_the_original_wording(client):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sessionnet_endpoint())
        import_oparl(sn(""), client=http_client())
    decision = imported(Decision, sn("agendaitem/7") + "#decision")
    wording = "Beratung im Fachgremium/Arbeitskreis"
    item = decision.agenda_item
    item.document_consultations, item.document_decision = [], decision

    assert serializers.result_text(decision) == wording
    assert wording in render_to_string("resolutions/_decision.html", {"decision": decision})
    assert wording in render_to_string("pdf/_minutes_items.html", {"items": [item]})
    response = client.get(reverse("council:meeting_detail", kwargs={"pk": item.meeting_id}))
    assert response.status_code == 200
    assert wording in response.content.decode()


@pytest.mark.django_db
def test_a_list_page_that_keeps_failing_is_passed_over_and_the_rest_read():
    pages = sessionnet_endpoint()
    broken = sn("body/1/paper?page=2")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, {address: answer for address, answer in pages.items() if address != broken})
        mock.get(broken, status=500)
        result = import_oparl(sn(""), client=http_client())

    assert "passed over" in reasons(result, broken)
    # Pages 1 and 3 arrive; the papers of page 2 are only referred to (by the consultations), and
    # their own URLs are not served here: reported each, the run goes on.
    assert imported(Paper, sn("paper/9")).name == "Vorlage 9"
    assert Paper.objects.count() == 6
    assert "not readable" in reasons(result, sn("paper/5"))


@pytest.mark.django_db
def test_5xx_429_and_timeouts_are_retried_with_backoff():
    pages = sessionnet_endpoint()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(sn("bodies"), status=503)
        mock.get(sn("body/1/meeting"), status=429, headers={"Retry-After": "0"})
        mock.get(sn("body/1/organization"), body=requests.exceptions.ReadTimeout("read timed out"))
        register(mock, pages)
        result = import_oparl(sn(""), client=http_client())

    assert not [p for p in result.problems if p["type"] == "HTTP"]
    assert Meeting.objects.count() == 1
    assert Organization.objects.filter(name="Stadtverordnetenversammlung").exists()


def test_a_download_cut_off_mid_body_is_read_again(monkeypatch):
    calls = []

    def read_then_fail(url, **kwargs):
        calls.append(url)
        if len(calls) == 1:
            raise requests.exceptions.ChunkedEncodingError("connection broken")
        response = requests.Response()
        response.status_code, response._content = 200, b"{}"
        response.raw = io.BytesIO(b"{}")
        return response

    session = build_session(backoff=0)
    monkeypatch.setattr(session, "get", read_then_fail)
    monkeypatch.setattr(client_module, "STREAM_RETRIES", 2)

    assert session_getter(session)(sn("x")).status_code == 200
    assert len(calls) == 2


# --- parsing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value", "repaired"),
    [
        (b'{"a": "b"}', {"a": "b"}, None),
        (b'{"a": "line\nbreak"}', {"a": "line\nbreak"}, "unescaped control characters"),
        (b'{"a": "x\x0by\x1f"}', {"a": "xy"}, "unescaped control characters"),
        (b'\xef\xbb\xbf{"a": 1}', {"a": 1}, "byte-order mark"),
        ('{"a": "Stra\u00dfe"}'.encode("cp1252"), {"a": "Straße"}, "not UTF-8, read as Windows-1252"),
    ],
)
def test_json_is_repaired_only_where_unambiguous(raw, value, repaired):
    assert parse_json(raw) == (value, repaired)


def test_broken_json_beyond_repair_is_refused():
    with pytest.raises(ValueError):
        parse_json(b'{"a": ')


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("imported; result “erledigt” kept as worded, as “other”", "imported; result “…” kept as worded, as “…”"),
        ("not readable: HTTP 404", "not readable: HTTP N"),
        ("Ergebnis „erledigt“ im Wortlaut übernommen, als „sonstiges“", "Ergebnis „…“ im Wortlaut übernommen, als „…“"),
        (
            "list page not readable, passed over: https://x.example/p?page=2",
            "list page not readable, passed over: <URL>",
        ),
    ],
)
def test_problems_are_grouped_by_their_reason_without_particulars(reason, kind):
    assert problem_kind(reason) == kind


def test_progress_shows_rate_and_time_left_with_a_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    ticks = iter([0.0, 10.0, 20.0])
    stream = Terminal()
    progress = Progress(stream, clock=lambda: next(ticks))
    progress.begin("Paper", 4000)
    progress.advance(1000)
    progress.advance(1000)

    line = stream.getvalue().split("\r")[-1]
    assert line.startswith("[###############...............] Paper 2000/4000, 100/s, 0:20 left")


def test_progress_off_a_terminal_writes_a_line_now_and_then_and_the_last_once():
    ticks = iter([0.0, 1.0, 11.0, 12.0, 13.0])
    stream = io.StringIO()
    progress = Progress(stream, clock=lambda: next(ticks))
    progress.begin("Paper", 300)
    progress.advance(100)  # 1 s: too soon for a line
    progress.advance(100)  # 11 s: a line
    progress.advance(100)  # done: the last line comes from end()
    progress.end()

    assert stream.getvalue().splitlines() == ["Paper 200/300, 18/s, 0:05 left", "Paper 300/300, 23/s, 0:00 left"]


# --- the command and the admin ------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_prints_problems_grouped_with_counts(monkeypatch, no_backoff):
    out = io.StringIO()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, sdnet_endpoint())
        monkeypatch.setattr("oparl.management.commands.import_oparl.OParlClient", http_client)
        call_command("import_oparl", sd(""), stdout=out, stderr=io.StringIO())

    text = out.getvalue()
    assert "problems, by kind:" in text
    assert "Location: not readable: HTTP N" in text
    assert "1 file could not be fetched" in text


@pytest.mark.django_db
def test_an_interrupted_run_continues_where_it_stopped(monkeypatch):
    pages = sessionnet_endpoint()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, pages)
        calls = {"n": 0}
        real = import_oparl.__globals__["Importer"]._consultation

        def stop_half_way(self, obj):
            calls["n"] += 1
            if calls["n"] == 5:
                raise KeyboardInterrupt
            return real(self, obj)

        monkeypatch.setattr(import_oparl.__globals__["Importer"], "_consultation", stop_half_way)
        monkeypatch.setattr("oparl.importer.run.BATCH_SIZE", 2)
        with pytest.raises(KeyboardInterrupt):
            import_oparl(sn(""), client=http_client())
        stopped = ImportRun.objects.get()
        assert stopped.finished_at is None
        kept = ImportedObject.objects.count()
        monkeypatch.setattr(import_oparl.__globals__["Importer"], "_consultation", real)

        result = import_oparl(sn(""), client=http_client())

    assert result.run.pk == stopped.pk and result.run.finished_at is not None
    assert kept > 0
    assert result.counts["Paper"]["unchanged"] == len(SESSIONNET_RESULTS)  # written before the stop
    assert Decision.objects.count() == len(SESSIONNET_RESULTS)


def test_the_admin_shows_the_run_report_grouped(sdnet_run, client, admin_user):
    client.force_login(admin_user)
    run = ImportRun.objects.get()

    response = client.get(reverse("admin:oparl_importrun_change", args=[run.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "not readable: HTTP N" in page
    assert sd("file/45/access") in page  # the file not fetched, with its URL


def test_the_run_report_is_not_shown_to_staff_without_permission(sdnet_run, client, office):
    client.force_login(office)

    response = client.get(reverse("admin:oparl_importrun_change", args=[ImportRun.objects.get().pk]))

    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_a_consultation_naming_no_organization_is_kept_under_a_placeholder_gremium():
    pages = sessionnet_endpoint()
    consultations = pages[sn("body/1/consultation")]["data"]
    lonely = consultations[0]  # the same dict as embedded in its paper
    for name in ("organization", "agendaItem", "meeting"):
        lonely.pop(name)
    pages[sn("body/1/agendaItem")]["data"][0].pop("consultation")  # nor does an agenda item lead to one
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, pages)
        result = import_oparl(sn(""), client=http_client())

    consultation = imported(Consultation, lonely["id"])
    assert consultation.organization.organization_type == Organization.Type.COMMITTEE
    assert "no organization" in reasons(result, lonely["id"])
    assert "failed" not in result.counts["Consultation"]


# --- cost -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_import_costs_a_bounded_number_of_queries_per_object(django_assert_max_num_queries):
    endpoint = GeneratedEndpoint(papers=40, persons=4, organizations=4, meetings=5, items_per_meeting=8, files_every=4)

    # About eight an object today (savepoint, insert, timestamps, record, references); a query per
    # object and type more (a lookup that grows with the body) would break this.
    with django_assert_max_num_queries(10 * endpoint.object_count):
        result = import_oparl(endpoint.url(""), client=OParlClient(get=endpoint.get))

    written = sum(n for counter in result.counts.values() for outcome, n in counter.items() if outcome != "skipped")
    assert written == endpoint.object_count


def test_the_report_keeps_the_first_problems_whole_and_counts_all(monkeypatch):
    monkeypatch.setattr(report_module, "MAX_KEPT", 2)
    report = report_module.Report()
    for n in range(5):
        report.add({"type": "Decision", "id": f"item/{n}", "reason": f"result “w{n}” kept as worded"})

    assert report.total == 5 and len(report.kept) == 2
    assert report.as_dict()["groups"] == [
        {
            "type": "Decision",
            "kind": "result “…” kept as worded",
            "count": 5,
            "examples": [{"id": f"item/{n}", "reason": f"result “w{n}” kept as worded"} for n in range(3)],
        }
    ]
