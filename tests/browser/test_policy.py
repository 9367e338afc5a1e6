"""The Content-Security-Policy holds in a real browser: the pages with scripts, bars and forms report no violation."""

import re

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from council.models import Meeting
from tests.otp import pass_second_factor

# Collected in the page itself, before any of its scripts run.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def _watch(page) -> list[str]:
    """Record what the browser says about the policy: its console messages and the violation events."""
    said = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda message: said.append(message.text) if "Content Security Policy" in message.text else None)
    return said


def _assert_no_violation(page, said):
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert said == [], page.url


def test_login_with_the_second_factor_and_its_set_up_break_no_policy(demo, new_page):
    # The admin has no device yet: the login goes through the set-up page with its QR code.
    TOTPDevice.objects.filter(user__username="admin").delete()
    page = new_page()
    said = _watch(page)
    page.goto("/accounts/login/")
    expect(page.locator("form#login-form")).to_be_visible()
    _assert_no_violation(page, said)
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "ratsbuch-demo")
    page.locator("form#login-form [type=submit]").click()
    expect(page.locator(".otp-qr svg")).to_be_visible()
    _assert_no_violation(page, said)
    pass_second_factor(page, "admin")
    expect(page).to_have_url(re.compile(r"/aufgaben/$"))
    _assert_no_violation(page, said)
    assert TOTPDevice.objects.get(user__username="admin").confirmed


def test_the_vorlage_form_and_its_script_break_no_policy(demo, new_page):
    page = new_page("clerk")
    said = _watch(page)
    page.goto("/vorlagen/neu/")
    rows = page.locator("[data-step-row]")
    expect(page.locator("#paper-form")).to_be_visible()
    before = rows.count()
    page.locator("[data-step-add]").first.click()
    expect(rows).to_have_count(before + 1)
    _assert_no_violation(page, said)


def test_the_agenda_builder_the_bars_and_the_calendar_break_no_policy(demo, new_page):
    meeting = Meeting.objects.filter(agenda_items__isnull=False).order_by("start").last()
    page = new_page("office")
    said = _watch(page)
    page.goto(f"/sitzungen/{meeting.pk}/tagesordnung/")
    expect(page.locator("h1")).to_contain_text(meeting.name)
    _assert_no_violation(page, said)

    page.goto("/beschluesse/")
    bars = page.locator(".tracking-bars .progress-stacked")
    expect(bars.first).to_be_visible()
    # The widths come from classes now: the committee with the most decisions fills its row.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.tracking-bars .progress-stacked')).map("
        "bar => Array.from(bar.children).reduce((sum, part) => sum + part.getBoundingClientRect().width, 0)"
        " / bar.getBoundingClientRect().width)"
    )
    assert widths and 0.95 < max(widths) < 1.05, widths
    _assert_no_violation(page, said)

    page.goto("/sitzungen/kalender/")
    expect(page.locator(".calendar-day").first).to_be_visible()
    _assert_no_violation(page, said)

    page.goto(meeting.get_absolute_url())
    expect(page.locator("h1")).to_contain_text(meeting.name)
    _assert_no_violation(page, said)
