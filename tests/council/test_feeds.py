"""The feeds of the council pages: the search as RSS and Atom, and the iCal links of the meeting pages."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from council.feeds import FEED_ITEMS, SearchAtomFeed, SearchRssFeed
from resolutions.models import Paper
from tests.factories import AgendaItemFactory, ConsultationFactory, ReleasedPaperFactory

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_URL = "/suche/feed/rss/"
ATOM_URL = "/suche/feed/atom/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SEED = "20135317"


def rss_channel(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required)
    return channel


def atom_feed(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}")
    return root


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


# --- URLs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "path", "feed_class"),
    [("council:search_feed_rss", RSS_URL, SearchRssFeed), ("council:search_feed_atom", ATOM_URL, SearchAtomFeed)],
)
def test_search_feed_urls_reverse_and_resolve(name, path, feed_class):
    assert reverse(name) == path
    match = resolve(path)
    assert match.view_name == name
    assert type(match.func) is feed_class


# --- the search feed on the demo ------------------------------------------------------------------------
def test_search_feed_finds_the_seed_as_anonymous(client, demo):
    channel = rss_channel(client.get(RSS_URL, {"q": "Gemeinwesenarbeit"}, **EN))
    atom = atom_feed(client.get(ATOM_URL, {"q": "Gemeinwesenarbeit"}, **EN))

    links = [item.findtext("link") for item in channel.findall("item")]
    assert f"http://testserver/vorlagen/{SEED}/" in links
    assert "Gemeinwesenarbeit" in channel.findtext("title")
    entries = atom.findall(f"{ATOM}entry")
    assert f"http://testserver/vorlagen/{SEED}/" in [entry.find(f"{ATOM}link").get("href") for entry in entries]
    for entry in entries:
        assert (
            entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated") and entry.find(f"{ATOM}link") is not None
        )
    # Every item has its own id, even where two hits share a page.
    guids = [item.findtext("guid") for item in channel.findall("item")]
    assert len(guids) == len(set(guids))


def test_search_feed_items_are_newest_first(client, demo):
    channel = rss_channel(client.get(RSS_URL, {"q": "Gemeinwesenarbeit"}, **EN))

    dates = [item.findtext("pubDate") for item in channel.findall("item")]
    moments = [datetime.datetime.strptime(date, "%a, %d %b %Y %H:%M:%S %z") for date in dates if date]
    assert moments == sorted(moments, reverse=True)
    assert len(channel.findall("item")) <= FEED_ITEMS


def _non_public_texts() -> list[str]:
    from council.models import AgendaItem

    texts = list(AgendaItem.objects.filter(public=False).values_list("name", flat=True))
    for paper in Paper.objects.exclude(pk__in=Paper.objects.public().values("pk")):
        texts += [paper.reference, paper.name]
    return texts


@pytest.mark.parametrize("query", ["Gemeinwesenarbeit", "Flurstücks", "Stadtrat", "Hemshof", "Quartiersplatz"])
def test_search_feed_shows_nothing_non_public_even_to_the_office(client, demo, query):
    anonymous = client.get(RSS_URL, {"q": query}).content
    assert client.login(username="office", password="ratsbuch-demo")
    # The office's own search does find something non-public: the feed has something to leave out.
    page = client.get(reverse("council:search"), {"q": query}).text
    assert any(secret in page for secret in _non_public_texts())

    content = client.get(RSS_URL, {"q": query}).content + client.get(ATOM_URL, {"q": query}).content

    text = content.decode()
    assert [secret for secret in _non_public_texts() if secret in text] == []
    assert (
        client.get(RSS_URL, {"q": query}).content.split(b"<lastBuildDate>")[0] == anonymous.split(b"<lastBuildDate>")[0]
    )


def test_an_empty_query_gives_an_empty_feed_that_says_why(client, db):
    for params in ({}, {"q": ""}, {"q": "   "}):
        channel = rss_channel(client.get(RSS_URL, params, **EN))
        assert channel.findall("item") == []
        assert "no search words" in channel.findtext("description")
        atom = atom_feed(client.get(ATOM_URL, params, **EN))
        assert atom.findall(f"{ATOM}entry") == []


def test_the_facets_are_carried_into_the_feed(client, demo):
    year = client.get(RSS_URL, {"q": "Gemeinwesenarbeit", "year": "2013"}, **EN)
    other_year = client.get(RSS_URL, {"q": "Gemeinwesenarbeit", "year": "1999"}, **EN)

    channel = rss_channel(year)
    assert f"http://testserver/vorlagen/{SEED}/" in [item.findtext("link") for item in channel.findall("item")]
    assert rss_channel(other_year).findall("item") == []
    self_link = channel.find(f"{ATOM}link").get("href")
    assert self_link == f"http://testserver{RSS_URL}?q=Gemeinwesenarbeit&year=2013"
    assert channel.findtext("link").endswith("?q=Gemeinwesenarbeit&year=2013")


# --- query counts -----------------------------------------------------------------------------------------
def _papers(body, committee, count: int) -> None:
    for number in range(count):
        paper = ReleasedPaperFactory(
            body=body,
            name=f"Quartiersarbeit im Stadtteil {number}",
            released_at=datetime.datetime(2013, 3, 1 + number % 28, 9, tzinfo=datetime.UTC),
        )
        ConsultationFactory(paper=paper, organization=committee)


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("url", [RSS_URL, ATOM_URL])
def test_search_feed_queries_do_not_grow_with_the_hits(
    client, body, committee, django_assert_max_num_queries, count, url
):
    _papers(body, committee, count)

    with django_assert_max_num_queries(13):
        response = client.get(url, {"q": "Quartiersarbeit"})

    assert response.content.count(b"Quartiersarbeit im Stadtteil") >= min(count, FEED_ITEMS)


# --- the meeting pages link the iCal feeds ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["council:meeting_list", "council:meeting_calendar"])
def test_the_meeting_pages_announce_and_link_the_ical_feed(client, db, name):
    page = client.get(reverse(name), **EN).text
    ical = reverse("council:meeting_ical")

    assert f'<link rel="alternate" type="text/calendar" title="All meetings (iCal)" href="{ical}">' in page
    assert f'<a href="{ical}" type="text/calendar">' in page


@pytest.mark.parametrize("name", ["council:meeting_list", "council:meeting_calendar"])
def test_the_meeting_pages_link_the_ical_feed_of_the_selected_gremium(client, committee, name):
    page = client.get(reverse(name), {"organization": committee.pk}, **EN).text
    ical = reverse("council:meeting_ical_organization", kwargs={"organization": committee.pk})

    assert f'type="text/calendar" title="Meetings of {committee.name} (iCal)" href="{ical}">' in page
    assert f'<a href="{ical}" type="text/calendar">' in page


def test_without_a_gremium_only_the_feed_of_all_meetings_is_announced(client, committee):
    page = client.get(reverse("council:meeting_list"), **EN).text

    assert reverse("council:meeting_ical_organization", kwargs={"organization": committee.pk}) not in page


def test_a_non_public_item_stays_out_of_the_search_feed(client, body, committee):
    paper = ReleasedPaperFactory(body=body, name="Quartiersarbeit Hemshof")
    item = AgendaItemFactory(public=False, name="Quartiersarbeit: Personalangelegenheit")
    ConsultationFactory(paper=paper, organization=committee, agenda_item=item)

    content = client.get(RSS_URL, {"q": "Quartiersarbeit"}).content.decode()

    assert item.name not in content


# --- the search page links its feeds ------------------------------------------------------------------
def test_the_search_page_announces_and_links_the_feeds_of_its_query(client, db):
    page = client.get(reverse("council:search"), {"q": "Soziale Stadt", "year": "2013", "page": "2"}, **EN).text

    for name, kind in (("council:search_feed_rss", "rss"), ("council:search_feed_atom", "atom")):
        url = f"{reverse(name)}?q=Soziale+Stadt&amp;year=2013"
        assert f'<link rel="alternate" type="application/{kind}+xml"' in page
        assert f'href="{url}">' in page
        assert f'<a href="{url}" type="application/{kind}+xml">' in page


def test_the_search_page_without_a_query_announces_no_feed(client, db):
    page = client.get(reverse("council:search"), **EN).text

    assert reverse("council:search_feed_rss") not in page
