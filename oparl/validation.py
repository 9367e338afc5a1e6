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
of `Problem`s; an empty list means the object or page keeps every rule checked here.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

TYPE_PREFIX = "https://schema.oparl.org/1.1/"
OPARL_VERSION = "https://schema.oparl.org/1.1/"


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


@dataclass(frozen=True)
class Prop:
    """What the schema says about one property.

    `kind` is one of: string, integer, boolean, url, urls (array of URLs), strings (array of
    strings), date, datetime, object (one embedded object of type `ref`), objects (array of
    them), list (URL of an external list of `ref` objects), geojson.
    For url/urls, `ref` names the OParl type the URL points to; None means a web page,
    a licence or another outside resource.
    """

    kind: str
    ref: str | None = None
    required: bool = False
    choices: frozenset | None = None
    pattern: re.Pattern | None = None
    minimum: int | None = None


def _p(kind, ref=None, **kwargs):
    return Prop(kind, ref, **kwargs)


# "Eigenschaften mit Verwendung in mehreren Objekttypen" and "Änderungen in OParl 1.1":
# every type has these; `id` and `type` are mandatory everywhere, and since 1.1 so are
# `created` and `modified`. `license` is "die URL einer Lizenz" on any object.
COMMON = {
    "id": _p("url", required=True),
    "type": _p("string", required=True),
    "created": _p("datetime", required=True),
    "modified": _p("datetime", required=True),
    "license": _p("url"),
    "keyword": _p("strings"),
    "web": _p("url"),
    "deleted": _p("boolean"),
}

HEX_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
HEX_SHA512 = re.compile(r"^[0-9a-fA-F]{128}$")

# The description of Organization.organizationType fixes its values ("Mögliche Werte sind …").
ORGANIZATION_TYPES = frozenset(
    {"Gremium", "Partei", "Fraktion", "Verwaltungsbereich", "externes Gremium", "Institution", "Sonstiges"}
)

# One table per type, from schema/<Type>.json (1.1) and the section of the same name.
SCHEMAS = {
    # #entity-system; oparlVersion: "Aktuell kommt hier nur ein Wert in Frage … https://schema.oparl.org/1.1/".
    "System": {
        "oparlVersion": _p("string", required=True, choices=frozenset({OPARL_VERSION})),
        "otherOparlVersions": _p("urls"),
        "body": _p("list", "Body", required=True),
        "name": _p("string"),
        "contactEmail": _p("string"),
        "contactName": _p("string"),
        "website": _p("url"),
        "vendor": _p("url"),
        "product": _p("url"),
    },
    # #entity-body: the four lists of 1.0 and the embedded legislative terms are mandatory;
    # the six lists added in 1.1 are optional.
    "Body": {
        "system": _p("url", "System"),
        "shortName": _p("string"),
        "name": _p("string", required=True),
        "website": _p("url"),
        "licenseValidSince": _p("datetime"),
        "oparlSince": _p("datetime"),
        "ags": _p("string"),
        "rgs": _p("string"),
        "equivalent": _p("urls"),
        "contactEmail": _p("string"),
        "contactName": _p("string"),
        "organization": _p("list", "Organization", required=True),
        "person": _p("list", "Person", required=True),
        "meeting": _p("list", "Meeting", required=True),
        "paper": _p("list", "Paper", required=True),
        "legislativeTerm": _p("objects", "LegislativeTerm", required=True),
        "agendaItem": _p("list", "AgendaItem"),
        "consultation": _p("list", "Consultation"),
        "file": _p("list", "File"),
        "locationList": _p("list", "Location"),
        "legislativeTermList": _p("list", "LegislativeTerm"),
        "membership": _p("list", "Membership"),
        "classification": _p("string"),
        "location": _p("object", "Location"),
        "mainOrganization": _p("url", "Organization"),
    },
    # #entity-legislativeterm
    "LegislativeTerm": {
        "body": _p("url", "Body"),
        "name": _p("string"),
        "startDate": _p("date"),
        "endDate": _p("date"),
    },
    # #entity-organization
    "Organization": {
        "body": _p("url", "Body"),
        "name": _p("string"),
        "membership": _p("urls", "Membership"),
        "meeting": _p("list", "Meeting"),
        "consultation": _p("list", "Consultation"),
        "shortName": _p("string"),
        "post": _p("strings"),
        "subOrganizationOf": _p("url", "Organization"),
        "organizationType": _p("string", choices=ORGANIZATION_TYPES),
        "classification": _p("string"),
        "startDate": _p("date"),
        "endDate": _p("date"),
        "website": _p("url"),
        "location": _p("object", "Location"),
        # "Externer OParl Body": usually on another system, so not followed as one of ours.
        "externalBody": _p("url"),
        "memberCount": _p("integer", minimum=0),
        "votingMemberCount": _p("integer", minimum=0),
    },
    # #entity-person
    "Person": {
        "body": _p("url", "Body"),
        "name": _p("string"),
        "familyName": _p("string"),
        "givenName": _p("string"),
        "formOfAddress": _p("string"),
        "affix": _p("string"),
        "title": _p("strings"),
        "gender": _p("string"),
        "phone": _p("strings"),
        "email": _p("strings"),
        "location": _p("url", "Location"),
        "locationObject": _p("object", "Location"),
        "status": _p("strings"),
        "membership": _p("objects", "Membership"),
        "image": _p("object", "File"),
        "life": _p("string"),
        "lifeSource": _p("string"),
    },
    # #entity-membership
    "Membership": {
        "person": _p("url", "Person"),
        "organization": _p("url", "Organization"),
        "role": _p("string"),
        "votingRight": _p("boolean"),
        "startDate": _p("date"),
        "endDate": _p("date"),
        "onBehalfOf": _p("url", "Organization"),
    },
    # #entity-meeting
    "Meeting": {
        "name": _p("string"),
        "meetingState": _p("string"),
        "cancelled": _p("boolean"),
        "start": _p("datetime"),
        "end": _p("datetime"),
        "location": _p("object", "Location"),
        "organization": _p("urls", "Organization"),
        "participant": _p("urls", "Person"),
        "invitation": _p("object", "File"),
        "resultsProtocol": _p("object", "File"),
        "verbatimProtocol": _p("object", "File"),
        "auxiliaryFile": _p("objects", "File"),
        "agendaItem": _p("objects", "AgendaItem"),
    },
    # #entity-agendaitem: `order` is mandatory since 1.1.
    "AgendaItem": {
        "meeting": _p("url", "Meeting"),
        "number": _p("string"),
        "order": _p("integer", required=True),
        "name": _p("string"),
        "public": _p("boolean"),
        "consultation": _p("url", "Consultation"),
        "result": _p("string"),
        "resolutionText": _p("string"),
        "resolutionFile": _p("object", "File"),
        "auxiliaryFile": _p("objects", "File"),
        "start": _p("datetime"),
        "end": _p("datetime"),
    },
    # #entity-paper
    "Paper": {
        "body": _p("url", "Body"),
        "name": _p("string"),
        "reference": _p("string"),
        "date": _p("date"),
        "paperType": _p("string"),
        "relatedPaper": _p("urls", "Paper"),
        "superordinatedPaper": _p("urls", "Paper"),
        "subordinatedPaper": _p("urls", "Paper"),
        "mainFile": _p("object", "File"),
        "auxiliaryFile": _p("objects", "File"),
        "location": _p("objects", "Location"),
        "originatorPerson": _p("urls", "Person"),
        "underDirectionOf": _p("urls", "Organization"),
        "originatorOrganization": _p("urls", "Organization"),
        "consultation": _p("objects", "Consultation"),
    },
    # #entity-consultation
    "Consultation": {
        "paper": _p("url", "Paper"),
        "agendaItem": _p("url", "AgendaItem"),
        "meeting": _p("url", "Meeting"),
        "organization": _p("urls", "Organization"),
        "authoritative": _p("boolean"),
        "role": _p("string"),
    },
    # #entity-file: accessUrl is mandatory; checksums are hexadecimal ("in Hexadezimal-Schreibweise").
    "File": {
        "name": _p("string"),
        "fileName": _p("string"),
        "mimeType": _p("string"),
        "date": _p("date"),
        "size": _p("integer", minimum=0),
        "sha1Checksum": _p("string", pattern=HEX_SHA1),
        "sha512Checksum": _p("string", pattern=HEX_SHA512),
        "text": _p("string"),
        "accessUrl": _p("url", required=True),
        "downloadUrl": _p("url"),
        "externalServiceUrl": _p("url"),
        "masterFile": _p("url", "File"),
        "derivativeFile": _p("urls", "File"),
        "fileLicense": _p("url"),
        "meeting": _p("urls", "Meeting"),
        "agendaItem": _p("urls", "AgendaItem"),
        "person": _p("url", "Person"),
        "paper": _p("urls", "Paper"),
    },
    # #entity-location: geojson "muss ein vollständiges Feature-Objekt" sein.
    "Location": {
        "description": _p("string"),
        "geojson": _p("geojson"),
        "streetAddress": _p("string"),
        "room": _p("string"),
        "postalCode": _p("string"),
        "subLocality": _p("string"),
        "locality": _p("string"),
        "bodies": _p("urls", "Body"),
        "organizations": _p("urls", "Organization"),
        "persons": _p("urls", "Person"),
        "meetings": _p("urls", "Meeting"),
        "papers": _p("urls", "Paper"),
    },
}
SCHEMAS = {name: {**COMMON, **props} for name, props in SCHEMAS.items()}
TYPES = tuple(SCHEMAS)

# A back reference to the parent "muss ausgegeben werden, wenn das … Objekt einzeln abgerufen
# wird, d.h. nicht Teil einer internen Ausgabe ist" (AgendaItem.meeting, Membership.person,
# Consultation.paper, LegislativeTerm.body).
BACKREFERENCES = {
    "AgendaItem": ("meeting",),
    "Membership": ("person",),
    "Consultation": ("paper",),
    "LegislativeTerm": ("body",),
}

# "Gelöschte Objekte": id, type and created stay, modified becomes the time of deletion,
# deleted is true, "sämtliche anderen Attribute [müssen] gelöscht werden".
DELETED_KEYS = frozenset({"id", "type", "created", "modified", "deleted"})

# "Objektlisten und Paginierung" › Paginierung: a page has data, pagination and links.
PAGINATION_KEYS = frozenset({"totalElements", "elementsPerPage", "currentPage", "totalPages"})
LINK_KEYS = frozenset({"first", "prev", "self", "next", "last", "web"})

# "Herstellerspezifische Erweiterungen": a vendor prefix and a colon ("herstellera:newWonderProperty");
# "@" must not be part of the prefix.
VENDOR_PROPERTY = re.compile(r"^([^:@\s]+):(\S+)$")

# "Datums- und Zeitangaben": xsd:date without a time zone, xsd:dateTime with one (RFC 3339).
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def type_url(type_name: str) -> str:
    """The `type` URL of an OParl 1.1 type, e.g. https://schema.oparl.org/1.1/Paper."""
    return TYPE_PREFIX + type_name


def type_name_of(value) -> str | None:
    """The OParl type name for a `type` URL, or None if it is not one of the twelve of 1.1."""
    if isinstance(value, str) and value.startswith(TYPE_PREFIX) and value[len(TYPE_PREFIX) :] in SCHEMAS:
        return value[len(TYPE_PREFIX) :]
    return None


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
