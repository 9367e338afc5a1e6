"""External lists: paging, the four filters and their validation, links that keep them, and query counts."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from council.models import Attendance
from oparl import views
from resolutions.models import Paper
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    AttendanceFactory,
    BodyFactory,
    CommitteeFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    LegislativeTermFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ReleasedPaperFactory,
)
from tests.oparl.conftest import api_url

UTC = datetime.UTC


def papers_url(body, query: str = "") -> str:
    return api_url("oparl:body_objects", pk=body.pk, kind="papers") + (f"?{query}" if query else "")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def sixty_papers(body):
    return [ReleasedPaperFactory(body=body) for _number in range(60)]


def test_sixty_papers_in_pages_of_25(oparl_get, body, sixty_papers):
    first = oparl_get(papers_url(body, "limit=25"))
    second = oparl_get(first["links"]["next"])
    third = oparl_get(second["links"]["next"])

    assert [len(page["data"]) for page in (first, second, third)] == [25, 25, 10]
    for number, page in enumerate((first, second, third), start=1):
        assert page["pagination"] == {
            "totalElements": 60,
            "elementsPerPage": 25,
            "currentPage": number,
            "totalPages": 3,
        }
        assert page["links"]["first"] == papers_url(body, "limit=25")
        assert page["links"]["last"] == papers_url(body, "limit=25&page=3")
    assert "next" in first["links"] and "next" in second["links"] and "next" not in third["links"]
    assert "prev" not in first["links"]
    assert second["links"]["prev"] == papers_url(body, "limit=25")
    assert third["links"]["prev"] == papers_url(body, "limit=25&page=2")
    assert [page["links"]["self"] for page in (first, second, third)] == [
        papers_url(body, "limit=25"),
        papers_url(body, "limit=25&page=2"),
        papers_url(body, "limit=25&page=3"),
    ]
    ids = [paper["id"] for page in (first, second, third) for paper in page["data"]]
    expected = [api_url("oparl:paper", pk=paper.pk) for paper in sorted(sixty_papers, key=lambda paper: paper.pk)]
    assert ids == expected


def test_the_default_page_has_25_and_no_page_has_more_than_100(oparl_get, body, sixty_papers):
    default = oparl_get(papers_url(body))
    capped = oparl_get(papers_url(body, "limit=500"))

    assert default["pagination"]["elementsPerPage"] == views.DEFAULT_PAGE_SIZE == 25
    assert len(default["data"]) == 25 and default["links"]["next"] == papers_url(body, "page=2")
    assert capped["pagination"]["elementsPerPage"] == views.MAX_PAGE_SIZE == 100
    assert len(capped["data"]) == 60 and "next" not in capped["links"]
    assert capped["links"]["self"] == papers_url(body, "limit=100")


def test_an_empty_list_is_one_empty_page(oparl_get, body):
    page = oparl_get(papers_url(body))

    assert page["data"] == []
    assert page["pagination"] == {"totalElements": 0, "elementsPerPage": 25, "currentPage": 1, "totalPages": 1}
    assert "next" not in page["links"]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=-3", "limit=ten", "page=0", "page=x", "omit_internal=yes", "created_since=2014"]
)
def test_bad_paging_and_flags_are_400(oparl_get, body, query):
    error = oparl_get(papers_url(body, query), status=400)

    assert error["type"] == "https://schema.oparl.org/1.1/Error"
    assert error["message"]


def test_a_page_beyond_the_last_is_404(oparl_get, body, sixty_papers):
    oparl_get(papers_url(body, "page=4"), status=404)


# --- filters ----------------------------------------------------------------------------
def dated(paper: Paper, *, created: datetime.datetime, modified: datetime.datetime) -> Paper:
    # update() leaves auto_now alone and sends no signals: the timestamps are exactly these.
    Paper.objects.filter(pk=paper.pk).update(created=created, modified=modified)
    return Paper.objects.get(pk=paper.pk)


@pytest.fixture
def dated_papers(body):
    """Three papers: created in 2013, 2014, 2015; each modified a year after."""
    return [
        dated(
            ReleasedPaperFactory(body=body),
            created=datetime.datetime(year, 6, 1, 12, tzinfo=UTC),
            modified=datetime.datetime(year + 1, 6, 1, 12, tzinfo=UTC),
        )
        for year in (2013, 2014, 2015)
    ]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("created_since", "2014-01-01T00:00:00+01:00", [1, 2]),
        ("created_until", "2014-12-31T23:59:59+01:00", [0, 1]),
        ("modified_since", "2015-06-01T12:00:00+00:00", [1, 2]),
        ("modified_until", "2015-06-01T14:00:00+02:00", [0, 1]),
    ],
)
def test_each_filter_narrows_the_list_and_stays_in_the_links(oparl_get, body, dated_papers, name, value, expected):
    extra = [ReleasedPaperFactory(body=body) for _number in range(2)]
    for paper in extra:
        dated(paper, created=dated_papers[expected[0]].created, modified=dated_papers[expected[0]].modified)
    wanted = [dated_papers[number] for number in expected] + extra

    first = oparl_get(papers_url(body, f"{name}={value.replace('+', '%2B')}&limit=2"))
    pages = [first]
    while "next" in pages[-1]["links"]:
        pages.append(oparl_get(pages[-1]["links"]["next"]))

    ids = {paper["id"] for page in pages for paper in page["data"]}
    assert ids == {api_url("oparl:paper", pk=paper.pk) for paper in wanted}
    assert first["pagination"]["totalElements"] == len(wanted)
    for page in pages:
        for link in page["links"].values():
            assert query_of(link)[name] == [value]
            assert query_of(link)["limit"] == ["2"]


def test_filters_combine(oparl_get, body, dated_papers):
    page = oparl_get(
        papers_url(body, "created_since=2014-01-01T00:00:00%2B01:00&modified_until=2015-12-31T00:00:00%2B01:00")
    )

    assert [paper["id"] for paper in page["data"]] == [api_url("oparl:paper", pk=dated_papers[1].pk)]
    assert list(query_of(page["links"]["self"])) == ["created_since", "modified_until"]


def test_an_unencoded_plus_of_an_offset_is_understood(oparl_get, body, dated_papers):
    page = oparl_get(papers_url(body, "created_since=2015-01-01T00:00:00+01:00"))

    assert [paper["id"] for paper in page["data"]] == [api_url("oparl:paper", pk=dated_papers[2].pk)]
    assert query_of(page["links"]["self"])["created_since"] == ["2015-01-01T00:00:00+01:00"]


@pytest.mark.parametrize("name", views.FILTERS)
@pytest.mark.parametrize("value", ["yesterday", "2014-13-01T00:00:00", "2014-01-01", "1388534400"])
def test_a_bad_filter_value_is_400(oparl_get, body, name, value):
    error = oparl_get(papers_url(body, f"{name}={value}"), status=400)

    assert error["type"] == "https://schema.oparl.org/1.1/Error"
    assert name in error["message"]


def test_filters_apply_to_every_list(oparl_get, record):
    far_future = "2999-01-01T00:00:00%2B01:00"
    body = record.body
    lists = [api_url("oparl:body_list")] + [
        api_url("oparl:body_objects", pk=body.pk, kind=kind) for kind in views.BODY_LIST_KINDS
    ]
    lists += [
        api_url("oparl:organization_meetings", pk=record.committee.pk),
        api_url("oparl:organization_consultations", pk=record.committee.pk),
    ]

    for url in lists:
        assert oparl_get(url)["data"], url
        for name in views.FILTERS:
            since = name.endswith("_since")
            page = oparl_get(f"{url}?{name}={far_future}")
            assert (page["data"] == []) is since, (url, name)
        oparl_get(f"{url}?modified_since=soon", status=400)


# --- a fixed number of queries per page -------------------------------------------------
def _organizations(body, count):
    for number in range(count):
        organization = CommitteeFactory(body=body, location=LocationFactory(body=body, description=f"Raum {number}"))
        MembershipFactory(person=PersonFactory(body=body), organization=organization)


def _persons(body, count):
    committee, faction = CommitteeFactory(body=body), FactionFactory(body=body)
    for _number in range(count):
        person = PersonFactory(body=body, title="Dr.")
        MembershipFactory(person=person, organization=committee, on_behalf_of=faction)
        MembershipFactory(person=person, organization=faction)


def _meetings(body, count):
    committee, faction = CommitteeFactory(body=body), FactionFactory(body=body)
    hall = LocationFactory(body=body)
    for _number in range(count):
        meeting = MeetingFactory(body=body, organizations=[committee], location=hall, state="held")
        _decided_item(body, meeting, committee, faction)
        AgendaItemFactory(meeting=meeting)
        AttendanceFactory(meeting=meeting, person=PersonFactory(body=body), status=Attendance.Status.PRESENT)
        MembershipFactory(person=meeting.attendances.get().person, organization=committee)


def _decided_item(body, meeting, committee, faction):
    item = AgendaItemFactory(meeting=meeting)
    step = ConsultationFactory(paper=ReleasedPaperFactory(body=body), organization=committee, agenda_item=item)
    decision = DecisionFactory(consultation=step, agenda_item=item, votes_yes=3)
    FactionVoteFactory(decision=decision, faction=faction, votes_yes=3)
    return item


def _agenda_items(body, count):
    committee, faction = CommitteeFactory(body=body), FactionFactory(body=body)
    meeting = MeetingFactory(body=body, organizations=[committee])
    for _number in range(count):
        _decided_item(body, meeting, committee, faction)


def _papers(body, count):
    committee, faction = CommitteeFactory(body=body), FactionFactory(body=body)
    author = PersonFactory(body=body)
    MembershipFactory(person=author, organization=faction)
    meeting = MeetingFactory(body=body, organizations=[committee])
    for _number in range(count):
        paper = ReleasedPaperFactory(body=body)
        paper.originator_persons.add(author)
        paper.originator_organizations.add(faction)
        ConsultationFactory(paper=paper, organization=committee, agenda_item=AgendaItemFactory(meeting=meeting))
        ConsultationFactory(paper=paper, organization=committee, order=2, authoritative=False)
        AttachmentFactory(paper=paper)
        AttachmentFactory(paper=paper, order=2)


def _consultations(body, count):
    committee = CommitteeFactory(body=body)
    meeting = MeetingFactory(body=body, organizations=[committee])
    for _number in range(count):
        item = AgendaItemFactory(meeting=meeting)
        ConsultationFactory(paper=ReleasedPaperFactory(body=body), organization=committee, agenda_item=item)


def _files(body, count):
    paper = ReleasedPaperFactory(body=body)
    for number in range(count):
        AttachmentFactory(paper=paper, order=number + 1)


def _locations(body, count):
    for _number in range(count):
        hall = LocationFactory(body=body)
        CommitteeFactory(body=body, location=hall)
        MeetingFactory(body=body, location=hall)


def _memberships(body, count):
    committee = CommitteeFactory(body=body)
    for _number in range(count):
        MembershipFactory(person=PersonFactory(body=body), organization=committee)


def _terms(body, count):
    for number in range(count):
        LegislativeTermFactory(body=body, name=f"Wahlperiode {number}")


def _bodies(body, count):
    for number in range(count - 1):
        other = BodyFactory(ags=f"0731{number:04d}", name=f"Gemeinde {number}")
        LegislativeTermFactory(body=other)
    LegislativeTermFactory(body=body)


BUILDERS = {
    "organizations": _organizations,
    "persons": _persons,
    "meetings": _meetings,
    "papers": _papers,
    "legislative-terms": _terms,
    "agenda-items": _agenda_items,
    "consultations": _consultations,
    "files": _files,
    "locations": _locations,
    "memberships": _memberships,
    "bodies": _bodies,
}
# However many objects a page holds: counts, ids, the objects, their prefetched parts, tombstones.
MAX_QUERIES = 14


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("query", ["limit=100", "limit=100&modified_since=2000-01-01T00:00:00%2B01:00"])
def test_queries_do_not_grow_with_the_objects(oparl_get, body, django_assert_max_num_queries, kind, count, query):
    BUILDERS[kind](body, count)
    url = api_url("oparl:body_list") if kind == "bodies" else api_url("oparl:body_objects", pk=body.pk, kind=kind)

    with django_assert_max_num_queries(MAX_QUERIES):
        page = oparl_get(f"{url}?{query}")

    assert len(page["data"]) >= count


@pytest.mark.parametrize("count", [5, 50])
def test_organization_lists_do_not_grow_either(oparl_get, body, django_assert_max_num_queries, count):
    _meetings(body, count)
    committee = CommitteeFactory._meta.model.objects.filter(body=body, meetings__isnull=False).first()

    for name in ("oparl:organization_meetings", "oparl:organization_consultations"):
        with django_assert_max_num_queries(MAX_QUERIES):
            page = oparl_get(api_url(name, pk=committee.pk) + "?limit=100")
        assert len(page["data"]) == count
