"""The OParl 1.1 schema as data: each object type's properties, and the fixed keys of pages and deleted objects.

Written from the JSON schema documents of the public OParl/spec repository (`schema/*.json`,
final 1.1 state) and the specification's text (`src/`); the comments name its sections:
"Eigenschaften mit Verwendung in mehreren Objekttypen", one section per type (#entity-system
… #entity-location), "Änderungen in OParl 1.1", "Gelöschte Objekte", "Objektlisten und
Paginierung". The checks that use these tables are in `oparl.validation`; the crawler walks
the links they declare.
"""

import re
from dataclasses import dataclass

TYPE_PREFIX = "https://schema.oparl.org/1.1/"
OPARL_VERSION = "https://schema.oparl.org/1.1/"


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

# Which list of its Body holds an object of each type (Body objects are in System.body).
BODY_LIST_OF_TYPE = {
    "Organization": "organization",
    "Person": "person",
    "Meeting": "meeting",
    "Paper": "paper",
    "AgendaItem": "agendaItem",
    "Consultation": "consultation",
    "File": "file",
    "Location": "locationList",
    "LegislativeTerm": "legislativeTermList",
    "Membership": "membership",
}

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


def type_url(type_name: str) -> str:
    """The `type` URL of an OParl 1.1 type, e.g. https://schema.oparl.org/1.1/Paper."""
    return TYPE_PREFIX + type_name


def type_name_of(value) -> str | None:
    """The OParl type name for a `type` URL, or None if it is not one of the twelve of 1.1."""
    if isinstance(value, str) and value.startswith(TYPE_PREFIX) and value[len(TYPE_PREFIX) :] in SCHEMAS:
        return value[len(TYPE_PREFIX) :]
    return None
