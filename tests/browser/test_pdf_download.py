"""An anonymous visitor downloads the seed Vorlage as PDF from its page."""

from playwright.sync_api import expect

from resolutions.pdf import pdf_text


def test_anonymous_visitor_downloads_the_seed_pdf(demo, page):
    page.goto("/vorlagen/20135317/")
    link = page.locator("a[data-action=pdf]")
    expect(link).to_be_visible()

    response = page.request.get(link.get_attribute("href"))

    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    assert "Beitritt zum Bündnis" in pdf_text(body)
