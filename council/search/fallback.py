"""The Python engine: the same search as PostgreSQL's, for SQLite (the embedded default) and other databases.

SQL narrows the candidates first with LIKE patterns that every matching row must have;
the rest is the Python analysis (`analysis`, `query`, `excerpts`).
"""

import functools
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.safestring import mark_safe

from council.search.analysis import Document, document
from council.search.excerpts import snippet
from council.search.query import And, Not, Phrase, Term, matches, rank
from council.search.sources import RelatedText, SearchSource, _as_date
from council.search.sql import TEXT_TIER, TITLE_TIER, positive_part, title_is_everything


class _Like(Func):
    """`expression LIKE pattern`: SQLite's LIKE ignores the case of ASCII letters; ILIKE elsewhere."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = models.BooleanField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, arg_joiner=" ILIKE ", **extra_context)


def like_pattern(lexeme: str) -> str:
    """A LIKE pattern every text holding a word with this lexeme contains.

    The stem is the start of the folded word: a, o, u may stand for ä, ö, ü and "ss" for ß,
    and letters beyond ASCII differ in case, so those become wildcards.
    """
    pattern = []
    for character in lexeme.replace("ss", "%"):
        pattern.append("_" if character in "aou_" or not character.isascii() else character)
    return "%" + "".join(pattern) + "%"


def _narrowing(node, columns: Sequence[str]) -> Q | None:
    """A condition every matching row meets (None: none that SQL can check cheaply)."""
    if isinstance(node, Term | Phrase):
        lexemes = [node.lexeme] if isinstance(node, Term) else [lexeme for lexeme, _ in node.items]
        condition = Q()
        for lexeme in lexemes:
            pattern = Value(like_pattern(lexeme))
            any_column = Q()
            for column in columns:
                any_column |= Q(_Like(F(column), pattern))
            condition &= any_column
        return condition
    if isinstance(node, Not):
        return None
    parts = [_narrowing(child, columns) for child in node.nodes]
    if isinstance(node, And):
        kept = [part for part in parts if part is not None]
        if not kept:
            return None
        return functools.reduce(lambda a, b: a & b, kept)
    if any(part is None for part in parts):
        return None
    return functools.reduce(lambda a, b: a | b, parts)


class PythonEngine:
    """The same search done in Python over the visible candidates, for SQLite (the embedded default)."""

    def _related_texts(self, related: RelatedText, user, node, pks) -> dict:
        """Each row's related texts that match the query, in the related rows' order, by row pk."""
        rows = related.rows(user).filter(**{f"{related.link}__in": pks})
        narrowing = _narrowing(node, [related.field])
        if narrowing is not None:
            rows = rows.filter(narrowing)
        texts: dict[Any, list[Document]] = {}
        for link, text in rows.values_list(related.link, related.field):
            doc = document([(text, related.weight)])
            if matches(node, doc):
                texts.setdefault(link, []).append((text, doc))
        return texts

    def rows(self, source: SearchSource, user, query: str, node) -> list[tuple]:
        visible = source.visible(user)
        columns = [name for name, _weight in source.fields]
        condition = _narrowing(node, columns)
        if source.related and condition is not None:
            for related in source.related:
                related_condition = _narrowing(node, [related.field])
                related_rows = related.rows(user)
                if related_condition is not None:
                    related_rows = related_rows.filter(related_condition)
                condition |= Q(pk__in=related_rows.order_by().values(related.link))
        candidates = visible.filter(condition) if condition is not None else visible
        extra = [source.date_field or "pk", source.state_field or "pk"]
        fetched = list(candidates.order_by().values_list("pk", *columns, *extra))
        pks = [row[0] for row in fetched]
        positive = positive_part(node)
        related_hits = [self._related_texts(related, user, node, pks) for related in source.related]
        found = []
        for pk, *values in fetched:
            texts, (date, state) = values[: len(columns)], values[len(columns) :]
            doc = document([(text or "", weight) for text, (_name, weight) in zip(texts, source.fields, strict=True)])
            related_docs = [hits.get(pk, []) for hits in related_hits]
            if not matches(node, doc) and not any(related_docs):
                continue
            # The order of the indexed engines (`council.search.sql`): title matches first.
            title = document(
                [
                    (text or "", weight)
                    for text, (_name, weight) in zip(texts, source.fields, strict=True)
                    if weight == "A"
                ]
            )
            score = TITLE_TIER if title_is_everything(source) or matches(positive, title) else TEXT_TIER
            found.append(
                (pk, score, _as_date(date) if source.date_field else None, state if source.state_field else None)
            )
        return found

    def matching_pks(self, source: SearchSource, user, query: str, node, found: list | None = None) -> list:
        """The pks of the visible matching rows: those of `found` (`rows()`), matched now if not given."""
        if found is None:
            found = self.rows(source, user, query, node)
        return [row[0] for row in found]

    def page(self, source: SearchSource, user, query: str, node, pks: list) -> dict:
        objects = source.page_queryset(source.model.objects.filter(pk__in=pks))
        related_hits = [self._related_texts(related, user, node, pks) for related in source.related]
        result = {}
        for obj in objects:
            text = "\n\n".join(getattr(obj, name) or "" for name in source.snippet_fields)
            excerpt, marked = snippet(text, node) if text else (mark_safe(""), False)
            if not marked:
                for hits in related_hits:
                    if obj.pk in hits:
                        excerpt, marked = snippet(hits[obj.pk][0][0], node)
                        break
            own = document(
                [(getattr(obj, name) or "", weight) for name, weight in source.fields]  # the page's rows only
            )
            result[obj.pk] = (obj, excerpt, rank(node, own))
        return result
