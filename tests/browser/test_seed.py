"""The clerk opens the seed Vorlage in a real browser."""

from playwright.sync_api import expect


def test_clerk_reads_seed_vorlage(demo, page, login):
    login("clerk")
    expect(page.locator("body")).to_contain_text("clerk")

    page.goto("/vorlagen/20135317/")

    expect(page.locator("h1")).to_contain_text("Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz")
    main = page.locator("main")
    expect(main).to_contain_text('Bund-Länder-Programm "Soziale Stadt"')
    expect(main).to_contain_text("KSD 20135317")
    expect(main).to_contain_text("Den strategischen Ansatz eines ressortübergreifenden Handelns")
    expect(main).to_contain_text("Der Stadtrat möge wie folgt beschließen:")
    expect(main.locator("li", has_text="Erfahrungsaustausch der Akteure")).to_have_count(1)
    expect(main).to_contain_text("Gründungserklärung")
    expect(main).to_contain_text("Beitrittserklärung")


def test_anonymous_visitor_gets_404_for_a_draft(demo, page):
    from resolutions.models import Paper

    draft = Paper.objects.filter(state=Paper.State.DRAFT).first()
    assert draft is not None, "the demo has a draft Vorlage"

    response = page.goto(f"/vorlagen/{draft.reference}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(draft.name)
