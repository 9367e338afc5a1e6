"""The PostgreSQL engine: German full-text search on the indexed vectors, and the indexes themselves."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Count, F, Func, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, ExtractYear, Replace, TruncDate

from council.search.analysis import CONFIG
from council.search.excerpts import LESS_THAN, MARK_START, MARK_STOP, SNIPPET_MAX_WORDS, SNIPPET_MIN_WORDS, _with_marks
from council.search.query import QUERY_MAX_LENGTH
from council.search.sources import SearchSource, _as_date

# `search()` compares ranks rounded to this many digits (its RANK_DIGITS); `top()` orders by the same.
RANK_ORDER_DIGITS = 6


def document_vector(fields: Sequence[tuple[str, str]]):
    """The weighted tsvector of a model's fields: the expression queried and indexed (see `search_index`)."""
    from django.contrib.postgres.search import SearchVector

    vector = None
    for name, weight in fields:
        part = SearchVector(name, config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


class StoredVector(models.Expression):
    """A stored `tsvector` column that the models do not declare (see `stored_vector_operation`).

    It lives on PostgreSQL only, so it is no model field; the expression names the column
    on the queried table's alias, and follows that alias into subqueries.
    """

    def __init__(self, column: str, alias: str | None = None):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.column, self.alias = column, alias

    def __repr__(self):
        return f"StoredVector({self.column!r}, {self.alias!r})"

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        # Resolved once, on its own query: a subquery's annotations are resolved again against
        # the outer query (for OuterRef), and must keep naming their own table.
        if self.alias is not None:
            return self
        return StoredVector(self.column, query.get_initial_alias())

    def relabeled_clone(self, change_map):
        return StoredVector(self.column, change_map.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(self.column)}", []


def source_vector(fields: Sequence[tuple[str, str]], column: str | None):
    """What a source is matched and ranked on: its stored column if it has one, else the expression."""
    return StoredVector(column) if column else document_vector(fields)


def _vector_sql(fields: Sequence[tuple[str, str]], quote) -> str:
    """The SQL of `document_vector(fields)`, for a generated column (the same as Django's SearchVector)."""
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(({quote(name)})::text, '')), '{weight}')"
        for name, weight in fields
    )


def stored_vector_operation(app_label: str, vectors: Sequence[tuple[str, str, str, Sequence[tuple[str, str]]]]):
    """The migration operation that stores a source's tsvector in a generated column with a GIN index (PostgreSQL).

    `vectors` lists (model name, column, index name, weighted fields). The index of the
    same name on the expression (`search_index_operation`) is replaced: matching then reads
    no text, ranking no longer parses every hit's text, and rows written by any code keep
    their vector (PostgreSQL computes it). Reversal restores the expression index. The
    models' state is not touched, as with `search_index_operation`.
    """
    from django.db import migrations

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for model_name, column, index_name, fields in vectors:
            table = quote(apps.get_model(app_label, model_name)._meta.db_table)
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name)}")
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN {quote(column)} tsvector "
                f"GENERATED ALWAYS AS ({_vector_sql(fields, quote)}) STORED"
            )
            schema_editor.execute(f"CREATE INDEX {quote(index_name)} ON {table} USING gin ({quote(column)})")

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for model_name, column, index_name, fields in vectors:
            model = apps.get_model(app_label, model_name)
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name)}")
            schema_editor.execute(f"ALTER TABLE {quote(model._meta.db_table)} DROP COLUMN {quote(column)}")
            schema_editor.add_index(model, search_index(index_name, fields))

    return migrations.RunPython(forward, backward, elidable=False)


def search_index(name: str, fields: Sequence[tuple[str, str]]):
    """A GIN index on `document_vector(fields)`, for the `…_search_indexes` migrations (PostgreSQL only)."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(document_vector(fields), name=name)


def search_index_operation(app_label: str, indexes: Sequence[tuple[str, str, Sequence[tuple[str, str]]]]):
    """The migration operation that creates (and on reversal drops) GIN indexes, on PostgreSQL only.

    `indexes` lists (model name, index name, weighted fields). The models' state is not
    touched, so `makemigrations --check` stays clean on every database; SQLite has no GIN.
    """
    from django.db import migrations

    def change(create: bool):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for model_name, name, fields in indexes:
                model = apps.get_model(app_label, model_name)
                (schema_editor.add_index if create else schema_editor.remove_index)(model, search_index(name, fields))

        return run

    return migrations.RunPython(change(True), change(False), elidable=False)


def _pg_query(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query[:QUERY_MAX_LENGTH], config=CONFIG, search_type="websearch")


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


class PostgresEngine:
    """German full-text search in PostgreSQL, on the indexed vectors.

    `search()` uses `counts` (the hit count and facets by SQL aggregates on the GIN indexes,
    no row ranked or read whole) and `top` (ranks only for the rows up to the page shown);
    `page` makes the excerpts of that page. `rows` is the whole ranked match, as the Python
    engine gives it.
    """

    def rows(self, source: SearchSource, user, query: str, node) -> list[tuple]:
        """(pk, rank, date, state) of the visible rows that match."""
        from django.contrib.postgres.search import SearchRank

        pg_query = _pg_query(query)
        found = self._visible_matches(source, user, pg_query)
        columns = ["pk", "search_rank", source.date_field or "pk", source.state_field or "pk"]
        own_rank = SearchRank(source_vector(source.fields, source.vector_column), pg_query)
        rows = found.annotate(search_rank=own_rank).order_by().values_list(*columns)
        # The best matching related text of each row adds its rank: one grouped query per
        # related text, not a subquery per row.
        extra: dict = {}
        for related in source.related:
            best = (
                self._related_matches(related, user, pg_query)
                .values(related.link)
                .annotate(search_rank=Max(SearchRank(_related_vector(related), pg_query)))
                .values_list(related.link, "search_rank")
            )
            for link, score in best:
                extra[link] = extra.get(link, 0.0) + score
        return [
            (
                pk,
                score + extra.get(pk, 0.0),
                _as_date(date) if source.date_field else None,
                state if source.state_field else None,
            )
            for pk, score, date, state in rows
        ]

    def _related_matches(self, related, user, pg_query):
        vector = _related_vector(related)
        return related.rows(user).annotate(search_document=vector).filter(search_document=pg_query).order_by()

    def _visible_matches(self, source: SearchSource, user, pg_query):
        """The visible rows that match, their own text or a related one (on the GIN indexes)."""
        vector = source_vector(source.fields, source.vector_column)
        own = source.model.objects.annotate(search_document=vector).filter(search_document=pg_query)
        matching = own.order_by().values("pk")
        for related in source.related:
            matching = matching.union(self._related_matches(related, user, pg_query).values(related.link))
        return source.visible(user).filter(pk__in=matching)

    def matching_pks(self, source: SearchSource, user, query: str, node, found: list | None = None):
        """The pks of the visible matching rows as a subquery, so that lookups by them list no hits."""
        return self._visible_matches(source, user, _pg_query(query)).order_by().values("pk")

    def page(self, source: SearchSource, user, query: str, node, pks: list) -> dict:
        """The objects of one page's hits with their excerpts, by pk: one query for the source."""
        from django.contrib.postgres.search import SearchHeadline

        pg_query = _pg_query(query)
        options = {
            "config": CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_STOP,
            "max_words": SNIPPET_MAX_WORDS,
            "min_words": SNIPPET_MIN_WORDS,
        }
        queryset = source.page_queryset(source.model.objects.filter(pk__in=pks))
        if source.snippet_fields:
            queryset = queryset.annotate(
                search_headline=SearchHeadline(_headline_text(source.snippet_fields), pg_query, **options)
            )
        for index, related in enumerate(source.related):
            best = (
                related.rows(user)
                .annotate(search_document=_related_vector(related))
                .filter(search_document=pg_query, **{related.link: OuterRef("pk")})
                .annotate(search_headline=SearchHeadline(_headline_text([related.field]), pg_query, **options))
                .order_by()
                .values("search_headline")[:1]
            )
            queryset = queryset.annotate(**{f"search_related_{index}": Subquery(best)})
        result = {}
        for obj in queryset:
            own = getattr(obj, "search_headline", "") or ""
            candidates = [own] + [getattr(obj, f"search_related_{i}") or "" for i in range(len(source.related))]
            chosen = next((text for text in candidates if MARK_START in text), own)
            result[obj.pk] = (obj, _with_marks(" ".join(chosen.split())))
        return result

    def counts(self, sources: Sequence[SearchSource], user, query: str, filters: SearchFilters) -> Counts:
        pg_query = _pg_query(query)
        counts = Counts()
        for source in sources:
            matches = self._visible_matches(source, user, pg_query)
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
            source.model.objects.filter(pk__in=pks, **{f"{path}__isnull": False}).order_by().values_list("pk", path)
            for path in source.organization_paths
            if path != "pk"
        ]
        distinct = pairs[0].distinct() if len(pairs) == 1 else pairs[0].union(*pairs[1:])
        sql, params = distinct.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT organization, COUNT(*) FROM ({sql}) AS pairs (pk, organization) GROUP BY 1", params)
            return dict(cursor.fetchall())

    def top(self, source: SearchSource, user, query: str, filters: SearchFilters, stop: int) -> list[tuple]:
        """(pk, rank, date, state) of the `stop` best visible matches, in the order `search()` sorts them."""
        from django.contrib.postgres.search import SearchRank

        pg_query = _pg_query(query)
        rows = filters.apply(source, self._visible_matches(source, user, pg_query))
        if rows is None or not filters.kind_passes(source):
            return []
        score = SearchRank(source_vector(source.fields, source.vector_column), pg_query)
        for related in source.related:
            best = (
                self._related_matches(related, user, pg_query)
                .filter(**{related.link: OuterRef("pk")})
                .annotate(search_rank=SearchRank(_related_vector(related), pg_query))
                .order_by("-search_rank")
                .values("search_rank")[:1]
            )
            score = score + Coalesce(Subquery(best, output_field=models.FloatField()), Value(0.0))
        # Ordered as `search()` orders its rows: the rounded rank, the (local) day, the pk.
        ordering = [F("search_order").desc(), "-pk"]
        annotations = {
            "search_rank": score,
            "search_order": Func(
                score,
                template=f"ROUND((%(expressions)s)::numeric, {RANK_ORDER_DIGITS})",
                output_field=models.DecimalField(),
            ),
        }
        if source.date_field:
            is_datetime = isinstance(_model_field(source.model, source.date_field), models.DateTimeField)
            annotations["search_day"] = TruncDate(source.date_field) if is_datetime else F(source.date_field)
            ordering.insert(1, F("search_day").desc(nulls_last=True))
        columns = ["pk", "search_rank", source.date_field or "pk", source.state_field or "pk"]
        found = rows.annotate(**annotations).order_by(*ordering).values_list(*columns)[:stop]
        return [
            (pk, score, _as_date(date) if source.date_field else None, state if source.state_field else None)
            for pk, score, date, state in found
        ]


def _related_vector(related):
    return source_vector([(related.field, related.weight)], related.vector_column)


def _headline_text(names: Sequence[str]):
    """The fields an excerpt is taken from, joined, with "<" standing in as LESS_THAN."""
    text = models.TextField()
    parts = []
    for name in names:
        parts += [Coalesce(F(name), Value(""), output_field=text), Value("\n\n", output_field=text)]
    joined = parts[0] if len(names) == 1 else Concat(*parts[:-1], output_field=text)
    return Replace(joined, Value("<"), Value(LESS_THAN))
