"""What a search returns: the hits, read a page at a time, their number, and the facets."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from council.search.sources import SearchSource

FACETS = ("kind", "organization", "year", "state")


@dataclass(frozen=True)
class FacetValue:
    value: Any
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    """One result: what it is, where it links, and an excerpt with the query's words in <mark>."""

    kind: str
    kind_label: str
    title: str
    url: str | None
    date: datetime.date | None
    snippet: SafeString
    rank: float
    object: Any
    context: str = ""


@dataclass(frozen=True)
class _Row:
    source: SearchSource
    pk: Any
    rank: float
    date: datetime.date | None
    state: str | None
    organizations: frozenset

    def sort_key(self, order: dict):
        # Rank first, then the newest; rows without a date last; then a fixed order.
        date = self.date.toordinal() if self.date else 0
        return (-self.rank, -date, order[self.source.kind], -self.pk if isinstance(self.pk, int) else 0)


class HitList(Sequence):
    """The ordered hits; objects and excerpts are read only for the slice asked for (a page)."""

    def __init__(self, rows: list[_Row], *, user, query: str, node, engine):
        self._rows, self._user, self._query, self._node, self._engine = rows, user, query, node, engine
        self._hits: dict[int, Hit] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def count(self, *args) -> int:  # Paginator asks for count() first
        return len(self._rows) if not args else super().count(*args)

    def __getitem__(self, index):
        if isinstance(index, slice):
            indices = range(*index.indices(len(self._rows)))
            self._load([i for i in indices if i not in self._hits])
            return [self._hits[i] for i in indices if i in self._hits]
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        if index not in self._hits:
            self._load([index])
        return self._hits[index]

    def __iter__(self):
        chunk = 100
        for start in range(0, len(self._rows), chunk):
            yield from self[start : start + chunk]

    def _load(self, indices: list[int]) -> None:
        by_source: dict[str, list[int]] = {}
        for i in indices:
            by_source.setdefault(self._rows[i].source.kind, []).append(i)
        for wanted in by_source.values():
            source = self._rows[wanted[0]].source
            loaded = self._engine.page(source, self._user, self._query, self._node, [self._rows[i].pk for i in wanted])
            for i in wanted:
                row = self._rows[i]
                if row.pk not in loaded:  # deleted since the rows were read
                    continue
                obj, excerpt, score = loaded[row.pk]
                self._hits[i] = Hit(
                    kind=source.kind,
                    kind_label=str(source.label),
                    title=source.title(obj),
                    url=source.url(obj),
                    date=row.date if source.date_field else source.hit_date(obj),
                    snippet=excerpt,
                    # ts_rank of the row's own text where the engine gives it, else the order's tier
                    rank=round(row.rank if score is None else score, 6),  # search.RANK_DIGITS
                    object=obj,
                    context=source.context(obj),
                )


class RankedHitList(HitList):
    """Hits whose number is known and whose order is read only as far as asked: `fetch(stop)` gives the
    first `stop` rows in order (ranked in SQL), so a page ranks the rows up to itself, never all hits."""

    def __init__(self, total: int, fetch, **kwargs):
        super().__init__([], **kwargs)
        self._total, self._fetch, self._fetched = total, fetch, 0

    def __len__(self) -> int:
        return self._total

    def count(self, *args) -> int:
        return self._total if not args else super().count(*args)

    def __iter__(self):
        chunk = 100
        for start in range(0, self._total, chunk):
            yield from self[start : start + chunk]

    def _rows_up_to(self, stop: int) -> None:
        stop = min(stop, self._total)
        if stop > self._fetched:
            self._rows = self._fetch(stop)
            self._fetched = stop

    def __getitem__(self, index):
        if isinstance(index, slice):
            indices = range(*index.indices(self._total))
            if not indices:
                return []
            self._rows_up_to(max(indices) + 1)
            indices = [i for i in indices if i < len(self._rows)]
            self._load([i for i in indices if i not in self._hits])
            return [self._hits[i] for i in indices if i in self._hits]
        if index < 0:
            index += self._total
        if not 0 <= index < self._total:
            raise IndexError(index)
        self._rows_up_to(index + 1)
        if index >= len(self._rows):
            raise IndexError(index)
        if index not in self._hits:
            self._load([index])
        return self._hits[index]


@dataclass
class SearchResult:
    """What `search()` returns: the hits in order, their number, and the facets."""

    query: str
    hits: Sequence[Hit] = ()
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=lambda: {key: [] for key in FACETS})
