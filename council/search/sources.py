"""Sources: what the apps make searchable, registered in `settings.RATSBUCH_SEARCH_SOURCES`."""

import datetime
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RelatedText:
    """Text in other rows that finds the source's row, e.g. the extracted text of a Vorlage's attachments.

    `rows(user)` are the related rows the user may see; `link` is their foreign key to the
    source's row. Each related row is matched on its own vector (a GIN index of its own on
    PostgreSQL), so a row matches when its own text or one related row matches.
    """

    rows: Callable[[Any], models.QuerySet]
    link: str
    field: str
    weight: str = "D"
    # The column of `stored_vector_operation` holding this text's tsvector on PostgreSQL (None: the expression).
    vector_column: str | None = None


class SearchSource:
    """What one kind of object contributes to the search; subclass it in the app that owns the model.

    `fields` are (model field, weight) in document order; only the model's own columns, so
    that an expression index can cover them. The facets: `date_field` (date and year),
    `state_field` with the `states` choices (Vorlagen), `organization_paths` (lookups from
    the model to organizations).
    """

    kind: str = ""
    label: str = ""
    model: type[models.Model]
    fields: Sequence[tuple[str, str]] = ()
    snippet_fields: Sequence[str] = ()
    related: Sequence[RelatedText] = ()
    date_field: str | None = None
    state_field: str | None = None
    states: type[models.TextChoices] | None = None
    organization_paths: Sequence[str] = ()
    # The generated column holding `fields`' tsvector on PostgreSQL (`stored_vector_operation`);
    # None: matched and ranked on the expression that `search_index` indexes.
    vector_column: str | None = None
    # The generated column holding the tsvector of the fields of weight A (the title tier of the
    # order) on PostgreSQL; None: the expression, for the small tables.
    title_vector_column: str | None = None

    def visible(self, user) -> models.QuerySet:
        """The rows `user` may see: the model's own visibility rule, never restated here."""
        raise NotImplementedError

    def page_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        """The queryset the hits of one page are read from: add select_related/prefetch_related here."""
        return queryset

    def title(self, obj) -> str:
        return str(obj)

    def url(self, obj) -> str | None:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None

    def context(self, obj) -> str:
        """A line under the title (e.g. the meeting of an agenda item); empty by default."""
        return ""

    def hit_date(self, obj) -> datetime.date | None:
        return _as_date(_path_value(obj, self.date_field)) if self.date_field else None

    def organization_pairs(self, pks) -> Iterator[tuple[Any, int]]:
        """(row pk, organization pk) for the organization facet, one query per path; `pks` a list or a subquery."""
        for path in self.organization_paths:
            rows = self.model.objects.filter(pk__in=pks, **{f"{path}__isnull": False}).order_by()
            yield from rows.values_list("pk", path).distinct()


def _path_value(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name, None)
    return obj


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


@functools.cache
def _sources_from(paths: tuple[str, ...]) -> tuple[SearchSource, ...]:
    loaded = []
    for path in paths:
        source = import_string(path)
        loaded.append(source() if isinstance(source, type) else source)
    return tuple(loaded)


def sources() -> tuple[SearchSource, ...]:
    """The registered sources, in the order of `settings.RATSBUCH_SEARCH_SOURCES`."""
    return _sources_from(tuple(settings.RATSBUCH_SEARCH_SOURCES))


def kind_choices() -> list[tuple[str, str]]:
    return [(source.kind, source.label) for source in sources()]
