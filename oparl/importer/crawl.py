"""Reading one body of another system: every list, every embedded object, every reference that is missing.

OParl may give an object embedded where one expects a URL, or a URL where one expects it
embedded; 1.0 servers embed what 1.1 servers also list. The crawl therefore flattens:
each object found anywhere, at any depth, is kept once under its id (the copies merged),
with where it was found (its meeting and position, its Vorlage and position), and each
reference to an object not found in the lists is fetched on its own at the end.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from .client import FetchError, OParlClient
from .mapping import IMPORT_ORDER, ref_id, type_name

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


@dataclass
class Crawl:
    """The objects of one body, flattened."""

    body: dict
    objects: dict[str, dict] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    # child id -> parent type -> (parent id, field, position)
    parents: dict[str, dict[str, tuple[str, str, int]]] = field(default_factory=lambda: defaultdict(dict))
    wanted: dict[str, str] = field(default_factory=dict)  # referenced id -> expected type
    aliases: dict[str, str] = field(default_factory=dict)  # id referred to -> id the server answered with
    unreadable: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    # Where each object stands in its own type's body list: the order in which it is imported, so
    # that our rows (and the lists we serve, ordered by key) keep the source's order.
    listed: dict[str, int] = field(default_factory=dict)

    def of_type(self, name: str) -> list[dict]:
        """The objects of a type: those of its body list in the list's order, then the others as found."""
        ids = [oparl_id for oparl_id, kind in self.types.items() if kind == name]
        ids.sort(key=lambda oparl_id: self.listed.get(oparl_id, len(self.listed)))
        return [self.objects[oparl_id] for oparl_id in ids]

    def add_listed(self, obj: dict, kind: str) -> None:
        oparl_id = self.add(obj, kind)
        if oparl_id is not None and self.types[oparl_id] == kind:
            self.listed.setdefault(oparl_id, len(self.listed))

    def parent(self, oparl_id: str, parent_type: str) -> tuple[str, str, int] | None:
        return self.parents.get(oparl_id, {}).get(parent_type)

    # --- collecting ---------------------------------------------------------------------
    def add(self, obj: dict, expected: str | None = None) -> str | None:
        """Keep `obj` and everything embedded in it; return its id."""
        oparl_id = ref_id(obj)
        kind = type_name(obj, expected)
        if oparl_id is None or kind is None:
            return None
        if oparl_id in self.objects:
            self._merge(self.objects[oparl_id], _slim(obj, kind))
        else:
            self.objects[oparl_id] = _slim(obj, kind)
            self.types[oparl_id] = kind
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
        elif child_id not in self.objects:
            self.wanted.setdefault(child_id, target)
        if backref or name in ("mainFile", "auxiliaryFile") or (parent_type, name) in POSITIONED:
            self.parents[child_id].setdefault(parent_type, (parent_id, name, position))

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
) -> Crawl:
    """Read every list of `body`, then every referenced object that neither they nor an earlier import had."""
    crawl = Crawl(body=body)
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
    tried: set[str] = set()
    while True:
        missing = [
            (oparl_id, kind)
            for oparl_id, kind in crawl.wanted.items()
            if oparl_id not in crawl.objects and oparl_id not in tried and kind in IMPORT_ORDER
        ]
        if not missing:
            return
        for oparl_id, kind in missing:
            tried.add(oparl_id)
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
                crawl.parents[obj["id"]].update(crawl.parents.get(oparl_id, {}))
                crawl.aliases[oparl_id] = obj["id"]
            crawl.add(obj, kind)
