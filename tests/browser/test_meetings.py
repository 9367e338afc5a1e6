"""The council office takes a released Vorlage through the committee to the Stadtrat's decision."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from council.models import Meeting
from resolutions.demo import POOL_TITLE
from resolutions.models import Decision, Paper


def _plan(office, *, organization: str, name: str, day: datetime.date, time: str) -> str:
    """Plan a meeting through the form (a day still to come), then let that day come; return its page's path.

    Meetings are planned for the future only; the test moves the stored start to `day` in
    the past afterwards, as the calendar would, so that the meeting can be held.
    """
    planned = timezone.localdate() + datetime.timedelta(days=30)
    office.goto("/sitzungen/neu/")
    office.get_by_label(organization, exact=True).check()
    office.fill("input[name=name]", name)
    office.fill("input[name=date]", planned.isoformat())
    office.fill("input[name=start_time]", time)
    office.locator("main form button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"/sitzungen/\d+/$"))
    expect(office.locator("h1")).to_contain_text(name)
    meeting = Meeting.objects.get(name=name)
    Meeting.objects.filter(pk=meeting.pk).update(start=meeting.start - (planned - day))
    return office.url


def _take_through(office, meeting_url: str, *, yes: int, no: int, abstain: int, title: str = POOL_TITLE) -> None:
    """Put the pool's Vorlage (or the one named `title`) on the agenda, hold the meeting with everyone present,
    record the result."""
    office.goto(meeting_url)
    office.click("[data-action=agenda]")
    office.locator("tr", has_text=title).get_by_role("button").click()
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-action=attendance]")
    office.click("[data-attendance-all=present]")
    office.locator("#attendance-form button[type=submit]").click()
    # Each step's page is back before the next one starts: a new navigation would cut the POST off.
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-transition=hold]")
    office.locator("main form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-action=agenda]")
    office.click("[data-agenda-action=record]")
    office.check("input[name=result][value=beschlossen]")
    office.fill("input[name=votes_yes]", str(yes))
    office.fill("input[name=votes_no]", str(no))
    office.fill("input[name=votes_abstain]", str(abstain))
    office.locator("#decision-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    expect(office.locator(".alert-danger")).to_have_count(0)


def test_office_takes_a_vorlage_to_the_council_decision_and_the_member_sees_it(demo, new_page):
    paper = Paper.objects.get(name=POOL_TITLE)
    today = timezone.localdate()

    office = new_page("office")
    committee_url = _plan(
        office,
        organization="Ausschuss für Soziales und Integration",
        name="Sondersitzung des Ausschusses für Soziales und Integration",
        day=today - datetime.timedelta(days=2),
        time="16:00",
    )
    council_url = _plan(
        office,
        organization="Stadtrat",
        name="Sondersitzung des Stadtrates",
        day=today - datetime.timedelta(days=1),
        time="15:00",
    )

    _take_through(office, committee_url, yes=13, no=0, abstain=1)
    paper.refresh_from_db()
    assert paper.state == Paper.State.IN_CONSULTATION
    assert Decision.objects.filter(consultation__paper=paper, consultation__authoritative=False).count() == 1

    _take_through(office, council_url, yes=52, no=3, abstain=2)
    paper.refresh_from_db()
    assert paper.state == Paper.State.DECIDED
    decision = Decision.objects.get(consultation__paper=paper, consultation__authoritative=True)
    assert (decision.result, decision.votes_yes, decision.votes_no, decision.votes_abstain) == ("beschlossen", 52, 3, 2)

    member = new_page("member")
    member.goto(paper.get_absolute_url())
    beratungsfolge = member.locator("main")
    expect(beratungsfolge).to_contain_text("Sondersitzung des Stadtrates")
    expect(beratungsfolge).to_contain_text("beschlossen")
    expect(beratungsfolge).to_contain_text("52")
    expect(beratungsfolge.get_by_role("link", name="Sondersitzung des Stadtrates", exact=True)).to_have_count(1)
