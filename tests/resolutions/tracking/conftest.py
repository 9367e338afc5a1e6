"""Fixtures of the Beschlusskontrolle: Vorlagen decided through the services, so their tracking opened."""

import datetime

import pytest

from council import services as council_services
from resolutions import services
from resolutions.models import Decision, Paper, Tracking
from tests.council.conftest import at, meeting_of, seat
from tests.factories import ConsultationFactory, ReleasedPaperFactory

DECISION_DAY = datetime.date(2013, 3, 4)


def decide(paper: Paper, organization, office, *, result=Decision.Result.ADOPTED, public_item=True, day=DECISION_DAY):
    """Put the paper's only step on a meeting of `organization`, hold it and record `result`."""
    meeting = meeting_of(organization, start=at(day), name=f"Sitzung vom {day:%d.%m.%Y} ({paper.reference})")
    item = services.agenda_item_add(meeting=meeting, by=office, paper=paper, public=public_item)
    voter = seat(organization)
    council_services.attendance_record(meeting=meeting, by=office, present=[voter])
    council_services.meeting_hold(meeting=meeting, by=office)
    return services.decision_record(item=item, by=office, result=result, votes_yes=1)


def decided_paper(unit, committee, office, *, public=True, result=Decision.Result.ADOPTED, **fields) -> Paper:
    paper = ReleasedPaperFactory(body=unit.body, under_direction_of=unit, public=public, **fields)
    ConsultationFactory(paper=paper, organization=committee)
    decide(paper, committee, office, result=result, public_item=public)
    return paper


@pytest.fixture
def tracked(unit, committee, office) -> Tracking:
    """The tracking of a public Vorlage the committee adopted on 4 March 2013."""
    paper = decided_paper(unit, committee, office, name="Sanierung des Spielplatzes Hemshofpark")
    return Tracking.objects.get(paper=paper)


@pytest.fixture
def secret_tracked(unit, committee, office) -> Tracking:
    """The tracking of a non-public Vorlage the committee adopted behind closed doors."""
    paper = decided_paper(
        unit, committee, office, public=False, name="Ankauf des Grundstücks Vogelsangstraße 7", reference="20130777"
    )
    return Tracking.objects.get(paper=paper)
