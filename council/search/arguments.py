"""The query and facets of a request, read one way for the search page and the search feeds."""

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from council.search.query import QUERY_MAX_LENGTH
from council.search.sources import kind_choices

# A year outside these is no filter (the Vorlagen list takes the same range).
YEAR_MIN, YEAR_MAX = 1900, 2999
# State values are short choices; anything longer is cut off, not matched.
STATE_MAX_LENGTH = 30


def _number(value: str | None, low: int | None = None, high: int | None = None) -> int | None:
    """A whole number from a GET parameter, or None when missing, malformed or out of range."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


@dataclass(frozen=True)
class SearchArguments:
    """A request's search: the query and facets for `search()`, and both again as GET parameters for links."""

    query: str
    kinds: tuple[str, ...] = ()
    organization: int | None = None
    year: int | None = None
    state: str | None = None

    @property
    def filters(self) -> dict[str, Any]:
        """The facets as `search()` takes them: ``search(arguments.query, user=user, **arguments.filters)``."""
        return {
            "kinds": list(self.kinds) or None,
            "organization": self.organization,
            "year": self.year,
            "state": self.state,
        }

    @property
    def filtered(self) -> bool:
        """Whether a facet narrows the hits."""
        return bool(self.kinds or self.organization or self.year or self.state)

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """The query and the facets as GET parameters, for links to the same search (no page)."""
        parameters = [("q", self.query)] if self.query else []
        parameters += [("kind", kind) for kind in self.kinds]
        parameters += [
            (name, str(value)) for name, value in (("organization", self.organization), ("year", self.year)) if value
        ]
        if self.state:
            parameters.append(("state", self.state))
        return parameters


def arguments_from(querydict: QueryDict) -> SearchArguments:
    """Read ``q``, ``kind`` (repeatable), ``organization``, ``year`` and ``state`` from a query string.

    The query is stripped and cut to QUERY_MAX_LENGTH; unknown kinds are dropped; a
    malformed number, or a year outside YEAR_MIN..YEAR_MAX, is no filter; the state is cut
    to STATE_MAX_LENGTH.
    """
    known_kinds = {kind for kind, _label in kind_choices()}
    return SearchArguments(
        query=querydict.get("q", "").strip()[:QUERY_MAX_LENGTH],
        kinds=tuple(kind for kind in querydict.getlist("kind") if kind in known_kinds),
        organization=_number(querydict.get("organization")),
        year=_number(querydict.get("year"), YEAR_MIN, YEAR_MAX),
        state=querydict.get("state", "")[:STATE_MAX_LENGTH] or None,
    )
