"""The crawler: on a fake endpoint where each test breaks one thing, and on the demo served by Ratsbuch."""

import hashlib
import json
import re

import pytest
import responses
from django.core.management import CommandError, call_command

from oparl import crawler as c
from oparl import validation as v
from oparl.crawler import crawl
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    BodyFactory,
    CommitteeFactory,
    ConsultationFactory,
    LegislativeTermFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ReleasedPaperFactory,
)
from tests.oparl.crawl_support import B, FakeEndpoint, crawl_ratsbuch, rolled_back_demo

START = f"{B}/"


@pytest.fixture
def endpoint():
    return FakeEndpoint()


def codes(report):
    return {problem.code for problem in report.problems}


def test_crawler_walks_a_correct_endpoint_without_problems(endpoint):
    report = crawl(START, endpoint.get)
    assert report.problems == []
    assert report.ok
    assert report.counts == {
        "System": 1,
        "Body": 1,
        "LegislativeTerm": 1,
        "Organization": 1,
        "Person": 1,
        "Membership": 1,
        "Meeting": 1,
        "AgendaItem": 1,
        "Paper": 3,
        "File": 3,
    }
    assert report.list_pages == 8
    assert report.files == 6


def test_crawler_follows_every_link_of_its_own_origin_and_no_other(endpoint):
    crawl(START, endpoint.get)
    requested = set(endpoint.requested)
    assert set(endpoint.objects) <= requested  # every id, embedded ones too
    assert set(endpoint.pages) <= requested  # every list page, the second through links.next
    assert set(endpoint.blobs) <= requested  # accessUrl, downloadUrl, web pages
    assert not any(url.startswith("https://creativecommons.org") for url in requested)
    assert len(endpoint.requested) == len(requested), "each URL is fetched once"


def test_crawler_without_web_pages(endpoint):
    crawl(START, endpoint.get, follow_web=False)
    assert not any("/vorlagen/" in url for url in endpoint.requested)


def test_crawler_without_files(endpoint):
    report = crawl(START, endpoint.get, follow_files=False)
    assert report.files == 0
    assert not any(url.endswith(("/access", "/download")) for url in endpoint.requested)


def test_dead_link_is_reported(endpoint):
    del endpoint.objects[f"{B}/organization/1"]
    report = crawl(START, endpoint.get)
    dead = report.with_code(c.DEAD_LINK)
    assert [problem.url for problem in dead] == [f"{B}/organization/1"]
    assert "404" in dead[0].message


def test_dead_file_link_is_reported(endpoint):
    del endpoint.blobs[f"{B}/file/2/download"]
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.DEAD_LINK, f"{B}/file/2/download")]


def test_missing_next_on_a_non_last_page_is_reported(endpoint):
    del endpoint.pages[f"{endpoint.body_url}/paper/"]["links"]["next"]
    report = crawl(START, endpoint.get)
    # Paper 3, on the page never reached, is still found through its File's back reference.
    assert [(p.code, p.url) for p in report.problems] == [
        (c.NEXT_MISSING, f"{endpoint.body_url}/paper/"),
        (c.MISSING_FROM_LIST, f"{B}/paper/3"),
    ]


def test_missing_next_is_found_from_total_elements_too(endpoint):
    first = endpoint.pages[f"{endpoint.body_url}/paper/"]
    del first["links"]["next"]
    first["pagination"] = {"totalElements": 3}
    report = crawl(START, endpoint.get)
    assert codes(report) == {c.NEXT_MISSING, c.MISSING_FROM_LIST}


def test_next_on_the_last_page_is_reported(endpoint):
    last = endpoint.pages[f"{endpoint.body_url}/paper/?page=2"]
    last["links"]["next"] = f"{endpoint.body_url}/paper/?page=3"
    endpoint.pages[f"{endpoint.body_url}/paper/?page=3"] = {"data": [], "pagination": {}, "links": {}}
    report = crawl(START, endpoint.get)
    assert codes(report) == {c.NEXT_ON_LAST_PAGE}


def test_object_missing_from_its_list_is_reported(endpoint):
    endpoint.pages[f"{endpoint.body_url}/organization/"]["data"] = []
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.MISSING_FROM_LIST, f"{B}/organization/1")]


def test_embedded_object_missing_from_its_list_is_reported(endpoint):
    del endpoint.pages[f"{endpoint.body_url}/file/"]["data"][1]
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.MISSING_FROM_LIST, f"{B}/file/2")]


def test_object_twice_in_a_list_is_reported(endpoint):
    pages = endpoint.pages
    pages[f"{endpoint.body_url}/paper/?page=2"]["data"].insert(0, pages[f"{endpoint.body_url}/paper/"]["data"][1])
    report = crawl(START, endpoint.get)
    assert c.DUPLICATE_IN_LIST in codes(report)


def test_wrong_checksum_is_reported(endpoint):
    wrong = hashlib.sha512(b"other bytes").hexdigest()
    endpoint.objects[f"{B}/file/1"]["sha512Checksum"] = wrong
    endpoint.objects[f"{B}/paper/1"]["mainFile"]["sha512Checksum"] = wrong
    for page in (endpoint.pages[f"{endpoint.body_url}/paper/"], endpoint.pages[f"{endpoint.body_url}/file/"]):
        for obj in page["data"]:
            target = obj.get("mainFile", obj)
            if target["id"] == f"{B}/file/1":
                target["sha512Checksum"] = wrong
    report = crawl(START, endpoint.get)
    assert codes(report) == {c.FILE_CHECKSUM}
    assert {p.url for p in report.problems} == {f"{B}/file/1/access", f"{B}/file/1/download"}


def test_wrong_size_is_reported(endpoint):
    status, headers, _content = endpoint.blobs[f"{B}/file/3/access"]
    endpoint.blobs[f"{B}/file/3/access"] = (status, headers, b"truncated")
    report = crawl(START, endpoint.get)
    assert codes(report) == {c.FILE_SIZE, c.FILE_CHECKSUM}


@pytest.mark.parametrize(
    ("url", "disposition"),
    [(f"{B}/file/1/access", 'attachment; filename="a.pdf"'), (f"{B}/file/1/download", 'inline; filename="a.pdf"')],
)
def test_wrong_content_disposition_is_reported(endpoint, url, disposition):
    status, headers, content = endpoint.blobs[url]
    endpoint.blobs[url] = (status, {**headers, "content-disposition": disposition}, content)
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.CONTENT_DISPOSITION, url)]


def test_missing_cors_header_is_reported(endpoint):
    endpoint.headers[f"{B}/meeting/1"] = {"content-type": "application/json"}
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.CORS, f"{B}/meeting/1")]


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json; charset=iso-8859-1"])
def test_wrong_content_type_is_reported(endpoint, content_type):
    endpoint.headers[f"{B}/person/1"] = {"content-type": content_type, "access-control-allow-origin": "*"}
    report = crawl(START, endpoint.get)
    assert [(p.code, p.url) for p in report.problems] == [(c.CONTENT_TYPE, f"{B}/person/1")]


def test_response_that_is_not_json_is_reported(endpoint):
    endpoint.blobs[f"{B}/meeting/1"] = (200, {"content-type": "application/json"}, b"\xef\xbb\xbf{}")
    report = crawl(START, endpoint.get)
    assert c.NOT_JSON in codes(report)


def test_embedded_copy_that_differs_from_its_own_url_is_reported(endpoint):
    endpoint.objects[f"{B}/agendaitem/1"]["name"] = "Ein anderer Punkt"
    report = crawl(START, endpoint.get)
    # The meeting embeds it twice: at its own URL and in the body's meeting list.
    assert {(p.code, p.url, p.path) for p in report.problems} == {
        (c.EMBEDDED_DIFFERS, f"{B}/meeting/1", "agendaItem[0]"),
        (c.EMBEDDED_DIFFERS, f"{endpoint.body_url}/meeting/", "data[0].agendaItem[0]"),
    }
    assert all("name" in problem.message for problem in report.problems)


def test_object_whose_url_serves_another_type_is_reported(endpoint):
    endpoint.objects[f"{B}/agendaitem/1"]["type"] = v.type_url("Consultation")
    report = crawl(START, endpoint.get)
    assert {c.EMBEDDED_DIFFERS, v.TYPE_MISMATCH} <= codes(report)


def test_object_whose_url_serves_another_id_is_reported(endpoint):
    endpoint.objects[f"{B}/person/1"]["id"] = f"{B}/person/2"
    report = crawl(START, endpoint.get)
    assert c.ID_MISMATCH in codes(report)


def test_validation_problems_come_with_their_url(endpoint):
    endpoint.objects[f"{B}/paper/2"]["reference"] = ""
    report = crawl(START, endpoint.get)
    problems = report.with_code(v.EMPTY_STRING)
    assert [(p.url, p.path) for p in problems] == [(f"{B}/paper/2", "reference")]


def test_malformed_list_page_is_reported(endpoint):
    endpoint.pages[f"{endpoint.body_url}/person/"]["links"]["nextPage"] = None
    report = crawl(START, endpoint.get)
    assert v.UNKNOWN_PROPERTY in codes(report)


def test_request_limit_stops_the_crawl(endpoint):
    report = crawl(START, endpoint.get, max_requests=3)
    assert report.requests == 3
    assert codes(report) == {c.REQUEST_LIMIT}


def test_dead_start_url_is_reported():
    report = crawl(START, lambda url: (500, {}, b""))
    assert [(p.code, p.url) for p in report.problems] == [(c.DEAD_LINK, START)]
    assert report.counts == {}


# The management command -------------------------------------------------------


def _serve(endpoint):
    """Answer every request of `requests` from the fake endpoint."""

    def callback(request):
        status, headers, body = endpoint.get(request.url)
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return status, headers, content

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add_callback(
        responses.GET, re.compile(r"https://oparl\.example\.org/.*"), callback=callback, content_type=None
    )
    return mock


def test_check_oparl_command_prints_counts_and_succeeds(endpoint, capsys):
    with _serve(endpoint) as mock:
        call_command("check_oparl", START)
    out = capsys.readouterr().out
    assert "Paper" in out and "3" in out
    assert all("Ratsbuch" in call.request.headers["User-Agent"] for call in mock.calls)


def test_check_oparl_command_fails_on_problems(endpoint, capsys):
    del endpoint.objects[f"{B}/organization/1"]
    with _serve(endpoint), pytest.raises(CommandError):
        call_command("check_oparl", START, "--no-web")
    assert c.DEAD_LINK in capsys.readouterr().out


# The API of this project ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_crawl(django_db_setup, django_db_blocker, tmp_path_factory):
    """One crawl of the demo through the test client, web pages and files included."""
    with rolled_back_demo(django_db_blocker, tmp_path_factory.mktemp("media")):
        return crawl_ratsbuch()


@pytest.mark.django_db
def test_demo_crawl_finds_no_problem(demo_crawl):
    assert [f"[{problem.code}] {problem}" for problem in demo_crawl.problems] == []


@pytest.mark.django_db
@pytest.mark.parametrize("code", [c.DEAD_LINK, c.MISSING_FROM_LIST, c.DUPLICATE_IN_LIST, c.EMBEDDED_DIFFERS])
def test_demo_crawl_finds_no_dead_link_and_every_object_once_in_its_list(demo_crawl, code):
    assert [str(problem) for problem in demo_crawl.with_code(code)] == []


@pytest.mark.django_db
def test_demo_crawl_reaches_the_seed_vorlage_its_files_and_every_type(demo_crawl):
    assert set(demo_crawl.counts) == set(v.TYPES)
    papers = [obj for obj in demo_crawl.objects.values() if v.type_name_of(obj["type"]) == "Paper"]
    assert "20135317" in {paper.get("reference") for paper in papers}
    assert demo_crawl.files >= 2


def _larger_body():
    """60 released Vorlagen (10 with an attachment) and 30 meetings with an agenda item each."""
    body = BodyFactory()
    LegislativeTermFactory(body=body)
    committee = CommitteeFactory(body=body, name="Ausschuss für Soziales")
    for n in range(3):
        MembershipFactory(person=PersonFactory(body=body), organization=committee, role=f"Mitglied {n}")
    location = LocationFactory(body=body)
    items = []
    for _n in range(30):
        meeting = MeetingFactory(body=body, organizations=[committee], location=location)
        items.append(AgendaItemFactory(meeting=meeting))
    for n in range(60):
        paper = ReleasedPaperFactory(body=body)
        ConsultationFactory(paper=paper, organization=committee, agenda_item=items[n] if n < 30 else None)
        if n % 6 == 0:
            AttachmentFactory(paper=paper, name=f"Anlage {n}")
    return body


@pytest.mark.django_db
def test_crawler_walks_every_page_of_larger_lists():
    _larger_body()
    # The files' bytes are the demo crawl's business; here 60 Vorlage PDFs would only take time.
    report = crawl_ratsbuch(limit=7, follow_web=False, follow_files=False)
    pages_seen = {url.rstrip("/").rsplit("/", 1)[-1]: count for url, count in report.lists.items() if "/body/" in url}
    assert report.counts["Paper"] == 60
    assert report.counts["Meeting"] == 30
    assert report.counts["AgendaItem"] == 30
    assert report.counts["Consultation"] == 60
    # ceil(60 / 7) pages of papers and of consultations, ceil(30 / 7) of meetings and agenda items
    assert pages_seen["papers"] == 9
    assert pages_seen["consultations"] == 9
    assert pages_seen["meetings"] >= 5
    assert pages_seen["agenda-items"] == 5
    assert [f"[{problem.code}] {problem}" for problem in report.problems] == []
