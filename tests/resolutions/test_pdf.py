"""The PDF Vorlage: reads like the seed, PDF/A and tagged, deterministic, cached, refused where the page is."""

import datetime
import io
import logging
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import reverse
from pypdf import PdfReader

from resolutions import pdf
from resolutions.models import Paper
from tests.factories import AttachmentFactory, PaperFactory, ReleasedPaperFactory
from tests.test_demo import SEED

HYPHENATED_LINE_END = re.compile(r"[-\u2010\u00ad]\s*\n\s*")


def pdftotext(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a reader copying text gets)."""
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing; `make test` installs Debian's poppler-utils.")
        pytest.skip("pdftotext is missing; run `make test` to install poppler-utils.")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def words(text: str) -> list[str]:
    """Words of a text, with hyphenation at line ends undone and all hyphens dropped.

    The PDF breaks lines elsewhere than the seed; a hyphen at a line end may be a soft one
    (removed) or part of the word (Rheinland-Pfalz), so both sides lose their hyphens.
    """
    text = HYPHENATED_LINE_END.sub("", text)
    text = re.sub(r"[-\u2010\u2011\u00ad]", "", text)
    return text.split()


def is_subsequence(needle: list[str], haystack: list[str]) -> tuple[bool, str]:
    """Whether `needle` appears in order in `haystack`, and the first word that does not."""
    position = 0
    for word in needle:
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return False, word
    return True, ""


def get_pdf(client, paper):
    """The response, a streamed file read into `content` (an anonymous reader's PDF comes from storage)."""
    response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}))
    if response.streaming:
        # Reading it to the end closes it (the test client's wrapper), as a server would.
        data = b"".join(response.streaming_content)
        read = HttpResponse(data, status=response.status_code)
        for header, value in response.items():
            read[header] = value
        return read
    return response


def fonts_of(data: bytes) -> dict[str, dict]:
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                fonts[str(descriptor["/FontName"])] = descriptor
    return fonts


@pytest.fixture
def seed(db):
    call_command("load_demo", verbosity=0)
    return Paper.objects.get(reference="20135317")


@pytest.fixture
def released(body, unit):
    return ReleasedPaperFactory(
        body=body,
        under_direction_of=unit,
        name="Änderung der Straßenreinigungssatzung – Gebührenübersicht",
        subject_line="Satzungsrecht",
        explanation="Die Gebühren für die Straßenreinigung werden neu berechnet.",
        proposal="Der Stadtrat beschließt die Änderung der Satzung.",
        financial_impact="Mehreinnahmen von 12.000 € jährlich.",
    )


@pytest.fixture
def draft(body, unit):
    return PaperFactory(body=body, under_direction_of=unit, name="Ein geheimer Entwurf")


@pytest.fixture
def render_counter(monkeypatch):
    """Count the conversions WeasyPrint does (a cache hit does none)."""
    calls = []
    original = pdf.html_to_pdf

    def counting(html):
        calls.append(html)
        return original(html)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return calls


# --- the seed -------------------------------------------------------------------------


def test_seed_pdf_reads_like_the_seed(client, seed):
    response = get_pdf(client, seed)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Vorlage-20135317.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdftotext(response.content)
    found, missing = is_subsequence(words(SEED), words(text))
    assert found, f"the PDF lacks the seed's word {missing!r} (in order)"
    assert "A N T R A G" in text
    for expected in ["Stadt Ludwigshafen am Rhein", "Bereich Stadtentwicklung", "Gründungserklärung", "Seite 1 von 2"]:
        assert expected in text
    assert "Seite 2 von 2" in text


def test_seed_pdf_is_tagged_pdf_a_with_title_and_language(client, seed):
    data = get_pdf(client, seed).content
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()

    assert re.search(r"pdfaid:part(>|=\")3", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")A", xmp)
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert reader.metadata.title == f"KSD 20135317 – {seed.name}"


def test_pdf_dates_come_from_the_paper_not_the_clock(client, released):
    Paper.objects.filter(pk=released.pk).update(modified=datetime.datetime(2013, 2, 21, 8, 30, tzinfo=datetime.UTC))
    reader = PdfReader(io.BytesIO(get_pdf(client, released).content))

    assert str(reader.metadata["/CreationDate"]).startswith("D:20130221083000")
    assert str(reader.metadata["/ModDate"]).startswith("D:20130221083000")


def test_fonts_are_dejavu_and_embedded(client, seed):
    fonts = fonts_of(get_pdf(client, seed).content)

    assert fonts
    for name, descriptor in fonts.items():
        assert "DejaVu" in name, name
        assert "/FontFile2" in descriptor, f"{name} is not embedded"


def test_same_content_gives_the_same_bytes(released):
    context = {"paper": released, "attachments": []}
    arguments = {"title": "KSD – x", "created": released.modified}

    first = pdf.render_pdf("pdf/paper.html", context, **arguments)
    second = pdf.render_pdf("pdf/paper.html", context, **arguments)

    assert first == second


def test_no_fonttools_fallback(released, caplog):
    """Without Debian's libharfbuzz-subset0 WeasyPrint falls back to the slow fontTools."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, logger="weasyprint"):
        warnings.simplefilter("always")
        pdf.render_pdf("pdf/paper.html", {"paper": released, "attachments": []}, title="x", created=released.modified)

    messages = [record.getMessage() for record in caplog.records] + [str(warning.message) for warning in caught]
    assert not [message for message in messages if "fontTools" in message or "HarfBuzz" in message], messages


# --- the cache ------------------------------------------------------------------------


def test_cache_hit_does_not_render_again(client, released, render_counter):
    first = get_pdf(client, released)
    second = get_pdf(client, released)

    assert len(render_counter) == 1
    assert first.content == second.content


def test_an_edit_gives_a_new_pdf(client, released, render_counter):
    before = get_pdf(client, released).content
    released.proposal = "Der Stadtrat lehnt die Änderung ab."
    released.save()

    after = get_pdf(client, released).content

    assert len(render_counter) == 2
    assert before != after
    assert "lehnt die Änderung ab" in pdftotext(after)


def test_cached_pdf_stores_under_the_content_hash(db):
    calls = []

    def render():
        calls.append(1)
        return b"%PDF-1.7 fake"

    assert pdf.cached_pdf(("a", "b"), render) == b"%PDF-1.7 fake"
    assert pdf.cached_pdf(("a", "b"), render) == b"%PDF-1.7 fake"
    pdf.cached_pdf(("ab",), render)

    assert len(calls) == 2
    assert (Path(settings.MEDIA_ROOT) / pdf.cache_name(("a", "b"))).exists()


# --- who may download it --------------------------------------------------------------


def test_anonymous_gets_a_released_public_vorlage(client, released):
    assert get_pdf(client, released).status_code == 200


def test_anonymous_gets_404_for_a_draft(client, draft):
    assert get_pdf(client, draft).status_code == 404


def test_anonymous_gets_404_for_a_non_public_vorlage(client, released):
    released.public = False
    released.save()

    assert get_pdf(client, released).status_code == 404


def test_unit_clerk_gets_own_draft(client, clerk, draft):
    client.force_login(clerk)

    response = get_pdf(client, draft)

    assert response.status_code == 200
    assert "Ein geheimer Entwurf" in pdftotext(response.content)


def test_clerk_of_another_unit_gets_404_for_a_draft(client, other_clerk, draft):
    client.force_login(other_clerk)

    assert get_pdf(client, draft).status_code == 404


def test_office_gets_a_draft(client, office, draft):
    client.force_login(office)

    assert get_pdf(client, draft).status_code == 200


def test_attachments_listed_are_those_the_user_may_see(client, clerk, released):
    AttachmentFactory(paper=released, name="Öffentliche Anlage", public=True)
    AttachmentFactory(paper=released, name="Vertrauliche Kalkulation", public=False)

    public_text = pdftotext(get_pdf(client, released).content)
    client.force_login(clerk)
    clerk_text = pdftotext(get_pdf(client, released).content)

    assert "Öffentliche Anlage" in public_text
    assert "Vertrauliche Kalkulation" not in public_text
    assert "Vertrauliche Kalkulation" in clerk_text


def test_pdf_view_query_count(client, released, django_assert_max_num_queries):
    get_pdf(client, released)  # warm the cache
    with django_assert_max_num_queries(4):
        get_pdf(client, released)


# --- bad input ------------------------------------------------------------------------


def test_umlauts_and_sharp_s(client, released):
    text = pdftotext(get_pdf(client, released).content)

    assert "Änderung der Straßenreinigungssatzung – Gebührenübersicht" in text
    assert "12.000 €" in text


def test_twenty_pages_of_sachverhalt(client, released):
    paragraph = "Die Straßenreinigung wird in jedem Quartier neu bemessen und abgerechnet. " * 12
    released.explanation = "\n\n".join(f"## Abschnitt {n}\n\n{paragraph}\n\n- Punkt {n}" for n in range(1, 61))
    released.save()

    data = get_pdf(client, released).content
    pages = len(PdfReader(io.BytesIO(data)).pages)
    text = pdftotext(data)

    assert pages >= 20
    assert "Abschnitt 60" in text
    assert f"Seite {pages} von {pages}" in text
    assert "A N T R A G" in text


def test_very_long_words_and_a_table(client, released):
    long_word = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung" * 5  # over 300 characters
    released.explanation = (
        f"{long_word}\n\n"
        "| Gebührenklasse | Betrag je Meter | Bemerkung |\n"
        "|---|---|---|\n" + "".join(f"| Klasse {n} | {n},50 € | {long_word[:80]} |\n" for n in range(1, 80))
    )
    released.save()

    data = get_pdf(client, released).content
    text = words(pdftotext(data))

    assert len(PdfReader(io.BytesIO(data)).pages) >= 2
    assert "Gebührenklasse" in text
    assert "79,50" in text
    # The long word is wrapped, not cut: all its letters are there.
    assert "".join(text).count("Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung") >= 5


def test_markdown_with_html_and_script(client, released):
    released.explanation = (
        "Vor dem Skript.\n\n<script>document.write('GEFAHR')</script>\n\n"
        '<img src="file:///etc/passwd"> <img src="http://example.org/x.png">\n\n'
        "<b onclick='alert(1)'>Nach dem Skript.</b>"
    )
    released.save()

    response = get_pdf(client, released)
    text = pdftotext(response.content)

    assert response.status_code == 200
    assert "Vor dem Skript." in text
    assert "Nach dem Skript." in text
    assert "<script>" not in text
    assert b"/JavaScript" not in response.content
    assert b"/JS" not in response.content


# --- the URL fetcher ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/static/css/print.css",
        f"{pdf.BASE_URL}media/attachments/x.pdf",
        f"{pdf.BASE_URL}static/../council/settings.py",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(ValueError):
        pdf._url_fetcher().fetch(url)


def test_fetcher_serves_static_files():
    response = pdf._url_fetcher().fetch(f"{pdf.BASE_URL}static/css/print.css")

    assert b"@page" in response.read()


def test_images_outside_static_are_never_fetched(released, monkeypatch):
    """Even when an <img> reaches the HTML (a future template, an allow-list change)."""
    opened = []
    monkeypatch.setattr("weasyprint.urls.URLFetcher.fetch", lambda self, url, headers=None: opened.append(url))
    html = pdf.render_pdf_html("pdf/paper.html", {"paper": released}, title="x", created=released.modified).replace(
        "</body>", '<img src="file:///etc/passwd" alt=""><img src="http://example.org/x.png" alt=""></body>'
    )

    data = pdf.html_to_pdf(html)

    assert data.startswith(b"%PDF")
    assert not opened
    assert b"/Image" not in data


def test_an_antrag_names_the_fraktion_that_moved_it(client, released, faction):
    released.originator_organizations.add(faction)
    text = pdf.pdf_text(get_pdf(client, released).content)
    assert f"Beantragt von: {faction.name}" in text  # German, the default language


# --- handing the file over ----------------------------------------------------------------
def test_anonymous_pdf_is_streamed_from_storage_by_the_vorlages_version(
    client, released, render_counter, django_assert_max_num_queries
):
    get_pdf(client, released)

    with django_assert_max_num_queries(1):
        response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": released.reference}))

    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="Vorlage-{released.reference}.pdf"'
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert len(render_counter) == 1


def test_x_accel_redirect_hands_the_stored_file_to_nginx(client, released, settings):
    settings.RATSBUCH_X_ACCEL_REDIRECT = "/protected-media/"

    response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": released.reference}))

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    location = response["X-Accel-Redirect"]
    assert location.startswith("/protected-media/pdf-cache/")
    stored = Path(settings.MEDIA_ROOT) / location.removeprefix("/protected-media/")
    assert stored.read_bytes().startswith(b"%PDF")


def test_x_accel_redirect_only_after_the_permission_check(client, released, draft, settings):
    settings.RATSBUCH_X_ACCEL_REDIRECT = "/protected-media/"
    released.public = False
    released.save()

    for paper in (released, draft):
        response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}))
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response


def test_a_logged_in_readers_pdf_is_not_the_public_file(client, clerk, released, settings):
    settings.RATSBUCH_X_ACCEL_REDIRECT = "/protected-media/"
    AttachmentFactory(paper=released, name="Vertrauliche Kalkulation", public=False)
    get_pdf(client, released)
    client.force_login(clerk)

    response = get_pdf(client, released)

    assert "X-Accel-Redirect" not in response
    assert "Vertrauliche Kalkulation" in pdftotext(response.content)
