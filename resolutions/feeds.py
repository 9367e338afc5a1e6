"""RSS 2.0 and Atom 1.0 feeds of newly released Vorlagen (django.contrib.syndication).

Feed URLs are shared and polled by readers that carry no session, and a feed that read the
requester's rights would hand a member's view to whoever they pass the address to. So a
feed always shows what the public sees, whoever asks: `Paper.objects.public()`, and of each
Vorlage only what its public page shows (no agenda items, no decisions, no attachments).
"""

import html
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from council import queries
from council.models import Body, Organization
from resolutions.markdown import render_markdown
from resolutions.models import Consultation, Paper

# Enough for a reader to catch up after a few weeks away; older Vorlagen are on the list page.
FEED_ITEMS = 50
# The Beschlussvorschlag is cut after this many words: the feed is a pointer to the page.
PROPOSAL_WORDS = 60


@dataclass(frozen=True)
class PaperFeedScope:
    """What one request of the Vorlagen feed asks for: the body it speaks for and an optional Gremium."""

    body: Body | None
    gremium: Organization | None
    path: str


def selected_gremium(request, body: Body | None) -> Organization | None:
    """The Gremium of ?gremium=<pk>, or None; 404 for anything but one of the body's Gremien."""
    value = request.GET.get("gremium", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_object_or_404(queries.gremien_of(body), pk=int(value))


def feed_papers(gremium: Organization | None = None):
    """The latest public Vorlagen, newest release first, with what an item shows, in a fixed number of queries."""
    papers = Paper.objects.public()
    if gremium is not None:
        # A subquery, not a join: a Vorlage before the same Gremium twice stays one item.
        before = Consultation.objects.filter(organization=gremium).values("paper_id")
        papers = papers.filter(pk__in=before)
    steps = Consultation.objects.select_related("organization").order_by("order", "pk")
    return (
        papers.select_related("under_direction_of")
        .prefetch_related(Prefetch("consultations", queryset=steps))
        .order_by("-released_at", "-pk")[:FEED_ITEMS]
    )


def plain_text(markdown_text: str) -> str:
    """A clerk's Markdown as plain text on one line: rendered, tags stripped, entities decoded."""
    text = html.unescape(strip_tags(render_markdown(markdown_text)))
    return " ".join(text.split())


def paper_title(paper: Paper) -> str:
    return f"KSD {paper.reference} – {paper.name}"


def paper_summary(paper: Paper) -> SafeString:
    """An item's description as HTML: subject line, type, unit, the Beschlussvorschlag cut short, Beratungsfolge."""
    parts = []
    if paper.subject_line:
        parts.append(format_html("<p><em>{}</em></p>", paper.subject_line))
    parts.append(
        format_html(
            "<p>{} · {}</p>",
            paper.get_paper_type_display(),
            _("submitted by %(unit)s") % {"unit": paper.under_direction_of.name},
        )
    )
    proposal = plain_text(paper.proposal)
    if proposal:
        parts.append(
            format_html(
                "<p><strong>{}</strong> {}</p>",
                _("Beschlussvorschlag:"),
                Truncator(proposal).words(PROPOSAL_WORDS, truncate="…"),
            )
        )
    steps = list(paper.consultations.all())
    if steps:
        parts.append(format_html("<p><strong>{}</strong></p>", _("Beratungsfolge:")))
        parts.append(
            format_html(
                "<ol>{}</ol>",
                format_html_join(
                    "",
                    "<li>{} ({})</li>",
                    ((step.organization.name, step.get_role_display()) for step in steps),
                ),
            )
        )
    return format_html("{}" * len(parts), *parts)


class PaperRssFeed(Feed):
    """The newest released public Vorlagen as RSS 2.0; `?gremium=<pk>` keeps those before one Gremium.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Consultation`

    **Response:** ``application/rss+xml; charset=utf-8``; 404 for a ``gremium`` that is not
    one of the body's Gremien.
    """

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = True

    def get_object(self, request, *args, **kwargs):
        body = queries.installation_body()
        return PaperFeedScope(body=body, gremium=selected_gremium(request, body), path=request.get_full_path())

    def _body_name(self, scope: PaperFeedScope) -> str:
        return scope.body.name if scope.body else "Ratsbuch"

    def title(self, scope: PaperFeedScope) -> str:
        if scope.gremium:
            return _("New Vorlagen for %(gremium)s – %(body)s") % {
                "gremium": scope.gremium.name,
                "body": self._body_name(scope),
            }
        return _("New Vorlagen – %(body)s") % {"body": self._body_name(scope)}

    def description(self, scope: PaperFeedScope) -> str:
        if scope.gremium:
            return _("The latest Vorlagen released by %(body)s that go before %(gremium)s.") % {
                "body": self._body_name(scope),
                "gremium": scope.gremium.name,
            }
        return _("The latest Vorlagen released by %(body)s, newest first.") % {"body": self._body_name(scope)}

    def link(self, scope: PaperFeedScope) -> str:
        return reverse("resolutions:paper_list")

    def feed_url(self, scope: PaperFeedScope) -> str:
        return scope.path

    def author_name(self, scope: PaperFeedScope) -> str:
        # Atom wants an author on every entry or on the feed; the body stands behind its Vorlagen.
        return self._body_name(scope)

    def items(self, scope: PaperFeedScope):
        return feed_papers(scope.gremium)

    def item_title(self, paper: Paper) -> str:
        return paper_title(paper)

    def item_description(self, paper: Paper) -> str:
        return paper_summary(paper)

    def item_link(self, paper: Paper) -> str:
        return paper.get_absolute_url()

    def item_pubdate(self, paper: Paper):
        return paper.released_at

    def item_updateddate(self, paper: Paper):
        return paper.modified

    def item_categories(self, paper: Paper) -> list[str]:
        return [paper.get_paper_type_display(), paper.under_direction_of.name]

    def item_author_name(self, paper: Paper) -> str:
        return paper.under_direction_of.name


class PaperAtomFeed(PaperRssFeed):
    """The same Vorlagen as Atom 1.0 (``application/atom+xml; charset=utf-8``)."""

    feed_type = Atom1Feed

    def subtitle(self, scope: PaperFeedScope) -> str:
        return self.description(scope)
