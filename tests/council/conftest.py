"""Fixtures for meetings: a committee with seats for two Fraktionen, a past and an upcoming meeting.

The builders are plain functions too, so that tests of other apps (the agenda and the
decisions in tests/resolutions) can seat people without these fixtures.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from council.models import Meeting, Organization, Person
from tests.factories import FactionFactory, MeetingFactory, MembershipFactory, PersonFactory

BERLIN = ZoneInfo("Europe/Berlin")
TERM_START = datetime.date(2009, 7, 1)


def at(day: datetime.date, hour: int = 16, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in Ludwigshafen."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BERLIN)


def seat(
    organization: Organization,
    *,
    faction: Organization | None = None,
    voting_right: bool = True,
    start_date: datetime.date | None = TERM_START,
    end_date: datetime.date | None = None,
    family_name: str | None = None,
) -> Person:
    """A new person with a seat in `organization`, for `faction`."""
    person = PersonFactory(body=organization.body, **({"family_name": family_name} if family_name else {}))
    MembershipFactory(
        person=person,
        organization=organization,
        on_behalf_of=faction,
        voting_right=voting_right,
        start_date=start_date,
        end_date=end_date,
    )
    return person


def meeting_of(*organizations: Organization, start: datetime.datetime, **fields) -> Meeting:
    return MeetingFactory(body=organizations[0].body, organizations=list(organizations), start=start, **fields)


def user_named(request, name: str):
    """A fixture user by name, or the anonymous visitor."""
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.fixture
def factions(body) -> dict[str, Organization]:
    return {
        "SPD": FactionFactory(body=body, name="SPD-Fraktion", short_name="SPD"),
        "CDU": FactionFactory(body=body, name="CDU-Fraktion", short_name="CDU"),
    }


@pytest.fixture
def seated(committee, factions) -> dict[str, Person]:
    """The committee's seats: three votes of the SPD, two of the CDU, one deputy without a vote."""
    spd, cdu = factions["SPD"], factions["CDU"]
    return {
        "weiss": seat(committee, faction=spd, family_name="Weiß"),
        "kraemer": seat(committee, faction=spd, family_name="Krämer"),
        "schaefer": seat(committee, faction=spd, family_name="Schäfer"),
        "hoerner": seat(committee, faction=cdu, family_name="Hörner"),
        "gross": seat(committee, faction=cdu, family_name="Groß"),
        "dogan": seat(committee, faction=spd, voting_right=False, family_name="Doğan"),
    }


@pytest.fixture
def meeting(committee) -> Meeting:
    """A scheduled meeting of the committee that started in the past (4 March 2013)."""
    return meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Sozialausschusses")


@pytest.fixture
def upcoming(committee) -> Meeting:
    """A scheduled meeting of the committee four weeks ahead."""
    day = timezone.localdate() + datetime.timedelta(days=28)
    return meeting_of(committee, start=at(day), name="24. Sitzung des Sozialausschusses")
