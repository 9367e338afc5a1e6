"""The rules of the OParl 1.1 specification for single objects and list pages, as plain checks.

Written from the specification's text (`src/` of the public OParl/spec repository) and its
JSON schema documents (`schema/*.json`, final 1.1 state). Section names in the comments are
the specification's own headings, with their anchors in the rendered document:

- "JSON-Ausgabe" (#json-ausgabe): data types.
- "Objektlisten und Paginierung" (#objektlisten-und-paginierung, #paginierung): references by
  URL, embedded ("intern ausgegebene") objects, external lists with `data`, `pagination`, `links`.
- "Gelöschte Objekte" (#geloeschte-objekte): what a deleted object may still carry.
- "Schema" › "Übergreifende Aspekte" (#uebergreifende-aspekte): `null`-Werte und leere Listen,
  Kardinalität, Datums- und Zeitangaben (#datum_zeit), Herstellerspezifische Erweiterungen.
- "Eigenschaften mit Verwendung in mehreren Objekttypen": `id`, `type`, `license`, `created`,
  `modified`, `keyword`, `web`, `deleted`.
- One section per type (#entity-system … #entity-location) with its property table.
- "Änderungen in OParl 1.1" (#oparl-1-1): `created` and `modified` are mandatory for every object.

Pure Python: no network, no models. `validate_object` and `validate_list_page` return a list
of `Problem`s; an empty list means the object or page keeps every rule checked here. The
tables they check against (properties of each type, back references, fixed keys) are in
`oparl.schema`.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from oparl.schema import (
    BACKREFERENCES,
    DELETED_KEYS,
    LINK_KEYS,
    PAGINATION_KEYS,
    SCHEMAS,
    TYPE_PREFIX,
    Prop,
    type_name_of,
    type_url,
)
from oparl.schema import TYPES as TYPES  # re-exported: importable from here, where it used to live


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (`path` inside the object, `url` of the resource) and which rule (`code`)."""

    path: str
    message: str
    code: str = ""
    chapter: str = ""
    url: str = ""

    def __str__(self):
        where = f"{self.url} " if self.url else ""
        chapter = f" [{self.chapter}]" if self.chapter else ""
        return f"{where}{self.path}: {self.message}{chapter}"


# Problem codes: stable names of the rules, for tests and for filtering a report.
NOT_AN_OBJECT = "not-an-object"
MISSING = "missing"
NULL = "null"
EMPTY_STRING = "empty-string"
EMPTY_ARRAY = "empty-array"
EMPTY_OBJECT = "empty-object"
WRONG_KIND = "wrong-kind"
BAD_URL = "bad-url"
BAD_DATE = "bad-date"
BAD_DATETIME = "bad-datetime"
BAD_VALUE = "bad-value"
BAD_TYPE_URL = "bad-type-url"
TYPE_MISMATCH = "type-mismatch"
UNKNOWN_PROPERTY = "unknown-property"
BAD_VENDOR_PREFIX = "bad-vendor-prefix"
DELETED_EXTRA = "deleted-extra"
BACKREF_MISSING = "backref-missing"
BAD_GEOJSON = "bad-geojson"
BAD_PAGE = "bad-page"

# Sections of the specification, cited in every Problem.
CH_JSON = "JSON-Ausgabe"
CH_LISTS = "Objektlisten und Paginierung"
CH_DELETED = "Gelöschte Objekte"
CH_NULL = "null-Werte und leere Listen"
CH_CARDINALITY = "Kardinalität"
CH_DATES = "Datums- und Zeitangaben"
CH_VENDOR = "Herstellerspezifische Erweiterungen"
CH_COMMON = "Eigenschaften mit Verwendung in mehreren Objekttypen"
CH_CHANGES = "Änderungen in OParl 1.1"


# "Herstellerspezifische Erweiterungen": a vendor prefix and a colon ("herstellera:newWonderProperty");
# "@" must not be part of the prefix.
VENDOR_PROPERTY = re.compile(r"^([^:@\s]+):(\S+)$")

# "Datums- und Zeitangaben": xsd:date without a time zone, xsd:dateTime with one (RFC 3339).
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_url(value) -> bool:
    """An absolute http(s) URL with a host, as every OParl id and link must be."""
    if not isinstance(value, str) or not value or value != value.strip() or " " in value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_vendor_property(name: str) -> bool:
    return bool(VENDOR_PROPERTY.match(name))


def is_date(value) -> bool:
    if not isinstance(value, str) or not DATE_RE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_datetime(value) -> bool:
    if not isinstance(value, str) or not DATETIME_RE.match(value):
        return False
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class _Checker:
    """Collects the problems of one object or page while walking it."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path, code, chapter, message):
        self.problems.append(Problem(path=path or "$", message=message, code=code, chapter=chapter))

    # Objects -----------------------------------------------------------------

    def object(self, obj, expected_type, *, embedded, path):
        if not isinstance(obj, dict):
            self.add(path, NOT_AN_OBJECT, CH_JSON, _("expected a JSON object, found %(kind)s") % {"kind": _kind(obj)})
            return
        type_name = self.type(obj, expected_type, path)
        if type_name is None:
            return
        schema = SCHEMAS[type_name]
        if obj.get("deleted") is True:
            self.deleted(obj, schema, path)
            return
        for name, prop in schema.items():
            if prop.required and name not in obj and name != "type":
                chapter = CH_CHANGES if name in ("created", "modified") else type_name
                self.add(
                    _join(path, name),
                    MISSING,
                    chapter,
                    _("the mandatory property %(name)s of %(type)s is missing") % {"name": name, "type": type_name},
                )
        if not embedded:
            for name in BACKREFERENCES.get(type_name, ()):
                if name not in obj:
                    self.add(
                        _join(path, name),
                        BACKREF_MISSING,
                        type_name,
                        _("a %(type)s fetched on its own must carry its back reference %(name)s")
                        % {"type": type_name, "name": name},
                    )
        for key, value in obj.items():
            key_path = _join(path, key)
            if key in schema:
                if key != "type":
                    self.value(value, schema[key], key_path, type_name)
            elif is_vendor_property(key):
                self.present(value, required=False, path=key_path)
            else:
                self.unknown(key, key_path, type_name)

    def type(self, obj, expected_type, path):
        """Check `type` and return the type name to validate the object as (None: cannot tell)."""
        value = obj.get("type")
        declared = type_name_of(value)
        type_path = _join(path, "type")
        if "type" not in obj:
            self.add(type_path, MISSING, CH_COMMON, _("the mandatory property type is missing"))
        elif declared is None:
            self.add(
                type_path,
                BAD_TYPE_URL,
                CH_COMMON,
                _("%(value)r is not the type URL of an OParl 1.1 object type (%(prefix)s<Type>)")
                % {"value": value, "prefix": TYPE_PREFIX},
            )
        elif expected_type and declared != expected_type:
            self.add(
                type_path,
                TYPE_MISMATCH,
                CH_COMMON,
                _("expected an object of type %(expected)s here, found %(found)s")
                % {"expected": type_url(expected_type), "found": value},
            )
        return expected_type or declared

    def deleted(self, obj, schema, path):
        for name in ("id", "type", "created", "modified"):
            if name not in obj:
                self.add(
                    _join(path, name),
                    MISSING,
                    CH_DELETED,
                    _("a deleted object keeps %(name)s") % {"name": name},
                )
        for key, value in obj.items():
            key_path = _join(path, key)
            if key not in DELETED_KEYS:
                self.add(
                    key_path,
                    DELETED_EXTRA,
                    CH_DELETED,
                    _("a deleted object carries only id, type, created, modified and deleted, not %(name)s")
                    % {"name": key},
                )
            elif key != "type":
                self.value(value, schema[key], key_path)

    def unknown(self, key, path, type_name):
        if ":" in key:
            self.add(
                path,
                BAD_VENDOR_PREFIX,
                CH_VENDOR,
                _("%(name)s is not a valid vendor extension name (prefix:name, no @ in the prefix)") % {"name": key},
            )
        else:
            self.add(
                path,
                UNKNOWN_PROPERTY,
                type_name,
                _("%(name)s is not a property of %(type)s; extensions need a vendor prefix such as ratsbuch:")
                % {"name": key, "type": type_name},
            )

    # Values --------------------------------------------------------------------

    def present(self, value, *, required, path):
        """The `null`/empty rules; False when there is nothing further to check."""
        if value is None:
            self.add(
                path,
                NULL,
                CH_NULL,
                _("a mandatory property must not be null")
                if required
                else _("a property without a value is left out, not given as null"),
            )
            return False
        if value == "":
            self.add(path, EMPTY_STRING, CH_CARDINALITY, _('a property without a value is left out, not given as ""'))
            return False
        if value == [] and not required:
            self.add(path, EMPTY_ARRAY, CH_NULL, _("an optional list without entries is left out, not given as []"))
            return False
        if value == {}:
            self.add(path, EMPTY_OBJECT, CH_CARDINALITY, _("a property without a value is left out, not given as {}"))
            return False
        return True

    def value(self, value, prop: Prop, path, owner=CH_JSON):
        if not self.present(value, required=prop.required, path=path):
            return
        kind = prop.kind
        if kind in ("urls", "strings", "objects"):
            if not isinstance(value, list):
                self.wrong_kind(path, _("an array"), value)
                return
            item_kind = {"urls": "url", "strings": "string", "objects": "object"}[kind]
            item_prop = Prop(item_kind, prop.ref, required=True, pattern=prop.pattern)
            for index, item in enumerate(value):
                self.value(item, item_prop, _join(path, index), owner)
            return
        if kind == "string":
            if not isinstance(value, str):
                self.wrong_kind(path, _("a string"), value)
            elif prop.choices is not None and value not in prop.choices:
                self.add(
                    path,
                    BAD_VALUE,
                    owner,
                    _("%(value)r is not one of the values the specification allows: %(choices)s")
                    % {"value": value, "choices": ", ".join(sorted(prop.choices))},
                )
            elif prop.pattern is not None and not prop.pattern.match(value):
                self.add(path, BAD_VALUE, owner, _("%(value)r does not have the required form") % {"value": value})
        elif kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self.wrong_kind(path, _("an integer"), value)
            elif prop.minimum is not None and value < prop.minimum:
                self.add(
                    path,
                    BAD_VALUE,
                    owner,
                    _("%(value)s is below %(minimum)s") % {"value": value, "minimum": prop.minimum},
                )
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.wrong_kind(path, _("true or false"), value)
        elif kind in ("url", "list"):
            if not is_url(value):
                self.add(path, BAD_URL, CH_JSON, _("%(value)r is not an absolute http(s) URL") % {"value": value})
        elif kind == "date":
            if not is_date(value):
                self.add(
                    path,
                    BAD_DATE,
                    CH_DATES,
                    _("%(value)r is not a date of the form YYYY-MM-DD (without time or time zone)") % {"value": value},
                )
        elif kind == "datetime":
            if not is_datetime(value):
                self.add(
                    path,
                    BAD_DATETIME,
                    CH_DATES,
                    _("%(value)r is not a date-time with a time zone, e.g. 2013-01-04T08:00:00+01:00")
                    % {"value": value},
                )
        elif kind == "object":
            if isinstance(value, dict):
                self.object(value, prop.ref, embedded=True, path=path)
            else:
                self.wrong_kind(path, _("an embedded %(type)s object") % {"type": prop.ref}, value)
        elif kind == "geojson":
            self.geojson(value, path)

    def geojson(self, value, path):
        if not isinstance(value, dict) or value.get("type") != "Feature":
            self.add(path, BAD_GEOJSON, "Location", _("geojson must be a complete GeoJSON Feature object"))
            return
        geometry = value.get("geometry", ...)
        if geometry is ... or not (geometry is None or (isinstance(geometry, dict) and "type" in geometry)):
            self.add(path, BAD_GEOJSON, "Location", _("a GeoJSON Feature has a geometry member (an object or null)"))
        if "properties" not in value:
            self.add(path, BAD_GEOJSON, "Location", _("a GeoJSON Feature has a properties member (an object or null)"))

    def wrong_kind(self, path, wanted, value):
        self.add(
            path,
            WRONG_KIND,
            CH_JSON,
            _("expected %(wanted)s, found %(found)s") % {"wanted": wanted, "found": _kind(value)},
        )

    # List pages ----------------------------------------------------------------

    def page(self, page, expected_type, path):
        if not isinstance(page, dict):
            self.add(path, BAD_PAGE, CH_LISTS, _("a list page is a JSON object with data, pagination and links"))
            return
        for key in ("data", "pagination", "links"):
            if key not in page:
                self.add(_join(path, key), MISSING, CH_LISTS, _("every list page has %(name)s") % {"name": key})
        for key in page:
            if key not in ("data", "pagination", "links") and not is_vendor_property(key):
                self.add(
                    _join(path, key),
                    UNKNOWN_PROPERTY,
                    CH_LISTS,
                    _("%(name)s is not a property of a list page") % {"name": key},
                )
        pagination = page.get("pagination")
        if "pagination" in page:
            self.page_part(pagination, PAGINATION_KEYS, "integer", _join(path, "pagination"))
        if "links" in page:
            self.page_part(page.get("links"), LINK_KEYS, "url", _join(path, "links"))
        data = page.get("data")
        if "data" in page and not isinstance(data, list):
            self.wrong_kind(_join(path, "data"), _("an array"), data)
            return
        for index, item in enumerate(data or []):
            self.object(item, expected_type, embedded=False, path=_join(_join(path, "data"), index))
        if isinstance(pagination, dict) and isinstance(data, list):
            per_page = pagination.get("elementsPerPage")
            if isinstance(per_page, int) and not isinstance(per_page, bool) and len(data) > per_page:
                self.add(
                    _join(path, "pagination.elementsPerPage"),
                    BAD_PAGE,
                    CH_LISTS,
                    _("the page holds %(count)s objects, more than elementsPerPage %(per_page)s")
                    % {"count": len(data), "per_page": per_page},
                )
            current, total = pagination.get("currentPage"), pagination.get("totalPages")
            if isinstance(current, int) and isinstance(total, int) and current > total:
                self.add(
                    _join(path, "pagination.currentPage"),
                    BAD_PAGE,
                    CH_LISTS,
                    _("currentPage %(current)s is beyond totalPages %(total)s") % {"current": current, "total": total},
                )

    def page_part(self, part, keys, kind, path):
        if not isinstance(part, dict):
            self.wrong_kind(path, _("a JSON object"), part)
            return
        for key, value in part.items():
            key_path = _join(path, key)
            if key in keys:
                self.value(value, Prop(kind, minimum=0 if kind == "integer" else None), key_path)
            elif is_vendor_property(key):
                self.present(value, required=False, path=key_path)
            else:
                self.add(
                    key_path,
                    UNKNOWN_PROPERTY,
                    CH_LISTS,
                    _("%(name)s is not one of %(keys)s") % {"name": key, "keys": ", ".join(sorted(keys))},
                )


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("an array")
    if isinstance(value, dict):
        return _("an object")
    return type(value).__name__


def validate_object(obj, expected_type: str | None = None, *, embedded: bool = False, path: str = "") -> list[Problem]:
    """Check one OParl object, and every object embedded in it, against the 1.1 rules.

    `expected_type` ("Paper", …) is what the referring property promises; without it the
    object's own `type` decides. `embedded=True` for an object given inside its parent, where
    the back reference to the parent may be left out.
    """
    if expected_type is not None and expected_type not in SCHEMAS:
        raise ValueError(f"unknown OParl type {expected_type!r}")
    checker = _Checker()
    checker.object(obj, expected_type, embedded=embedded, path=path)
    return checker.problems


def validate_list_page(page, expected_type: str | None = None, *, path: str = "") -> list[Problem]:
    """Check one page of an external object list: its shape and every object in `data`."""
    if expected_type is not None and expected_type not in SCHEMAS:
        raise ValueError(f"unknown OParl type {expected_type!r}")
    checker = _Checker()
    checker.page(page, expected_type, path)
    return checker.problems
