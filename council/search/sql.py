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

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone

from council.search.query import And, Not, Or
from council.search.sources import SearchSource, _as_date

# The facets counted in SQL besides the kind.
FACET_NAMES = ("organization", "year", "state")
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


def _is_datetime(source: SearchSource) -> bool:
    return isinstance(_model_field(source.model, source.date_field), models.DateTimeField)


def _new_year_offset() -> str:
    """The local time's offset from UTC on 1 January, as an SQLite date modifier ("+60 minutes")."""
    if not settings.USE_TZ:
        return "+0 minutes"
    zone = timezone.get_current_timezone()
    january = datetime.datetime(timezone.now().year, 1, 1, 12, tzinfo=zone)
    return f"{int(january.utcoffset().total_seconds() // 60):+d} minutes"


def _year(source: SearchSource):
    """The year of a source's date: Django's on PostgreSQL; on SQLite in SQL, not a Python function per row.

    Stored datetimes are UTC; a year begins in winter, so the offset of 1 January makes it local.
    """
    if connection.vendor != "sqlite":
        return ExtractYear(source.date_field)
    modifier = _new_year_offset() if _is_datetime(source) else "+0 minutes"
    return models.Func(
        F(source.date_field),
        template=f"CAST(substr(datetime(%(expressions)s, '{modifier}'), 1, 4) AS INTEGER)",
        output_field=models.IntegerField(),
    )


def _day(source: SearchSource):
    """The (local) day of a source's date, for the order: in SQL on SQLite too (see `_year`)."""
    if not _is_datetime(source):
        return F(source.date_field)
    if connection.vendor != "sqlite":
        return TruncDate(source.date_field)
    # The offset of the day itself would need the time zone's rules: that of 1 January is
    # the one of the year's turn, and a day off by an hour only reorders hits of one night.
    return models.Func(
        F(source.date_field),
        template=f"date(%(expressions)s, '{_new_year_offset()}')",
        output_field=models.DateField(),
    )


def _is_local_key(model, path: str) -> bool:
    """Whether a lookup path is the row's own pk or a foreign key column of the row itself."""
    if path == "pk":
        return True
    if "__" in path:
        return False
    field = model._meta.get_field(path)
    return field.concrete and field.many_to_one


def _pairs(model, path: str, hit_pks):
    """(row pk, organization pk) along `path` for the rows `hit_pks`.

    A path through a reverse relation ("consultations__organization") is read from the
    related table alone, by its foreign key to the row, without joining the row again.
    """
    first, _, rest = path.partition("__")
    relation = model._meta.get_field(first)
    if rest and relation.one_to_many and not relation.concrete:
        link = relation.field.name
        return (
            relation.related_model.objects.filter(**{f"{link}__in": hit_pks, f"{rest}__isnull": False})
            .order_by()
            .annotate(search_pk=F(link), search_organization=F(rest))
            .values_list("search_pk", "search_organization")
        )
    return (
        model.objects.filter(pk__in=hit_pks, **{f"{path}__isnull": False})
        .order_by()
        .annotate(search_organization=F(path))
        .values_list("pk", "search_organization")
    )


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
        """The hit count and the facets: one statement a source (and one more for each facet filter chosen)."""
        counts = Counts()
        for source in sources:
            matches = self._visible_matches(source, user, query, node)
            full = filters.apply(source, matches)
            passes = filters.kind_passes(source)
            # Without a filter of its own, a facet counts the rows already counted: in the same statement.
            unfiltered = [name for name in FACET_NAMES if getattr(filters, name) is None] if passes else []
            found, grouped = self._grouped(source, full, unfiltered) if full is not None else (0, {})
            counts.kinds[source.kind] += found
            if not passes:
                continue
            counts.total += found
            for name in FACET_NAMES:
                if name not in unfiltered:
                    rows = filters.apply(source, matches, but=name)
                    if rows is not None:
                        grouped.update(self._grouped(source, rows, [name])[1])
            counts.organizations.update({int(pk): count for pk, count in grouped.get("organization", {}).items()})
            counts.years.update({int(year): count for year, count in grouped.get("year", {}).items()})
            counts.states.update({(source, value): count for value, count in grouped.get("state", {}).items()})
        return counts

    def _grouped(self, source: SearchSource, rows, names: Sequence[str]) -> tuple[int, dict[str, dict]]:
        """The number of `rows` and their counts by each facet in `names`, in one statement.

        The rows are matched once, into a materialised CTE; the facets group it. Values come
        back as text (one column for every facet), counts by value.
        """
        annotations = {}
        if "year" in names and source.date_field:
            annotations["search_year"] = _year(source)
        if "state" in names and source.state_field:
            annotations["search_state"] = F(source.state_field)
        hits = rows.order_by().annotate(**annotations).values_list("pk", *annotations)
        sql, params = hits.query.sql_with_params()
        parts = ["SELECT 'total', NULL, COUNT(*) FROM search_hits"]
        if "search_year" in annotations:
            parts.append(
                "SELECT 'year', CAST(search_year AS TEXT), COUNT(*) FROM search_hits "
                "WHERE search_year IS NOT NULL GROUP BY search_year"
            )
        if "search_state" in annotations:
            parts.append(
                "SELECT 'state', CAST(search_state AS TEXT), COUNT(*) FROM search_hits "
                "WHERE search_state IS NOT NULL GROUP BY search_state"
            )
        extra: list = []
        if "organization" in names and source.organization_paths:
            # A foreign key of the row itself is carried in the CTE; other paths join from it.
            local = [path for path in source.organization_paths if _is_local_key(source.model, path)]
            for index, path in enumerate(local):
                annotations[f"search_organization_{index}"] = F(path)
            hits = rows.order_by().annotate(**annotations).values_list("pk", *annotations)
            sql, params = hits.query.sql_with_params()
            selects = [
                f"SELECT search_pk, search_organization_{index} AS search_organization FROM search_hits "
                f"WHERE search_organization_{index} IS NOT NULL"
                for index in range(len(local))
            ]
            hit_pks = RawSQL("SELECT search_pk FROM search_hits", [])
            for path in source.organization_paths:
                if path in local:
                    continue
                pairs = _pairs(source.model, path, hit_pks)
                pairs_sql, pairs_params = pairs.query.sql_with_params()
                selects.append(pairs_sql)
                extra += pairs_params
            # UNION: a row counts once per organization, whichever path leads there.
            parts.append(
                "SELECT 'organization', CAST(search_organization AS TEXT), COUNT(*) FROM ("
                + " UNION ".join(selects)
                + ") AS search_pairs GROUP BY search_organization"
            )
        columns = ", ".join(["search_pk", *annotations])
        statement = f"WITH search_hits ({columns}) AS MATERIALIZED ({sql}) " + " UNION ALL ".join(parts)
        total, grouped = 0, {}
        with connection.cursor() as cursor:
            cursor.execute(statement, (*params, *extra))
            for facet, value, count in cursor.fetchall():
                if facet == "total":
                    total = count
                else:
                    grouped.setdefault(facet, {})[value] = count
        return total, grouped

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
            day = _day(source)
            rows = rows.annotate(search_day=day)
            ordering.insert(0, F("search_day").desc(nulls_last=True))
        title = None if title_is_everything(source) else self.title(source, node)
        if title is None:
            tiers = [(TITLE_TIER, rows)]
        else:
            title_rows = rows.filter(title)
            if positive_part(node) == node:
                # Without a negation a title match is a match: the title's index alone, no union of matches.
                title_rows = filters.apply(source, source.visible(user).filter(title))
                if source.date_field:
                    title_rows = title_rows.annotate(search_day=day)
            tiers = [(TITLE_TIER, title_rows), (TEXT_TIER, rows.exclude(title))]
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
