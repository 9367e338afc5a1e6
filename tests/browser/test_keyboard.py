"""The keyboard alone: the skip link comes first, focus is visible, and the attendance is recorded by keys."""

from playwright.sync_api import expect

from council.models import Attendance, Meeting

FOCUSED_TEXT = "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
OUTLINE = "() => getComputedStyle(document.activeElement).outlineStyle"


def tab_to(page, selector: str, *, limit: int = 400) -> None:
    """Press Tab until the element matching `selector` has the focus; fail if it never gets it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            assert page.evaluate(OUTLINE) != "none", f"{selector} has the focus but no visible outline"
            return
    raise AssertionError(f"{selector} never got the focus in {limit} presses of Tab")


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_TEXT) == "Zum Inhalt springen"
    assert page.evaluate(OUTLINE) != "none"
    assert page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_the_office_records_everyone_present_with_the_keyboard_alone(new_page, demo):
    meeting = Meeting.objects.filter(state=Meeting.State.HELD, start__year=2013).order_by("-start").first()
    page = new_page("office")
    page.goto(f"/sitzungen/{meeting.pk}/anwesenheit/")
    expect(page.locator("[data-attendance-all=present]")).to_be_visible()

    tab_to(page, "[data-attendance-all=present]")
    page.keyboard.press("Enter")
    expect(page.locator("input[type=radio][value=present]:checked")).to_have_count(
        page.locator("input[type=radio][value=present]").count()
    )
    tab_to(page, "main form [type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()

    statuses = set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses == {Attendance.Status.PRESENT}
