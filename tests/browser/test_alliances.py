"""The council office records a new alliance, proposes Ludwigshafen's membership, and the Stadtrat decides it."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from alliances.models import Alliance, AllianceMembership
from council.models import Body, Meeting, Organization
from resolutions import services
from resolutions.models import Consultation, Paper

TITLE = "Beitritt zum Bündnis für Gemeinwesenarbeit in der Metropolregion"
PROPOSAL = "Der Stadtrat beschließt den Beitritt der Stadt zum Bündnis."


def _released_vorlage() -> Paper:
    """A Vorlage of Bereich 5-11 that only the Stadtrat decides, drafted, co-signed and released by the demo users."""
    users = get_user_model().objects.in_bulk(["clerk", "head"], field_name="username")
    body = Body.objects.get(ags="07314000")
    unit = Organization.objects.get(body=body, short_name="5-11")
    stadtrat = Organization.objects.get(body=body, name="Stadtrat")
    paper = services.paper_draft_create(
        by=users["clerk"],
        body=body,
        under_direction_of=unit,
        name=TITLE,
        date=timezone.localdate() - datetime.timedelta(days=7),
        steps=[{"organization": stadtrat, "role": Consultation.Role.DECISION, "authoritative": True}],
        proposal=PROPOSAL,
    )
    services.paper_submit(paper=paper, by=users["clerk"], cosigners=[users["head"]])
    services.paper_cosign(paper=paper, by=users["head"])
    return services.paper_release(paper=paper, by=users["head"])


def test_office_proposes_a_membership_that_the_council_decides(demo, new_page):
    paper = _released_vorlage()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    office = new_page("office")

    # A new alliance.
    office.goto("/buendnisse/")
    office.click("[data-action=alliance-create]")
    office.fill("input[name=name]", "Bündnis für Gemeinwesenarbeit in der Metropolregion")
    office.fill("input[name=slug]", "gemeinwesenarbeit-metropolregion")
    office.fill("input[name=founded_on]", "2014-05-12")
    office.fill("input[name=founded_at]", "Mannheim")
    office.fill("input[name=membership_fee]", "keine Mitgliedsbeiträge")
    office.locator("#alliance-form button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"/buendnisse/gemeinwesenarbeit-metropolregion/$"))
    expect(office.locator("h1")).to_contain_text("Metropolregion")

    # Ludwigshafen's membership, decided by the new Vorlage.
    office.click("[data-action=membership-propose]")
    office.select_option("select[name=paper]", value=paper.reference)
    office.locator("#membership-propose-form button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"/buendnisse/gemeinwesenarbeit-metropolregion/$"))
    expect(office.locator(".alliance-members [data-state=proposed]")).to_contain_text("Ludwigshafen")
    alliance = Alliance.objects.get(slug="gemeinwesenarbeit-metropolregion")
    membership = alliance.memberships.get()
    assert (membership.state, membership.paper) == (AllianceMembership.State.PROPOSED, paper)

    office.goto(paper.get_absolute_url())
    expect(office.locator(".alliance-membership-list")).to_contain_text("Metropolregion")

    # The Stadtrat meets and decides: planned for next week, then (the calendar's doing) held yesterday.
    office.goto("/sitzungen/neu/")
    office.get_by_label("Stadtrat", exact=True).check()
    office.fill("input[name=name]", "Sondersitzung des Stadtrates")
    office.fill("input[name=date]", (yesterday + datetime.timedelta(days=8)).isoformat())
    office.fill("input[name=start_time]", "15:00")
    office.locator("main form button[type=submit]").click()
    expect(office).to_have_url(re.compile(r"/sitzungen/\d+/$"))
    meeting_url = office.url
    meeting = Meeting.objects.get(name="Sondersitzung des Stadtrates")
    Meeting.objects.filter(pk=meeting.pk).update(start=meeting.start - datetime.timedelta(days=8))

    office.click("[data-action=agenda]")
    office.locator("tr", has_text=TITLE).get_by_role("button").click()
    # The pool already shows the title: wait for the answer to the POST, or the next navigation cuts it off and
    # its message turns up on a later page, where it would pass for that page's own.
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-action=attendance]")
    office.click("[data-attendance-all=present]")
    office.locator("#attendance-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-transition=hold]")
    office.locator("main form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()

    office.goto(meeting_url)
    office.click("[data-action=agenda]")
    office.click("[data-agenda-action=record]")
    office.check("input[name=result][value=beschlossen]")
    office.fill("input[name=votes_yes]", "50")
    office.fill("input[name=votes_no]", "2")
    office.fill("input[name=votes_abstain]", "1")
    office.locator("#decision-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    expect(office.locator(".alert-danger")).to_have_count(0)

    membership.refresh_from_db()
    assert (membership.state, membership.joined_on) == (AllianceMembership.State.JOINED, yesterday)

    # Anyone sees the membership as joined, with the Vorlage and the decision.
    visitor = new_page()
    visitor.goto(alliance.get_absolute_url())
    joined = visitor.locator(".alliance-members [data-state=joined]")
    expect(joined).to_contain_text("Ludwigshafen")
    expect(joined.locator(".membership-paper a")).to_have_attribute("href", paper.get_absolute_url())
    expect(joined.locator(".membership-decision")).to_contain_text("beschlossen")
    expect(joined).to_contain_text(yesterday.strftime("%d.%m.%Y"))
