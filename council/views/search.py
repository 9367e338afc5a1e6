"""The search page: full text over everything the user may see, with facets.

The engine is `council.search`; the page only reads the request (`arguments_from()`, as
the search feeds do), asks `search()` and pages through the hits.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from council import search as engine

RESULTS_PER_PAGE = 20


def search(request):
    """Search Vorlagen, agenda items, meetings, organizations, people and alliances; 20 hits a page.

    **Models:** those of `settings.RATSBUCH_SEARCH_SOURCES`, as the user may see them.

    **Template:** :template:`council/search.html`

    **Context:**

    ``query``
        The search text ``?q=`` (cut to ``council.search.QUERY_MAX_LENGTH``).
    ``result``
        The :class:`~council.search.SearchResult`: ``total`` and ``facets`` (kind,
        organization, year, state; each value with its count and whether it is selected).
    ``page_obj``
        The current :class:`~django.core.paginator.Page` of :class:`~council.search.Hit`.
    ``hits``
        The hits on that page.
    ``filtered``
        Whether a facet narrows the hits (``?kind=``, ``?organization=``, ``?year=``, ``?state=``).
    """
    arguments = engine.arguments_from(request.GET)
    result = engine.search(arguments.query, user=request.user, **arguments.filters)
    page_obj = Paginator(result.hits, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": arguments.query,
        "result": result,
        "page_obj": page_obj,
        "hits": page_obj.object_list,
        "filtered": arguments.filtered,
    }
    return render(request, "council/search.html", context)
