"""OParl's vocabularies as our choices: the words other systems write for types, roles and results.

Only clear matches are taken; a word that fits nothing is left to the caller to report or to
default, never guessed. Nothing here touches the database.
"""

import re
from collections.abc import Iterable

from council.models import Meeting, Organization, Person
from resolutions.models import Attachment, Consultation, Decision, Paper


def fold(value: str) -> str:
    """A word compared without case and with its white space collapsed."""
    return re.sub(r"\s+", " ", value).strip().casefold()


def from_vocabulary(value: str, choices: Iterable[str], synonyms: dict[str, str] | None = None) -> str | None:
    """Our choice for an OParl vocabulary word: the same word (any case), or a known synonym."""
    folded = fold(value or "")
    if not folded:
        return None
    for choice in choices:
        if fold(choice) == folded:
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
# What other systems write as AgendaItem.result, to our Decision.Result: the common wordings
# of SessionNet, ALLRIS and SD.NET, and OParl's examples. Only clear matches; anything else is
# kept as text under "other" (a municipality adds its own wordings as `ResultWording` rows).
RESULT_SYNONYMS = {
    "unverändert beschlossen": Decision.Result.ADOPTED,
    "ungeändert beschlossen": Decision.Result.ADOPTED,
    "einstimmig beschlossen": Decision.Result.ADOPTED,
    "mehrheitlich beschlossen": Decision.Result.ADOPTED,
    "beschlossen": Decision.Result.ADOPTED,
    "beschluss": Decision.Result.ADOPTED,
    "angenommen": Decision.Result.ADOPTED,
    "zugestimmt": Decision.Result.ADOPTED,
    "zustimmung": Decision.Result.ADOPTED,
    "einverstanden": Decision.Result.ADOPTED,
    "mit stellungnahme einverstanden": Decision.Result.ADOPTED,
    "empfohlen": Decision.Result.ADOPTED,
    "empfehlung": Decision.Result.ADOPTED,
    "einstimmig empfohlen": Decision.Result.ADOPTED,
    "vorberaten": Decision.Result.ADOPTED,
    "vorberaten ohne änderungen": Decision.Result.ADOPTED,
    "gewählt": Decision.Result.ADOPTED,
    "geändert beschlossen": Decision.Result.ADOPTED_AMENDED,
    "mit änderungen beschlossen": Decision.Result.ADOPTED_AMENDED,
    "mit änderung beschlossen": Decision.Result.ADOPTED_AMENDED,
    "beschlossen mit änderungen": Decision.Result.ADOPTED_AMENDED,
    "vorberaten mit änderungen": Decision.Result.ADOPTED_AMENDED,
    "mit änderungen zugestimmt": Decision.Result.ADOPTED_AMENDED,
    "teilweise zugestimmt": Decision.Result.ADOPTED_AMENDED,
    "teilweise abgelehnt": Decision.Result.ADOPTED_AMENDED,
    "teilweise beschlossen": Decision.Result.ADOPTED_AMENDED,
    "abgelehnt": Decision.Result.REJECTED,
    "ablehnung": Decision.Result.REJECTED,
    "nicht zugestimmt": Decision.Result.REJECTED,
    "mehrheitlich abgelehnt": Decision.Result.REJECTED,
    "einstimmig abgelehnt": Decision.Result.REJECTED,
    "vertagt": Decision.Result.DEFERRED,
    "zurückgestellt": Decision.Result.DEFERRED,
    "abgesetzt": Decision.Result.DEFERRED,
    "von der tagesordnung abgesetzt": Decision.Result.DEFERRED,
    "verwiesen": Decision.Result.REFERRED,
    "überwiesen": Decision.Result.REFERRED,
    "zurückverwiesen": Decision.Result.REFERRED,
    "zurückgezogen": Decision.Result.WITHDRAWN,
    "zur kenntnis genommen": Decision.Result.NOTED,
    "kenntnis genommen": Decision.Result.NOTED,
    "zur kenntnis": Decision.Result.NOTED,
    "kenntnisnahme": Decision.Result.NOTED,
    "zur kenntnisnahme": Decision.Result.NOTED,
    "zustimmende kenntnisnahme": Decision.Result.NOTED,
}
# A wording that begins with one of these says where it went or until when ("verwiesen in den
# Gemeinderat", "vertagt auf die nächste Sitzung"): the first word decides.
RESULT_PREFIXES = (
    ("zurückverwiesen", Decision.Result.REFERRED),
    ("verwiesen", Decision.Result.REFERRED),
    ("überwiesen", Decision.Result.REFERRED),
    ("vertagt", Decision.Result.DEFERRED),
    ("zurückgestellt", Decision.Result.DEFERRED),
    ("zurückgezogen", Decision.Result.WITHDRAWN),
)
# Results after which the Vorlage is still open (see resolutions.queries.REOPENING_RESULTS).
OPEN_RESULTS = {Decision.Result.DEFERRED, Decision.Result.REFERRED}


def decision_result(value: str, wordings: dict[str, str] | None = None) -> str | None:
    """Our result for an AgendaItem.result, or None if its wording is not clear (votes in brackets are read elsewhere).

    `wordings` (folded wording → result) are the municipality's own `ResultWording` rows; they win.
    """
    wordings = wordings or {}
    bare = re.sub(r"\s*\(.*\)\s*$", "", value or "")  # "beschlossen (52 ja, 0 nein)": the word before the bracket
    for candidate in dict.fromkeys((value or "", bare)):
        folded = fold(candidate)
        if folded in wordings:
            return wordings[folded]
        found = from_vocabulary(candidate, Decision.Result.values, RESULT_SYNONYMS)
        if found is not None:
            return found
    folded = fold(bare)
    for prefix, result in RESULT_PREFIXES:
        if folded.startswith(prefix + " "):
            return result
    return None


def paper_type(value: str) -> str:
    """Our type of Vorlage for OParl's free-text paperType; a Beschlussvorlage when nothing fits."""
    exact = from_vocabulary(value, Paper.Type.values)
    if exact:
        return exact
    folded = fold(value or "")
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
    folded = fold(name or "")
    for choice in Attachment.Type.values:
        if choice != Attachment.Type.OTHER and fold(choice) in folded:
            return choice
    return Attachment.Type.ANNEX


MEETING_STATE_WORDS = {
    # OParl's recommended words for meetingState, and ours.
    "terminiert": Meeting.State.SCHEDULED,
    "eingeladen": Meeting.State.INVITED,
    "durchgeführt": Meeting.State.HELD,
    **{state: state for state in Meeting.State.values},
}
