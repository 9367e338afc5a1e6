"""An Anfrage of a Fraktion in the browser: draft, co-signature, the office, the administration's answer."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from council.models import Organization, Person
from resolutions.models import Paper, Tracking
from tests.factories import UserFactory

TITLE = "Anfrage der SPD-Fraktion zu den Öffnungszeiten der Stadtteilbibliothek"
QUESTION = "Wir fragen die Verwaltung, ob die Stadtteilbibliothek im Hemshof samstags öffnen kann."
ANSWER = "Ab dem 1. März öffnet die Stadtteilbibliothek samstags von 10 bis 14 Uhr."


def test_an_anfrage_from_the_members_draft_to_the_released_answer(demo, new_page):
    spd = Organization.objects.get(name="SPD-Fraktion")
    kraemer = Person.objects.get(family_name="Krämer", memberships__organization=spd)
    kraemer.user = UserFactory(username="kraemer")
    kraemer.save()

    # The member drafts the Anfrage for the SPD-Fraktion, with its Begründung.
    member = new_page("member")
    member.goto("/vorlagen/neu/")
    member.select_option("select[name=paper_type]", "Anfrage")
    member.fill("input[name=name]", TITLE)
    member.fill("textarea[name=explanation]", QUESTION)
    member.fill("input[name=proposal_addressee]", "")
    member.select_option("select[name=steps-0-organization]", label="Stadtrat")
    member.select_option("select[name=steps-0-role]", "Kenntnisnahme")
    member.check("input[name=steps-0-authoritative]")
    member.click("button[name=save]")
    # No KSD number yet: the office gives it on receipt.
    expect(member).to_have_url(re.compile(r"/vorlagen/Entwurf-[0-9a-f]+/$"))
    paper = Paper.objects.get(name=TITLE)
    assert (paper.under_direction_of, list(paper.originator_organizations.all())) == (spd, [spd])

    # ... submits it to a fellow member for co-signing, who co-signs.
    member.click("[data-transition=submit]")
    member.get_by_label(re.compile("Krämer")).check()
    member.locator("main form button[type=submit]").click()
    expect(member.locator("main")).to_contain_text(paper.reference)
    cosigner = new_page("kraemer", password="ratsbuch-test")
    cosigner.goto(paper.get_absolute_url())
    cosigner.click("[data-transition=cosign]")
    cosigner.locator("main form button[type=submit]").click()
    expect(cosigner.locator("[data-transition=cosign]")).to_have_count(0)

    # The office receives it and gives it to Bereich 5-11, to answer within four weeks.
    office = new_page("office")
    office.goto(paper.get_absolute_url())
    office.click("[data-transition=receive]")
    office.locator("main form button[type=submit]").click()
    expect(office.locator("[data-transition=receive]")).to_have_count(0)
    paper.refresh_from_db()
    expect(office).to_have_url(re.compile(rf"/vorlagen/{paper.reference}/$"))
    assert re.fullmatch(r"\d{8}", paper.reference)
    office.get_by_role("link", name="Anfrage an die Verwaltung geben").click()
    office.select_option("select[name=responsible_unit]", label="Bereich Stadtentwicklung")
    due = timezone.localdate() + datetime.timedelta(days=28)
    office.fill("input[name=target_date]", due.isoformat())
    office.locator(".tracking-inquiry-form button[type=submit]").click()
    tracking = Tracking.objects.get(paper=paper)
    expect(office).to_have_url(re.compile(rf"/beschluesse/{tracking.pk}/$"))

    # The clerk of 5-11 finds it in Meine Beschlüsse; the head releases the answer.
    clerk = new_page("clerk")
    clerk.goto("/beschluesse/meine/")
    expect(clerk.locator("main")).to_contain_text(TITLE)
    head = new_page("head")
    head.goto(tracking.get_absolute_url())
    head.select_option("select[name=state]", "done")
    head.fill("textarea[name=text]", ANSWER)
    head.locator(".tracking-report-form button[type=submit]").click()
    expect(head.locator(".tracking-state")).to_have_text("erledigt")

    # Anyone reads the Anfrage of the SPD-Fraktion and the administration's answer.
    public = new_page()
    public.goto(paper.get_absolute_url())
    expect(public.locator("main")).to_contain_text("Begründung")
    expect(public.locator("main")).to_contain_text("SPD-Fraktion")
    expect(public.locator(".inquiry-answer")).to_contain_text(ANSWER)


MOTION_TITLE = "Antrag der SPD-Fraktion: Trinkwasserbrunnen auf dem Goerdelerplatz"
MOTION_REASON = "Im Sommer fehlt in der Innenstadt frei zugängliches Trinkwasser."
MOTION_PROPOSAL = "Die Verwaltung wird beauftragt, auf dem Goerdelerplatz einen Trinkwasserbrunnen aufzustellen."


def test_an_antrag_from_the_members_draft_to_its_decision_and_tracking(demo, new_page):
    from tests.browser.test_meetings import _plan, _take_through

    spd = Organization.objects.get(name="SPD-Fraktion")
    kraemer = Person.objects.get(family_name="Krämer", memberships__organization=spd)
    kraemer.user = UserFactory(username="kraemer")
    kraemer.save()

    # The member drafts the Antrag and proposes that the Stadtrat take note; it has no KSD number yet.
    member = new_page("member")
    member.goto("/vorlagen/neu/")
    member.select_option("select[name=paper_type]", "Antrag")
    member.fill("input[name=name]", MOTION_TITLE)
    member.fill("textarea[name=explanation]", MOTION_REASON)
    member.fill("textarea[name=proposal]", MOTION_PROPOSAL)
    member.select_option("select[name=steps-0-organization]", label="Stadtrat")
    member.select_option("select[name=steps-0-role]", "Kenntnisnahme")
    member.check("input[name=steps-0-authoritative]")
    member.click("button[name=save]")
    expect(member).to_have_url(re.compile(r"/vorlagen/Entwurf-[0-9a-f]+/$"))
    paper = Paper.objects.get(name=MOTION_TITLE)
    assert not paper.has_ksd_number

    # ... a fellow member of the Fraktion co-signs, then it is submitted to the council office.
    member.click("[data-transition=submit]")
    member.get_by_label(re.compile("Krämer")).check()
    member.locator("main form button[type=submit]").click()
    expect(member.locator(".alert-success")).to_be_visible()
    cosigner = new_page("kraemer", password="ratsbuch-test")
    cosigner.goto(paper.get_absolute_url())
    cosigner.click("[data-transition=cosign]")
    cosigner.locator("main form button[type=submit]").click()
    expect(cosigner.locator("[data-transition=cosign]")).to_have_count(0)

    # The office receives it: the number is given now, and the office decides the Beratungsfolge
    # (the Stadtrat decides), over the Fraktion's proposal, which the form shows.
    office = new_page("office")
    office.goto(paper.get_absolute_url())
    office.click("[data-transition=receive]")
    expect(office.locator("select[name=steps-0-role]")).to_have_value("Kenntnisnahme")
    office.select_option("select[name=steps-0-role]", "Entscheidung")
    office.locator("main form.transition-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    paper.refresh_from_db()
    assert re.fullmatch(r"\d{8}", paper.reference) and paper.state == Paper.State.RELEASED
    expect(office).to_have_url(re.compile(rf"/vorlagen/{paper.reference}/$"))
    expect(office.locator(".alert-success")).to_contain_text(paper.reference)
    assert [(c.organization.name, c.role) for c in paper.consultations.all()] == [("Stadtrat", "Entscheidung")]

    # ... puts it on the agenda of a Stadtrat's meeting, holds it and records "beschlossen".
    council_url = _plan(
        office,
        organization="Stadtrat",
        name="Sondersitzung des Stadtrates zum Trinkwasser",
        day=timezone.localdate() - datetime.timedelta(days=1),
        time="15:00",
    )
    _take_through(office, council_url, yes=52, no=3, abstain=2, title=MOTION_TITLE)
    paper.refresh_from_db()
    assert paper.state == Paper.State.DECIDED

    # The decision opened its tracking, linked from the Antrag's page.
    tracking = Tracking.objects.get(paper=paper)
    assert tracking.state == Tracking.State.OPEN and tracking.decision is not None
    office.goto(paper.get_absolute_url())
    expect(office.locator(f"a[href='{tracking.get_absolute_url()}']").first).to_be_visible()

    # The public sees the Fraktion as originator, the decision, and the tracking.
    public = new_page()
    public.goto(paper.get_absolute_url())
    expect(public.locator("main")).to_contain_text("SPD-Fraktion")
    expect(public.locator("main")).to_contain_text(MOTION_PROPOSAL)
    public.goto(tracking.get_absolute_url())
    expect(public.locator("main")).to_contain_text(MOTION_TITLE)
