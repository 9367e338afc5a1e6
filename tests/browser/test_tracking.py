"""Beschlusskontrolle in the browser: from the council's decision to the closing report, the committee's report
and what the public sees."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from resolutions.demo import POOL_TITLE
from resolutions.models import Paper, Tracking, TrackingReport
from resolutions.tracking.demo import ROOMS_TITLE
from tests.browser.test_meetings import _plan, _take_through


def test_a_decision_from_beschlossen_to_done_to_the_committees_report(demo, new_page):
    paper = Paper.objects.get(name=POOL_TITLE)
    today = timezone.localdate()

    # The office records "beschlossen": the committee recommends, the Stadtrat decides.
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
    _take_through(office, council_url, yes=52, no=3, abstain=2)
    tracking = Tracking.objects.get(paper=paper)
    assert tracking.state == Tracking.State.OPEN

    # The unit's clerk finds it in Meine Beschlüsse and reports progress.
    clerk = new_page("clerk")
    clerk.goto("/beschluesse/meine/")
    clerk.locator("tr", has_text=POOL_TITLE).get_by_role("link", name=POOL_TITLE).click()
    expect(clerk).to_have_url(re.compile(rf"/beschluesse/{tracking.pk}/$"))
    clerk.select_option("select[name=state]", "in_progress")
    clerk.fill("textarea[name=text]", "Der Träger hat die Verlängerung der Vereinbarung unterschrieben.")
    clerk.locator(".tracking-report-form button[type=submit]").click()
    expect(clerk.locator(".alert-success")).to_be_visible()
    expect(clerk.locator(".progress-reports")).to_contain_text("Der Träger hat die Verlängerung")

    # The head closes it: without a closing report the form refuses and keeps the input.
    head = new_page("head")
    head.goto(f"/beschluesse/{tracking.pk}/")
    head.select_option("select[name=state]", "done")
    head.locator(".tracking-report-form button[type=submit]").click()
    expect(head.locator(".tracking-report-form")).to_contain_text("Abschlussbericht")
    expect(head.locator("select[name=state]")).to_have_value("done")
    head.fill("textarea[name=text]", "Die Gemeinwesenarbeit in der Pfingstweide ist für drei Jahre gesichert.")
    head.locator(".tracking-report-form button[type=submit]").click()
    expect(head.locator(".tracking-state")).to_have_text("erledigt")
    tracking.refresh_from_db()
    assert tracking.state == Tracking.State.DONE

    # The office generates the Stadtrat's report and puts it on the next Stadtrat's agenda.
    as_of = today + datetime.timedelta(days=1)  # the demo generated today's already
    office.goto("/beschluesse/")
    office.get_by_role("link", name="Bericht erstellen").click()
    office.select_option("select[name=organization]", label="Stadtrat")
    office.fill("input[name=as_of]", as_of.isoformat())
    office.select_option("select[name=unit]", label="Ratsbüro")
    office.locator(".tracking-report-generate-form button[type=submit]").click()
    report = TrackingReport.objects.get(as_of=as_of)
    expect(office).to_have_url(re.compile(rf"/vorlagen/{report.paper.reference}/$"))
    expect(office.locator("main")).to_contain_text(POOL_TITLE)
    next_council = "14. Sitzung des Stadtrates"
    office.goto("/sitzungen/")
    office.get_by_role("link", name=next_council).first.click()
    office.click("[data-action=agenda]")
    office.locator("tr", has_text=report.paper.reference).get_by_role("button").click()
    # The pool already shows the Vorlage: the POST's answer is the success message.
    expect(office.locator(".alert-success")).to_be_visible()
    report.paper.refresh_from_db()
    assert report.paper.state == Paper.State.IN_CONSULTATION

    # The public sees the public decision done, with its closing report, and not the non-public one.
    public = new_page()
    public.goto("/beschluesse/?state=done")
    expect(public.locator("main")).to_contain_text(POOL_TITLE)
    public.goto("/beschluesse/")
    expect(public.locator("main")).not_to_contain_text(ROOMS_TITLE)
    public.goto(paper.get_absolute_url())
    expect(public.locator(".closing-report")).to_contain_text("für drei Jahre gesichert")
    public.goto(report.paper.get_absolute_url())
    expect(public.locator("main")).to_contain_text(POOL_TITLE)
    expect(public.locator("main")).not_to_contain_text(ROOMS_TITLE)
