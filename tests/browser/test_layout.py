"""The layout at the widths offices use: the logged-in header stays one line from 1024 px on."""

import pytest

WIDTHS = [1024, 1280, 1440]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_logged_in_header_is_one_line(new_page, demo, width, tmp_path):
    page = new_page("office")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")

    nav = page.locator("header.site-header nav.navbar")
    # The links shown at this width (below 1200 px the brand alone leads home).
    links = page.locator("#main-nav .nav-link:visible")
    assert page.locator("#main-nav").is_visible()
    assert page.locator(".navbar-toggler").is_hidden()
    # One line: every item of the bar shares the row of the first link, and the bar is as
    # high as one row of it (plus the bar's own padding), not two.
    first = links.first.bounding_box()
    tops = {round(box["y"]) for box in (item.bounding_box() for item in links.all()) if box}
    tools = page.locator(".navbar-tools").bounding_box()
    bar = nav.bounding_box()
    page.screenshot(path=f"/tmp/header-{width}.png")
    assert max(tops) - min(tops) <= 2, tops
    # Nothing runs off the right edge.
    logout = page.locator(".site-header form[action$='logout/'] button").bounding_box()
    assert logout["x"] + logout["width"] <= width, logout
    assert tools["y"] < first["y"] + first["height"], (tools, first)
    assert bar["height"] < 2 * first["height"] + 24, (bar, first)
