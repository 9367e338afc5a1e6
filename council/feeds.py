"""RSS 2.0 and Atom 1.0 feeds of a search (django.contrib.syndication): the latest hits, newest first.

A feed URL gets shared, and feed readers poll it without the session of whoever made it.
So the search always runs as an anonymous visitor, even for a logged-in requester: a feed
shows what the public sees and nothing a council member or the office could see besides.
The search itself is `council.search.search`; this module only turns its hits into items.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from council import queries
from council import search as engine
from council.models import Body

# As many items as the Vorlagen feed: enough to catch up, few enough to poll often.
FEED_ITEMS = 50
# The feed orders by date, the engine by rank: the newest are taken from this many best
# matches, so that a common word costs a bounded number of objects read, however many hits.
CANDIDATES = 500


@dataclass(frozen=True)
class FeedItem:
    """A search hit with its link and its item id; the id must be an absolute IRI, unique in the feed."""

    hit: engine.Hit
    link: str
    guid: str


@dataclass
class SearchFeedScope:
    """One request of the search feed: the query, its facets, and the hits an anonymous visitor gets."""

    body: Body | None
    query: str
    parameters: list[tuple[str, str]]
    path: str
    items: list[FeedItem] = field(default_factory=list)

    @property
    def search_url(self) -> str:
        """The search page with the same query and facets: where the feed comes from."""
        url = reverse("council:search")
        return f"{url}?{urlencode(self.parameters)}" if self.parameters else url


def latest_first(hits) -> list[engine.Hit]:
    """Hits by date, newest first; hits without a date after the dated ones, best match first."""
    dated = sorted((hit for hit in hits if hit.date), key=lambda hit: (hit.date, hit.rank), reverse=True)
    undated = sorted((hit for hit in hits if not hit.date), key=lambda hit: hit.rank, reverse=True)
    return [*dated, *undated][:FEED_ITEMS]


def item_guid(hit: engine.Hit, page: str) -> str:
    """The hit's page without its fragment, plus kind and key: an agenda item and its meeting share a page."""
    key = getattr(hit.object, "pk", None)
    anchor = f"{hit.kind}-{key}" if key is not None else hit.kind
    return f"{urldefrag(page).url}#{anchor}"


def as_moment(value) -> datetime.datetime | None:
    """A hit's date as an aware moment: a plain date becomes the local midnight of that day."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


class SearchRssFeed(Feed):
    """The latest hits of ``?q=`` (and ``kind``, ``organization``, ``year``, ``state``) as the public gets them.

    **Response:** ``application/rss+xml; charset=utf-8``; an empty ``q`` gives an empty feed
    whose description says how to ask for one.
    """

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = False

    def get_object(self, request, *args, **kwargs):
        # Read as the search page reads them: unknown kinds are dropped, a malformed number is no filter.
        arguments = engine.arguments_from(request.GET)
        scope = SearchFeedScope(
            body=queries.installation_body(),
            query=arguments.query,
            parameters=arguments.parameters,
            path=request.get_full_path(),
        )
        if arguments.query:
            # Always anonymous: the feed URL is shared, the requester's rights are not.
            result = engine.search(arguments.query, user=AnonymousUser(), **arguments.filters)
            for hit in latest_first(result.hits[:CANDIDATES]):
                # A hit without a page of its own points to the search it was found by.
                link = request.build_absolute_uri(hit.url or scope.search_url)
                scope.items.append(FeedItem(hit=hit, link=link, guid=item_guid(hit, link)))
        return scope

    def _body_name(self, scope: SearchFeedScope) -> str:
        return scope.body.name if scope.body else "Ratsbuch"

    def title(self, scope: SearchFeedScope) -> str:
        if not scope.query:
            return _("Search – %(body)s") % {"body": self._body_name(scope)}
        return _("Search for “%(query)s” – %(body)s") % {"query": scope.query, "body": self._body_name(scope)}

    def description(self, scope: SearchFeedScope) -> str:
        if not scope.query:
            return _(
                "This feed is empty because it has no search words. Search on the site and subscribe to the "
                "feed of the results, or add ?q= and your words to this address."
            )
        return _("The latest public hits for “%(query)s” in the council information system of %(body)s.") % {
            "query": scope.query,
            "body": self._body_name(scope),
        }

    def link(self, scope: SearchFeedScope) -> str:
        return scope.search_url

    def feed_url(self, scope: SearchFeedScope) -> str:
        return scope.path

    def author_name(self, scope: SearchFeedScope) -> str:
        # Atom wants an author on the feed when its entries have none.
        return self._body_name(scope)

    def items(self, scope: SearchFeedScope) -> list[FeedItem]:
        return scope.items

    def item_title(self, item: FeedItem) -> str:
        return f"{item.hit.kind_label}: {item.hit.title}"

    def item_description(self, item: FeedItem) -> str:
        # The excerpt is the engine's escaped text with <mark> tags; the context is plain text.
        if item.hit.context:
            return format_html("<p>{}</p><p>{}</p>", item.hit.context, item.hit.snippet)
        return format_html("<p>{}</p>", item.hit.snippet)

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    def item_pubdate(self, item: FeedItem):
        return as_moment(item.hit.date)

    def item_updateddate(self, item: FeedItem):
        # Atom wants an `updated` on every entry: the object's last change, else its date.
        modified = getattr(item.hit.object, "modified", None)
        return modified or as_moment(item.hit.date) or timezone.now()

    def item_categories(self, item: FeedItem) -> list[str]:
        return [str(item.hit.kind_label)]


class SearchAtomFeed(SearchRssFeed):
    """The same hits as Atom 1.0 (``application/atom+xml; charset=utf-8``)."""

    feed_type = Atom1Feed

    def subtitle(self, scope: SearchFeedScope) -> str:
        return self.description(scope)
