"""The PostgreSQL engine: German full-text search on the indexed vectors, and the indexes themselves."""

from collections.abc import Sequence

from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Replace

from council.search.analysis import CONFIG
from council.search.excerpts import LESS_THAN, MARK_START, MARK_STOP, SNIPPET_MAX_WORDS, SNIPPET_MIN_WORDS, _with_marks
from council.search.query import QUERY_MAX_LENGTH, And, Not, Phrase, Term
from council.search.sources import SearchSource
from council.search.sql import SqlEngine, positive_part, title_fields


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


def stored_vector_operation(
    app_label: str, vectors: Sequence[tuple[str, str, str, Sequence[tuple[str, str]]]], *, replaces_index: bool = True
):
    """The migration operation that stores a source's tsvector in a generated column with a GIN index (PostgreSQL).

    `vectors` lists (model name, column, index name, weighted fields). The index of the
    same name on the expression (`search_index_operation`) is replaced: matching then reads
    no text, ranking no longer parses every hit's text, and rows written by any code keep
    their vector (PostgreSQL computes it). Reversal restores the expression index (with
    `replaces_index=False`, a new column: reversal drops column and index only). The models'
    state is not touched, as with `search_index_operation`.
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
            if replaces_index:
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


class _TsMatch(models.Func):
    """`vector @@ 'query'::tsquery` for a tsquery written from the parsed query (its lexemes already stemmed)."""

    template = "(%(expressions)s @@ CAST(%(query)s AS tsquery))"
    output_field = models.BooleanField()

    def __init__(self, vector, text: str):
        super().__init__(vector)
        self.text = text

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, query="%s", **extra_context)
        return sql, (*params, self.text)


def tsquery_text(node) -> str:
    """A parsed query as tsquery input: `websearch_to_tsquery`'s answer, written from our parse."""
    if isinstance(node, Term):
        return _lexeme_text(node.lexeme)
    if isinstance(node, Phrase):
        out, before = _lexeme_text(node.items[0][0]), node.items[0][1]
        for lexeme, offset in node.items[1:]:
            out += f" <{offset - before}> {_lexeme_text(lexeme)}"
            before = offset
        return f"({out})"
    if isinstance(node, Not):
        return f"!({tsquery_text(node.node)})"
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(tsquery_text(child) for child in node.nodes) + ")"


def _lexeme_text(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresEngine(SqlEngine):
    """German full-text search in PostgreSQL, on the GIN-indexed vectors (see `council.search.sql`)."""

    def own(self, source: SearchSource, query: str, node):
        vector = source_vector(source.fields, source.vector_column)
        return source.model.objects.annotate(search_document=vector).filter(search_document=_pg_query(query))

    def title(self, source: SearchSource, node):
        positive = positive_part(node)
        if source.title_vector_column:
            vector = StoredVector(source.title_vector_column)
        else:
            vector = document_vector(title_fields(source))
        return _TsMatch(vector, tsquery_text(positive))

    def _related_matches(self, related, user, query, node):
        # The related rows' own vector, matched on the visible rows directly (one scan of its index).
        vector = _related_vector(related)
        return related.rows(user).annotate(search_document=vector).filter(search_document=_pg_query(query)).order_by()

    def page(self, source: SearchSource, user, query: str, node, pks: list) -> dict:
        """The objects of one page's hits with their rank and excerpts, by pk: one query for the source."""
        from django.contrib.postgres.search import SearchHeadline, SearchRank

        pg_query = _pg_query(query)
        options = {
            "config": CONFIG,
            "start_sel": MARK_START,
            "stop_sel": MARK_STOP,
            "max_words": SNIPPET_MAX_WORDS,
            "min_words": SNIPPET_MIN_WORDS,
        }
        queryset = source.page_queryset(source.model.objects.filter(pk__in=pks)).annotate(
            search_rank=SearchRank(source_vector(source.fields, source.vector_column), pg_query)
        )
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
            result[obj.pk] = (obj, _with_marks(" ".join(chosen.split())), obj.search_rank)
        return result


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
