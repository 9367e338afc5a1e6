"""What both indexed engines share: counts and facets by SQL aggregates, and the hits up to a page by a cheap order.

The engines differ only in how a row's own text, its title and its related text are
matched on their index (`PostgresEngine`: the GIN-indexed tsvectors; `Fts5Engine`: SQLite's
FTS5 tables). Everything else is one SQL shape on either database:

- the **count and the facets** are aggregates over the visible matching rows: the index
  gives the matching pks, the visibility rule and the facet columns are read from the
  rows' own table; no text is read and no row is ranked;
- the **order** is cheap and the same everywhere: first the hits whose title (the fields
  of weight A) holds the query's words, then the others, each newest first, then by kind
  and pk. Each tier is read with `ORDER BY date DESC … LIMIT` up to the page asked for,
  so a common word does not sort its tens of thousands of hits;
- the **rank** (`ts_rank` of the row's own text) and the excerpts are computed for the
  rows of the page shown only (`page()`).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear, TruncDate

from council.search.query import And, Not, Or
from council.search.sources import SearchSource, _as_date

# The tiers of the order: a title match first.
TITLE_TIER, TEXT_TIER = 1, 0


@dataclass
class Counts:
    """What the facets and the hit count need, counted in SQL: no row is ranked or read whole."""

    total: int = 0
    kinds: Counter = field(default_factory=Counter)
    organizations: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)  # by (source, value)


def _model_field(model, path: str):
    """The model field a lookup path ends at ("meeting__start" → Meeting.start)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def positive_part(node):
    """The query without its negations: what a title must hold for a hit to be a title match."""
    if isinstance(node, Not):
        return None
    if isinstance(node, And):
        kept = tuple(part for part in (positive_part(child) for child in node.nodes) if part is not None)
        return kept[0] if len(kept) == 1 else (And(kept) if kept else None)
    if isinstance(node, Or):
        return Or(tuple(positive_part(child) for child in node.nodes))
    return node


def title_fields(source: SearchSource) -> list[tuple[str, str]]:
    """The fields of weight A: the title tier's text."""
    return [(name, weight) for name, weight in source.fields if weight == "A"]


def title_is_everything(source: SearchSource) -> bool:
    """Whether every field is a title field, so that every match is a title match."""
    return len(title_fields(source)) == len(source.fields)


class SearchFilters:
    """The facet filters of one search, applied in SQL to a source's visible matches."""

    def __init__(self, *, kinds: set, organization: int | None, year: int | None, state: str | None):
        self.kinds, self.organization, self.year, self.state = kinds, organization, year, state

    def kind_passes(self, source: SearchSource) -> bool:
        return not self.kinds or source.kind in self.kinds

    def apply(self, source: SearchSource, rows, *, but: str | None = None):
        """`rows` narrowed by every filter except `but`; None when a filter leaves the source out entirely."""
        if but != "organization" and self.organization is not None:
            if not source.organization_paths:
                return None
            condition = Q()
            for path in source.organization_paths:
                condition |= Q(**{path: self.organization})
            rows = rows.filter(pk__in=source.model.objects.filter(condition).values("pk"))
        if but != "year" and self.year is not None:
            if not source.date_field:
                return None
            rows = rows.filter(**{f"{source.date_field}__year": self.year})
        if but != "state" and self.state is not None:
            if not source.state_field:
                return None
            rows = rows.filter(**{source.state_field: self.state})
        return rows


class SqlEngine:
    """Search on an index in the database; subclasses say how a text is matched on it.

    `own(source, query, node)`: the source's rows whose own text matches (a queryset of the
    model); `title(source, node)`: a condition on the source's rows whose title holds the
    query's positive part; `_related_matches(related, user, query, node)`: the related rows
    the user may see whose text matches.
    """

    def own(self, source: SearchSource, query: str, node) -> models.QuerySet:
        raise NotImplementedError

    def title(self, source: SearchSource, node):
        raise NotImplementedError

    def _related_matches(self, related, user, query: str, node) -> models.QuerySet:
        """The related rows `user` may see whose text matches."""
        raise NotImplementedError

    def _visible_matches(self, source: SearchSource, user, query: str, node):
        """The visible rows that match, their own text or a related one (on the indexes)."""
        matching = self.own(source, query, node).order_by().values("pk")
        for related in source.related:
            matching = matching.union(self._related_matches(related, user, query, node).values(related.link))
        return source.visible(user).filter(pk__in=matching)

    def matching_pks(self, source: SearchSource, user, query: str, node, found: list | None = None):
        """The pks of the visible matching rows as a subquery, so that lookups by them list no hits."""
        return self._visible_matches(source, user, query, node).order_by().values("pk")

    def counts(self, sources: Sequence[SearchSource], user, query: str, node, filters: SearchFilters) -> Counts:
        counts = Counts()
        for source in sources:
            matches = self._visible_matches(source, user, query, node)
            full = filters.apply(source, matches)
            found = full.count() if full is not None else 0
            counts.kinds[source.kind] += found
            if not filters.kind_passes(source):
                continue
            counts.total += found

            # Without a filter of its own, a facet counts the rows already counted.
            facet_rows = {
                name: (full if found else None)
                if getattr(filters, name) is None
                else filters.apply(source, matches, but=name)
                for name in ("organization", "year", "state")
            }
            rows = facet_rows["organization"]
            if rows is not None and source.organization_paths:
                counts.organizations.update(self._organization_counts(source, rows))
            rows = facet_rows["year"]
            if rows is not None and source.date_field:
                years = (
                    rows.annotate(search_year=ExtractYear(source.date_field))
                    .filter(search_year__isnull=False)
                    .order_by()
                    .values("search_year")
                    .annotate(search_count=Count("pk"))
                    .values_list("search_year", "search_count")
                )
                counts.years.update(dict(years))
            rows = facet_rows["state"]
            if rows is not None and source.state_field:
                states = (
                    rows.order_by()
                    .values(source.state_field)
                    .annotate(search_count=Count("pk"))
                    .values_list(source.state_field, "search_count")
                )
                counts.states.update({(source, value): count for value, count in states if value is not None})
        return counts

    def _organization_counts(self, source: SearchSource, rows) -> dict:
        """Hits per organization: each row once per organization, whichever path leads there."""
        pks = rows.order_by().values("pk")
        if tuple(source.organization_paths) == ("pk",):
            return Counter(rows.order_by().values_list("pk", flat=True))
        pairs = [
            source.model.objects.filter(pk__in=pks, **{f"{path}__isnull": False})
            .order_by()
            .annotate(search_organization=F(path))
            .values_list("pk", "search_organization")
            for path in source.organization_paths
            if path != "pk"
        ]
        distinct = pairs[0].distinct() if len(pairs) == 1 else pairs[0].union(*pairs[1:])
        sql, params = distinct.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT search_organization, COUNT(*) FROM ({sql}) AS search_pairs GROUP BY search_organization",
                params,
            )
            return dict(cursor.fetchall())

    def top(
        self, source: SearchSource, user, query: str, node, filters: SearchFilters, stop: int, total: int | None = None
    ) -> list[tuple]:
        """(pk, tier, date, state) of the first `stop` visible matches in the order `search()` sorts them.

        Title matches first, then the others; each tier newest first, then by pk: an
        `ORDER BY … LIMIT` on the rows' own columns, no text read, no row ranked. `total`,
        the source's count if known, spares the second tier's query when the first held all.
        """
        rows = filters.apply(source, self._visible_matches(source, user, query, node))
        if rows is None or not filters.kind_passes(source):
            return []
        ordering = ["-pk"]
        if source.date_field:
            is_datetime = isinstance(_model_field(source.model, source.date_field), models.DateTimeField)
            day = TruncDate(source.date_field) if is_datetime else F(source.date_field)
            rows = rows.annotate(search_day=day)
            ordering.insert(0, F("search_day").desc(nulls_last=True))
        title = None if title_is_everything(source) else self.title(source, node)
        tiers = (
            [(TITLE_TIER, rows)]
            if title is None
            else [(TITLE_TIER, rows.filter(title)), (TEXT_TIER, rows.exclude(title))]
        )
        columns = ["pk", source.date_field or "pk", source.state_field or "pk"]
        found: list[tuple] = []
        for tier, tier_rows in tiers:
            wanted = stop - len(found)
            if wanted <= 0 or (total is not None and len(found) >= total):
                break
            for pk, date, state in tier_rows.order_by(*ordering).values_list(*columns)[:wanted]:
                found.append(
                    (pk, tier, _as_date(date) if source.date_field else None, state if source.state_field else None)
                )
        return found
