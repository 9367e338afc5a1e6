"""A visitor searches from the navigation bar in a real browser."""

import re

from playwright.sync_api import expect


def test_a_visitor_finds_the_seed_vorlage_from_the_navbar_by_stemmed_words(demo, page):
    page.goto("/")

    search = page.locator("nav form[role=search] input[name=q]")
    search.fill("Kommune Bündnisse")
    search.press("Enter")

    page.wait_for_url("**/suche/?q=*")
    hit = page.locator("main a", has_text="20135317")
    expect(hit.first).to_be_visible()
    # The excerpt marks the words as they stand in the text, not as they were typed.
    expect(page.locator("main mark", has_text="Kommunen").first).to_be_visible()

    hit.first.click()
    expect(page.locator("h1")).to_contain_text("Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz")


def test_a_visitor_narrows_a_search_to_vorlagen_with_a_facet(demo, page):
    page.goto("/suche/?q=Gemeinwesenarbeit")
    results = page.locator("main")
    expect(results).to_contain_text("20135317")

    page.locator("aside.search-facets a", has_text="Vorlage").first.click()

    expect(page).to_have_url(re.compile(r"kind=paper"))
    expect(results).to_contain_text("20135317")
    # Only Vorlagen are left.
    expect(page.locator("main li.search-hit").first).to_be_visible()
    expect(page.locator("main li.search-hit:not([data-kind=paper])")).to_have_count(0)
