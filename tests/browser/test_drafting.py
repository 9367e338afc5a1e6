"""The clerk writes the seed Vorlage in the browser; the head co-signs and releases it; the public reads it."""

import re

from playwright.sync_api import expect

from resolutions.demo import SEED_ADDRESSEE, SEED_EXPLANATION, SEED_PROPOSAL, SEED_SUBJECT_LINE, SEED_TITLE
from resolutions.models import Paper, PaperEvent
from resolutions.pdf import simple_document_pdf


def _declaration(tmp_path, name, title):
    path = tmp_path / name
    path.write_bytes(simple_document_pdf(title, [f"{title} des Bündnisses für Soziale Stadtentwicklung."]))
    return path


def test_seed_vorlage_from_draft_to_release_in_the_browser(demo, new_page, tmp_path):
    founding = _declaration(tmp_path, "Gründungserklärung.pdf", "Gründungserklärung")
    accession = _declaration(tmp_path, "Beitrittserklärung.pdf", "Beitrittserklärung")

    # The clerk writes the Vorlage with its Beratungsfolge: committee first, the Stadtrat decides.
    clerk = new_page("clerk")
    clerk.goto("/vorlagen/neu/")
    clerk.fill("input[name=subject_line]", SEED_SUBJECT_LINE)
    clerk.fill("input[name=name]", SEED_TITLE)
    clerk.fill("textarea[name=explanation]", SEED_EXPLANATION)
    clerk.fill("input[name=proposal_addressee]", SEED_ADDRESSEE)
    clerk.fill("textarea[name=proposal]", SEED_PROPOSAL)
    clerk.fill("textarea[name=financial_impact]", "Es fallen keine Mitgliedsbeiträge für das Bündnis an.")
    clerk.select_option("select[name=steps-0-organization]", label="Ausschuss für Soziales und Integration")
    clerk.select_option("select[name=steps-0-role]", "Vorberatung")
    clerk.select_option("select[name=steps-1-organization]", label="Stadtrat")
    clerk.select_option("select[name=steps-1-role]", "Entscheidung")
    clerk.check("input[name=steps-1-authoritative]")
    clerk.click("button[name=save]")

    expect(clerk).to_have_url(re.compile(r"/vorlagen/\d{8}/$"))
    reference = re.search(r"/vorlagen/(\d{8})/$", clerk.url).group(1)
    expect(clerk.locator("h1")).to_contain_text(SEED_TITLE)
    expect(clerk.locator("main")).to_contain_text(f"KSD {reference}")

    # Both declarations as attachments.
    clerk.click("[data-action=attachments]")
    for path, kind, name in (
        (founding, "Gründungserklärung", "Gründungserklärung des Bündnisses"),
        (accession, "Beitrittserklärung", "Beitrittserklärung der Stadt Ludwigshafen am Rhein"),
    ):
        upload = clerk.locator("form[enctype='multipart/form-data']").filter(has=clerk.locator("input[name=name]"))
        upload.locator("input[name=file]").set_input_files(str(path))
        upload.locator("select[name=attachment_type]").select_option(kind)
        upload.locator("input[name=name]").fill(name)
        upload.locator("button[type=submit]").click()
        expect(clerk.locator("main")).to_contain_text(name)
    assert Paper.objects.get(reference=reference).attachments.count() == 2

    # Submitted for co-signing; the unit's head is proposed as co-signer.
    clerk.goto(f"/vorlagen/{reference}/")
    clerk.click("[data-transition=submit]")
    clerk.locator("main form button[type=submit]").click()
    expect(clerk.locator("main")).to_contain_text(reference)
    assert Paper.objects.get(reference=reference).state == Paper.State.COSIGNING

    # The head co-signs, then releases.
    head = new_page("head")
    head.goto(f"/vorlagen/{reference}/")
    head.click("[data-transition=cosign]")
    head.locator("main form button[type=submit]").click()
    head.click("[data-transition=release]")
    head.locator("main form button[type=submit]").click()
    expect(head.locator("[data-transition=release]")).to_have_count(0)
    paper = Paper.objects.get(reference=reference)
    assert paper.state == Paper.State.RELEASED
    assert list(paper.events.values_list("action", flat=True)) == [
        PaperEvent.Action.CREATED,
        PaperEvent.Action.SUBMITTED,
        PaperEvent.Action.COSIGNED,
        PaperEvent.Action.RELEASED,
    ]

    # An anonymous visitor reads it, with both declarations to download.
    visitor = new_page()
    visitor.goto(f"/vorlagen/{reference}/")
    main = visitor.locator("main")
    expect(visitor.locator("h1")).to_contain_text(SEED_TITLE)
    expect(main).to_contain_text("Den strategischen Ansatz eines ressortübergreifenden Handelns")
    expect(main).to_contain_text(SEED_ADDRESSEE)
    expect(main.locator("[data-transition]")).to_have_count(0)
    with visitor.expect_download() as download:
        main.get_by_role("link", name="Beitrittserklärung der Stadt Ludwigshafen am Rhein").click()
    assert download.value.suggested_filename == "Beitrittserklaerung.pdf"


def test_a_vorlage_too_large_to_send_stays_in_the_form_with_a_message(demo, new_page, settings):
    # A small limit, so that a few kilobytes stand for a form the server would refuse unread.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8_000
    long_text = "Übergänge für Bürgerhäuser – Größe, Maße, Förderfähigkeit. " * 200
    clerk = new_page("clerk")
    clerk.goto("/vorlagen/neu/")
    clerk.fill("input[name=name]", "Sehr lange Vorlage")
    clerk.fill("textarea[name=explanation]", long_text)
    clerk.select_option("select[name=steps-0-organization]", label="Stadtrat")
    clerk.select_option("select[name=steps-0-role]", "Entscheidung")
    clerk.check("input[name=steps-0-authoritative]")
    clerk.click("button[name=save]")

    note = clerk.locator("[data-too-large]")
    expect(note).to_be_visible()
    expect(note).to_be_focused()
    expect(note).to_contain_text("zu groß")
    expect(clerk).to_have_url(re.compile(r"/vorlagen/neu/$"))
    assert clerk.input_value("textarea[name=explanation]") == long_text
    assert not Paper.objects.filter(name="Sehr lange Vorlage").exists()
