"""`search()`: the rows of every source from the engine of the database, filtered, ordered and faceted."""

from collections import Counter
from typing import Any

from django.db import connection

from council.search.fallback import PythonEngine
from council.search.fts import Fts5Engine
from council.search.postgres import PostgresEngine
from council.search.query import QUERY_MAX_LENGTH, parse_query, searchable, with_english_operators
from council.search.results import FACETS, FacetValue, HitList, RankedHitList, SearchResult, _Row
from council.search.sources import SearchSource, sources
from council.search.sql import SearchFilters

# Ranks are compared rounded, so that PostgreSQL's single-precision ts_rank and Python's
# double-precision one order the same hits the same way.
RANK_DIGITS = 6
# How many organizations the facet lists, most hits first.
ORGANIZATION_FACET_SIZE = 15


def engine():
    """The engine for the default database."""
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return Fts5Engine()
    return PythonEngine()


def _organization_pk(organization) -> int | None:
    if organization is None or organization == "":
        return None
    pk = getattr(organization, "pk", organization)
    try:
        return int(pk)
    except (TypeError, ValueError):
        return -1  # a value no organization has: nothing matches


def matching(source: SearchSource, query: str, *, user):
    """The pks of the rows of one source that `query` finds for `user`, for a filter such as `pk__in`.

    The same matching as `search()` without ranks or facets: a subquery on PostgreSQL (the
    GIN indexes), a list elsewhere. A query that cannot match anything finds nothing.
    """
    query = with_english_operators((query or "").strip()[:QUERY_MAX_LENGTH])
    node = parse_query(query)
    if node is None or not searchable(node):
        return []
    return engine().matching_pks(source, user, query, node)


def search(query: str, *, user, kinds=None, organization=None, year=None, state=None) -> SearchResult:
    """Search what `user` may see; filter by kinds, organization, year and Vorlage state.

    The facets count, for each of kind, organization, year and state, the hits with every
    other filter applied, so that a choice shows what the others would give. A blank
    query, or one of stopwords or negations alone, finds nothing.
    """
    query = (query or "").strip()[:QUERY_MAX_LENGTH]
    # What the engines read; the page shows the query as typed.
    parsed = with_english_operators(query)
    node = parse_query(parsed)
    if node is None or not searchable(node):
        return SearchResult(query=query)
    chosen_kinds = set(kinds or ())
    organization_pk = _organization_pk(organization)
    year = int(year) if year not in (None, "") else None
    state = state or None
    searcher = engine()
    if hasattr(searcher, "counts"):
        result = _counted(searcher, parsed, node, user, chosen_kinds, organization_pk, year, state)
        result.query = query  # shown as typed
        return result
    rows: list[_Row] = []
    for source in sources():
        found = searcher.rows(source, user, parsed, node)
        pairs: dict[Any, set] = {}
        if found and source.organization_paths:
            for pk, organization_id in source.organization_pairs(
                searcher.matching_pks(source, user, parsed, node, found)
            ):
                pairs.setdefault(pk, set()).add(organization_id)
        rows += [
            _Row(source, pk, round(score, RANK_DIGITS), date, row_state, frozenset(pairs.get(pk, ())))
            for pk, score, date, row_state in found
        ]

    tests = {
        "kind": lambda row: not chosen_kinds or row.source.kind in chosen_kinds,
        "organization": lambda row: organization_pk is None or organization_pk in row.organizations,
        "year": lambda row: year is None or (row.date is not None and row.date.year == year),
        "state": lambda row: state is None or row.state == state,
    }

    def passing(*facets: str) -> list[_Row]:
        return [row for row in rows if all(tests[name](row) for name in facets)]

    order = {source.kind: index for index, source in enumerate(sources())}
    hits = sorted(passing(*FACETS), key=lambda row: row.sort_key(order))
    others = {name: passing(*(other for other in FACETS if other != name)) for name in FACETS}
    return SearchResult(
        query=query,
        hits=HitList(hits, user=user, query=parsed, node=node, engine=searcher),
        total=len(hits),
        facets={
            "kind": _kind_facet(Counter(row.source.kind for row in others["kind"]), chosen_kinds),
            "organization": _organization_facet(
                Counter(pk for row in others["organization"] for pk in row.organizations), organization_pk
            ),
            "year": _year_facet(Counter(row.date.year for row in others["year"] if row.date is not None), year),
            "state": _state_facet(
                Counter((row.source, row.state) for row in others["state"] if row.state is not None), state
            ),
        },
    )


def _counted(searcher, query, node, user, chosen_kinds, organization_pk, year, state) -> SearchResult:
    """`search()` with an engine that counts in SQL and reads the order only up to the page read."""
    filters = SearchFilters(kinds=chosen_kinds, organization=organization_pk, year=year, state=state)
    counts = searcher.counts(sources(), user, query, node, filters)
    order = {source.kind: index for index, source in enumerate(sources())}

    def fetch(stop: int) -> list[_Row]:
        rows = [
            _Row(source, pk, round(score, RANK_DIGITS), date, row_state, frozenset())
            for source in sources()
            if counts.kinds[source.kind]
            for pk, score, date, row_state in searcher.top(
                source, user, query, node, filters, stop, counts.kinds[source.kind]
            )
        ]
        return sorted(rows, key=lambda row: row.sort_key(order))[:stop]

    return SearchResult(
        query=query,
        hits=RankedHitList(counts.total, fetch, user=user, query=query, node=node, engine=searcher),
        total=counts.total,
        facets={
            "kind": _kind_facet(counts.kinds, chosen_kinds),
            "organization": _organization_facet(counts.organizations, organization_pk),
            "year": _year_facet(counts.years, year),
            "state": _state_facet(counts.states, state),
        },
    )


def _kind_facet(counts: Counter, chosen: set) -> list[FacetValue]:
    return [
        FacetValue(source.kind, str(source.label), counts[source.kind], source.kind in chosen)
        for source in sources()
        if counts[source.kind] or source.kind in chosen
    ]


def _organization_facet(counts: Counter, chosen: int | None) -> list[FacetValue]:
    from council.models import Organization

    top = [pk for pk, _count in counts.most_common(ORGANIZATION_FACET_SIZE)]
    if chosen is not None and chosen not in top and chosen in counts:
        top.append(chosen)
    if not top:
        return []
    names = dict(Organization.objects.filter(pk__in=top).values_list("pk", "name"))
    values = [FacetValue(pk, names[pk], counts[pk], pk == chosen) for pk in top if pk in names]
    return sorted(values, key=lambda value: (-value.count, value.label))


def _year_facet(counts: Counter, chosen: int | None) -> list[FacetValue]:
    return [FacetValue(year, str(year), counts[year], year == chosen) for year in sorted(counts, reverse=True)]


def _state_facet(counts: Counter, chosen: str | None) -> list[FacetValue]:
    """`counts` by (source, state value)."""
    values = []
    for (source, value), count in counts.items():
        label = dict(source.states.choices).get(value, value) if source.states else value
        values.append(FacetValue(value, str(label), count, value == chosen))
    position = {
        value: index for source in sources() if source.states for index, value in enumerate(source.states.values)
    }
    return sorted(values, key=lambda value: position.get(value.value, len(position)))
