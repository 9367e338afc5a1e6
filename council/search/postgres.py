"""The PostgreSQL engine: German full-text search on the indexed vectors, and the indexes themselves."""

from collections.abc import Sequence

from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Replace

from council.search.analysis import CONFIG
from council.search.excerpts import LESS_THAN, MARK_START, MARK_STOP, SNIPPET_MAX_WORDS, SNIPPET_MIN_WORDS, _with_marks
from council.search.query import QUERY_MAX_LENGTH
from council.search.sources import SearchSource, _as_date


def document_vector(fields: Sequence[tuple[str, str]]):
    """The weighted tsvector of a model's fields: the expression queried and indexed (see `search_index`)."""
    from django.contrib.postgres.search import SearchVector

    vector = None
    for name, weight in fields:
        part = SearchVector(name, config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


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


class PostgresEngine:
    """German full-text search in PostgreSQL, on the indexed vectors."""

    def rows(self, source: SearchSource, user, query: str, node) -> list[tuple]:
        """(pk, rank, date, state) of the visible rows that match."""
        from django.contrib.postgres.search import SearchRank

        pg_query = _pg_query(query)
        vector = document_vector(source.fields)
        own = source.model.objects.annotate(search_document=vector).filter(search_document=pg_query)
        matching = own.order_by().values("pk")
        score = SearchRank(vector, pg_query)
        for related in source.related:
            related_vector = document_vector([(related.field, related.weight)])
            hits = (
                related.rows(user).annotate(search_document=related_vector).filter(search_document=pg_query).order_by()
            )
            matching = matching.union(hits.values(related.link))
            best = (
                hits.filter(**{related.link: OuterRef("pk")})
                .annotate(search_rank=SearchRank(related_vector, pg_query))
                .order_by("-search_rank")
                .values("search_rank")[:1]
            )
            score = score + Coalesce(Subquery(best, output_field=models.FloatField()), Value(0.0))
        columns = ["pk", "search_rank", source.date_field or "pk", source.state_field or "pk"]
        found = (
            source.visible(user).filter(pk__in=matching).annotate(search_rank=score).order_by().values_list(*columns)
        )
        return [
            (pk, score, _as_date(date) if source.date_field else None, state if source.state_field else None)
            for pk, score, date, state in found
        ]

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
            related_vector = document_vector([(related.field, related.weight)])
            best = (
                related.rows(user)
                .annotate(search_document=related_vector)
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


def _headline_text(names: Sequence[str]):
    """The fields an excerpt is taken from, joined, with "<" standing in as LESS_THAN."""
    text = models.TextField()
    parts = []
    for name in names:
        parts += [Coalesce(F(name), Value(""), output_field=text), Value("\n\n", output_field=text)]
    joined = parts[0] if len(names) == 1 else Concat(*parts[:-1], output_field=text)
    return Replace(joined, Value("<"), Value(LESS_THAN))
