"""Nothing non-public reaches the public, by any route: a crawl of the demo site as an anonymous visitor.

The demo is loaded, a few more non-public things are added so that every kind of secret
exists (a non-public attachment, a result recorded at a non-public item), and their
distinctive texts are collected from the database. Then an anonymous client follows every
link from the start page, fetches the iCal feeds and tries the direct URLs of the
non-public Vorlagen and attachments; no response may contain a secret, and the direct URLs
must be 404. A council member, by contrast, does see the non-public item: the crawl can fail.
"""

import datetime
import html
import json
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from council.models import AgendaItem, Meeting, Organization, Person
from oparl.crawler import crawl as crawl_oparl
from oparl.crawler import django_client_getter
from resolutions.demo import AWARD_RESOLUTION, AWARD_TITLE, CURRENT_TITLE, PROPERTY_TITLE
from resolutions.models import Attachment, Decision, Paper, ProgressReport, Tracking, TrackingReport
from resolutions.pdf import pdf_text
from tests.factories import AgendaItemFactory, AttachmentFactory, ConsultationFactory, DecisionFactory, PaperFactory

MAX_PAGES = 400
# Enough variants of one path (months of the calendar, pages and filters of a list) to
# cover the site, without walking the calendar month by month into the future.
MAX_VARIANTS_PER_PATH = 30
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/", "/i18n/", "/static/", "/media/")
DEMO_PASSWORD = "ratsbuch-demo"
# Words of the secrets below and of the demo's non-public items, to search for as the public.
SECRET_WORDS = ("Quartiersmanagements", "Hemshof", "Flurst%C3%BCck", "Vogelsang", "Stadtrat")

EXTRA_ITEM = "Personalangelegenheit: Besetzung der Leitung des Quartiersmanagements Hemshof"
EXTRA_PAPER = "Einstellung einer Leiterin des Quartiersmanagements Hemshof"
EXTRA_EXPLANATION = (
    "Die Auswahlkommission schlägt nach drei Vorstellungsgesprächen die Bewerberin Katrin Vogelsang vor."
)
EXTRA_RESOLUTION = "Der Stadtrat stimmt der Einstellung von Katrin Vogelsang als Leiterin des Quartiersmanagements zu."


class LinkParser(HTMLParser):
    """Collect the targets of a page's links (`href` of any element)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.links.append(value)


def links_of(body: str, base: str) -> list[str]:
    parser = LinkParser()
    parser.feed(body)
    found = []
    for href in parser.links:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        parts = urlsplit(urljoin(f"http://testserver{base}", href))
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        query = "" if parts.path.startswith("/accounts/") else parts.query  # one login page, whatever `next` says
        found.append(urlunsplit(("", "", parts.path, query, "")))
    return found


def content_of(response) -> bytes:
    # The test client closes a streamed response once its content is read; closing it here
    # again would send request_finished and close the test's database connection.
    return b"".join(response.streaming_content) if response.streaming else response.content


def readable(data: bytes, content_type: str) -> str:
    """The text of a response as a reader sees it: HTML entities decoded, iCal lines unfolded, PDFs read."""
    if content_type.startswith("application/pdf"):
        # Line breaks of the layout joined, so that a sentence is found across them.
        return " ".join(pdf_text(data).split())
    text = data.decode("utf-8", errors="replace")
    if content_type.startswith("text/calendar"):
        text = re.sub(r"\r?\n[ \t]", "", text)
        text = text.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
        text = text.replace("\\\\", "\\")
    if "xml" in content_type:
        # A feed's descriptions are HTML inside XML: escaped twice.
        text += "\n" + html.unescape(html.unescape(text))
    return text + "\n" + html.unescape(text)


def snippets(markdown_text: str) -> set[str]:
    """The opening words of each paragraph of a Sachverhalt, as they read once rendered."""
    found = set()
    for paragraph in markdown_text.split("\n\n"):
        words = [word.strip("*_`#>") for word in paragraph.split() if word.strip("*_`#>-")]
        snippet = " ".join(words[:6])
        if len(snippet) >= 25:
            found.add(snippet)
    return found


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    body = Organization.objects.get(name="Stadtrat").body
    stadtrat = Organization.objects.get(body=body, name="Stadtrat")
    land = Paper.objects.get(body=body, name=PROPERTY_TITLE)
    current = Paper.objects.get(body=body, name=CURRENT_TITLE)
    # What the demo lacks: non-public attachments, and a result recorded at a non-public item.
    AttachmentFactory(
        paper=land,
        name="Wertgutachten zum Flurstück 2417/3",
        file_name="wertgutachten-flurstueck-2417-3.pdf",
        public=False,
    )
    AttachmentFactory(
        paper=current,
        name="Interne Kostenschätzung Quartiersplatz",
        file_name="kostenschaetzung-intern.pdf",
        public=False,
        order=9,
    )
    held = Meeting.objects.get(body=body, name="41. Sitzung des Stadtrates")
    item = AgendaItemFactory(meeting=held, number="5", order=5, name=EXTRA_ITEM, public=False)
    staffing = PaperFactory(
        body=body,
        under_direction_of=land.under_direction_of,
        name=EXTRA_PAPER,
        explanation=EXTRA_EXPLANATION,
        public=False,
        state=Paper.State.DECIDED,
        released_at=datetime.datetime(2013, 3, 1, 9, tzinfo=datetime.UTC),
    )
    consultation = ConsultationFactory(paper=staffing, organization=stadtrat, agenda_item=item)
    DecisionFactory(
        consultation=consultation, agenda_item=item, date=datetime.date(2013, 3, 18), resolution_text=EXTRA_RESOLUTION
    )
    # A Fraktion's draft Antrag: its people read it, nobody else.
    PaperFactory(
        body=body,
        under_direction_of=Organization.objects.get(body=body, name="SPD-Fraktion"),
        paper_type=Paper.Type.MOTION,
        name="Antrag der SPD-Fraktion: Entwurf zur Umbenennung des Vogelsangparks",
        explanation="Die Fraktion berät noch intern über den neuen Namen des Parks am Vogelsang.",
    )
    return body


def hidden_papers():
    """Vorlagen the public may not read: non-public ones and drafts (never released)."""
    return Paper.objects.filter(Q(public=False) | Q(released_at__isnull=True))


def hidden_attachments():
    return Attachment.objects.filter(Q(public=False) | Q(paper__in=hidden_papers())).select_related("paper")


def collect_secrets() -> set[str]:
    """The distinctive texts of everything non-public, minus any that public things share."""
    secrets: set[str] = set(AgendaItem.objects.filter(public=False).values_list("name", flat=True))
    for paper in hidden_papers():
        secrets |= {paper.reference, paper.name}
        secrets |= snippets(paper.explanation) | snippets(paper.proposal) | snippets(paper.financial_impact)
    for attachment in hidden_attachments():
        secrets |= {attachment.name, attachment.file_name}
    at_closed_doors = Decision.objects.filter(
        Q(agenda_item__public=False) | Q(agenda_item__isnull=True, consultation__agenda_item__public=False)
    )
    secrets |= {text for text in at_closed_doors.values_list("resolution_text", flat=True) if text}
    # What a page would say of such a decision, in either language: who resolved what, and
    # where (the timeline of a public Vorlage decided behind closed doors must not).
    secrets |= _said_of(at_closed_doors)
    for item in AgendaItem.objects.filter(public=False).select_related("meeting"):
        secrets.add(f"{item.meeting.name}, TOP {item.number}")
    # The Beschlusskontrolle: progress reports on decisions the public may not read.
    hidden_reports = ProgressReport.objects.exclude(tracking__in=Tracking.objects.public().values("pk"))
    secrets |= set(hidden_reports.values_list("text", flat=True))
    public = set(AgendaItem.objects.filter(public=True).values_list("name", flat=True))
    public |= set(Attachment.objects.exclude(pk__in=hidden_attachments().values("pk")).values_list("name", flat=True))
    public |= set(
        Decision.objects.exclude(pk__in=at_closed_doors.values("pk")).values_list("resolution_text", flat=True)
    )
    public |= _said_of(Decision.objects.exclude(pk__in=at_closed_doors.values("pk")))
    # The public and the non-public part of a Beschlusskontrolle report share their table's head.
    for paper in Paper.objects.public():
        public |= snippets(paper.explanation)
    return {secret for secret in secrets - public if secret}


def _said_of(decisions) -> set[str]:
    """How the timeline sums up each decision ("Stadtrat: beschlossen"), in German and English."""
    said = set()
    for decision in decisions.select_related("consultation__organization"):
        for language in ("de", "en"):
            with translation.override(language):
                said.add(f"{decision.consultation.organization.name}: {decision.get_result_display()}")
    return said


def crawl(client, start_urls: list[str]) -> dict[str, tuple[int, str]]:
    """Fetch every page reachable from the start URLs by GET; return status and readable text by URL."""
    seen: dict[str, tuple[int, str]] = {}
    variants: Counter = Counter()
    queue = deque(start_urls)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        if variants[path] >= MAX_VARIANTS_PER_PATH:
            continue
        variants[path] += 1
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        text = readable(content_of(response), content_type)
        seen[url] = (response.status_code, text)
        if response.status_code in (301, 302):
            queue.extend(links_of(f'<a href="{response["Location"]}">', url))
        elif content_type.startswith("text/html"):
            queue.extend(links_of(text, url))
    return seen


def test_an_anonymous_visitor_finds_nothing_non_public_anywhere(client, demo):
    secrets = collect_secrets()
    gremien = Organization.objects.committees().filter(body=demo)
    feeds = [reverse("council:meeting_ical")] + [
        reverse("council:meeting_ical_organization", kwargs={"organization": gremium.pk}) for gremium in gremien
    ]
    feeds += [reverse("resolutions:paper_feed_rss"), reverse("resolutions:paper_feed_atom")]
    feeds += [f"{reverse('resolutions:paper_feed_atom')}?gremium={gremium.pk}" for gremium in gremien]
    # Searches for words of the secrets themselves: the search feeds run as the public.
    feeds += [
        f"{reverse(name)}?q={word}"
        for name in ("council:search_feed_rss", "council:search_feed_atom")
        for word in SECRET_WORDS
    ]

    feeds += [reverse("resolutions:tracking_feed_atom"), reverse("resolutions:tracking_ical")]
    feeds += [
        f"{reverse('resolutions:tracking_ical')}?einheit={tracking.responsible_unit_id}"
        for tracking in Tracking.objects.all()
    ]

    directory = [reverse("council:organization_list"), reverse("council:person_list")]
    searches = [f"{reverse('council:search')}?q={word}" for word in SECRET_WORDS]
    pages = crawl(client, ["/", *feeds, *directory, *searches])

    # The crawl reached the meetings, the Vorlagen, their attachments and the feeds.
    for meeting in Meeting.objects.filter(body=demo):
        assert reverse("council:meeting_detail", kwargs={"pk": meeting.pk}) in pages
    for paper in Paper.objects.public():
        assert paper.get_absolute_url() in pages
        assert reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}) in pages
    # ... and the meetings' documents, read as text: the invitations and the minutes.
    held = Meeting.objects.filter(body=demo, state=Meeting.State.HELD)
    for meeting in held:
        assert reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": meeting.pk}) in pages
    minutes = reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": held.first().pk})
    assert pages[minutes][0] == 200 and held.first().name in pages[minutes][1]
    public_files = Attachment.objects.exclude(pk__in=hidden_attachments().values("pk"))
    assert public_files and all(attachment.get_absolute_url() in pages for attachment in public_files)
    assert all(pages[feed][0] == 200 for feed in feeds)
    # ... and the Beschlusskontrolle: every public decision's tracking, none of the others.
    public_trackings = set(Tracking.objects.public())
    assert public_trackings and Tracking.objects.exclude(pk__in=[t.pk for t in public_trackings]).exists()
    for tracking in Tracking.objects.all():
        assert (tracking.get_absolute_url() in pages) is (tracking in public_trackings), tracking
    # ... and the directory: every organization, the public people, and no member of staff.
    for organization in Organization.objects.filter(body=demo):
        assert reverse("council:organization_detail", kwargs={"pk": organization.pk}) in pages
    people = {reverse("council:person_detail", kwargs={"pk": pk}) for pk in Person.objects.values_list("pk", flat=True)}
    public_people = {reverse("council:person_detail", kwargs={"pk": person.pk}) for person in Person.objects.public()}
    assert public_people and public_people <= set(pages)
    assert not (people - public_people) & set(pages)
    assert len(secrets) >= 10 and EXTRA_RESOLUTION in secrets
    assert all(status < 500 for status, _text in pages.values())

    leaks = {(url, secret) for url, (_status, text) in pages.items() for secret in secrets if secret in text}
    assert leaks == set()


def test_the_oparl_api_serves_nothing_non_public(client, demo):
    secrets = collect_secrets()

    report = crawl_oparl(f"http://testserver{reverse('oparl:system')}", django_client_getter(client), follow_web=False)

    assert report.ok, report.problems[:5]
    assert report.counts["Paper"] == Paper.objects.public().count()
    served = json.dumps(report.objects, ensure_ascii=False)
    assert all(paper.reference not in served for paper in hidden_papers())
    assert {secret for secret in secrets if secret in served} == set()


def test_direct_urls_of_non_public_things_are_404_for_anonymous(client, demo):
    secrets = collect_secrets()
    urls = []
    for paper in hidden_papers():
        urls += [paper.get_absolute_url(), reverse("resolutions:paper_history", kwargs={"reference": paper.reference})]
    urls += [attachment.get_absolute_url() for attachment in hidden_attachments()]
    urls += [tracking.get_absolute_url() for tracking in Tracking.objects.exclude(pk__in=Tracking.objects.public())]
    staff = Person.objects.exclude(pk__in=Person.objects.public().values("pk"))
    assert staff.exists()
    urls += [reverse("council:person_detail", kwargs={"pk": person.pk}) for person in staff]
    assert len(urls) >= 8

    for url in urls:
        response = client.get(url)
        text = readable(content_of(response), response.get("Content-Type", ""))
        assert response.status_code == 404, url
        # The not-found page may repeat the address the visitor typed, KSD number included.
        assert [secret for secret in secrets if secret in text and secret not in url] == [], url


def test_a_member_does_see_the_non_public_item_on_the_meeting_page_and_in_meine_sitzungen(client, demo):
    land_item = AgendaItem.objects.get(meeting__name="14. Sitzung des Stadtrates", public=False)
    url = reverse("council:meeting_detail", kwargs={"pk": land_item.meeting_id})
    land = Paper.objects.get(consultations__agenda_item=land_item)
    anonymous = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="member", password=DEMO_PASSWORD)

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    mine = client.get(reverse("council:my_meetings"), HTTP_ACCEPT_LANGUAGE="en")

    assert land_item.name not in anonymous.text
    assert land_item.name in page.text
    assert f'href="{land.get_absolute_url()}"' in page.text
    assert land_item.name in mine.text
    secret_attachment = Attachment.objects.get(paper=land, public=False)
    assert f'href="{secret_attachment.get_absolute_url()}"' in mine.text
    assert client.get(secret_attachment.get_absolute_url()).status_code == 200


def test_a_public_vorlage_decided_behind_closed_doors_shows_the_public_neither_result_nor_item(client, demo):
    award = Paper.objects.get(name=AWARD_TITLE)
    item = award.consultations.get().agenda_item
    assert award.public and not item.public and award.state == Paper.State.DECIDED

    page = client.get(award.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    text = html.unescape(page)

    assert AWARD_RESOLUTION not in text
    assert "geändert beschlossen" not in text and f"TOP {item.number}" not in text
    assert f"item {item.number}" not in text
    assert "Deliberated in the non-public part; its result is not public." in text
    # The decision's change of state stays on the public timeline, without its result.
    assert 'data-action="decided"' in page
    assert "Haupt- und Finanzausschuss: " not in text

    assert client.login(username="office", password=DEMO_PASSWORD)
    inside = html.unescape(client.get(award.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text)
    assert AWARD_RESOLUTION in inside
    assert f"Haupt- und Finanzausschuss: geändert beschlossen ({item.meeting.name}, TOP {item.number})" in inside


def _mail_text(message) -> str:
    """Everything a mail carries: headers, text, HTML and the text of its attachments."""
    parts = [str(message[header] or "") for header in ("Subject", "From", "To")]
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if isinstance(content, bytes):
            parts.append(readable(content, part.get_content_type()))
        else:
            parts.append(html.unescape(content))
    return "\n".join(parts)


def test_public_followers_get_no_non_public_mail(demo, smtp_server, django_capture_on_commit_callbacks):
    """Follow every Gremium, every Vorlage (hidden ones too) and searches for the secrets' words, as the public."""
    from council import following
    from council.models import Subscription

    secrets = collect_secrets()
    since = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        for index, organization in enumerate(Organization.objects.filter(body=demo)):
            following.subscription_request(
                email=f"org{index}@example.org", target="organization", organization=organization
            )
        for paper in Paper.objects.filter(body=demo):
            try:
                following.subscription_request(email="papers@example.org", target="paper", key=paper.reference)
            except ValidationError:
                assert paper in hidden_papers()  # a hidden Vorlage cannot be followed
        for word in (*SECRET_WORDS, "Quartier", "Grundstück"):
            following.subscription_request(email="search@example.org", target="search", key=word)
    Subscription.objects.update(confirmed_at=since)

    assert following.digests_send() >= 2

    mails = [_mail_text(message) for message in smtp_server.messages]
    assert any("Vorlage" in text for text in mails)
    leaks = {(index, secret) for index, text in enumerate(mails) for secret in secrets if secret in text}
    assert leaks == set()


def test_the_beschlusskontrolle_report_pdf_keeps_its_non_public_part_from_the_public(client, demo):
    secrets = collect_secrets()
    report = TrackingReport.objects.get()
    assert report.nonpublic_paper is not None
    url = reverse("resolutions:tracking_report_pdf", kwargs={"pk": report.pk})

    public_text = pdf_text(client.get(url).content)
    assert client.login(username="member", password=DEMO_PASSWORD)
    member_text = pdf_text(client.get(url).content)

    hidden = Tracking.objects.exclude(pk__in=Tracking.objects.public()).select_related("paper")
    assert hidden and all(tracking.paper.reference in member_text for tracking in hidden)
    assert [secret for secret in secrets if secret in public_text] == []
    assert all(tracking.paper.reference not in public_text for tracking in hidden)


def test_reminders_reach_an_outsider_only_for_public_decisions(demo, smtp_server, django_capture_on_commit_callbacks):
    """Name a person without an account responsible for every open tracking; remind as of a day when all are overdue."""
    from resolutions.tracking.reminders import reminders_send
    from tests.factories import PersonFactory

    secrets = collect_secrets()
    outsider = PersonFactory(body=demo, email="aussen@example.org")
    open_trackings = Tracking.objects.open()
    assert open_trackings.exclude(pk__in=Tracking.objects.public()).exists()  # a non-public one is open
    open_trackings.update(responsible_person=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=datetime.date(2100, 1, 1)) == open_trackings.count()

    mails = [_mail_text(message) for message in smtp_server.to("aussen@example.org")]
    assert len(mails) == Tracking.objects.public().open().count()
    leaks = {(index, secret) for index, text in enumerate(mails) for secret in secrets if secret in text}
    assert leaks == set()
