"""Fixtures for the OParl API: the demo, a JSON reader of API URLs, and a small public record built from factories.

`oparl_get(url)` GETs an API URL (absolute as the API writes them, or a path) as an
anonymous client and returns the parsed JSON, asserting the status (200 unless told);
`oparl_pages(url)` follows `next` through a list and returns all its `data`.
"""

import datetime
import json
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from council.models import Body, Organization
from resolutions.models import Paper
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
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

SCHEMA = "https://schema.oparl.org/1.1/"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def path_of(url: str) -> str:
    """The path and query of an absolute API URL, as the test client wants it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def api_url(name: str, **kwargs) -> str:
    """The absolute URL the API itself writes for a URL name, e.g. api_url("oparl:paper", pk=1)."""
    return "http://testserver" + reverse(name, kwargs=kwargs or None)


@pytest.fixture
def demo_data(db) -> Body:
    """The demo of `manage.py load_demo` (the seed Vorlage KSD 20135317 and its meetings); returns the body."""
    call_command("load_demo", verbosity=0)
    return Organization.objects.get(name="Stadtrat").body


@pytest.fixture
def oparl_response(db):
    """GET an API URL with a client of its own, logged in as nobody, and return the response."""
    anonymous = Client()

    def get(url: str, **headers):
        return anonymous.get(path_of(url), HTTP_ACCEPT_LANGUAGE="en", **headers)

    return get


@pytest.fixture
def oparl_get(oparl_response):
    """GET an API URL and return its parsed JSON; the status must be `status` (200 by default)."""

    def get(url: str, status: int = 200, **headers) -> dict:
        response = oparl_response(url, **headers)
        assert response.status_code == status, (url, response.status_code, response.content[:500])
        assert response["Content-Type"] == JSON_CONTENT_TYPE
        return json.loads(response.content.decode("utf-8"))

    return get


@pytest.fixture
def oparl_pages(oparl_get):
    """All objects of an external list, following `next` from page to page."""

    def pages(url: str) -> list[dict]:
        found, seen = [], set()
        while url:
            assert url not in seen, f"the list loops at {url}"
            seen.add(url)
            page = oparl_get(url)
            found += page["data"]
            url = page["links"].get("next")
        return found

    return pages


@pytest.fixture
def record(body):
    """A small public record of every OParl type, built from factories.

    A committee meeting in a location, with a public agenda item where a released public
    Vorlage was decided with votes by Fraktion, an attachment of that Vorlage, a person with
    a seat for a Fraktion, a legislative term. Returned as a namespace of the objects.
    """
    term = LegislativeTermFactory(body=body)
    hall = LocationFactory(body=body, description="Stadtratssaal, Rathaus", room="Stadtratssaal")
    committee = CommitteeFactory(body=body, name="Ausschuss für Soziales", short_name="SozA", location=hall)
    faction = FactionFactory(body=body, name="SPD-Fraktion", short_name="SPD")
    person = PersonFactory(body=body, given_name="Eva", family_name="Müller", title="Dr.", gender="female")
    seat = MembershipFactory(person=person, organization=committee, on_behalf_of=faction, role="Vorsitzende")
    meeting = MeetingFactory(
        body=body,
        organizations=[committee],
        location=hall,
        name="12. Sitzung des Ausschusses für Soziales",
        state="held",
        invited_at=datetime.datetime(2013, 3, 5, 9, tzinfo=datetime.UTC),
        end=datetime.datetime(2013, 3, 18, 18, tzinfo=datetime.UTC),
    )
    item = AgendaItemFactory(meeting=meeting, number="3", order=3, name="Beitritt zum Bündnis")
    paper = ReleasedPaperFactory(
        body=body, name="Beitritt zum Bündnis", subject_line='Bund-Länder-Programm "Soziale Stadt"'
    )
    paper.originator_persons.add(person)
    paper.originator_organizations.add(faction)
    consultation = ConsultationFactory(paper=paper, organization=committee, agenda_item=item)
    attachment = AttachmentFactory(paper=paper, name="Gründungserklärung", file_name="gründungserklärung.pdf")
    decision = DecisionFactory(
        consultation=consultation,
        agenda_item=item,
        result="beschlossen",
        resolution_text="Der Ausschuss empfiehlt den Beitritt.",
        votes_yes=10,
        votes_no=1,
        votes_abstain=2,
    )
    FactionVoteFactory(decision=decision, faction=faction, votes_yes=10, votes_no=1, votes_abstain=2)

    return SimpleNamespace(
        body=body,
        term=term,
        hall=hall,
        committee=committee,
        faction=faction,
        person=person,
        seat=seat,
        meeting=meeting,
        item=item,
        paper=Paper.objects.get(pk=paper.pk),
        consultation=consultation,
        attachment=attachment,
        decision=decision,
    )
