"""From OParl values to ours: type names, dates, vocabularies, and the fields of each object type.

The functions here read one OParl object (a dict) and return the field values of our model;
they touch no database. References to other objects arrive already resolved, through the
`Refs` the run passes in. Everything optional in OParl is optional here: a missing field
leaves ours empty or at its default, never an exception; what cannot be represented raises
`MappingError` with the reason, which the run reports with the object's id.

OParl 1.0 is read like 1.1: its type URLs (`https://schema.oparl.org/1.0/Paper`, and the
older `http://oparl.org/schema/1.0/Paper`), `publishedDate` for `date`, `sha1Checksum`
without `sha512Checksum`, `originator` beside `originatorPerson`/`originatorOrganization`.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from council.models import Location, Meeting, Organization, Person
from resolutions.models import REFERENCE_MAX_LENGTH, REFERENCE_PATTERN, Attachment, Consultation, Decision, Paper

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
# Our own extension: the vote counts of a decision, served on the AgendaItem (see oparl/README.md).
VOTES_EXTENSION = "ratsbuch:votes"
# Our extensions on Paper: the texts of the Vorlage (Markdown), by the field of ours they fill.
PAPER_TEXT_EXTENSIONS = {
    "explanation": "ratsbuch:explanation",
    "proposal_addressee": "ratsbuch:proposalAddressee",
    "proposal": "ratsbuch:proposal",
    "financial_impact": "ratsbuch:financialImpact",
}

_REFERENCE_RE = re.compile(rf"^(?:{REFERENCE_PATTERN})$")


class MappingError(Exception):
    """An OParl object that cannot become one of ours; the message says why."""


def type_name(obj: dict, default: str | None = None) -> str | None:
    """The bare type of an object: "Paper" for https://schema.oparl.org/1.1/Paper, 1.0 URLs too."""
    value = obj.get("type") if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value:
        return default
    return re.split(r"[/#:]", value.rstrip("/"))[-1] or default


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


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def from_vocabulary(value: str, choices: Iterable[str], synonyms: dict[str, str] | None = None) -> str | None:
    """Our choice for an OParl vocabulary word: the same word (any case), or a known synonym."""
    folded = _fold(value or "")
    if not folded:
        return None
    for choice in choices:
        if _fold(choice) == folded:
            return choice
    return (synonyms or {}).get(folded)


ORGANIZATION_TYPE_SYNONYMS = {
    "ausschuss": Organization.Type.COMMITTEE,
    "rat": Organization.Type.COMMITTEE,
    "gemeinderat": Organization.Type.COMMITTEE,
    "stadtrat": Organization.Type.COMMITTEE,
    "kreistag": Organization.Type.COMMITTEE,
    "beirat": Organization.Type.COMMITTEE,
    "bezirksvertretung": Organization.Type.COMMITTEE,
    "ortsbeirat": Organization.Type.COMMITTEE,
    "verwaltung": Organization.Type.ADMINISTRATIVE_UNIT,
    "amt": Organization.Type.ADMINISTRATIVE_UNIT,
    "fachbereich": Organization.Type.ADMINISTRATIVE_UNIT,
    "dezernat": Organization.Type.ADMINISTRATIVE_UNIT,
    "referat": Organization.Type.ADMINISTRATIVE_UNIT,
    "gruppe": Organization.Type.FACTION,
}
GENDER_SYNONYMS = {
    "weiblich": Person.Gender.FEMALE,
    "w": Person.Gender.FEMALE,
    "männlich": Person.Gender.MALE,
    "m": Person.Gender.MALE,
    "divers": Person.Gender.OTHER,
    "d": Person.Gender.OTHER,
}
CONSULTATION_ROLE_SYNONYMS = {
    "vorberatend": Consultation.Role.PRELIMINARY,
    "beratung": Consultation.Role.PRELIMINARY,
    "vorberatung und empfehlung": Consultation.Role.PRELIMINARY,
    "entscheidend": Consultation.Role.DECISION,
    "beschluss": Consultation.Role.DECISION,
    "beschlussfassung": Consultation.Role.DECISION,
    "zur entscheidung": Consultation.Role.DECISION,
    "zur kenntnis": Consultation.Role.NOTICE,
    "zur kenntnisnahme": Consultation.Role.NOTICE,
    "kenntnis": Consultation.Role.NOTICE,
    "anhörung": Consultation.Role.HEARING,
    "zur anhörung": Consultation.Role.HEARING,
}
# What other systems write as AgendaItem.result, to our Decision.Result. Only clear matches:
# anything else is reported, not guessed.
RESULT_SYNONYMS = {
    "unverändert beschlossen": Decision.Result.ADOPTED,
    "einstimmig beschlossen": Decision.Result.ADOPTED,
    "mehrheitlich beschlossen": Decision.Result.ADOPTED,
    "beschlossen": Decision.Result.ADOPTED,
    "angenommen": Decision.Result.ADOPTED,
    "zugestimmt": Decision.Result.ADOPTED,
    "geändert beschlossen": Decision.Result.ADOPTED_AMENDED,
    "mit änderungen beschlossen": Decision.Result.ADOPTED_AMENDED,
    "mit änderung beschlossen": Decision.Result.ADOPTED_AMENDED,
    "abgelehnt": Decision.Result.REJECTED,
    "mehrheitlich abgelehnt": Decision.Result.REJECTED,
    "einstimmig abgelehnt": Decision.Result.REJECTED,
    "vertagt": Decision.Result.DEFERRED,
    "zurückgestellt": Decision.Result.DEFERRED,
    "verwiesen": Decision.Result.REFERRED,
    "überwiesen": Decision.Result.REFERRED,
    "zurückverwiesen": Decision.Result.REFERRED,
    "zurückgezogen": Decision.Result.WITHDRAWN,
    "zur kenntnis genommen": Decision.Result.NOTED,
    "kenntnis genommen": Decision.Result.NOTED,
    "zur kenntnis": Decision.Result.NOTED,
}
# Results after which the Vorlage is still open (see resolutions.queries.REOPENING_RESULTS).
OPEN_RESULTS = {Decision.Result.DEFERRED, Decision.Result.REFERRED}


def decision_result(value: str) -> str | None:
    """Our result for an AgendaItem.result; the votes some systems add in brackets are read elsewhere."""
    found = from_vocabulary(value, Decision.Result.values, RESULT_SYNONYMS)
    if found is None:
        # "beschlossen (52 ja, 0 nein, 2 Enthaltungen)": the word before the bracket.
        found = from_vocabulary(re.sub(r"\s*\(.*\)\s*$", "", value or ""), Decision.Result.values, RESULT_SYNONYMS)
    return found


def paper_type(value: str) -> str:
    """Our type of Vorlage for OParl's free-text paperType; a Beschlussvorlage when nothing fits."""
    exact = from_vocabulary(value, Paper.Type.values)
    if exact:
        return exact
    folded = _fold(value or "")
    for word, choice in (
        ("anfrage", Paper.Type.INQUIRY),
        ("antrag", Paper.Type.MOTION),
        ("mitteilung", Paper.Type.COMMUNICATION),
        ("information", Paper.Type.INFORMATION),
        ("bericht", Paper.Type.REPORT),
    ):
        if word in folded:
            return choice
    return Paper.Type.RESOLUTION


def attachment_type(name: str) -> str:
    """The kind of attachment its name says (a "Beitrittserklärung" is one), else an Anlage."""
    folded = _fold(name or "")
    for choice in Attachment.Type.values:
        if choice != Attachment.Type.OTHER and _fold(choice) in folded:
            return choice
    return Attachment.Type.ANNEX


def valid_reference(value: str) -> bool:
    return bool(value) and len(value) <= REFERENCE_MAX_LENGTH and bool(_REFERENCE_RE.match(value))


def ags_of(obj: dict) -> str:
    """The 8-digit Amtlicher Gemeindeschlüssel, given or taken from the 12-digit Regionalschlüssel."""
    ags = re.sub(r"\s", "", text(obj, "ags", "amtlicherGemeindeschluessel", "amtlicherGemeindeschlüssel"))
    if re.fullmatch(r"[0-9]{8}", ags):
        return ags
    rgs = re.sub(r"\s", "", text(obj, "rgs", "regionalschluessel", "regionalschlüssel"))
    if re.fullmatch(r"[0-9]{12}", rgs):
        # Land, Regierungsbezirk and Kreis (5 digits), then the Gemeinde (the last 3).
        return rgs[:5] + rgs[9:]
    return ""


# --- the fields of each type -----------------------------------------------------------
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


def body_fields(obj: dict, refs: Refs) -> dict:
    ags = ags_of(obj)
    if not ags:
        raise MappingError(gettext("the body has no 8-digit ags (Amtlicher Gemeindeschlüssel) nor a 12-digit rgs"))
    name = text(obj, "name", "shortName", max_length=200)
    if not name:
        raise MappingError(gettext("the body has no name"))
    return {
        "name": name,
        "short_name": text(obj, "shortName", max_length=100),
        "ags": ags,
        "rgs": re.sub(r"\s", "", text(obj, "rgs", "regionalschluessel", "regionalschlüssel"))[:12],
        "classification": text(obj, "classification", max_length=100),
        "website": text(obj, "website", max_length=200),
        "contact_name": text(obj, "contactName", max_length=200),
        "contact_email": first_text(obj, "contactEmail")[:254],
    }


def legislative_term_fields(obj: dict, refs: Refs) -> dict:
    start = to_date(obj.get("startDate"))
    if start is None:
        raise MappingError(gettext("the legislative term has no startDate"))
    end = to_date(obj.get("endDate"))
    return {
        "body": refs.body,
        "name": text(obj, "name", max_length=100) or str(start.year),
        "start_date": start,
        "end_date": end,
    }


def location_fields(obj: dict, refs: Refs) -> dict:
    street = text(obj, "streetAddress", max_length=200)
    locality = text(obj, "locality", max_length=100)
    room = text(obj, "room", max_length=100)
    description = text(obj, "description", max_length=200) or ", ".join(p for p in (street, locality) if p) or room
    if not description:
        description = gettext("Location")
    return {
        "body": refs.body,
        "description": description,
        "street_address": street,
        "room": room,
        "postal_code": text(obj, "postalCode", max_length=10),
        "locality": locality,
    }


def organization_fields(obj: dict, refs: Refs) -> dict:
    name = text(obj, "name", "shortName", max_length=200)
    if not name:
        raise MappingError(gettext("the organization has no name"))
    kind = from_vocabulary(text(obj, "organizationType"), Organization.Type.values, ORGANIZATION_TYPE_SYNONYMS)
    start, end = to_date(obj.get("startDate")), to_date(obj.get("endDate"))
    if start and end and end < start:
        refs.notes.append(gettext("endDate before startDate; endDate left out"))
        end = None
    return {
        "body": refs.body,
        "name": name,
        "short_name": text(obj, "shortName", max_length=50),
        "organization_type": kind or Organization.Type.OTHER,
        "classification": text(obj, "classification", max_length=100),
        "start_date": start,
        "end_date": end,
        "website": text(obj, "website", max_length=200),
        "location": refs.one(obj.get("location"), Location, what="location"),
    }


def person_fields(obj: dict, refs: Refs) -> dict:
    family_name = text(obj, "familyName", max_length=100) or text(obj, "name", max_length=100)
    if not family_name:
        raise MappingError(gettext("the person has neither familyName nor name"))
    gender = from_vocabulary(text(obj, "gender"), [g for g in Person.Gender.values if g], GENDER_SYNONYMS)
    return {
        "body": refs.body,
        "family_name": family_name,
        "given_name": text(obj, "givenName", max_length=100),
        "form_of_address": text(obj, "formOfAddress", max_length=50),
        "title": text(obj, "title", max_length=50),
        "affix": text(obj, "affix", max_length=50),
        "gender": gender or "",
        "email": first_text(obj, "email")[:254],
        "phone": first_text(obj, "phone")[:50],
    }


def membership_fields(obj: dict, refs: Refs) -> dict:
    start, end = to_date(obj.get("startDate")), to_date(obj.get("endDate"))
    if start and end and end < start:
        refs.notes.append(gettext("endDate before startDate; endDate left out"))
        end = None
    return {
        "person": refs.one(obj.get("person") or refs.parent.get("Person"), Person, what="person", required=True),
        "organization": refs.one(
            obj.get("organization") or refs.parent.get("Organization"), Organization, what="organization", required=True
        ),
        "role": text(obj, "role", max_length=100),
        "voting_right": to_bool(obj.get("votingRight"), True),
        "on_behalf_of": refs.one(obj.get("onBehalfOf"), Organization, what="onBehalfOf"),
        "start_date": start,
        "end_date": end,
    }


MEETING_STATE_WORDS = {
    # OParl's recommended words for meetingState, and ours.
    "terminiert": Meeting.State.SCHEDULED,
    "eingeladen": Meeting.State.INVITED,
    "durchgeführt": Meeting.State.HELD,
    **{state: state for state in Meeting.State.values},
}


def meeting_state(obj: dict, start: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """Cancelled if the source says so; else the recommended meetingState words; else held once begun."""
    if to_bool(obj.get("cancelled"), False):
        return Meeting.State.CANCELLED
    said = MEETING_STATE_WORDS.get(_fold(text(obj, "meetingState")))
    if said is not None and said != Meeting.State.CANCELLED:
        return said
    return Meeting.State.HELD if start < (now or timezone.now()) else Meeting.State.SCHEDULED


def meeting_fields(obj: dict, refs: Refs) -> tuple[dict, dict]:
    start = to_datetime(obj.get("start"))
    if start is None:
        raise MappingError(gettext("the meeting has no start"))
    end = to_datetime(obj.get("end"))
    if end is not None and end < start:
        refs.notes.append(gettext("end before start; end left out"))
        end = None
    organizations = refs.many(obj.get("organization"), Organization)
    name = text(obj, "name", max_length=200)
    if not name:
        label = organizations[0].name if organizations else gettext("Meeting")
        name = f"{label}, {timezone.localtime(start):%d.%m.%Y}"[:200]
    state = meeting_state(obj, start)
    invitation = obj.get("invitation")
    invited_at = None
    if state in (Meeting.State.INVITED, Meeting.State.HELD) and isinstance(invitation, dict):
        # The invitation document was made when the invitations went out.
        invited_at = to_datetime(invitation.get("created"))
    values = {
        "body": refs.body,
        "name": name,
        "start": start,
        "end": end,
        "location": refs.one(obj.get("location"), Location, what="location"),
        "state": state,
        "invited_at": invited_at,
    }
    participants = refs.many(obj.get("participant"), Person)
    return values, {"organizations": organizations, "participants": participants}


def agenda_item_fields(obj: dict, refs: Refs) -> dict:
    meeting = refs.one(obj.get("meeting") or refs.parent.get("Meeting"), Meeting, what="meeting", required=True)
    # The place on the agenda the run worked out from the meeting's list; else the item's own `order`.
    order = refs.parent.get("position")
    if order is None:
        order = obj.get("order")
        if not isinstance(order, int) or isinstance(order, bool) or order < 1:
            raise MappingError(gettext("the agenda item has no order and is not listed in its meeting"))
    return {
        "meeting": meeting,
        "number": text(obj, "number", max_length=20) or str(order),
        "order": order,
        "name": text(obj, "name", max_length=500) or text(obj, "number", max_length=500) or "–",
        "public": to_bool(obj.get("public"), True),
    }


def paper_fields(obj: dict, refs: Refs) -> tuple[dict, dict]:
    name = text(obj, "name", "reference", max_length=500)
    if not name:
        raise MappingError(gettext("the paper has no name"))
    created = to_datetime(obj.get("created"))
    day = to_date(obj.get("date")) or to_date(obj.get("publishedDate")) or (created and timezone.localdate(created))
    if day is None:
        raise MappingError(gettext("the paper has neither date nor created"))
    # 1.0 wrote `underDirectionof`; `originator` mixed persons and organizations.
    units = refs.many(obj.get("underDirectionOf", obj.get("underDirectionof")), Organization)
    persons = refs.many(obj.get("originatorPerson"), Person) + refs.many(obj.get("originator"), Person)
    organizations = refs.many(obj.get("originatorOrganization"), Organization) + refs.many(
        obj.get("originator"), Organization
    )
    # The main document appeared when the paper was published: the best record of its release.
    main_file = obj.get("mainFile")
    published = to_datetime(main_file.get("created")) if isinstance(main_file, dict) else None
    values = {
        "body": refs.body,
        "paper_type": paper_type(text(obj, "paperType")),
        "name": name,
        "date": day,
        # The keywords file the paper, as the programme line above the title does.
        "subject_line": text({"keyword": ", ".join(strings(obj.get("keyword")))}, "keyword", max_length=300),
        "under_direction_of": units[0] if units else (organizations[0] if organizations else None),
        "public": True,
        "released_at": published or created or timezone.make_aware(datetime.datetime.combine(day, datetime.time())),
        # OParl has no Sachverhalt or Beschlussvorschlag; another Ratsbuch serves them as extensions,
        # elsewhere only the documents carry them (and a blank addressee line, since there is no proposal).
        **{
            name: markdown(obj, prop, max_length=Paper._meta.get_field(name).max_length)
            for name, prop in PAPER_TEXT_EXTENSIONS.items()
        },
    }
    return values, {
        "originator_persons": list(dict.fromkeys(persons)),
        "originator_organizations": list(dict.fromkeys(organizations)),
    }


def consultation_fields(obj: dict, refs: Refs, *, paper, agenda_item, order: int) -> dict:
    organizations = refs.many(obj.get("organization"), Organization)
    organization = organizations[0] if organizations else None
    if organization is None and agenda_item is not None:
        organization = agenda_item.meeting.organizations.order_by("pk").first()
    if organization is None:
        raise MappingError(gettext("the consultation names no organization"))
    authoritative = to_bool(obj.get("authoritative"), False)
    role = from_vocabulary(text(obj, "role"), Consultation.Role.values, CONSULTATION_ROLE_SYNONYMS)
    if role is None:
        role = Consultation.Role.DECISION if authoritative else Consultation.Role.PRELIMINARY
        if text(obj, "role"):
            refs.notes.append(gettext("role “%(role)s” read as “%(ours)s”") % {"role": text(obj, "role"), "ours": role})
    return {
        "paper": paper,
        "organization": organization,
        "role": role,
        "authoritative": authoritative,
        "order": order,
        "agenda_item": agenda_item,
    }


def decision_votes(obj: dict) -> dict:
    """Vote counts from our `ratsbuch:votes` extension; zeros when absent."""
    votes = obj.get(VOTES_EXTENSION)
    votes = votes if isinstance(votes, dict) else {}

    def count(*keys):
        for key in keys:
            value = votes.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
        return 0

    return {
        "votes_yes": count("yes"),
        "votes_no": count("no"),
        "votes_abstain": count("abstention", "abstain", "abstentions"),
        "votes_biased": count("biased"),
        "unanimous": to_bool(votes.get("unanimous"), False),
    }


def faction_votes(obj: dict) -> list[tuple[str, dict]]:
    """(Fraktion id, counts) from `ratsbuch:votes.byFaction`: a list of rows or a dict keyed by Fraktion."""
    votes = obj.get(VOTES_EXTENSION)
    rows = votes.get("byFaction") if isinstance(votes, dict) else None
    if isinstance(rows, dict):
        rows = [{"faction": key, **value} for key, value in rows.items() if isinstance(value, dict)]
    result = []
    for row in rows or []:
        if not isinstance(row, dict):
            continue
        faction = ref_id(row.get("faction") or row.get("organization"))
        if faction:
            counts = decision_votes({VOTES_EXTENSION: row})
            counts.pop("unanimous")
            result.append((faction, counts))
    return result
