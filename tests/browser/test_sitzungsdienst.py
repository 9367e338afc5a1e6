"""A newcomer in the council office runs a committee meeting from planning to the finalised Niederschrift.

Everything from the office's start page on, without typing a URL: plan the meeting, build
its agenda from a template and the pool, invite, record the attendance with a deputy and a
late arrival, hold it, record the committee's recommendation, write the protocol, finalise
the minutes, and read them as the PDF they are.
"""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from council.meetings import voters
from council.models import Meeting, Person
from resolutions.demo import MINUTE_TAKER, POOL_TITLE
from resolutions.models import Decision, Minutes, Paper
from resolutions.pdf import pdf_text
from tests.otp import pass_second_factor

COMMITTEE = "Ausschuss für Soziales und Integration"
PROTOCOLS = {
    "Eröffnung der Sitzung": "Der Vorsitzende eröffnet die Sitzung und begrüßt die Anwesenden.",
    "Feststellung der ordnungsgemäßen Einladung und der Beschlussfähigkeit": "Die Einladung ging fristgerecht zu.",
    "Genehmigung der Niederschrift der letzten Sitzung": "Die Niederschrift wird ohne Änderungen genehmigt.",
    POOL_TITLE: "Die Bereichsleiterin stellt das Stadtteilbüro vor; Fragen zur Finanzierung werden beantwortet.",
    "Mitteilungen und Anfragen": "Die Verwaltung berichtet über den Stand der Sanierung der Kita Pfingstweide.",
}


def test_a_newcomer_runs_a_committee_meeting_from_the_start_page_to_the_signed_minutes(demo, new_page):
    chair = Person.objects.get(family_name="Weiß", given_name="Jürgen")
    deputy = Person.objects.get(family_name="Doğan")
    stood_in_for = Person.objects.get(family_name="Märkl")
    late = Person.objects.get(family_name="Krämer", memberships__organization__name=COMMITTEE)
    day = timezone.localdate() + datetime.timedelta(days=21)

    # The login lands on the office's desk; planning starts there.
    office = new_page("office")
    expect(office).to_have_url(re.compile(r"/aufgaben/$"))
    office.click("[data-action=plan-meeting]")
    office.get_by_label(COMMITTEE, exact=True).check()
    office.fill("input[name=date]", day.isoformat())
    office.fill("input[name=start_time]", "16:00")
    office.fill("input[name=end_time]", "18:00")
    office.select_option("select[name=chair]", label=chair.name)
    office.locator("main form button[type=submit]").click()
    expect(office.locator("h1")).to_contain_text(
        re.compile(r"\d+\. Sitzung des Ausschusses für Soziales und Integration")
    )
    meeting = Meeting.objects.filter(organizations__name=COMMITTEE).order_by("-pk").first()
    assert meeting.number and meeting.name == f"{meeting.number}. Sitzung des Ausschusses für Soziales und Integration"

    # The agenda: the standing items from the template, the Vorlage from the pool between them.
    office.click("[data-action=agenda]")
    office.click("[data-agenda-action=apply-template]")
    expect(office.locator(".alert-success")).to_contain_text("Ordentliche Sitzung")
    office.locator("tr", has_text=POOL_TITLE).get_by_role("button", name="Zur Tagesordnung hinzufügen").click()
    expect(office.locator(".alert-success")).to_contain_text("KSD")
    names = [item.name for item in meeting.agenda_items.order_by("order")]
    assert names[-1] == "Mitteilungen und Anfragen" and names[3].endswith(POOL_TITLE) and len(names) == 5

    # The invitation goes out from the desk.
    office.goto("/")
    office.click("[data-nav=desk]")
    office.locator("[data-desk=to-invite] li", has_text=meeting.name).get_by_role(
        "link", name="Einladungen versenden"
    ).click()
    office.locator("main form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.INVITED

    # The day comes (the calendar's doing, not the office's).
    start = timezone.now() - datetime.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(start=start, end=None)
    vorlage_item = meeting.agenda_items.get(consultations__paper__name=POOL_TITLE)

    # Attendance: everyone, but Märkl excused and Doğan in her place; Krämer from the Vorlage on.
    office.click("[data-nav=desk]")
    office.locator("[data-desk=to-hold] li", has_text=meeting.name).get_by_role(
        "link", name="Anwesenheit erfassen"
    ).click()
    office.click("[data-attendance-all=present]")
    office.locator(f"tr[data-person='{stood_in_for.pk}'] input[value=excused]").check()
    office.select_option(f"select[name=deputy_{deputy.pk}]", str(stood_in_for.pk))
    office.select_option(f"select[name=arrived_{late.pk}]", str(vorlage_item.pk))
    office.locator("#attendance-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()

    office.click("[data-transition=hold]")
    office.locator("main form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD

    # The committee's recommendation, with the votes of those who were there for the item.
    present = len(voters(meeting, vorlage_item))
    office.click("[data-action=agenda]")
    office.click("[data-agenda-action=record]")
    office.check("input[name=result][value=beschlossen]")
    office.fill("input[name=votes_yes]", str(present))
    office.locator("#decision-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    expect(office.locator(".alert-danger")).to_have_count(0)
    decision = Decision.objects.get(agenda_item=vorlage_item)
    assert (decision.result, decision.votes_yes) == ("beschlossen", present)
    assert Paper.objects.get(name=POOL_TITLE).state == Paper.State.IN_CONSULTATION

    # The protocol, then the minutes finalised after a look at what finalising means.
    office.goto(meeting.get_absolute_url())
    office.click("[data-action=write-minutes]")
    office.fill("input[name=minute_taker]", MINUTE_TAKER)
    office.fill("input[name=opened_time]", "16:04")
    office.fill("input[name=closed_time]", "17:52")
    for item in meeting.agenda_items.order_by("order"):
        text = next(text for name, text in PROTOCOLS.items() if item.name.endswith(name))
        office.fill(f"textarea[name=protocol_{item.pk}]", text)
    office.locator(".minutes-form button[type=submit]").click()
    expect(office.locator(".alert-success")).to_be_visible()
    office.click("[data-action=finalise-minutes]")
    office.click("[data-action=confirm-finalise]")
    expect(office.locator(".alert-success")).to_be_visible()
    assert Minutes.objects.filter(meeting=meeting).exists()

    # The Niederschrift as the office downloads it.
    response = office.request.get(f"/sitzungen/{meeting.pk}/niederschrift.pdf")
    assert response.ok
    # Lines joined, and the layout's hyphenation at line ends ("be‐ antwortet") undone.
    text = " ".join(pdf_text(response.body()).split()).replace("\u2010 ", "")
    assert f"Vorsitz {chair.name}" in text
    assert f"Schriftführung {MINUTE_TAKER}" in text
    assert "Sitzungsbeginn 16:04 Uhr" in text and "Sitzungsende 17:52 Uhr" in text
    assert f"{deputy.name} (in Vertretung für {stood_in_for.name})" in text
    assert f"{late.name} (ab TOP {vorlage_item.number})" in text
    for protocol in PROTOCOLS.values():
        assert protocol in text


def test_the_attendance_form_works_on_a_phone(demo, chromium, live_server):
    meeting = Meeting.objects.get(name="23. Sitzung des Ausschusses für Soziales und Integration")
    context = chromium.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        phone.goto("/accounts/login/")
        phone.fill("input[name=username]", "office")
        phone.fill("input[name=password]", "ratsbuch-demo")
        phone.locator("form#login-form [type=submit]").first.click()
        phone.wait_for_load_state()
        pass_second_factor(phone, "office")
        phone.goto(f"/sitzungen/{meeting.pk}/anwesenheit/")

        # Nothing wider than the screen: every row is a card of label and value.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        first = phone.locator(".attendance-table tbody tr").first
        expect(first.locator("input[type=radio]").first).to_be_visible()
        assert first.bounding_box()["width"] <= 390
        phone.locator(".attendance-table tbody tr").first.locator("input[value=excused]").check()
        phone.locator("#attendance-form button[type=submit]").click()
        expect(phone.locator(".alert-success")).to_be_visible()
    finally:
        context.close()
