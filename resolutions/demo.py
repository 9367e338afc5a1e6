"""Demo data of the Vorlagen: the seed KSD 20135317 word for word, its path and decisions, and a few more.

The seed (`seed/000_ae6a05676c02412e.txt`, a PDF's text) maps to the fields like this:
line 1 is the subject line, line 2 the title, "KSD 20135317" the reference; everything up
to "Es fallen keine Mitgliedsbeiträge für das Bündnis an." is the Sachverhalt, with the
hyphenation at line ends undone and the four aims as a Markdown list; that last sentence
is also the financial impact; "A N T R A G" is the heading the Vorlage layout prints above
the proposal; then come the addressee line and the Beschlussvorschlag.

The path of the seed keeps the rules the meeting services enforce: the Sozialausschuss
recommends the Beschlussvorschlag word for word on 4 March 2013 (a Vorberatung; 13 yes,
1 abstention of its 14 voting members present), the Stadtrat adopts it on 18 March 2013
(52 yes, 2 abstentions; 55 voting members present with the Oberbürgermeisterin), both
carrying the proposal as their resolution text. Attendance lists only persons with a seat
in the meeting's organization on its day, and the votes are counted from it.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from council.demo import (
    CouncilDemo,
    apply_changes,
    aware,
    ensure,
    ensure_agenda,
    ensure_all,
    ensure_attendance,
    ensure_meeting,
)
from council.meetings import eligible_attendees
from council.models import AgendaItem, Attendance, Meeting, Person

from .models import (
    Attachment,
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    Paper,
    PaperEvent,
    attachment_upload_to,
)
from .pdf import pdf_text, simple_document_pdf
from .services import paper_create

# --- the seed, field by field ---------------------------------------------------------
SEED_REFERENCE = "20135317"
SEED_SUBJECT_LINE = 'Bund-Länder-Programm "Soziale Stadt"'
SEED_TITLE = "Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz"
SEED_DATE = datetime.date(2013, 2, 20)
SEED_AIMS = [
    "Den strategischen Ansatz eines ressortübergreifenden Handelns zugunsten benachteiligter Stadtteile zu stärken",
    "In diesem Sinne bewährte Kooperationsformen aufzugreifen und fortzuentwickeln",
    "den Erfahrungsaustausch der Akteure zu unterstützen und",
    "die Landesregierung zu gewinnen, als Partnerin der zivilgesellschaftlichen Akteure mit ihren Möglichkeiten den "
    "Ansatz einer integrierten Stadtentwicklung auf allen politischen Ebenen zu fördern.",
]
SEED_FEE_SENTENCE = "Es fallen keine Mitgliedsbeiträge für das Bündnis an."
SEED_EXPLANATION = "\n\n".join(
    [
        # "5.November" without a space, as the seed writes it.
        "Am 5.November 2012 hat sich in Trier unter Teilnahme des Innenministers an der Veranstaltung das Bündnis "
        "für eine Soziale Stadtentwicklung in Rheinland-Pfalz gegründet.",
        "Bündnisinitiatoren sind neben dem Städtetag Rheinland-Pfalz und dem Landesnetzwerk für Soziale "
        "Stadtentwicklung und Gemeinwesenarbeit auch die LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz, der "
        "Gemeinde- und Städtebund Rheinland-Pfalz, der Verband der Südwestdeutschen Wohnungswirtschaft sowie der "
        "Verband der Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen.",
        "Die Zielsetzungen des Bündnisses sind:",
        "\n".join(f"- {aim}" for aim in SEED_AIMS),
        "Die Bündnisinitiatoren laden auch die Kommunen ein, sich in diesem Sinne dem Bündnis anzuschließen. "
        "Diesbezüglich wird auch der Städtetag die Oberbürgermeister und Bürgermeister der rheinland-pfälzischen "
        "Städte anschreiben, um die Städte für das Bündnis zu gewinnen.",
        "Die Bereichsleiterin 5-11 arbeitet in der Steuerungsgruppe des Bündnisses gemeinsam mit Vertretern der "
        "Bündnisinitiatoren und einem Vertreter der Entwicklungsagentur Rheinland-Pfalz mit, um hier kommunale "
        "Sichtweisen einzubringen.",
        # One paragraph of two lines in the seed; Markdown joins them with a space.
        "Die Gründungserklärung und die Beitrittserklärung sind dieser Vorlage als Anlage beigefügt.\n"
        + SEED_FEE_SENTENCE,
    ]
)
SEED_ADDRESSEE = "Der Stadtrat möge wie folgt beschließen:"
SEED_PROPOSAL = (
    "Die Stadt Ludwigshafen unterstützt das Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit "
    "Rheinland-Pfalz und erklärt ihren Beitritt zum Bündnis."
)

ALLIANCE_NAME = "Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz"
FOUNDED_ON = datetime.date(2012, 11, 5)
INITIATORS = [
    "Städtetag Rheinland-Pfalz",
    "Landesnetzwerk für Soziale Stadtentwicklung und Gemeinwesenarbeit",
    "LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz",
    "Gemeinde- und Städtebund Rheinland-Pfalz",
    "Verband der Südwestdeutschen Wohnungswirtschaft",
    "Verband der Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen",
]

FOUNDING_DECLARATION = [
    "Am 5. November 2012 gründen in Trier der Städtetag Rheinland-Pfalz, das Landesnetzwerk für Soziale "
    "Stadtentwicklung und Gemeinwesenarbeit, die LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz, der Gemeinde- "
    "und Städtebund Rheinland-Pfalz, der Verband der Südwestdeutschen Wohnungswirtschaft und der Verband der "
    f"Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen das {ALLIANCE_NAME}.",
    "Benachteiligte Stadtteile brauchen ein Handeln, das über die Grenzen der Ressorts hinausgeht. Die "
    "Initiatoren bündeln dafür ihre Erfahrung und ihre Kräfte. Das Bündnis setzt sich zum Ziel:",
    *(f"– {aim}" for aim in SEED_AIMS),
    "Die Initiatoren laden die Kommunen in Rheinland-Pfalz ein, sich dem Bündnis anzuschließen. "
    "Mitgliedsbeiträge werden nicht erhoben.",
    "Eine Steuerungsgruppe aus Vertreterinnen und Vertretern der Initiatoren, der beigetretenen Kommunen und der "
    "Entwicklungsagentur Rheinland-Pfalz begleitet die Arbeit des Bündnisses.",
    "Trier, den 5. November 2012",
]
ACCESSION_DECLARATION = [
    f"Die Stadt Ludwigshafen am Rhein erklärt ihren Beitritt zum {ALLIANCE_NAME}.",
    "Sie unterstützt die Ziele der Gründungserklärung vom 5. November 2012 und arbeitet in der Steuerungsgruppe "
    "des Bündnisses mit, um kommunale Sichtweisen einzubringen.",
    f"Der Beitritt steht unter dem Vorbehalt des Beschlusses des Stadtrates über die Vorlage KSD {SEED_REFERENCE}.",
    "Ludwigshafen am Rhein, den ____________",
    "Die Oberbürgermeisterin",
]

# --- the other Vorlagen: one in consultation, one non-public, one draft ---------------
CURRENT_TITLE = "Fortschreibung des integrierten Entwicklungskonzepts für das Fördergebiet Hemshof"
CURRENT_FIELDS = {
    "paper_type": Paper.Type.RESOLUTION,
    "subject_line": 'Städtebauförderprogramm "Sozialer Zusammenhalt"',
    "explanation": "\n\n".join(
        [
            "Das integrierte Entwicklungskonzept (IEK) für das Fördergebiet Hemshof ist die Grundlage der Förderung "
            "im Städtebauförderprogramm „Sozialer Zusammenhalt“, dem Nachfolger des Programms „Soziale Stadt“. Es "
            "wird alle fünf Jahre fortgeschrieben.",
            "Der Bereich Stadtentwicklung hat die Fortschreibung gemeinsam mit dem Quartiersmanagement, den Trägern "
            "vor Ort und den Bewohnerinnen und Bewohnern in drei Stadtteilwerkstätten erarbeitet. Sie setzt diese "
            "Schwerpunkte:",
            "- Aufwertung des öffentlichen Raums, vor allem die Anlage eines Quartiersplatzes\n"
            "- Stärkung der Bildungs- und Begegnungsangebote\n"
            "- Verbesserung des Wohnumfelds gemeinsam mit der Wohnungswirtschaft",
            "Die Erfahrungen aus dem Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz "
            "sind in die Fortschreibung eingeflossen.",
        ]
    ),
    "proposal": "Der Stadtrat beschließt die Fortschreibung des integrierten Entwicklungskonzepts für das "
    "Fördergebiet Hemshof als Grundlage der weiteren Förderung.",
    "financial_impact": "Die Fortschreibung selbst verursacht keine zusätzlichen Kosten. Die Maßnahmen werden "
    "jeweils gesondert zur Entscheidung vorgelegt.",
}
PROPERTY_TITLE = "Ankauf einer Teilfläche des Flurstücks 2417/3 für den Quartiersplatz Hemshof"
PROPERTY_FIELDS = {
    "paper_type": Paper.Type.RESOLUTION,
    "subject_line": "Grundstücksangelegenheit",
    "public": False,
    "explanation": "\n\n".join(
        [
            "Für den im integrierten Entwicklungskonzept vorgesehenen Quartiersplatz im Hemshof soll die Stadt eine "
            "Teilfläche von rund 640 m² des Flurstücks 2417/3 der Gemarkung Ludwigshafen erwerben.",
            "Die Eigentümerin ist zum Verkauf bereit. Der Kaufpreis von 185 Euro je Quadratmeter entspricht dem "
            "Bodenrichtwert.",
        ]
    ),
    "proposal": "Der Stadtrat beschließt den Ankauf der Teilfläche von rund 640 m² des Flurstücks 2417/3 zum "
    "Preis von 185 Euro je Quadratmeter und beauftragt die Verwaltung, den Kaufvertrag abzuschließen.",
    "financial_impact": "Kaufpreis rund 118.400 Euro zuzüglich Nebenkosten; die Mittel stehen im Teilhaushalt des "
    "Bereichs 5-11 bereit. Der Erwerb ist aus dem Programm „Sozialer Zusammenhalt“ förderfähig.",
}
DRAFT_TITLE = "Bericht aus der Steuerungsgruppe des Bündnisses für Soziale Stadtentwicklung"
DRAFT_FIELDS = {
    "paper_type": Paper.Type.INFORMATION,
    "subject_line": ALLIANCE_NAME,
    "explanation": "\n\n".join(
        [
            "Die Bereichsleiterin 5-11 vertritt die Stadt Ludwigshafen am Rhein seit dem Beitritt im März 2013 in "
            "der Steuerungsgruppe des Bündnisses. Dieser Bericht fasst die Arbeit der Steuerungsgruppe im "
            "laufenden Jahr zusammen.",
            "*Entwurf – wird ergänzt.*",
        ]
    ),
    "proposal_addressee": "",
    "proposal": "Der Ausschuss für Soziales und Integration nimmt den Bericht zur Kenntnis.",
}
# Released and not yet on an agenda: in the office's pool for the next Sozialausschuss.
POOL_TITLE = "Fortführung der Gemeinwesenarbeit im Stadtteil Pfingstweide"
POOL_FIELDS = {
    "paper_type": Paper.Type.RESOLUTION,
    "subject_line": "Gemeinwesenarbeit",
    "explanation": "\n\n".join(
        [
            "Die Gemeinwesenarbeit im Stadtteil Pfingstweide leistet ein freier Träger im Auftrag der Stadt. Das "
            "Stadtteilbüro berät Bewohnerinnen und Bewohner, begleitet Initiativen und Vereine und lädt zum Runden "
            "Tisch Pfingstweide ein. Die Vereinbarung mit dem Träger läuft zum Jahresende aus.",
            "Die Verwaltung schlägt vor, die Gemeinwesenarbeit für weitere drei Jahre fortzuführen, im Sinne des "
            "Bündnisses für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz, dem die Stadt seit 2013 "
            "angehört. Schwerpunkte sind:",
            "- Beratung und Begleitung im Stadtteilbüro\n"
            "- Unterstützung von Initiativen, Vereinen und Nachbarschaftsprojekten\n"
            "- Zusammenarbeit mit Schulen, Kitas und der Wohnungswirtschaft im Stadtteil",
        ]
    ),
    "proposal": "Die Gemeinwesenarbeit im Stadtteil Pfingstweide wird für weitere drei Jahre fortgeführt. Die "
    "Verwaltung wird beauftragt, die Vereinbarung mit dem Träger entsprechend zu verlängern.",
    "financial_impact": "Jährlich rund 92.000 Euro für Personal- und Sachkosten des Stadtteilbüros; die Mittel sind im "
    "Teilhaushalt des Bereichs 5-11 veranschlagt.",
}

# Public, but decided behind closed doors: the bids are the bidders' business secrets, so
# the Haupt- und Finanzausschuss, which awards contracts of this size, decided it in the
# non-public part, in an amended wording that only its members and the office may read.
AWARD_TITLE = "Vergabe der Trägerschaft für das Stadtteilbüro West"
AWARD_FIELDS = {
    "paper_type": Paper.Type.RESOLUTION,
    "subject_line": "Vergabeangelegenheit",
    "explanation": "\n\n".join(
        [
            "Die Trägerschaft für das Stadtteilbüro West wurde für die kommenden drei Jahre öffentlich "
            "ausgeschrieben. Drei freie Träger haben ein Angebot abgegeben.",
            "Die Angebote und ihre Bewertung enthalten Betriebs- und Geschäftsgeheimnisse der Bieter. Sie werden "
            "dem Haupt- und Finanzausschuss deshalb im nichtöffentlichen Teil seiner Sitzung vorgelegt.",
        ]
    ),
    "proposal_addressee": "Der Haupt- und Finanzausschuss möge wie folgt beschließen:",
    "proposal": "Der Haupt- und Finanzausschuss vergibt die Trägerschaft für das Stadtteilbüro West für drei Jahre "
    "an den Träger mit dem wirtschaftlichsten Angebot.",
    "financial_impact": "Jährlich bis zu 85.000 Euro; die Mittel sind im Teilhaushalt des Bereichs 5-11 veranschlagt.",
}
AWARD_RESOLUTION = (
    "Der Haupt- und Finanzausschuss vergibt die Trägerschaft für das Stadtteilbüro West für drei Jahre an den "
    "Stadtteilverein Westend e.V., mit der Auflage, dem Ausschuss halbjährlich zu berichten."
)

# Who keeps the minutes of the demo's meetings: the council office's clerk.
MINUTE_TAKER = "Petra Kühn (Ratsbüro)"
OPENING = "Eröffnung der Sitzung, Feststellung der ordnungsgemäßen Einladung und der Tagesordnung"
QUESTIONS = "Einwohnerfragestunde"
NOTICES = "Mitteilungen und Anfragen"


@dataclass
class ResolutionsDemo:
    """What the Vorlagen part of the demo consists of, for the alliances' demo module."""

    seed: Paper
    founding_declaration: Attachment
    accession_declaration: Attachment
    committee_decision: Decision
    council_decision: Decision
    papers: list[Paper] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    # The Beschlusskontrolle report of the Stadtrat (resolutions.tracking.demo), for its next agenda.
    tracking_report: object = None


def agenda_title(paper: Paper) -> str:
    """How a Vorlage is listed on an agenda: its subject line, then its title."""
    return f"{paper.subject_line} – {paper.name}" if paper.subject_line else paper.name


def _paper(council: CouncilDemo, *, name: str, date: datetime.date, reference: str | None = None, **fields) -> Paper:
    """A Vorlage of Bereich 5-11, created by the clerk through the numbering service.

    With a `reference` (the seed's history) the paper is keyed by it and its date is fixed;
    without, it gets the next number of its year and is keyed by its title, and its date is
    the one of the first run.
    """
    lookup = {"reference": reference} if reference else {"name": name}
    paper = Paper.objects.filter(body=council.body, **lookup).first()
    if paper is None:
        paper = paper_create(
            body=council.body,
            by=council.users["clerk"],
            name=name,
            date=date,
            under_direction_of=council.unit,
            reference=reference,
            **fields,
        )
    else:
        values = {"name": name, "under_direction_of": council.unit, **fields}
        if reference:
            values["date"] = date
        if apply_changes(paper, values):
            paper.version += 1
            paper.full_clean()
            paper.save()
    if not paper.originator_persons.filter(pk=council.head.pk).exists():
        paper.originator_persons.add(council.head)
    return paper


def _set_state(paper: Paper, state: str, released_at: datetime.datetime | None) -> None:
    # The state field is not editable through forms or services outside the workflow; the
    # loader writes the end of a path it did not walk, so it updates the row directly.
    if (paper.state, paper.released_at) != (state, released_at):
        Paper.objects.filter(pk=paper.pk).update(state=state, released_at=released_at)
        paper.state, paper.released_at = state, released_at


def _event(paper: Paper, action: str, from_state: str, to_state: str, *, by, at, refs: dict) -> PaperEvent:
    """One event of the paper's timeline, keyed by action and what it refers to, dated `at` (None: when first written).

    `refs` names the event's `meeting`, `agenda_item` and `decision`, as the services
    record them, or a person's `comment`.
    """
    keys = {"comment": "", "meeting": None, "agenda_item": None, "decision": None, **refs}
    event = ensure(
        PaperEvent,
        paper=paper,
        action=action,
        **keys,
        defaults={"from_state": from_state, "to_state": to_state, "actor": by},
    )
    # `created` is auto_now_add, so the date of history is written after the insert.
    if at is not None and event.created != at:
        PaperEvent.objects.filter(pk=event.pk).update(created=at)
    return event


def _timeline(paper: Paper, events: list[tuple]) -> None:
    """The paper's events as (action, from state, to state, by, at, refs), and no others.

    Events the list does not name (left from an older demo, or from trying the workflow by
    hand) are removed, so that the timeline tells the path the paper's state says it took.
    """
    kept = [
        _event(paper, action, from_state, to_state, by=by, at=at, refs=refs).pk
        for action, from_state, to_state, by, at, refs in events
    ]
    PaperEvent.objects.filter(paper=paper).exclude(pk__in=kept).delete()


def _released_path(paper: Paper, council: CouncilDemo, *, day: datetime.date) -> tuple[datetime.datetime, list]:
    """The way from draft to release, starting on `day`: the release time and the events for `_timeline`."""
    clerk, head = council.users["clerk"], council.users["head"]
    S, A = Paper.State, PaperEvent.Action
    released_at = aware(day + datetime.timedelta(days=2), 10)
    signed_at = aware(day + datetime.timedelta(days=1), 10)
    ensure(Cosignature, paper=paper, signer=head, defaults={"signed_at": signed_at})
    return released_at, [
        (A.CREATED, "", S.DRAFT, clerk, aware(day, 9), {}),
        (A.SUBMITTED, S.DRAFT, S.COSIGNING, clerk, aware(day, 11), {}),
        (A.COSIGNED, S.COSIGNING, S.COSIGNING, head, signed_at, {}),
        (A.RELEASED, S.COSIGNING, S.RELEASED, head, released_at, {}),
    ]


def _consultations(paper: Paper, steps: list[tuple]) -> list[Consultation]:
    """The Beratungsfolge as (organization, role, authoritative, agenda item) in order."""
    return [
        ensure(
            Consultation,
            paper=paper,
            order=order,
            defaults={
                "organization": organization,
                "role": role,
                "authoritative": authoritative,
                "agenda_item": agenda_item,
            },
        )
        for order, (organization, role, authoritative, agenda_item) in enumerate(steps, start=1)
    ]


def _attend(meeting: Meeting, council: CouncilDemo, *, excused: list[Person]) -> None:
    """Everyone with a seat in the meeting on its day was there, but the excused and the deputies.

    A deputy comes only in a member's turn; in the demo's meetings none had to, so the
    deputies are not in the attendance at all.
    """
    deputies = {
        person
        for organization in meeting.organizations.all()
        for person in council.deputies.get(organization.short_name, ())
    }
    seated = [attendee.person for attendee in eligible_attendees(meeting)]
    ensure_attendance(meeting, [person for person in seated if person not in deputies], excused=excused)


def _minutes(meeting: Meeting, agenda: dict, *, protocols: dict[str, str], **facts) -> None:
    """What the Niederschrift records beyond the results: `facts` of the meeting, the protocol by item number."""
    if apply_changes(meeting, facts):
        meeting.full_clean()
        meeting.save()
    for number, text in protocols.items():
        item = agenda[number]
        if item.protocol != text:
            AgendaItem.objects.filter(pk=item.pk).update(protocol=text)
            item.protocol = text


def _votes(
    meeting: Meeting, factions: dict, *, against: dict[str, int] | None = None, abstaining: dict[str, int] | None = None
) -> dict[str, tuple[int, int, int]]:
    """The votes (yes, no, abstain) by Fraktion key, counted from the attendance.

    Each Fraktion's voting members present vote yes, but `against` and `abstaining` of them,
    so the votes never outnumber the voting members present. A voting member present who
    sits for no Fraktion (the Oberbürgermeisterin chairing the Stadtrat) casts no vote in the
    record: the votes by Fraktion must add up to the totals, and no Fraktion's row could
    hold hers.
    """
    against, abstaining = against or {}, abstaining or {}
    present = set(meeting.attendances.filter(status=Attendance.Status.PRESENT).values_list("person_id", flat=True))
    key_of = {faction.pk: key for key, faction in factions.items()}
    members = Counter(
        key_of[attendee.faction.pk]
        for attendee in eligible_attendees(meeting)
        if attendee.voting_right and attendee.faction is not None and attendee.person.pk in present
    )
    return {
        key: (members[key] - against.get(key, 0) - abstaining.get(key, 0), against.get(key, 0), abstaining.get(key, 0))
        for key in factions
        if members[key]
    }


def _decision(consultation: Consultation, factions: dict, votes: dict[str, tuple[int, int, int]], **fields):
    """A decision whose totals are the sum of the Fraktionen's votes (yes, no, abstain).

    Unanimous means nobody voted against ("einstimmig bei Enthaltungen" is a common record).
    """
    yes, no, abstain = (sum(vote[i] for vote in votes.values()) for i in range(3))
    decision = ensure(
        Decision,
        consultation=consultation,
        defaults={
            "agenda_item": consultation.agenda_item,
            "votes_yes": yes,
            "votes_no": no,
            "votes_abstain": abstain,
            "votes_biased": 0,
            "unanimous": no == 0,
            **fields,
        },
    )
    ensure_all(
        FactionVote,
        FactionVote.objects.filter(decision=decision),
        ("faction_id",),
        [
            {
                "decision_id": decision.pk,
                "faction_id": factions[key].pk,
                "votes_yes": faction_yes,
                "votes_no": faction_no,
                "votes_abstain": faction_abstain,
                "votes_biased": 0,
            }
            for key, (faction_yes, faction_no, faction_abstain) in votes.items()
        ],
        prune=True,
    )
    return decision


def _attachment(paper: Paper, attachment_type: str, *, name: str, file_name: str, order: int, data: bytes):
    """A public PDF attachment; its file is written only if missing or different."""
    sha512 = hashlib.sha512(data).hexdigest()
    attachment = Attachment.objects.filter(paper=paper, attachment_type=attachment_type).first()
    file_ok = (
        attachment is not None
        and attachment.sha512 == sha512
        and bool(attachment.file)
        and attachment.file.storage.exists(attachment.file.name)
    )
    if attachment is None:
        attachment = Attachment(paper=paper, attachment_type=attachment_type)
    changed = apply_changes(
        attachment,
        {
            "name": name,
            "public": True,
            "file_name": file_name,
            "mime_type": "application/pdf",
            "size": len(data),
            "sha512": sha512,
            "order": order,
        },
    )
    if not file_ok:
        attachment.text = pdf_text(data)
        storage = attachment.file.storage
        stale = attachment.file.name if attachment.file else ""
        target = attachment_upload_to(attachment, file_name)
        # A file left from an earlier database with the same content is reused, not duplicated.
        if storage.exists(target) and hashlib.sha512(storage.open(target).read()).hexdigest() == sha512:
            attachment.file.name = target
        else:
            attachment.file.save(file_name, ContentFile(data), save=False)
        if stale and stale != attachment.file.name:
            # Files are not transactional: drop the old one only once the new row is committed.
            transaction.on_commit(lambda: storage.delete(stale))
        changed.append("file")
    if changed or attachment.pk is None:
        attachment.full_clean()
        attachment.save()
    return attachment


def _next_weekday(day: datetime.date) -> datetime.date:
    """Councils meet on working days: move a Saturday or Sunday to the Monday after."""
    return day + datetime.timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def _load_seed(council: CouncilDemo) -> ResolutionsDemo:
    seed = _paper(
        council,
        reference=SEED_REFERENCE,
        name=SEED_TITLE,
        date=SEED_DATE,
        paper_type=Paper.Type.RESOLUTION,
        subject_line=SEED_SUBJECT_LINE,
        explanation=SEED_EXPLANATION,
        proposal_addressee=SEED_ADDRESSEE,
        proposal=SEED_PROPOSAL,
        financial_impact=SEED_FEE_SENTENCE,
        public=True,
    )
    founding = _attachment(
        seed,
        Attachment.Type.FOUNDING_DECLARATION,
        name="Gründungserklärung des Bündnisses",
        file_name="gruendungserklaerung.pdf",
        order=1,
        data=simple_document_pdf(
            "Gründungserklärung", FOUNDING_DECLARATION, subtitle=ALLIANCE_NAME, created=FOUNDED_ON
        ),
    )
    accession = _attachment(
        seed,
        Attachment.Type.ACCESSION_DECLARATION,
        name="Beitrittserklärung der Stadt Ludwigshafen am Rhein",
        file_name="beitrittserklaerung.pdf",
        order=2,
        data=simple_document_pdf(
            "Beitrittserklärung", ACCESSION_DECLARATION, subtitle=ALLIANCE_NAME, created=SEED_DATE
        ),
    )

    body, factions = council.body, council.factions
    committee_meeting = ensure_meeting(
        body,
        "23. Sitzung des Ausschusses für Soziales und Integration",
        organizations=[council.social_committee],
        start=aware(datetime.date(2013, 3, 4), 16),
        end=aware(datetime.date(2013, 3, 4), 17, 45),
        location=council.committee_room,
        state=Meeting.State.HELD,
        invited_at=aware(datetime.date(2013, 2, 22), 12),
    )
    committee_agenda = ensure_agenda(
        committee_meeting, [("1", OPENING, True), ("2", agenda_title(seed), True), ("3", NOTICES, True)]
    )
    # The Sozialausschuss of 4 March 2013: 14 of its 15 voting members and the advisory
    # member; one CDU member excused.
    _attend(committee_meeting, council, excused=[council.committee_members["SozA"]["CDU"][-1]])
    _minutes(
        committee_meeting,
        committee_agenda,
        chair=council.committee_members["SozA"]["SPD"][0],
        minute_taker=MINUTE_TAKER,
        opened_at=aware(datetime.date(2013, 3, 4), 16, 2),
        closed_at=aware(datetime.date(2013, 3, 4), 17, 41),
        protocols={
            "1": "Der Vorsitzende eröffnet die Sitzung, begrüßt die Anwesenden und stellt die ordnungsgemäße "
            "Einladung sowie die Beschlussfähigkeit fest. Gegen die Tagesordnung werden keine Einwände erhoben.",
            "2": "Die Bereichsleiterin 5-11 erläutert die Vorlage und die Arbeit der Steuerungsgruppe des Bündnisses. "
            "Auf Nachfrage der FDP-Fraktion bestätigt sie, dass keine Mitgliedsbeiträge anfallen.",
            "3": "Es liegen keine Mitteilungen und Anfragen vor.",
        },
    )

    council_meeting = ensure_meeting(
        body,
        "41. Sitzung des Stadtrates",
        organizations=[council.stadtrat],
        start=aware(datetime.date(2013, 3, 18), 14),
        end=aware(datetime.date(2013, 3, 18), 18, 30),
        location=council.council_hall,
        state=Meeting.State.HELD,
        invited_at=aware(datetime.date(2013, 3, 7), 10),
    )
    council_agenda = ensure_agenda(
        council_meeting,
        [("1", OPENING, True), ("2", QUESTIONS, True), ("3", agenda_title(seed), True), ("4", NOTICES, True)],
    )
    # The Stadtrat of 18 March 2013: the Oberbürgermeisterin and 54 of the 60 councillors;
    # six excused.
    councillors = council.councillors
    _attend(
        council_meeting,
        council,
        excused=[
            councillors["SPD"][-1],
            councillors["SPD"][-2],
            councillors["CDU"][-1],
            councillors["CDU"][-2],
            councillors["GRUENE"][1],
            councillors["FDP"][-1],
        ],
    )
    _minutes(
        council_meeting,
        council_agenda,
        minute_taker=MINUTE_TAKER,
        opened_at=aware(datetime.date(2013, 3, 18), 14, 3),
        closed_at=aware(datetime.date(2013, 3, 18), 18, 24),
        protocols={
            "1": "Die Oberbürgermeisterin eröffnet die Sitzung und stellt die ordnungsgemäße Einladung und die "
            "Beschlussfähigkeit fest.",
            "2": "Zwei Einwohnerinnen fragen nach der Verkehrsführung in der Innenstadt während der Bauarbeiten; die "
            "Verwaltung sagt eine schriftliche Antwort zu.",
            "3": "Der Sozialausschuss hat in seiner Sitzung vom 4. März 2013 die Annahme des Beschlussvorschlags "
            "empfohlen. Der Stadtrat stimmt ohne Aussprache ab.",
            "4": "Die Oberbürgermeisterin teilt mit, dass die Beitrittserklärung nach dem Beschluss unterzeichnet und "
            "dem Städtetag übersandt wird.",
        },
    )

    soza_step, council_step = _consultations(
        seed,
        [
            (council.social_committee, Consultation.Role.PRELIMINARY, False, committee_agenda["2"]),
            (council.stadtrat, Consultation.Role.DECISION, True, council_agenda["3"]),
        ],
    )
    # A Vorberatung resolves a recommendation: the committee adopts the Beschlussvorschlag
    # for the Stadtrat, word for word, with the FDP member abstaining.
    committee_decision = _decision(
        soza_step,
        factions,
        _votes(committee_meeting, factions, abstaining={"FDP": 1}),
        result=Decision.Result.ADOPTED,
        date=datetime.date(2013, 3, 4),
        resolution_text=SEED_PROPOSAL,
    )
    council_decision = _decision(
        council_step,
        factions,
        _votes(council_meeting, factions, abstaining={"FDP": 2}),
        result=Decision.Result.ADOPTED,
        date=datetime.date(2013, 3, 18),
        resolution_text=SEED_PROPOSAL,
    )

    S, A = Paper.State, PaperEvent.Action
    office = council.users["office"]
    released_at, released_path = _released_path(seed, council, day=SEED_DATE)
    _timeline(
        seed,
        [
            *released_path,
            (
                A.SCHEDULED,
                S.RELEASED,
                S.IN_CONSULTATION,
                office,
                aware(datetime.date(2013, 2, 22), 11),
                {"meeting": committee_meeting, "agenda_item": committee_agenda["2"]},
            ),
            (
                A.ADVANCED,
                S.IN_CONSULTATION,
                S.IN_CONSULTATION,
                office,
                aware(datetime.date(2013, 3, 4), 17, 45),
                {"meeting": committee_meeting, "agenda_item": committee_agenda["2"], "decision": committee_decision},
            ),
            (
                A.SCHEDULED,
                S.IN_CONSULTATION,
                S.IN_CONSULTATION,
                office,
                aware(datetime.date(2013, 3, 5), 9),
                {"meeting": council_meeting, "agenda_item": council_agenda["3"]},
            ),
            (
                A.DECIDED,
                S.IN_CONSULTATION,
                S.DECIDED,
                office,
                aware(datetime.date(2013, 3, 18), 18, 30),
                {"meeting": council_meeting, "agenda_item": council_agenda["3"], "decision": council_decision},
            ),
        ],
    )
    _set_state(seed, S.DECIDED, released_at)
    return ResolutionsDemo(
        seed=seed,
        founding_declaration=founding,
        accession_declaration=accession,
        committee_decision=committee_decision,
        council_decision=council_decision,
        papers=[seed],
        meetings=[committee_meeting, council_meeting],
    )


def _load_current(council: CouncilDemo, demo: ResolutionsDemo) -> None:
    """The Vorlagen and meetings of these weeks, dated from today.

    Each Vorlage sits where the services would have left it: the Hemshof concept on the
    agenda of the next Sozialausschuss (its first step); the land deal, recommended by the
    last Haupt- und Finanzausschuss, in the non-public part of the next Stadtrat; the
    Pfingstweide Vorlage released and in the office's pool for the next Sozialausschuss; the
    report still a draft. Later steps get their agenda item when the step before is done.
    """
    today = timezone.localdate()
    body, factions = council.body, council.factions

    def upcoming(name, organization, days, hour, location, state):
        start_day = _next_weekday(today + datetime.timedelta(days=days))
        invited = state == Meeting.State.INVITED
        return ensure_meeting(
            body,
            name,
            organizations=[organization],
            start=aware(start_day, hour),
            end=aware(start_day, hour + 3),
            location=location,
            state=state,
            invited_at=aware(today - datetime.timedelta(days=1), 10) if invited else None,
            move_if_past=True,
        )

    committee_meeting = upcoming(
        "12. Sitzung des Ausschusses für Soziales und Integration",
        council.social_committee,
        10,
        16,
        council.committee_room,
        Meeting.State.INVITED,
    )
    finance_meeting = upcoming(
        "9. Sitzung des Haupt- und Finanzausschusses",
        council.finance_committee,
        17,
        15,
        council.committee_room,
        Meeting.State.SCHEDULED,
    )
    council_meeting = upcoming(
        "14. Sitzung des Stadtrates", council.stadtrat, 24, 14, council.council_hall, Meeting.State.SCHEDULED
    )

    first_day = today - datetime.timedelta(days=21)
    current = _paper(council, name=CURRENT_TITLE, date=first_day, **CURRENT_FIELDS)
    land = _paper(council, name=PROPERTY_TITLE, date=first_day, **PROPERTY_FIELDS)
    pooled = _paper(council, name=POOL_TITLE, date=today - datetime.timedelta(days=10), **POOL_FIELDS)
    award = _paper(council, name=AWARD_TITLE, date=first_day, **AWARD_FIELDS)
    draft = _paper(council, name=DRAFT_TITLE, date=today, **DRAFT_FIELDS)

    # The Haupt- und Finanzausschuss that recommended the land deal, two weeks after the
    # Vorlage's date; dated from the stored date, so it stays where the first run put it.
    finance_day = _next_weekday(land.date + datetime.timedelta(days=14))
    past_finance_meeting = ensure_meeting(
        body,
        "8. Sitzung des Haupt- und Finanzausschusses",
        organizations=[council.finance_committee],
        start=aware(finance_day, 15),
        end=aware(finance_day, 17),
        location=council.committee_room,
        state=Meeting.State.HELD,
        invited_at=aware(land.date + datetime.timedelta(days=4), 10),
    )
    past_finance_agenda = ensure_agenda(
        past_finance_meeting,
        [
            ("1", OPENING, True),
            ("2", NOTICES, True),
            ("3", agenda_title(land), False),
            ("4", agenda_title(award), False),
        ],
    )
    _attend(past_finance_meeting, council, excused=[council.committee_members["HFA"]["SPD"][-1]])

    committee_agenda = ensure_agenda(
        committee_meeting, [("1", OPENING, True), ("2", agenda_title(current), True), ("3", NOTICES, True)]
    )
    ensure_agenda(finance_meeting, [("1", OPENING, True), ("2", NOTICES, True)])
    # The public part of the report goes under the Mitteilungen; its non-public part (if any) waits
    # in the office's pool, so the non-public part of the agenda keeps the land deal alone.
    report = demo.tracking_report
    council_agenda = ensure_agenda(
        council_meeting,
        [
            ("1", OPENING, True),
            ("2", QUESTIONS, True),
            ("3", NOTICES, True),
            # The Beschlusskontrolle report, under the Mitteilungen.
            ("3.1", agenda_title(report.paper), True),
            # The non-public part: land deals are discussed behind closed doors.
            ("4", agenda_title(land), False),
        ],
    )
    C = Consultation.Role
    _consultations(
        current,
        [
            (council.social_committee, C.PRELIMINARY, False, committee_agenda["2"]),
            (council.finance_committee, C.PRELIMINARY, False, None),
            (council.stadtrat, C.DECISION, True, None),
        ],
    )
    land_finance_step, _land_council_step = _consultations(
        land,
        [
            (council.finance_committee, C.PRELIMINARY, False, past_finance_agenda["3"]),
            (council.stadtrat, C.DECISION, True, council_agenda["4"]),
        ],
    )
    land_decision = _decision(
        land_finance_step,
        factions,
        _votes(past_finance_meeting, factions),
        result=Decision.Result.ADOPTED,
        date=finance_day,
        resolution_text=land.proposal,
    )
    (award_finance_step,) = _consultations(
        award, [(council.finance_committee, C.DECISION, True, past_finance_agenda["4"])]
    )
    award_decision = _decision(
        award_finance_step,
        factions,
        _votes(past_finance_meeting, factions, against={"FDP": 1}),
        result=Decision.Result.ADOPTED_AMENDED,
        date=finance_day,
        resolution_text=AWARD_RESOLUTION,
    )
    _consultations(
        pooled,
        [
            (council.social_committee, C.PRELIMINARY, False, None),
            (council.stadtrat, C.DECISION, True, None),
        ],
    )
    _consultations(draft, [(council.social_committee, C.NOTICE, True, None)])

    S, A = Paper.State, PaperEvent.Action
    office = council.users["office"]
    released_at, released_path = _released_path(current, council, day=current.date)
    _timeline(
        current,
        [
            *released_path,
            (
                A.SCHEDULED,
                S.RELEASED,
                S.IN_CONSULTATION,
                office,
                aware(current.date + datetime.timedelta(days=3), 9),
                {"meeting": committee_meeting, "agenda_item": committee_agenda["2"]},
            ),
        ],
    )
    _set_state(current, S.IN_CONSULTATION, released_at)

    released_at, released_path = _released_path(land, council, day=land.date)
    _timeline(
        land,
        [
            *released_path,
            (
                A.SCHEDULED,
                S.RELEASED,
                S.IN_CONSULTATION,
                office,
                aware(land.date + datetime.timedelta(days=3), 9),
                {"meeting": past_finance_meeting, "agenda_item": past_finance_agenda["3"]},
            ),
            (
                A.ADVANCED,
                S.IN_CONSULTATION,
                S.IN_CONSULTATION,
                office,
                aware(finance_day, 17),
                {"meeting": past_finance_meeting, "agenda_item": past_finance_agenda["3"], "decision": land_decision},
            ),
            (
                A.SCHEDULED,
                S.IN_CONSULTATION,
                S.IN_CONSULTATION,
                office,
                aware(_next_weekday(finance_day + datetime.timedelta(days=1)), 9),
                {"meeting": council_meeting, "agenda_item": council_agenda["4"]},
            ),
        ],
    )
    _set_state(land, S.IN_CONSULTATION, released_at)

    released_at, released_path = _released_path(award, council, day=award.date)
    _timeline(
        award,
        [
            *released_path,
            (
                A.SCHEDULED,
                S.RELEASED,
                S.IN_CONSULTATION,
                office,
                aware(award.date + datetime.timedelta(days=3), 9, 30),
                {"meeting": past_finance_meeting, "agenda_item": past_finance_agenda["4"]},
            ),
            (
                A.DECIDED,
                S.IN_CONSULTATION,
                S.DECIDED,
                office,
                aware(finance_day, 17, 5),
                {"meeting": past_finance_meeting, "agenda_item": past_finance_agenda["4"], "decision": award_decision},
            ),
        ],
    )
    _set_state(award, S.DECIDED, released_at)
    # The report was generated and released by the office's service; the loader puts it on the agenda.
    step = report.paper.consultations.get()
    if step.agenda_item_id != council_agenda["3.1"].pk:
        step.agenda_item = council_agenda["3.1"]
        step.full_clean()
        step.save()
    _timeline(
        report.paper,
        [
            (A.CREATED, "", S.DRAFT, office, None, {}),
            (A.RELEASED, S.DRAFT, S.RELEASED, office, None, {}),
            (
                A.SCHEDULED,
                S.RELEASED,
                S.IN_CONSULTATION,
                office,
                None,
                {"meeting": council_meeting, "agenda_item": council_agenda["3.1"]},
            ),
        ],
    )
    _set_state(report.paper, S.IN_CONSULTATION, report.paper.released_at)
    demo.papers += [report.paper, *([report.nonpublic_paper] if report.nonpublic_paper else [])]

    released_at, released_path = _released_path(pooled, council, day=pooled.date)
    _timeline(pooled, released_path)
    _set_state(pooled, S.RELEASED, released_at)

    # The draft keeps the creation event the numbering service wrote, at the time it did.
    _timeline(draft, [(A.CREATED, "", S.DRAFT, council.users["clerk"], None, {})])

    demo.papers += [current, land, award, pooled, draft]
    demo.meetings += [past_finance_meeting, committee_meeting, finance_meeting, council_meeting]


def load_resolutions_demo(council: CouncilDemo) -> ResolutionsDemo:
    """Write the Vorlagen, their Beratungsfolge, meetings and decisions, and return them."""
    from .tracking.demo import load_tracking_demo

    demo = _load_seed(council)
    demo.tracking_report = load_tracking_demo(council, demo)
    _load_current(council, demo)
    return demo
