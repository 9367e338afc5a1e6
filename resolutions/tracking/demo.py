"""Demo data of the Beschlusskontrolle: the seed's decision tracked and done, and decisions in every state.

- The Stadtrat's decision on the seed (18 March 2013): done. Ludwigshafen joined the Bündnis
  on the decision's day; the closing report names the seat of the Bereichsleiterin 5-11 in
  the Steuerungsgruppe (the alliances demo records the membership and the seat).
- The 42. Sitzung des Stadtrates (17 June 2013) decided four more Vorlagen of Bereich 5-11:
  playgrounds (in progress and overdue), a citizens' office (not feasible), a concept up to
  2030 (in progress, on track) and, behind closed doors, renting rooms (open and overdue).
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
    agenda = ensure_agenda(
        meeting,
        [("1", OPENING, True)]
        + [(str(number), title_of(paper), paper.public) for number, paper in enumerate(papers, start=2)],
    )
    _attend(meeting, council, excused=[])
    from ..demo import _votes

    S, A = Paper.State, PaperEvent.Action
    office = council.users["office"]
    for number, (paper, (_name, _public, _proposal, target, state, closed_on, reports)) in enumerate(
        zip(papers, TRACKED, strict=True), start=2
    ):
        item = agenda[str(number)]
        (step,) = _consultations(paper, [(council.stadtrat, Consultation.Role.DECISION, True, item)])
        decision = _decision(
            step,
            council.factions,
            _votes(meeting, council.factions),
            result=Decision.Result.ADOPTED,
            date=COUNCIL_DAY,
            resolution_text=paper.proposal,
        )
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
                    f"{meeting.name}, TOP {number}",
                ),
                (A.DECIDED, S.IN_CONSULTATION, S.DECIDED, office, aware(COUNCIL_DAY, 17), "Stadtrat: beschlossen"),
            ],
        )
        _set_state(paper, S.DECIDED, released_at)
        _tracking(decision, council, target_date=target, state=state, closed_on=closed_on, reports=reports)
    demo.papers += papers
    demo.meetings.append(meeting)


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
