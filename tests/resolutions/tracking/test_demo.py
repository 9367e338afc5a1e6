"""The demo's Beschlusskontrolle: the seed's decision done, decisions in every state, a report on an agenda."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from council.models import Meeting
from resolutions.models import Paper, Tracking, TrackingReport
from resolutions.tracking.demo import SEED_CLOSING_REPORT
from resolutions.tracking.models import Light


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_the_seed_decision_is_done_with_the_closing_report_on_the_vorlage_page(client, demo):
    tracking = Tracking.objects.get(paper__reference="20135317")
    assert tracking.state == Tracking.State.DONE
    assert tracking.closing_report.text == SEED_CLOSING_REPORT
    assert "Steuerungsgruppe" in SEED_CLOSING_REPORT
    page = client.get(reverse("resolutions:paper_detail", kwargs={"reference": "20135317"}))
    assert SEED_CLOSING_REPORT in page.text
    assert f'href="{tracking.get_absolute_url()}"' in page.text


def test_the_demo_has_open_overdue_on_track_and_not_feasible_decisions(demo):
    lights = {t.paper.name: (t.state, t.light) for t in Tracking.objects.with_light().select_related("paper")}
    states = {state for state, _light in lights.values()}
    assert {Tracking.State.DONE, Tracking.State.NOT_FEASIBLE, Tracking.State.OPEN, Tracking.State.IN_PROGRESS} <= states
    assert {Light.RED, Light.GREEN, Light.CLOSED} <= {light for _state, light in lights.values()}
    assert Tracking.objects.exclude(pk__in=Tracking.objects.public()).exists()


def test_the_report_is_on_the_agenda_of_the_next_stadtrat(demo):
    report = TrackingReport.objects.get()
    item = report.paper.consultations.get().agenda_item
    assert item.meeting.name == "14. Sitzung des Stadtrates" and item.public
    assert item.meeting in Meeting.objects.upcoming()
    assert report.paper.state == Paper.State.IN_CONSULTATION
    assert report.nonpublic_paper.state == Paper.State.RELEASED and not report.nonpublic_paper.public


def test_the_fraktions_antrag_is_tracked_and_its_anfrage_answered(client, demo):
    from resolutions.tracking.demo import INQUIRY_ANSWER, INQUIRY_TITLE, MOTION_TITLE

    motion = Paper.objects.get(name=MOTION_TITLE)
    assert motion.originator_organizations.get().name == "SPD-Fraktion"
    assert Tracking.objects.get(paper=motion).state == Tracking.State.IN_PROGRESS
    inquiry = Paper.objects.get(name=INQUIRY_TITLE)
    answer = Tracking.objects.get(paper=inquiry)
    assert (answer.decision, answer.state, answer.closing_report.text) == (None, Tracking.State.DONE, INQUIRY_ANSWER)
    page = client.get(inquiry.get_absolute_url())
    assert INQUIRY_ANSWER in page.text and "SPD-Fraktion" in page.text
