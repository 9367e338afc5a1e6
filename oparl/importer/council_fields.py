"""The fields of the council's OParl objects: Body, LegislativeTerm, Location, Organization, Person,
Membership, Meeting and AgendaItem (written by `council_objects` and `run`)."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext

from council.models import Location, Meeting, Organization, Person

from .mapping import MappingError, Refs, checked, first_text, text, to_bool, to_date, to_datetime
from .vocabularies import GENDER_SYNONYMS, MEETING_STATE_WORDS, ORGANIZATION_TYPE_SYNONYMS, fold, from_vocabulary


def _digits(obj: dict, *keys: str) -> str:
    return re.sub(r"\s", "", text(obj, *keys))


def ags_of(obj: dict, notes: list[str] | None = None) -> str:
    """The 8-digit Amtlicher Gemeindeschlüssel, given or taken from the 12-digit Regionalschlüssel; "" if neither.

    A key that lost its leading zero (sent as a number: "5358016" for 05358016) gets it back;
    each such repair, and a key that cannot be read, is added to `notes`.
    """
    notes = notes if notes is not None else []
    given = _digits(obj, "ags", "amtlicherGemeindeschluessel", "amtlicherGemeindeschlüssel")
    if re.fullmatch(r"[0-9]{8}", given):
        return given
    if re.fullmatch(r"[0-9]{7}", given) and given[0] != "0":
        notes.append(
            gettext("ags “%(given)s” read as %(ags)s (leading zero lost)") % {"given": given, "ags": "0" + given}
        )
        return "0" + given
    rgs = rgs_of(obj, notes)
    if rgs:
        # Land, Regierungsbezirk and Kreis (5 digits), then the Gemeinde (the last 3).
        ags = rgs[:5] + rgs[9:]
        if given:
            notes.append(gettext("ags “%(given)s” unusable; %(ags)s taken from the rgs") % {"given": given, "ags": ags})
        return ags
    if given:
        notes.append(gettext("ags “%s” is not an 8-digit AGS; imported without one") % given)
    else:
        notes.append(gettext("no ags nor rgs; imported without an AGS"))
    return ""


def rgs_of(obj: dict, notes: list[str] | None = None) -> str:
    """The 12-digit Regionalschlüssel, with a lost leading zero put back; "" if there is none."""
    given = _digits(obj, "rgs", "regionalschluessel", "regionalschlüssel")
    if re.fullmatch(r"[0-9]{12}", given):
        return given
    if re.fullmatch(r"[0-9]{11}", given) and given[0] != "0":
        if notes is not None:
            notes.append(
                gettext("rgs “%(given)s” read as %(rgs)s (leading zero lost)") % {"given": given, "rgs": "0" + given}
            )
        return "0" + given
    return ""


def body_fields(obj: dict, refs: Refs) -> dict:
    name = text(obj, "name", "shortName", max_length=200)
    if not name:
        raise MappingError(gettext("the body has no name"))
    notes: list[str] = []
    ags = ags_of(obj, notes)
    rgs = rgs_of(obj)
    refs.notes.extend(notes)
    return {
        "name": name,
        "short_name": text(obj, "shortName", max_length=100),
        "ags": ags,
        "rgs": rgs,
        "classification": text(obj, "classification", max_length=100),
        "website": checked(text(obj, "website", max_length=200), "url", refs.notes, field="website"),
        "contact_name": text(obj, "contactName", max_length=200),
        "contact_email": checked(first_text(obj, "contactEmail")[:254], "email", refs.notes, field="contactEmail"),
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
        **postal_code_and_locality(obj, locality, refs.notes),
    }


def postal_code_and_locality(obj: dict, locality: str, notes: list[str]) -> dict:
    """The Postleitzahl without the no-break or other spaces some systems put in; a town written after it moves.

    "67059\u00a0Ludwigshafen" in postalCode is read as 67059 and, if locality is empty, Ludwigshafen.
    """
    given = text(obj, "postalCode")
    code = re.sub(r"\s+", " ", given).strip()
    match = re.fullmatch(r"(?:D-?\s?)?([0-9][0-9 ]{3,6}[0-9])(?:\s+(\D.*))?", code)
    if match:
        code = match.group(1).replace(" ", "")
        if match.group(2) and not locality:
            locality = match.group(2)[:100]
    if len(code) > 10:
        notes.append(gettext("postalCode “%s” is too long; left out") % given[:50])
        code = ""
    return {"postal_code": code, "locality": locality}


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
        "website": checked(text(obj, "website", max_length=200), "url", refs.notes, field="website"),
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
        "email": checked(first_text(obj, "email")[:254], "email", refs.notes, field="email"),
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


def meeting_state(obj: dict, start: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """Cancelled if the source says so; else the recommended meetingState words; else held once begun."""
    if to_bool(obj.get("cancelled"), False):
        return Meeting.State.CANCELLED
    said = MEETING_STATE_WORDS.get(fold(text(obj, "meetingState")))
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
