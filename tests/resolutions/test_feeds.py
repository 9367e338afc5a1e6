"""The RSS and Atom feeds of new Vorlagen: what they carry, in which order, and what never."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from council.models import Organization
from resolutions.feeds import FEED_ITEMS, PROPOSAL_WORDS, PaperAtomFeed, PaperRssFeed
from resolutions.models import Consultation, Paper
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    ConsultationFactory,
    PaperFactory,
    ReleasedPaperFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_URL = "/vorlagen/feed/rss/"
ATOM_URL = "/vorlagen/feed/atom/"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def released_on(day: int, **fields) -> Paper:
    """A released public Vorlage, released at nine on the given day of March 2013."""
    moment = datetime.datetime(2013, 3, day, 9, tzinfo=datetime.UTC)
    return ReleasedPaperFactory(released_at=moment, **fields)


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"] == RSS_TYPE
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for required in ("title", "link", "description"):
        assert channel.findtext(required)
    return channel.findall("item")


def atom_entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"] == ATOM_TYPE
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}")
    return root.findall(f"{ATOM}entry")


def titles(items: list[ET.Element], namespace: str = "") -> list[str]:
    return [item.findtext(f"{namespace}title") for item in items]


# --- URLs ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "path", "feed_class"),
    [("resolutions:paper_feed_rss", RSS_URL, PaperRssFeed), ("resolutions:paper_feed_atom", ATOM_URL, PaperAtomFeed)],
)
def test_feed_urls_reverse_and_resolve(name, path, feed_class):
    assert reverse(name) == path
    match = resolve(path)
    assert match.view_name == name
    assert type(match.func) is feed_class


def test_feed_is_never_read_as_a_ksd_number():
    # The feed patterns come before every vorlagen/<reference>/ pattern, whatever a reference may look like.
    assert resolve(RSS_URL).url_name == "paper_feed_rss"
    assert resolve(ATOM_URL).url_name == "paper_feed_atom"


# --- what the feeds carry -----------------------------------------------------------------
@pytest.mark.django_db
def test_rss_lists_released_public_vorlagen_newest_release_first(client, body):
    oldest = released_on(1, body=body, name="Älteste Vorlage")
    newest = released_on(20, body=body, name="Neueste Vorlage")
    middle = released_on(10, body=body, name="Mittlere Vorlage")

    items = rss_items(client.get(RSS_URL, HTTP_ACCEPT_LANGUAGE="en"))

    assert titles(items) == [f"KSD {paper.reference} – {paper.name}" for paper in (newest, middle, oldest)]
    item = items[0]
    assert item.findtext("link") == f"http://testserver{newest.get_absolute_url()}"
    assert item.findtext("guid") == item.findtext("link")
    assert item.findtext("pubDate") == "Wed, 20 Mar 2013 09:00:00 +0000"
    assert {category.text for category in item.findall("category")} == {
        "Beschlussvorlage",
        newest.under_direction_of.name,
    }
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == newest.under_direction_of.name


@pytest.mark.django_db
def test_atom_entries_have_id_updated_published_link_and_author(client, body):
    paper = released_on(5, body=body)

    entries = atom_entries(client.get(ATOM_URL, HTTP_ACCEPT_LANGUAGE="en"))

    assert len(entries) == 1
    entry = entries[0]
    url = f"http://testserver{paper.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}id") == url
    assert entry.find(f"{ATOM}link").get("href") == url
    assert entry.findtext(f"{ATOM}published").startswith("2013-03-05T09:00:00")
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert updated == paper.modified
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == paper.under_direction_of.name
    assert entry.find(f"{ATOM}summary").get("type") == "html"


@pytest.mark.django_db
def test_feed_title_names_the_body(client, body):
    response = client.get(RSS_URL, HTTP_ACCEPT_LANGUAGE="en")
    channel = ET.fromstring(response.content).find("channel")

    assert body.name in channel.findtext("title")
    assert body.name in channel.findtext("description")
    assert channel.findtext("link") == "http://testserver/vorlagen/"


@pytest.mark.django_db
def test_description_has_subject_line_type_proposal_and_beratungsfolge(client, body, committee):
    paper = released_on(
        3,
        body=body,
        subject_line='Bund-Länder-Programm "Soziale Stadt"',
        proposal="Der Stadtrat **beschließt** den Beitritt.\n\n- erstens\n- zweitens",
    )
    council = CommitteeFactory(body=body, name="Stadtrat")
    ConsultationFactory(
        paper=paper, organization=committee, role=Consultation.Role.PRELIMINARY, authoritative=False, order=1
    )
    ConsultationFactory(paper=paper, organization=council, role=Consultation.Role.DECISION, order=2)

    description = rss_items(client.get(RSS_URL, HTTP_ACCEPT_LANGUAGE="en"))[0].findtext("description")

    assert "<em>Bund-Länder-Programm &quot;Soziale Stadt&quot;</em>" in description
    assert "Beschlussvorlage" in description
    # The Beschlussvorschlag as plain text: the Markdown rendered, its tags gone.
    assert "Der Stadtrat beschließt den Beitritt. erstens zweitens" in description
    assert "**" not in description
    assert (
        "<li>Ausschuss für Soziales und Integration (Vorberatung)</li><li>Stadtrat (Entscheidung)</li>" in description
    )


@pytest.mark.django_db
def test_a_long_proposal_is_cut_short(client, body):
    words = [f"Wort{number}" for number in range(PROPOSAL_WORDS + 20)]
    released_on(3, body=body, proposal=" ".join(words))

    description = rss_items(client.get(RSS_URL))[0].findtext("description")

    assert words[PROPOSAL_WORDS - 1] in description
    assert words[PROPOSAL_WORDS] not in description
    assert "…" in description


@pytest.mark.django_db
def test_markup_in_a_proposal_reaches_the_reader_as_text_only(client, body):
    released_on(3, body=body, name="Vorlage <b>fett</b>", proposal="Text <script>alert(1)</script> & mehr")

    item = rss_items(client.get(RSS_URL))[0]

    assert item.findtext("title").endswith("Vorlage <b>fett</b>")  # a plain-text title, escaped once by XML
    assert "<script" not in item.findtext("description")
    assert "&amp; mehr" in item.findtext("description")


# --- what the feeds never carry ---------------------------------------------------------------
@pytest.mark.django_db
def test_drafts_non_public_and_withdrawn_before_release_are_absent(client, body, unit, withdrawn):
    public = released_on(2, body=body, under_direction_of=unit, name="Öffentliche Vorlage")
    hidden = released_on(4, body=body, under_direction_of=unit, name="Nichtöffentliche Vorlage", public=False)
    PaperFactory(body=body, under_direction_of=unit, name="Entwurf einer Vorlage")
    PaperFactory(body=body, under_direction_of=unit, name="Vorlage in der Mitzeichnung", state=Paper.State.COSIGNING)
    # `withdrawn` went through the services: drafted, then withdrawn before any release.
    never_released = list(Paper.objects.filter(released_at__isnull=True))
    assert {paper.state for paper in never_released} == {
        Paper.State.WITHDRAWN,
        Paper.State.DRAFT,
        Paper.State.COSIGNING,
    }

    for url in (RSS_URL, ATOM_URL):
        content = client.get(url).content.decode()
        assert public.reference in content
        for paper in [hidden, *never_released]:
            assert paper.reference not in content
            assert paper.name not in content


@pytest.mark.django_db
def test_the_feed_is_the_same_for_the_office(client, body, office, unit):
    released_on(2, body=body, under_direction_of=unit, name="Öffentliche Vorlage")
    hidden = released_on(4, body=body, under_direction_of=unit, name="Nichtöffentliche Vorlage", public=False)
    PaperFactory(body=body, under_direction_of=unit, name="Entwurf einer Vorlage")
    anonymous = client.get(RSS_URL).content
    client.force_login(office)

    content = client.get(RSS_URL).content

    assert hidden.name not in content.decode() and "Entwurf" not in content.decode()
    assert titles(ET.fromstring(content).find("channel").findall("item")) == titles(
        ET.fromstring(anonymous).find("channel").findall("item")
    )


@pytest.mark.django_db
def test_a_non_public_agenda_item_stays_out_of_the_description(client, body, committee):
    paper = released_on(3, body=body)
    item = AgendaItemFactory(public=False, name="Grundstücksangelegenheit Flurstück 2417/3")
    ConsultationFactory(paper=paper, organization=committee, agenda_item=item)

    content = client.get(RSS_URL).content.decode() + client.get(ATOM_URL).content.decode()

    assert paper.reference in content
    assert item.name not in content


# --- the Gremium filter ------------------------------------------------------------------------
@pytest.mark.django_db
def test_gremium_keeps_the_vorlagen_before_that_gremium(client, body, committee):
    other = CommitteeFactory(body=body, name="Bauausschuss")
    before = released_on(2, body=body, name="Vor dem Sozialausschuss")
    ConsultationFactory(paper=before, organization=committee, order=1, authoritative=False)
    ConsultationFactory(paper=before, organization=committee, order=2)  # twice before it: still one item
    elsewhere = released_on(3, body=body, name="Vor dem Bauausschuss")
    ConsultationFactory(paper=elsewhere, organization=other)

    items = rss_items(client.get(RSS_URL, {"gremium": committee.pk}, HTTP_ACCEPT_LANGUAGE="en"))
    entries = atom_entries(client.get(ATOM_URL, {"gremium": committee.pk}, HTTP_ACCEPT_LANGUAGE="en"))

    assert titles(items) == [f"KSD {before.reference} – {before.name}"]
    assert titles(entries, ATOM) == titles(items)
    channel = ET.fromstring(client.get(RSS_URL, {"gremium": committee.pk}).content).find("channel")
    assert committee.name in channel.findtext("title")
    self_link = channel.find("{http://www.w3.org/2005/Atom}link").get("href")
    assert self_link == f"http://testserver{RSS_URL}?gremium={committee.pk}"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "12x", "-1", "999999"])
def test_an_unknown_gremium_is_404(client, body, value):
    assert client.get(RSS_URL, {"gremium": value}).status_code == 404


@pytest.mark.django_db
def test_a_unit_is_no_gremium(client, unit):
    assert unit.organization_type == Organization.Type.ADMINISTRATIVE_UNIT
    assert client.get(ATOM_URL, {"gremium": unit.pk}).status_code == 404


# --- size and cost --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_empty_feed_is_valid(client, body):
    assert rss_items(client.get(RSS_URL)) == []
    assert atom_entries(client.get(ATOM_URL)) == []


@pytest.mark.django_db
def test_the_feed_carries_the_latest_fifty(client, body):
    papers = [released_on(1 + number % 28, body=body) for number in range(FEED_ITEMS + 3)]

    items = rss_items(client.get(RSS_URL))

    assert len(items) == FEED_ITEMS
    newest = max(papers, key=lambda paper: (paper.released_at, paper.pk))
    assert items[0].findtext("title").startswith(f"KSD {newest.reference}")


def _papers_with_steps(body, committee, count: int) -> None:
    council = CommitteeFactory(body=body, name="Stadtrat")
    for number in range(count):
        paper = released_on(1 + number % 28, body=body)
        ConsultationFactory(
            paper=paper, organization=committee, role=Consultation.Role.PRELIMINARY, authoritative=False, order=1
        )
        ConsultationFactory(paper=paper, organization=council, order=2)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("url", [RSS_URL, ATOM_URL])
def test_queries_do_not_grow_with_the_items(client, body, committee, django_assert_max_num_queries, count, url):
    _papers_with_steps(body, committee, count)

    with django_assert_max_num_queries(3):
        response = client.get(url)
    with django_assert_max_num_queries(4):
        filtered = client.get(url, {"gremium": committee.pk})

    assert response.status_code == filtered.status_code == 200
    assert response.content.count(b"Stadtrat (Entscheidung)") == count


# --- the list page links the feeds -----------------------------------------------------------------
@pytest.mark.django_db
def test_the_list_page_announces_and_links_the_feeds(client, body):
    page = client.get(reverse("resolutions:paper_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'<link rel="alternate" type="application/rss+xml" title="New Vorlagen (RSS)" href="{RSS_URL}">' in page
    assert f'<link rel="alternate" type="application/atom+xml" title="New Vorlagen (Atom)" href="{ATOM_URL}">' in page
    assert f'<a href="{RSS_URL}" type="application/rss+xml">RSS</a>' in page
    assert f'<a href="{ATOM_URL}" type="application/atom+xml">Atom</a>' in page


# --- the demo ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_demo_feed_has_the_seed_and_nothing_hidden(client):
    call_command("load_demo", verbosity=0)
    public = list(Paper.objects.public().order_by("-released_at", "-pk"))
    hidden = Paper.objects.exclude(pk__in=[paper.pk for paper in public])
    assert hidden.filter(public=False).exists() and hidden.filter(released_at__isnull=True).exists()

    items = rss_items(client.get(RSS_URL, HTTP_ACCEPT_LANGUAGE="en"))
    entries = atom_entries(client.get(ATOM_URL, HTTP_ACCEPT_LANGUAGE="en"))

    expected = [f"KSD {paper.reference} – {paper.name}" for paper in public]
    assert titles(items) == expected
    assert titles(entries, ATOM) == expected
    assert any(title.startswith("KSD 20135317 – ") for title in expected)
    content = client.get(RSS_URL).content.decode() + client.get(ATOM_URL).content.decode()
    for paper in hidden:
        assert paper.reference not in content and paper.name not in content
