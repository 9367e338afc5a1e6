"""Reading one body of another system: every list, every embedded object, every reference that is missing.

OParl may give an object embedded where one expects a URL, or a URL where one expects it
embedded; 1.0 servers embed what 1.1 servers also list. The crawl therefore flattens:
each object found anywhere, at any depth, is kept once under its id (the copies merged),
with where it was found (its meeting and position, its Vorlage and position), and each
reference to an object not found in the lists is fetched on its own at the end.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from .client import FetchError, OParlClient
from .mapping import IMPORT_ORDER, ref_id, type_name
from .store import UNLISTED, Store, TypeList

# For each type: field -> (type of the object referred to, the field of that object that
# points back here, which an embedded copy may leave out). 1.0 spellings included.
LINKS: dict[str, dict[str, tuple[str, str | None]]] = {
    "Body": {"legislativeTerm": ("LegislativeTerm", "body"), "location": ("Location", None)},
    "LegislativeTerm": {},
    "Location": {},
    "Organization": {
        "subOrganizationOf": ("Organization", None),
        "location": ("Location", None),
        "membership": ("Membership", "organization"),
    },
    "Person": {
        "membership": ("Membership", "person"),
        "location": ("Location", None),
        "locationObject": ("Location", None),
    },
    "Membership": {
        "person": ("Person", None),
        "organization": ("Organization", None),
        "onBehalfOf": ("Organization", None),
    },
    "Meeting": {
        "location": ("Location", None),
        "organization": ("Organization", None),
        "participant": ("Person", None),
        "agendaItem": ("AgendaItem", "meeting"),
        "invitation": ("File", None),
        "resultsProtocol": ("File", None),
        "verbatimProtocol": ("File", None),
        "auxiliaryFile": ("File", None),
    },
    "AgendaItem": {
        "meeting": ("Meeting", None),
        "consultation": ("Consultation", "agendaItem"),
        "resolutionFile": ("File", None),
        "auxiliaryFile": ("File", None),
    },
    "Paper": {
        "mainFile": ("File", None),
        "auxiliaryFile": ("File", None),
        "consultation": ("Consultation", "paper"),
        "underDirectionOf": ("Organization", None),
        "underDirectionof": ("Organization", None),
        "originatorPerson": ("Person", None),
        "originatorOrganization": ("Organization", None),
        "location": ("Location", None),
    },
    "Consultation": {
        "paper": ("Paper", None),
        "agendaItem": ("AgendaItem", None),
        "meeting": ("Meeting", None),
        "organization": ("Organization", None),
    },
    "File": {},
}
# The external lists of a Body, by OParl version: 1.0 has the first four, 1.1 adds the rest.
BODY_LISTS = (
    ("organization", "Organization"),
    ("person", "Person"),
    ("meeting", "Meeting"),
    ("paper", "Paper"),
    ("legislativeTermList", "LegislativeTerm"),
    ("locationList", "Location"),
    ("membership", "Membership"),
    ("agendaItem", "AgendaItem"),
    ("consultation", "Consultation"),
    ("file", "File"),
)
# Where an object sits in its parent: these lists are ordered, and the order is ours too.
POSITIONED = {("Meeting", "agendaItem"), ("Paper", "consultation"), ("Paper", "auxiliaryFile")}


# Embedded objects whose own fields the parent's mapping reads (the document's `created`).
READ_EMBEDDED = {("Paper", "mainFile"), ("Meeting", "invitation")}


def _slim(obj: dict, kind: str) -> dict:
    """A copy of `obj` whose embedded objects are replaced by their ids: they are kept once, on their own.

    Without this a Paper held its consultations and files twice, a Meeting its agenda items.
    """
    slim = dict(obj)
    for name in LINKS.get(kind, {}):
        value = slim.get(name)
        if (kind, name) in READ_EMBEDDED:
            continue
        if isinstance(value, dict):
            slim[name] = ref_id(value)
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            slim[name] = [ref_id(item) if isinstance(item, dict) else item for item in value]
    return slim


@dataclass
class Problem:
    type: str
    id: str
    reason: str

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id, "reason": self.reason}


class Crawl:
    """The objects of one body, flattened, kept in the run's `Store` (on disk, not in memory)."""

    def __init__(self, body: dict, store: Store | None = None):
        self.body = body
        self.own_store = store is None
        self.store = store or Store()
        for table in ("objects", "parents", "wanted", "aliases"):
            self.store.run(f"DELETE FROM {table}")  # noqa: S608 - table names from this list only
        self.unreadable: set[str] = set()
        self.problems: list[Problem] = []
        # Where each object stands in its own type's body list: the order in which it is imported, so
        # that our rows (and the lists we serve, ordered by key) keep the source's order.
        self.listed = 0
        self.found = 0
        self.redirects = 0  # most servers never redirect: then nobody need ask the store

    def close(self) -> None:
        if self.own_store:
            self.store.close()

    def __contains__(self, oparl_id: str) -> bool:
        return self.store.one("SELECT 1 FROM objects WHERE id = ?", (oparl_id,)) is not None

    def get(self, oparl_id: str | None) -> dict | None:
        if oparl_id is None:
            return None
        row = self.store.one("SELECT data FROM objects WHERE id = ?", (oparl_id,))
        return json.loads(row[0]) if row else None

    def type_of(self, oparl_id: str) -> str | None:
        row = self.store.one("SELECT type FROM objects WHERE id = ?", (oparl_id,))
        return row[0] if row else None

    def of_type(self, name: str) -> TypeList:
        """The objects of a type: those of its body list in the list's order, then the others as found."""
        return TypeList(self.store, name)

    def add_listed(self, obj: dict, kind: str) -> None:
        oparl_id = self.add(obj, kind)
        if oparl_id is not None:
            self.store.run(
                "UPDATE objects SET ord = ? WHERE id = ? AND type = ? AND ord >= ?",
                (self.listed, oparl_id, kind, UNLISTED),
            )
            self.listed += 1

    def parents_of(self, oparl_id: str) -> dict[str, tuple[str, str, int]]:
        """Parent type -> (parent id, field, position) of an object found embedded or referred to."""
        rows = self.store.db.execute(
            "SELECT parent_type, parent_id, field, position FROM parents WHERE child = ?", (oparl_id,)
        )
        return {parent_type: (parent_id, name, position) for parent_type, parent_id, name, position in rows}

    def parent(self, oparl_id: str, parent_type: str) -> tuple[str, str, int] | None:
        row = self.store.one(
            "SELECT parent_id, field, position FROM parents WHERE child = ? AND parent_type = ?",
            (oparl_id, parent_type),
        )
        return tuple(row) if row else None

    def alias(self, oparl_id: str) -> str:
        """The id the server answered with for one referred to (the same if it did not redirect)."""
        if not self.redirects:
            return oparl_id
        row = self.store.one("SELECT target FROM aliases WHERE id = ?", (oparl_id,))
        return row[0] if row else oparl_id

    # --- collecting ---------------------------------------------------------------------
    def add(self, obj: dict, expected: str | None = None) -> str | None:
        """Keep `obj` and everything embedded in it; return its id."""
        oparl_id = ref_id(obj)
        kind = type_name(obj, expected)
        if oparl_id is None or kind is None:
            return None
        kept = self.get(oparl_id)
        if kept is not None:
            self._merge(kept, _slim(obj, kind))
            self.store.run("UPDATE objects SET data = ? WHERE id = ?", (json.dumps(kept), oparl_id))
        else:
            self.found += 1
            self.store.run(
                "INSERT INTO objects (id, type, ord, data) VALUES (?, ?, ?, ?)",
                (oparl_id, kind, UNLISTED + self.found, json.dumps(_slim(obj, kind))),
            )
        for name, (target, backref) in LINKS.get(kind, {}).items():
            value = obj.get(name)
            items = value if isinstance(value, list) else [value]
            for position, item in enumerate(items):
                if name == "auxiliaryFile" and kind == "Paper":
                    position += 1  # the main file comes first
                self._link(oparl_id, kind, name, target, backref, item, position)
        return oparl_id

    def _link(self, parent_id, parent_type, name, target, backref, item, position) -> None:
        child_id = ref_id(item)
        if child_id is None:
            return
        if isinstance(item, dict):
            child = dict(item)
            if backref and not child.get(backref):
                child[backref] = parent_id
            self.add(child, target)
        else:
            # Noted even if found already: `missing()` leaves out what was found, by then or later.
            self.store.run("INSERT OR IGNORE INTO wanted (id, type) VALUES (?, ?)", (child_id, target))
        if backref or name in ("mainFile", "auxiliaryFile") or (parent_type, name) in POSITIONED:
            self.store.run(
                "INSERT OR IGNORE INTO parents VALUES (?, ?, ?, ?, ?)",
                (child_id, parent_type, parent_id, name, position),
            )

    def missing(self) -> list[tuple[str, str]]:
        """The ids referred to but neither listed nor tried yet, with the type expected, marked as tried."""
        rows = self.store.db.execute(
            "SELECT w.id, w.type FROM wanted w LEFT JOIN objects o ON o.id = w.id WHERE o.id IS NULL AND w.tried = 0"
        ).fetchall()
        self.store.run("UPDATE wanted SET tried = 1 WHERE tried = 0")
        return rows

    def redirected(self, oparl_id: str, answered: str) -> None:
        """A server answered under another id for `oparl_id`: its parents and references follow."""
        self.store.run(
            "INSERT OR REPLACE INTO parents"
            " SELECT ?, parent_type, parent_id, field, position FROM parents WHERE child = ?",
            (answered, oparl_id),
        )
        self.store.run("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (oparl_id, answered))
        self.redirects += 1

    @staticmethod
    def _merge(kept: dict, other: dict) -> None:
        """Fill what the kept copy lacks; a deletion wins."""
        for key, value in other.items():
            if key not in kept or kept[key] in (None, "", [], {}):
                kept[key] = value
        if other.get("deleted") is True:
            kept["deleted"] = True


def crawl_body(
    client: OParlClient,
    body: dict,
    *,
    params: dict[str, str] | None = None,
    limit_pages: int | None = None,
    known: Callable[[str], bool] = lambda oparl_id: False,
    stdout=None,
    store: Store | None = None,
) -> Crawl:
    """Read every list of `body`, then every referenced object that neither they nor an earlier import had."""
    crawl = Crawl(body, store)
    crawl.add(body, "Body")
    for name, kind in BODY_LISTS:
        url = body.get(name)
        if not isinstance(url, str) or not url:
            if isinstance(url, list):  # a list given embedded
                for item in url:
                    if isinstance(item, dict):
                        crawl.add_listed(item, kind)
            continue
        if stdout is not None:
            stdout.write(gettext("Reading %(list)s …") % {"list": url})
        try:
            for item in client.iter_list(url, params=params, limit_pages=limit_pages):
                crawl.add_listed(item, kind)
        except FetchError as error:
            crawl.problems.append(Problem(kind, error.url, gettext("list not readable: %s") % error.reason))
    _fetch_missing(client, crawl, known)
    return crawl


def _fetch_missing(client: OParlClient, crawl: Crawl, known: Callable[[str], bool]) -> None:
    # Fetched objects can refer to more missing ones; each id is tried once.
    while True:
        missing = [(oparl_id, kind) for oparl_id, kind in crawl.missing() if kind in IMPORT_ORDER]
        if not missing:
            return
        for oparl_id, kind in missing:
            if known(oparl_id):
                continue
            try:
                obj = client.get_object(oparl_id)
            except FetchError as error:
                crawl.unreadable.add(oparl_id)
                crawl.problems.append(Problem(kind, oparl_id, gettext("not readable: %s") % error.reason))
                continue
            if obj.get("id") != oparl_id:
                # A server answering under another id (a redirect to the canonical URL) is followed.
                crawl.redirected(oparl_id, obj["id"])
            crawl.add(obj, kind)
