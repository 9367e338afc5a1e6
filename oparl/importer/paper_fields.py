"""The fields of a Vorlage's OParl objects: Paper, Consultation, and the decision an AgendaItem records
(its votes; the words of its result are read in `vocabularies`); written by `papers`."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext

from council.models import Meeting, Organization, Person
from resolutions.models import REFERENCE_MAX_LENGTH, REFERENCE_PATTERN, Consultation, Paper

from .mapping import MappingError, Refs, markdown, ref_id, strings, text, to_bool, to_date, to_datetime
from .vocabularies import CONSULTATION_ROLE_SYNONYMS, from_vocabulary, paper_type

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


def valid_reference(value: str) -> bool:
    return bool(value) and len(value) <= REFERENCE_MAX_LENGTH and bool(_REFERENCE_RE.match(value))


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


def consultation_fields(obj: dict, refs: Refs, *, paper, agenda_item, order: int, placeholder=None) -> dict:
    """The fields of a step of the Beratungsfolge; without any organization it goes to `placeholder()`."""
    organizations = refs.many(obj.get("organization"), Organization)
    organization = organizations[0] if organizations else None
    meeting = agenda_item.meeting if agenda_item is not None else refs.one(obj.get("meeting"), Meeting, what="meeting")
    if organization is None and meeting is not None:
        organization = meeting.organizations.order_by("pk").first()
    if organization is None and placeholder is not None:
        organization = placeholder()
        refs.notes.append(gettext("no organization; filed under “%s”") % organization.name)
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
