"""Every list page, filter and OParl list costs the same number of queries, at most 12, whatever the rows.

Each is asked once on a small city and once on one with several times the rows: the counts
must be equal (nothing per row) and within the budget (issue 11).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    ConsultationFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    ReleasedPaperFactory,
)

MAX_QUERIES = 12
# What being logged in costs any page before it starts: the session, the user, their groups,
# their person, memberships and the types of those organizations (council.roles.actor_for).
LOGIN_QUERIES = 6
SMALL, LARGE = 2, 7

PAGES = [
    ("resolutions:paper_list", {}, ""),
    ("resolutions:paper_list", {}, "?state=decided"),
    ("resolutions:paper_list", {}, "?state=released&year=2013"),
    ("resolutions:paper_list", {}, "?page=2"),
    ("council:meeting_list", {}, ""),
    ("council:organization_list", {}, ""),
    ("council:organization_detail", {"pk": "committee"}, ""),
    ("council:person_list", {}, ""),
    ("resolutions:tracking_list", {}, ""),
    ("alliances:alliance_list", {}, ""),
]
OPARL_LISTS = [
    ("oparl:body_list", {}, ""),
    *[
        ("oparl:body_objects", {"pk": "body", "kind": kind}, "")
        for kind in (
            "organizations",
            "persons",
            "meetings",
            "papers",
            "legislative-terms",
            "agenda-items",
            "consultations",
            "files",
            "locations",
            "memberships",
        )
    ],
    ("oparl:body_objects", {"pk": "body", "kind": "papers"}, "?modified_since=2000-01-01T00:00:00%2B00:00"),
    ("oparl:body_objects", {"pk": "body", "kind": "papers"}, "?modified_until=2100-01-01T00:00:00%2B00:00"),
    ("oparl:body_objects", {"pk": "body", "kind": "meetings"}, "?modified_since=2000-01-01T00:00:00%2B00:00"),
    ("oparl:body_objects", {"pk": "body", "kind": "papers"}, "?limit=2&page=2"),
    ("oparl:organization_meetings", {"pk": "committee"}, ""),
    ("oparl:organization_consultations", {"pk": "committee"}, ""),
]


def _city(body, committee, size: int) -> None:
    """`size` of everything: Vorlagen with steps, items, results and attachments; meetings; people."""
    for index in range(size):
        meeting = MeetingFactory(body=body, organizations=[committee])
        person = PersonFactory(body=body)
        MembershipFactory(person=person, organization=committee)
        for _ in range(3):
            paper = ReleasedPaperFactory(body=body)
            item = AgendaItemFactory(meeting=meeting, name=paper.name)
            step = ConsultationFactory(paper=paper, organization=committee, agenda_item=item)
            if index % 2:
                DecisionFactory(consultation=step, agenda_item=item)
            AttachmentFactory(paper=paper, public=True)


def _url(name: str, kwargs: dict, query: str, body, committee) -> str:
    objects = {"body": body.pk, "committee": committee.pk}
    return reverse(name, kwargs={key: objects.get(value, value) for key, value in kwargs.items()}) + query


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a process warms what it caches (the content types, say)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(("name", "kwargs", "query"), PAGES + OPARL_LISTS)
def test_queries_do_not_grow_with_the_rows(client, body, committee, name, kwargs, query):
    _city(body, committee, SMALL)
    url = _url(name, kwargs, query, body, committee)
    small = _queries(client, url)

    _city(body, committee, LARGE - SMALL)
    large = _queries(client, url)

    assert large == small, f"{url}: {small} queries with {SMALL}, {large} with {LARGE}"
    assert large <= MAX_QUERIES, f"{url}: {large} queries"


@pytest.mark.parametrize(("name", "kwargs", "query"), PAGES)
def test_queries_do_not_grow_for_a_member(client, body, committee, member, name, kwargs, query):
    client.force_login(member)
    _city(body, committee, SMALL)
    url = _url(name, kwargs, query, body, committee)
    small = _queries(client, url)

    _city(body, committee, LARGE - SMALL)
    large = _queries(client, url)

    assert large == small, f"{url}: {small} queries with {SMALL}, {large} with {LARGE}"
    assert large <= MAX_QUERIES + LOGIN_QUERIES, f"{url}: {large} queries"
