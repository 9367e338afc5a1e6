"""From OParl values to ours: the readers every object type shares.

The functions here read values out of one OParl object (a dict): texts, dates, flags, type
names and references; they touch no database. References to other objects arrive already
resolved, through the `Refs` the run passes in. Everything optional in OParl is optional here:
a missing field leaves ours empty or at its default, never an exception; what cannot be
represented raises `MappingError` with the reason, which the run reports with the object's id.

OParl 1.0 is read like 1.1: its type URLs (`https://schema.oparl.org/1.0/Paper`, and the
older `http://oparl.org/schema/1.0/Paper`), `publishedDate` for `date`, `sha1Checksum`
without `sha512Checksum`, `originator` beside `originatorPerson`/`originatorOrganization`.

The fields of each type are in `council_fields` and `paper_fields`, the vocabularies
(organizationType, gender, role, result, paperType) in `vocabularies`.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

# Re-exported for the callers that read it from here (tests/oparl/test_importer.py).
from .vocabularies import decision_result as decision_result

# The object types the importer writes, in the order it writes them: each refers only to
# types before it (File last, it needs its Paper).
IMPORT_ORDER = (
    "Body",
    "LegislativeTerm",
    "Location",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "File",
)


class MappingError(Exception):
    """An OParl object that cannot become one of ours; the message says why."""


# OParl 1.1 writes every type name in camel case; 1.0 servers also wrote "Agendaitem",
# "legislativeterm" and the like.
TYPE_NAMES = {
    name.lower(): name
    for name in (*IMPORT_ORDER, "System", "Body", "LegislativeTerm", "AgendaItem", "Error", "PagedList")
}


def type_name(obj: dict, default: str | None = None) -> str | None:
    """The bare type of an object: "Paper" for https://schema.oparl.org/1.1/Paper, 1.0 URLs and spellings too."""
    value = obj.get("type") if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value:
        return default
    name = re.split(r"[/#:]", value.strip().rstrip("/"))[-1]
    return TYPE_NAMES.get(name.lower(), name) or default


def ref_id(value) -> str | None:
    """The id of a reference given as URL or as embedded object."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def ref_ids(value) -> list[str]:
    """The ids of a list of references (URLs or embedded objects); one reference alone counts too."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    ids = [ref_id(item) for item in items]
    return [i for i in ids if i]


# --- values ----------------------------------------------------------------------------
def text(obj: dict, *keys: str, max_length: int | None = None) -> str:
    """The first non-empty string among `keys`, stripped, cut to `max_length` (with an ellipsis)."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, list):  # Person.email, phone, title are lists in 1.1
            value = " ".join(str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip())
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if max_length and len(value) > max_length:
                value = value[: max_length - 1].rstrip() + "…"
            return value
    return ""


def markdown(obj: dict, key: str, *, max_length: int | None = None) -> str:
    """A text kept as given (Markdown: its line breaks and indents count), or "" if blank or not a string."""
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        return ""
    if max_length and len(value) > max_length:
        value = value[: max_length - 1].rstrip() + "…"
    return value


def checked(value: str, kind: str, notes: list[str], *, field: str) -> str:
    """`value` if it is a valid URL (kind "url") or e-mail address ("email"); else "" with a note.

    Our model would refuse the whole object for a malformed website or address: it is left out instead.
    """
    if not value:
        return ""
    validator = URLValidator() if kind == "url" else EmailValidator()
    try:
        validator(value)
    except ValidationError:
        notes.append(gettext("%(field)s “%(value)s” is not valid; left out") % {"field": field, "value": value[:100]})
        return ""
    return value


def strings(value) -> list[str]:
    """The non-empty strings of a list of strings (Paper.keyword), or of one string."""
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def first_text(obj: dict, key: str) -> str:
    """The first entry of a list of strings (Person.email, phone), or the string itself."""
    value = obj.get(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def to_datetime(value) -> datetime.datetime | None:
    """An aware datetime from an OParl date-time, with or without timezone, or from a bare date.

    A value without timezone is read in the installation's timezone (Europe/Berlin), as
    German council systems mean it.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        day = to_date(value)
        if day is None:
            return None
        parsed = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def to_date(value) -> datetime.date | None:
    """A date from an OParl date, or the local date of a date-time."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is not None:
        return day
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def to_bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return default


# --- references ----------------------------------------------------------------------
@dataclass
class Refs:
    """What a mapping needs from the run: our objects for OParl ids, and the object's context."""

    resolve: Callable[[str | None, type], object | None]
    body: object = None
    parent: dict = field(default_factory=dict)  # e.g. {"Meeting": id, "position": 3}
    notes: list[str] = field(default_factory=list)  # reported, but the object is imported

    def one(self, value, model, *, what: str, required: bool = False):
        oparl_id = ref_id(value)
        found = self.resolve(oparl_id, model) if oparl_id else None
        if required and found is None:
            raise MappingError(
                gettext("%(what)s %(id)s is not imported") % {"what": what, "id": oparl_id}
                if oparl_id
                else gettext("%(what)s missing") % {"what": what}
            )
        return found

    def many(self, value, model) -> list:
        found = [self.resolve(oparl_id, model) for oparl_id in ref_ids(value)]
        return [obj for obj in found if obj is not None]
