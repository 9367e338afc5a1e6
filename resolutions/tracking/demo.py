"""Demo data of the Beschlusskontrolle: the seed's decision tracked and done, and decisions in every state.

- The Stadtrat's decision on the seed (18 March 2013): done. Ludwigshafen joined the Bündnis
  on the decision's day; the closing report names the seat of the Bereichsleiterin 5-11 in
  the Steuerungsgruppe (the alliances demo records the membership and the seat).
- The 42. Sitzung des Stadtrates (17 June 2013) decided four more Vorlagen of Bereich 5-11:
  playgrounds (in progress and overdue), a citizens' office (not feasible), a concept up to
  2030 (in progress, on track) and, behind closed doors, renting rooms (open and overdue).
- The SPD-Fraktion's Antrag on drinking fountains, decided by that Stadtrat (in progress), and
  its Anfrage on the school yards, answered by Bereich 5-11.
- A Beschlusskontrolle report of the Stadtrat, generated once by the office through the
  service, which `resolutions.demo` puts on the agenda of the next Stadtrat.

Written like the other demo modules: rows keyed by natural keys, so a second run changes nothing.
"""

import datetime

from council.demo import CouncilDemo, aware, ensure, ensure_agenda, ensure_meeting
from council.models import Meeting

from ..models import Consultation, Decision, Paper, PaperEvent
from .models import ProgressReport, Tracking, TrackingReport

SEED_CLOSING_REPORT = (
    "Die Stadt Ludwigshafen am Rhein ist dem Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz mit dem "
    "Beschluss des Stadtrates vom 18.03.2013 beigetreten; die Beitrittserklärung ist "
    "unterzeichnet. In der Steuerungsgruppe des Bündnisses arbeitet seitdem die Bereichsleiterin 5-11 für die "
    "Stadt mit."
)
SEED_PROGRESS_REPORT = "Die Beitrittserklärung ist unterschrieben und an den Städtetag Rheinland-Pfalz versandt."

COUNCIL_DAY = datetime.date(2013, 6, 17)
PLAYGROUNDS_TITLE = "Sanierung der Spielplätze im Hemshof"
OFFICE_TITLE = "Einrichtung eines Bürgerbüros in der Pfingstweide"
CONCEPT_TITLE = "Integriertes Handlungskonzept Soziale Stadt West 2030"
ROOMS_TITLE = "Anmietung von Räumen für das Stadtteilbüro in der Rohrlachstraße"
ROOMS_EXPLANATION = (
    "Der Eigentümer des Anwesens Rohrlachstraße 12 bietet die Räume im Erdgeschoss zu einer Kaltmiete von 9,80 Euro "
    "je Quadratmeter an; das Angebot ist bis zum 30.09.2013 befristet."
)
ROOMS_REPORT = "Der Mietvertrag mit dem Eigentümer der Rohrlachstraße 12 liegt der Rechtsabteilung zur Prüfung vor."

# The SPD-Fraktion's Antrag, decided by the 42. Stadtrat, and its Anfrage, answered by Bereich 5-11.
MOTION_TITLE = "Antrag der SPD-Fraktion: Trinkwasserbrunnen auf den Plätzen im Hemshof"
MOTION_EXPLANATION = (
    "Im Sommer fehlt auf den Plätzen im Hemshof frei zugängliches Trinkwasser. Andere Städte haben mit öffentlichen "
    "Trinkwasserbrunnen gute Erfahrungen gemacht."
)
MOTION_PROPOSAL = "Die Verwaltung wird beauftragt, bis Mitte 2014 drei Trinkwasserbrunnen im Hemshof aufzustellen."
MOTION_REPORT = "Zwei Standorte sind mit den Technischen Werken abgestimmt; der dritte wird noch geprüft."
INQUIRY_TITLE = "Anfrage der SPD-Fraktion zur Öffnung der Schulhöfe im Hemshof am Nachmittag"
INQUIRY_EXPLANATION = "Wir fragen die Verwaltung: Welche Schulhöfe im Hemshof können nachmittags geöffnet werden?"
INQUIRY_ANSWER = (
    "Die Schulhöfe der Grundschulen Gräfenau und Goetheschule sind ab dem Schuljahr 2013/14 werktags bis 19 Uhr "
    "geöffnet; die Aufsicht übernimmt das Stadtteilbüro."
)

# Title, public, proposal, target date, state, closed on; then the reports (date, state, by, text).
TRACKED = [
    (
        PLAYGROUNDS_TITLE,
        True,
        "Die Verwaltung wird beauftragt, die Spielplätze am Goerdelerplatz und in der Hartmannstraße bis Ende 2013 "
        "zu sanieren.",
        datetime.date(2013, 12, 31),
        Tracking.State.IN_PROGRESS,
        None,
        [
            (
                datetime.date(2013, 9, 2),
                Tracking.State.IN_PROGRESS,
                "clerk",
                "Der Spielplatz am Goerdelerplatz ist saniert; für die Hartmannstraße fehlt noch die Förderzusage.",
            )
        ],
    ),
    (
        OFFICE_TITLE,
        True,
        "Die Verwaltung wird beauftragt, in der Pfingstweide ein Bürgerbüro mit wöchentlichen Sprechzeiten "
        "einzurichten.",
        datetime.date(2013, 12, 31),
        Tracking.State.NOT_FEASIBLE,
        datetime.date(2013, 11, 4),
        [
            (
                datetime.date(2013, 11, 4),
                Tracking.State.NOT_FEASIBLE,
                "head",
                "Im Stadtteil stehen keine geeigneten Räume zur Verfügung; die Sprechzeiten werden stattdessen im "
                "Stadtteilbüro angeboten.",
            )
        ],
    ),
    (
        CONCEPT_TITLE,
        True,
        "Der Stadtrat beschließt das Integrierte Handlungskonzept Soziale Stadt West 2030; die Verwaltung setzt es "
        "schrittweise um und berichtet jährlich.",
        datetime.date(2030, 12, 31),
        Tracking.State.IN_PROGRESS,
        None,
        [
            (
                datetime.date(2014, 3, 3),
                Tracking.State.IN_PROGRESS,
                "clerk",
                "Die ersten drei Maßnahmen des Konzepts (Quartiersplatz, Stadtteilbüro, Schulhof) sind begonnen.",
            )
        ],
    ),
    (
        ROOMS_TITLE,
        False,
        "Die Verwaltung wird ermächtigt, die Räume im Erdgeschoss der Rohrlachstraße 12 für das Stadtteilbüro "
        "anzumieten.",
        datetime.date(2013, 9, 30),
        Tracking.State.OPEN,
        None,
        [(datetime.date(2013, 8, 12), Tracking.State.OPEN, "clerk", ROOMS_REPORT)],
    ),
]


def _tracking(decision: Decision, council: CouncilDemo, *, target_date, state, closed_on, reports) -> Tracking:
    tracking = ensure(
        Tracking,
        decision=decision,
        defaults={
            "paper": decision.consultation.paper,
            "responsible_unit": council.unit,
            "responsible_person": council.head,
            "target_date": target_date,
            "state": state,
            "closed_on": closed_on,
        },
    )
    kept = [
        ensure(
            ProgressReport,
            tracking=tracking,
            date=date,
            state=report_state,
            defaults={"text": text, "author": council.users[author]},
        ).pk
        for date, report_state, author, text in reports
    ]
    ProgressReport.objects.filter(tracking=tracking).exclude(pk__in=kept).delete()
    return tracking


def _council_meeting_of_june(council: CouncilDemo, demo) -> None:
    """The 42. Sitzung des Stadtrates and the four Vorlagen it decided, each tracked."""
    from ..demo import OPENING, _attend, _consultations, _decision, _paper, _released_path, _set_state, _timeline
    from ..demo import agenda_title as title_of

    meeting = ensure_meeting(
        council.body,
        "42. Sitzung des Stadtrates",
        organizations=[council.stadtrat],
        start=aware(COUNCIL_DAY, 14),
        end=aware(COUNCIL_DAY, 18),
        location=council.council_hall,
        state=Meeting.State.HELD,
        invited_at=aware(COUNCIL_DAY - datetime.timedelta(days=10), 10),
    )
    papers = []
    for name, public, proposal, *_rest in TRACKED:
        fields = {"explanation": ROOMS_EXPLANATION} if name == ROOMS_TITLE else {}
        papers.append(
            _paper(
                council,
                name=name,
                date=COUNCIL_DAY - datetime.timedelta(days=40),
                paper_type=Paper.Type.RESOLUTION,
                proposal=proposal,
                public=public,
                **fields,
            )
        )
    motion = _faction_paper(
        council,
        name=MOTION_TITLE,
        paper_type=Paper.Type.MOTION,
        explanation=MOTION_EXPLANATION,
        proposal=MOTION_PROPOSAL,
        date=COUNCIL_DAY - datetime.timedelta(days=30),
    )
    # The public items first, then the non-public one (the rooms), as every agenda is laid out.
    items = sorted([*papers, motion], key=lambda paper: not paper.public)
    agenda = ensure_agenda(
        meeting,
        [("1", OPENING, True)]
        + [(str(number), title_of(paper), paper.public) for number, paper in enumerate(items, start=2)],
    )
    number_of = {paper.pk: str(number) for number, paper in enumerate(items, start=2)}
    _attend(meeting, council, excused=[])
    from ..demo import _votes

    S, A = Paper.State, PaperEvent.Action
    office = council.users["office"]
    motion_row = (
        MOTION_TITLE,
        True,
        MOTION_PROPOSAL,
        datetime.date(2014, 6, 30),
        Tracking.State.IN_PROGRESS,
        None,
        [(datetime.date(2013, 10, 7), Tracking.State.IN_PROGRESS, "clerk", MOTION_REPORT)],
    )
    for paper, (_name, _public, _proposal, target, state, closed_on, reports) in zip(
        [*papers, motion], [*TRACKED, motion_row], strict=True
    ):
        number = number_of[paper.pk]
        item = agenda[number]
        (step,) = _consultations(paper, [(council.stadtrat, Consultation.Role.DECISION, True, item)])
        decision = _decision(
            step,
            council.factions,
            _votes(meeting, council.factions),
            result=Decision.Result.ADOPTED,
            date=COUNCIL_DAY,
            resolution_text=paper.proposal,
        )
        if paper is motion:
            released_at, released_path = _faction_path(paper, council)
        else:
            released_at, released_path = _released_path(paper, council, day=paper.date)
        _timeline(
            paper,
            [
                *released_path,
                (
                    A.SCHEDULED,
                    S.RELEASED,
                    S.IN_CONSULTATION,
                    office,
                    aware(COUNCIL_DAY - datetime.timedelta(days=12), 9),
                    {"meeting": meeting, "agenda_item": item},
                ),
                (
                    A.DECIDED,
                    S.IN_CONSULTATION,
                    S.DECIDED,
                    office,
                    aware(COUNCIL_DAY, 17),
                    {"meeting": meeting, "agenda_item": item, "decision": decision},
                ),
            ],
        )
        _set_state(paper, S.DECIDED, released_at)
        _tracking(decision, council, target_date=target, state=state, closed_on=closed_on, reports=reports)
    demo.papers += [*papers, motion]
    demo.meetings.append(meeting)


def _faction_paper(council: CouncilDemo, *, name: str, date: datetime.date, **fields) -> Paper:
    """A Vorlage the SPD-Fraktion drafted (through its member, the demo user `member`)."""
    from ..services import paper_create

    spd = council.factions["SPD"]
    paper = Paper.objects.filter(body=council.body, name=name).first()
    if paper is None:
        paper = paper_create(
            body=council.body,
            by=council.users["member"],
            name=name,
            date=date,
            under_direction_of=spd,
            proposal_addressee="",
            **fields,
        )
    if not paper.originator_organizations.filter(pk=spd.pk).exists():
        paper.originator_organizations.add(spd)
    if not paper.originator_persons.filter(pk=council.member.pk).exists():
        paper.originator_persons.add(council.member)
    return paper


def _faction_path(paper: Paper, council: CouncilDemo) -> tuple[datetime.datetime, list]:
    """Drafted and submitted by the member, received by the office two days later."""
    member, office = council.users["member"], council.users["office"]
    S, A = Paper.State, PaperEvent.Action
    received_at = aware(paper.date + datetime.timedelta(days=2), 10)
    return received_at, [
        (A.CREATED, "", S.DRAFT, member, aware(paper.date, 9), {}),
        (A.SUBMITTED, S.DRAFT, S.COSIGNING, member, aware(paper.date, 11), {}),
        (A.RELEASED, S.COSIGNING, S.RELEASED, office, received_at, {}),
    ]


def _answered_inquiry(council: CouncilDemo, demo) -> None:
    """The SPD-Fraktion's Anfrage: received, given to Bereich 5-11, answered by its head."""
    from ..demo import _consultations, _set_state, _timeline

    inquiry = _faction_paper(
        council,
        name=INQUIRY_TITLE,
        paper_type=Paper.Type.INQUIRY,
        explanation=INQUIRY_EXPLANATION,
        proposal="",
        date=datetime.date(2013, 5, 2),
    )
    _consultations(inquiry, [(council.stadtrat, Consultation.Role.NOTICE, True, None)])
    received_at, path = _faction_path(inquiry, council)
    _timeline(inquiry, path)
    _set_state(inquiry, Paper.State.RELEASED, received_at)
    tracking = ensure(
        Tracking,
        paper=inquiry,
        decision=None,
        defaults={
            "responsible_unit": council.unit,
            "responsible_person": council.head,
            "target_date": datetime.date(2013, 6, 14),
            "state": Tracking.State.DONE,
            "closed_on": datetime.date(2013, 6, 10),
        },
    )
    kept = [
        ensure(
            ProgressReport,
            tracking=tracking,
            date=datetime.date(2013, 6, 10),
            state=Tracking.State.DONE,
            defaults={"text": INQUIRY_ANSWER, "author": council.users["head"]},
        ).pk
    ]
    ProgressReport.objects.filter(tracking=tracking).exclude(pk__in=kept).delete()
    demo.papers.append(inquiry)


def load_tracking_demo(council: CouncilDemo, demo) -> TrackingReport:
    """Write the trackings and return the Stadtrat's report (generated on the first run only)."""
    from .services import tracking_report_generate

    _tracking(
        demo.council_decision,
        council,
        target_date=datetime.date(2013, 6, 30),
        state=Tracking.State.DONE,
        closed_on=datetime.date(2013, 4, 15),
        reports=[
            (datetime.date(2013, 3, 25), Tracking.State.IN_PROGRESS, "clerk", SEED_PROGRESS_REPORT),
            (datetime.date(2013, 4, 15), Tracking.State.DONE, "head", SEED_CLOSING_REPORT),
        ],
    )
    _council_meeting_of_june(council, demo)
    _answered_inquiry(council, demo)
    report = TrackingReport.objects.filter(organization=council.stadtrat).order_by("-as_of").first()
    if report is None:
        from django.utils import timezone

        report = tracking_report_generate(
            organization=council.stadtrat,
            as_of=timezone.localdate(),
            unit=council.council_office,
            by=council.users["office"],
        )
    return report
