"""Phone and 400 % zoom (WCAG 1.4.10): at 390 and 320 CSS pixels nothing scrolls sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from council.models import Meeting

WIDTHS = [390, 320]  # a phone; 1280 px at 400 % zoom


def overflow(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_fit_a_narrow_screen(new_page, demo, width):
    held = Meeting.objects.filter(state=Meeting.State.HELD, start__year=2013).order_by("-start").first()
    upcoming = Meeting.objects.filter(state=Meeting.State.INVITED).first()
    public = [
        reverse("council:home"),
        reverse("resolutions:paper_detail", kwargs={"reference": "20135317"}),
        reverse("council:meeting_detail", kwargs={"pk": held.pk}),
        reverse("council:meeting_detail", kwargs={"pk": upcoming.pk}),
        reverse("council:accessibility"),
    ]
    office = [reverse("resolutions:agenda_edit", kwargs={"pk": upcoming.pk})]
    wide = []
    for username, paths in ((None, public), ("office", office)):
        page = new_page(username)
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(path)
            expect(page.locator("main h1").first).to_be_visible()
            scroll, client = overflow(page)
            if scroll > client:
                wider = page.evaluate(
                    """(limit) => Array.from(document.querySelectorAll('main *'))
                        .filter((e) => e.getBoundingClientRect().right > limit + 1)
                        .slice(0, 5).map((e) => e.tagName + '.' + e.className)""",
                    client,
                )
                wide.append(f"{path}: {scroll} > {client}: {wider}")
    assert not wide, "\n".join(wide)
