"""The Stadtrat's result form in a real browser: the committee's wording taken with one click."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from council import services as council_services
from council.models import Organization
from resolutions import services
from resolutions.models import Consultation, Decision, Paper
from tests.council.conftest import at, meeting_of, seat
from tests.factories import CommitteeFactory, ConsultationFactory, FactionFactory, ReleasedPaperFactory

PROPOSAL = "Der Stadtrat beschließt den Beitritt der Stadt zum Bündnis."
AMENDED = "Der Stadtrat beschließt den Beitritt der Stadt zum Bündnis, befristet auf drei Jahre."


@pytest.fixture
def council_item(transactional_db, body, unit, committee, office):
    """The committee recommended an amended wording; the Stadtrat's meeting is held, its result open."""
    council = CommitteeFactory(body=body, name="Stadtrat", organization_type=Organization.Type.COMMITTEE)
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, proposal=PROPOSAL)
    ConsultationFactory(
        paper=paper, organization=committee, role=Consultation.Role.PRELIMINARY, authoritative=False, order=1
    )
    ConsultationFactory(paper=paper, organization=council, order=2)
    spd = FactionFactory(body=body, name="SPD-Fraktion")
    items = []
    for organization, day, seats in ((committee, 4, 3), (council, 18, 5)):
        meeting = meeting_of(organization, start=at(datetime.date(2013, 3, day)))
        item = services.agenda_item_add(meeting=meeting, by=office, paper=Paper.objects.get(pk=paper.pk))
        present = [seat(organization, faction=spd) for _ in range(seats)]
        council_services.attendance_record(meeting=meeting, by=office, present=present)
        council_services.meeting_hold(meeting=meeting, by=office)
        if not items:
            services.decision_record(
                item=item, by=office, result=Decision.Result.ADOPTED_AMENDED, resolution_text=AMENDED, votes_yes=3
            )
        items.append(item)
    return items[-1]


def test_the_office_takes_the_recommended_wording_with_one_click(new_page, live_server, council_item, office):
    client = Client()
    client.force_login(office)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    url = reverse("resolutions:decision_record", kwargs={"pk": council_item.meeting_id, "item": council_item.pk})

    page.goto(url)
    text = page.locator("#id_resolution_text")
    assert text.input_value() == PROPOSAL
    assert text.get_attribute("readonly") is not None
    page.get_by_role("button", name="Diesen Wortlaut als Beschlusstext übernehmen").click()

    assert text.input_value() == AMENDED
    assert text.get_attribute("readonly") is None
    assert page.locator(f"input[name=result][value='{Decision.Result.ADOPTED_AMENDED}']").is_checked()
    page.screenshot(path="/tmp/decision-form.png", full_page=True)
    page.fill("#id_votes_yes", "5")
    page.get_by_role("button", name="Ergebnis erfassen").click()
    page.wait_for_load_state()

    decision = Decision.objects.get(agenda_item=council_item)
    assert (decision.result, decision.resolution_text) == (Decision.Result.ADOPTED_AMENDED, AMENDED)


def test_the_error_summary_gets_the_focus(new_page, live_server, council_item, office):
    client = Client()
    client.force_login(office)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(reverse("resolutions:decision_record", kwargs={"pk": council_item.meeting_id, "item": council_item.pk}))

    page.fill("#id_votes_yes", "9")
    page.get_by_role("button", name="Ergebnis erfassen").click()
    page.wait_for_load_state()

    summary = page.get_by_role("alert").filter(has_text="nicht erfasst")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.screenshot(path="/tmp/decision-errors.png", full_page=True)
    assert not Decision.objects.filter(agenda_item=council_item).exists()


def test_printing_the_vorlage_page_shows_the_resolution_text(new_page, council_item):
    page = new_page()
    paper = Consultation.objects.get(agenda_item=council_item).paper
    page.goto(paper.get_absolute_url())
    details_text = page.locator("details.resolution-text").first.locator("p").first
    assert not details_text.is_visible()

    page.emulate_media(media="print")

    assert details_text.is_visible()
    assert AMENDED in details_text.inner_text()
