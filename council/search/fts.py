"""The SQLite engine: FTS5 tables of German lexemes, computed in Python as PostgreSQL computes them.

Each source has an FTS5 table `search_fts_<kind>` whose rowid is the row's pk, with two
columns: `body`, the lexemes of all its fields in the order and at the positions of
PostgreSQL's `tsvector` (`analysis.document`), a stopword's place held by `_`, so that
phrases match as `<->` does; and `title`, the lexemes of its fields of weight A, for the
title tier of the order. Each related text (attachments, aims) has `search_fts_<kind>_<n>`
with `body` only. Queries are parsed as `websearch_to_tsquery` parses them
(`query.parse_query`) and written as FTS5 expressions of the same lexemes.

The lexemes are computed by a function in Python (`ratsbuch_lexemes`) that every SQLite
connection learns (`register_on_sqlite`), called by triggers on the sources' tables: every
write keeps its row's lexemes, as PostgreSQL's generated columns do, whichever code writes
(services, imports, bulk loads). `install()` creates the tables and triggers and fills
them: after every `migrate` for what is missing (`ensure_installed`, also when a migration
rebuilt a source's table and its triggers with it), and `manage.py rebuild_search_index`.

One difference from PostgreSQL remains: a phrase with a stopword inside ("Bündnis für
Soziale") matches only a stopword in that place, where PostgreSQL takes any word.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import connection as default_connection
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from council.search.analysis import document
from council.search.excerpts import snippet
from council.search.query import And, Not, Or, Phrase, Term
from council.search.sources import SearchSource, sources
from council.search.sql import SqlEngine, positive_part, title_fields

FUNCTION = "ratsbuch_lexemes"
# The token holding the place of a stopword (or of a position without a lexeme).
GAP = "_"
# Lexemes keep their dots, slashes, @, + and hyphens ("5.11", "rheinland-pfalz", e-mail addresses).
TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '.+-@/_'"


def lexemes(*texts) -> str:
    """The lexemes of texts concatenated as `||` concatenates tsvectors, one token per position."""
    doc = document([("" if text is None else str(text), "D") for text in texts])
    by_position: dict[int, list[str]] = {}
    for lexeme, places in doc.items():
        for position, _weight in places:
            by_position.setdefault(position, []).append(lexeme)
    out: list[str] = []
    for position in range(1, max(by_position, default=0) + 1):
        out += by_position.get(position, [GAP])
    return " ".join(out)


def register_on_sqlite(sender, connection, **kwargs):
    """Teach a new SQLite connection `ratsbuch_lexemes()`, which the index's triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, -1, lexemes, deterministic=True)


def table_name(source: SearchSource, related_index: int | None = None) -> str:
    return f"search_fts_{source.kind}" if related_index is None else f"search_fts_{source.kind}_{related_index}"


def _related_model(related):
    return related.rows(AnonymousUser()).model


def _tables():
    """(FTS table, model, {column: fields}) of every source and related text."""
    for source in sources():
        yield table_name(source), source.model, {"title": title_fields(source), "body": list(source.fields)}
        for index, related in enumerate(source.related):
            yield table_name(source, index), _related_model(related), {"body": [(related.field, related.weight)]}


def _call(model, fields, row: str) -> str:
    columns = ", ".join(f"{row}.{model._meta.get_field(name).column}" for name, _weight in fields)
    return f"{FUNCTION}({columns})"


def _missing(cursor, table: str) -> bool:
    wanted = {table, f"{table}_insert", f"{table}_update", f"{table}_delete"}
    cursor.execute("SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", sorted(wanted))
    return {name for (name,) in cursor.fetchall()} != wanted


def ensure_installed(sender=None, *, using="default", **kwargs) -> None:
    """After `migrate`: install the FTS5 tables and triggers that are missing (SQLite only)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        missing = [
            table
            for table, model, _columns in _tables()
            if model._meta.db_table in existing and _missing(cursor, table)
        ]
    if missing:
        install(connection, only=set(missing))


def install(connection=None, *, only: set | None = None) -> int:
    """Create (again) the FTS5 tables with their triggers and fill them from the rows: SQLite only.

    `only` names the tables to install (default: all). Returns the number of tables installed.
    """
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return 0
    quote = connection.ops.quote_name
    installed = 0
    with connection.cursor() as cursor:
        for table, model, columns in _tables():
            if only is not None and table not in only:
                continue
            installed += 1
            source_table = quote(model._meta.db_table)
            pk = model._meta.pk.column
            names = ", ".join(columns)
            for suffix in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f'CREATE VIRTUAL TABLE {table} USING fts5({names}, tokenize="{TOKENIZER}")')
            new = ", ".join(_call(model, fields, "new") for fields in columns.values())
            insert = f"INSERT INTO {table} (rowid, {names}) VALUES (new.{pk}, {new});"
            delete = f"DELETE FROM {table} WHERE rowid = old.{pk};"
            watched = ", ".join(
                dict.fromkeys(model._meta.get_field(name).column for fields in columns.values() for name, _ in fields)
            )
            cursor.execute(f"CREATE TRIGGER {table}_insert AFTER INSERT ON {source_table} BEGIN {insert} END")
            cursor.execute(
                f"CREATE TRIGGER {table}_update AFTER UPDATE OF {watched}, {pk} ON {source_table} "
                f"BEGIN {delete} {insert} END"
            )
            cursor.execute(f"CREATE TRIGGER {table}_delete AFTER DELETE ON {source_table} BEGIN {delete} END")
            every = ", ".join(_call(model, fields, source_table) for fields in columns.values())
            cursor.execute(f"INSERT INTO {table} (rowid, {names}) SELECT {pk}, {every} FROM {source_table}")
    return installed


def _phrase(lexemes_at: list[tuple[str, int]]) -> str:
    out, before = [lexemes_at[0][0]], lexemes_at[0][1]
    for lexeme, offset in lexemes_at[1:]:
        out += [GAP] * (offset - before - 1) + [lexeme]
        before = offset
    return '"' + " ".join(out).replace('"', '""') + '"'


def fts_expression(node) -> str:
    """A parsed query as an FTS5 expression of its lexemes (a negation only inside an AND)."""
    if isinstance(node, Term):
        return _phrase([(node.lexeme, 0)])
    if isinstance(node, Phrase):
        return _phrase(list(node.items))
    if isinstance(node, Or):
        return "(" + " OR ".join(fts_expression(child) for child in node.nodes) + ")"
    if isinstance(node, And):
        positives = [fts_expression(child) for child in node.nodes if not isinstance(child, Not)]
        out = "(" + " AND ".join(positives) + ")"
        for child in node.nodes:
            if isinstance(child, Not):
                out = f"({out} NOT {fts_expression(child.node)})"
        return out
    raise ValueError(node)  # a negation alone is not searchable (`query.searchable`)


def _rowids(table: str, expression: str) -> RawSQL:
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])  # the names are ours


class Fts5Engine(SqlEngine):
    """Search on SQLite's FTS5 tables (see the module's text and `council.search.sql`)."""

    def own(self, source: SearchSource, query: str, node):
        return source.model.objects.filter(pk__in=_rowids(table_name(source), f"body : {fts_expression(node)}"))

    def title(self, source: SearchSource, node):
        from django.db.models import Q

        return Q(pk__in=_rowids(table_name(source), f"title : {fts_expression(positive_part(node))}"))

    def _related_matches(self, related, user, query: str, node):
        source = next(source for source in sources() if related in source.related)
        table = table_name(source, list(source.related).index(related))
        return related.rows(user).filter(pk__in=_rowids(table, fts_expression(node))).order_by()

    def page(self, source: SearchSource, user, query: str, node, pks: list) -> dict:
        """The objects of one page's hits with their excerpts (and no rank: None): the page's rows only."""
        objects = list(source.page_queryset(source.model.objects.filter(pk__in=pks)))
        result, unmarked = {}, set()
        for obj in objects:
            text = "\n\n".join(getattr(obj, name) or "" for name in source.snippet_fields)
            excerpt, marked = snippet(text, node) if text else (mark_safe(""), False)
            if not marked:
                unmarked.add(obj.pk)
            # No rank here: reading every field's lexemes costs more than the whole search; the
            # order's tier stands for it.
            result[obj.pk] = (obj, excerpt, None)
        # An excerpt from a related text (an attachment) only where the row's own text has none.
        for related in source.related if unmarked else ():
            rows = self._related_matches(related, user, query, node).filter(**{f"{related.link}__in": sorted(unmarked)})
            for link, text in rows.order_by("pk").values_list(related.link, related.field):
                excerpt, marked = snippet(text, node)
                if marked and link in unmarked:
                    obj, _excerpt, score = result[link]
                    result[link] = (obj, excerpt, score)
                    unmarked.discard(link)
        return result
