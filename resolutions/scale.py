"""A big city's ten years, generated: the data set of `manage.py load_scale` and `make bench-scale`.

The text is drawn from a vocabulary of real council words with Zipf-like frequencies, so
that some words are in nearly every Vorlage ("Stadtentwicklung"), some in a few percent
("Radweg") and some in a handful. The same seed gives the same data set. Rows are written
with `bulk_create` in batches, one transaction a batch: this is a data writer for
benchmarks, not a workflow, so no events, no history and no files are written (the
attachments carry their extracted text only).
"""

import bisect
import contextlib
import datetime
import hashlib
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from council.models import AgendaItem, Body, LegislativeTerm, Location, Meeting, Membership, Organization, Person
from resolutions.models import Attachment, Consultation, Decision, Paper, ReferenceCounter

SCALE_AGS = "08999000"
SCALE_BODY_NAME = "Stadt Großstadt am Fluss"
# Rows per bulk insert and per transaction.
BATCH_SIZE = 2000
# The data set's proportions, per Vorlage (the city: 100k Vorlagen, 10k meetings,
# 300k agenda items, 150k consultations).
MEETINGS_PER_PAPER = 0.1
ITEMS_PER_MEETING = 30
SECOND_CONSULTATION_SHARE = 0.5
ATTACHMENT_SHARE = 0.6
SACHVERHALT_WORDS = 300
ATTACHMENT_WORDS = 120
# Serial numbers per KSD year: YYYY + four digits.
PAPERS_PER_YEAR_MAX = 9999
LAST_YEAR = 2025


def _words(text: str) -> list[str]:
    return text.split()


# The vocabulary, most frequent first: a word's weight is 1 / rank.
NOUNS = _words(
    """
Stadtentwicklung Verwaltung Haushalt Stadtrat Maßnahme Förderung Ausschuss Beschluss Kosten Antrag
Stadtteil Planung Umsetzung Bürgerinnen Bürger Finanzierung Vorlage Jahr Sanierung Bereich Verfahren
Grundstück Gebäude Bebauungsplan Schule Kindertagesstätte Verkehr Straße Projekt Konzept Mittel Betrieb
Investition Zuschuss Land Bund Programm Quartier Wohnungsbau Klimaschutz Beteiligung Jugendhilfe
Sozialraum Integration Haushaltsjahr Stellungnahme Vertrag Ausschreibung Vergabe Angebot Unterhaltung
Feuerwehr Sporthalle Spielplatz Grünfläche Friedhof Bibliothek Museum Theater Musikschule Volkshochschule
Radweg Gehweg Parkplatz Haltestelle Stadtbahn Buslinie Ampel Kreisverkehr Brücke Kanal Abwasser
Wasserversorgung Energie Photovoltaik Wärmeplanung Fernwärme Stadtwerke Abfall Straßenreinigung
Denkmalschutz Innenstadt Marktplatz Fußgängerzone Einzelhandel Wirtschaftsförderung Gewerbegebiet
Tourismus Kultur Sport Seniorinnen Senioren Pflege Gesundheit Inklusion Barrierefreiheit Gleichstellung
Ehrenamt Vereine Partnerschaft Digitalisierung Breitband Verwaltungsmodernisierung Personal Stellenplan
Gebühren Satzung Steuer Grundsteuer Gewerbesteuer Hebesatz Rücklage Kredit Schulden Zinsen Prüfung
Rechnungsprüfung Jahresabschluss Beteiligungsbericht Eigenbetrieb Gesellschaft Aufsichtsrat Wahl
Ortsbeirat Ortsvorsteher Bürgerversammlung Anwohner Lärmschutz Luftreinhaltung Hochwasserschutz Deich
Starkregen Baumfällung Baumpflanzung Stadtgrün Artenschutz Naturschutz Landschaftsplan Flächennutzungsplan
Baugenehmigung Erschließung Vermessung Umlegung Stadterneuerung Städtebauförderung Modernisierung
Leerstand Mietspiegel Wohngeld Obdachlosigkeit Flüchtlinge Unterkunft Sprachförderung Ganztagsschule
Schulentwicklung Schulbau Mensa Schulweg Elternbeitrag Kinderbetreuung Jugendzentrum Streetwork
Quartiersmanagement Gemeinwesenarbeit Nachbarschaft Sicherheit Ordnungsamt Sondernutzung Gaststätte
Wochenmarkt Veranstaltung Stadtfest Weihnachtsmarkt Hallenbad Freibad Eissporthalle Stadion Kunstrasen
Radverkehr Fahrradstraße Carsharing Elektromobilität Ladesäule Parkraumbewirtschaftung Anwohnerparken
Verkehrsberuhigung Tempo Schulstraße Querungshilfe Zebrastreifen Unterführung Bahnhof Busbahnhof
Regionalverkehr Nahverkehrsplan Tarif Sozialticket Beförderung Winterdienst Straßenbeleuchtung Baustelle
Kanalsanierung Kläranlage Regenrückhaltebecken Trinkwasser Müllabfuhr Wertstoffhof Biotonne Kompost
Archiv Stadtgeschichte Gedenktafel Straßenbenennung Ehrenbürger Städtepartnerschaft Jubiläum Preis
Wettbewerb Gutachten Machbarkeitsstudie Evaluation Bericht Statistik Befragung Prognose Szenario
Dachbegrünung Fassadenbegrünung Entsiegelung Versickerung Zisterne Trinkbrunnen Hitzeaktionsplan
Klimaanpassung Schwammstadt Kaltluftschneise Stadtklima Solarpflicht Wärmepumpe Geothermie Windkraft
Konversion Kasernengelände Brachfläche Altlasten Bodensanierung Rückbau Abriss Neubau Anbau Umbau
Brandschutz Rettungsdienst Katastrophenschutz Sirene Löschzug Gerätehaus Drehleiter Atemschutz
"""
)
ADJECTIVES = _words(
    """
städtischen öffentlichen neuen geplanten bestehenden sozialen kommunalen notwendigen zusätzlichen
jährlichen barrierefreien nachhaltigen energetischen digitalen regionalen gesamten weiteren künftigen
"""
)
VERBS = _words(
    """
beschließt empfiehlt beauftragt prüft stimmt genehmigt fördert plant saniert errichtet beantragt
berichtet bewilligt ergänzt erweitert verlängert überplant vergibt finanziert unterstützt
"""
)
# Stopwords: they take positions in the text, as in real prose, and are never found.
GLUE = _words("der die das und in mit für von zu auf im des den dem zur zum bei nach über wird werden ist")
DISTRICTS = _words(
    """
Mitte Nord Süd West Ost Altstadt Hafen Rheinufer Friesenheim Oppau Edigheim Mundenheim Gartenstadt
Oggersheim Maudach Rheingönheim Ruchheim Pfingstweide Hemshof Niederfeld Notwende Melm Weststadt
"""
)
FAMILY_NAMES = _words(
    """
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf
Schröder Neumann Schwarz Braun Hofmann Zimmermann Schmitt Hartmann Krüger Werner Lange Krause Meier
Lehmann Huber Kaiser Fuchs Peters Scholz Möller Weiß Jung Hahn Vogel Keller Günther Frank Berger
"""
)
GIVEN_NAMES = _words(
    """
Anna Maria Eva Julia Laura Sabine Petra Claudia Monika Ursula Katharina Lena Sophie Hannah Miriam
Thomas Michael Andreas Stefan Peter Klaus Jürgen Frank Markus Martin Christian Jan Lukas Felix Jonas
"""
)
COMMITTEES = [
    ("Stadtrat", "SR"),
    ("Haupt- und Finanzausschuss", "HFA"),
    ("Bau- und Grundstücksausschuss", "BGA"),
    ("Ausschuss für Umwelt und Klimaschutz", "UKA"),
    ("Ausschuss für Verkehr und Mobilität", "VMA"),
    ("Sozialausschuss", "SozA"),
    ("Jugendhilfeausschuss", "JHA"),
    ("Schulträgerausschuss", "STA"),
    ("Kulturausschuss", "KultA"),
    ("Sportausschuss", "SpA"),
    ("Werkausschuss Stadtentwässerung", "WA"),
    ("Rechnungsprüfungsausschuss", "RPA"),
    ("Wirtschaftsausschuss", "WiA"),
    ("Integrationsbeirat", "IB"),
    ("Seniorenbeirat", "SB"),
]
FACTIONS = ["SPD", "CDU", "GRÜNE", "FDP", "DIE LINKE", "FWG", "AfD"]
UNITS = [
    ("Bereich Stadtentwicklung", "4-12"),
    ("Bereich Tiefbau", "4-13"),
    ("Bereich Bauaufsicht", "4-14"),
    ("Bereich Umwelt", "4-15"),
    ("Bereich Grünflächen und Friedhöfe", "4-16"),
    ("Bereich Jugendförderung", "5-11"),
    ("Bereich Soziales", "5-12"),
    ("Bereich Schulen", "5-13"),
    ("Bereich Kultur", "5-14"),
    ("Bereich Sport", "5-15"),
    ("Bereich Finanzen", "2-11"),
    ("Bereich Personal", "1-12"),
    ("Bereich Recht und Ordnung", "3-11"),
    ("Bereich Feuerwehr", "3-12"),
    ("Bereich Wirtschaftsförderung", "1-14"),
    ("Bereich Digitalisierung", "1-15"),
]
PAPER_TYPES = [
    (Paper.Type.RESOLUTION, 60),
    (Paper.Type.INFORMATION, 15),
    (Paper.Type.MOTION, 12),
    (Paper.Type.INQUIRY, 8),
    (Paper.Type.COMMUNICATION, 3),
    (Paper.Type.REPORT, 2),
]
TITLE_PATTERNS = [
    "{noun} im Stadtteil {district}",
    "Sanierung: {noun} {district}",
    "Bebauungsplan Nr. {number} „{district}“",
    "{noun} und {noun2} – Konzept {year}",
    "Förderprogramm {noun}",
    "Antrag zur {noun} in {district}",
    "Bericht über {noun} {year}",
    "Vergabe: {noun} {district}",
]
OTHER_ITEMS = ["Eröffnung und Begrüßung", "Mitteilungen der Verwaltung", "Anfragen", "Genehmigung der Niederschrift"]


def _cumulative(count: int) -> list[float]:
    total, weights = 0.0, []
    for rank in range(1, count + 1):
        total += 1.0 / rank
        weights.append(total)
    return weights


@dataclass
class ScaleSummary:
    body: Body
    papers: int = 0
    meetings: int = 0
    agenda_items: int = 0
    consultations: int = 0
    decisions: int = 0
    attachments: int = 0
    people: int = 0
    memberships: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


class _Text:
    """German council prose from the vocabulary: common and rare words, with stopwords between."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.weights = _cumulative(len(NOUNS))

    def nouns(self, count: int) -> list[str]:
        return self.rng.choices(NOUNS, cum_weights=self.weights, k=count)

    def prose(self, words: int) -> str:
        rng, sentences, written = self.rng, [], 0
        nouns = iter(self.nouns(words))
        while written < words:
            length = rng.randint(6, 14)
            parts = []
            for index in range(length):
                if index % 3 == 1:
                    parts.append(rng.choice(GLUE))
                elif index % 5 == 3:
                    parts.append(rng.choice(ADJECTIVES))
                elif index == length - 1:
                    parts.append(rng.choice(VERBS))
                else:
                    parts.append(next(nouns, "Verwaltung"))
            written += length
            sentence = " ".join(parts)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        # Paragraphs of about five sentences, as Markdown.
        return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))

    def title(self, year: int) -> str:
        noun, noun2 = self.nouns(2)
        pattern = self.rng.choice(TITLE_PATTERNS)
        return pattern.format(
            noun=noun, noun2=noun2, district=self.rng.choice(DISTRICTS), year=year, number=self.rng.randint(100, 999)
        )


@contextlib.contextmanager
def _own_timestamps(*models):
    """Let bulk_create write the `created` and `modified` given, as an archive has them (OParl's modified_since).

    Setting them afterwards would rewrite every row, and with it every search index.
    """
    fields = [model._meta.get_field(name) for model in models for name in ("created", "modified")]
    saved = [(each.auto_now, each.auto_now_add) for each in fields]
    for each in fields:
        each.auto_now = each.auto_now_add = False
    try:
        yield
    finally:
        for each, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            each.auto_now, each.auto_now_add = auto_now, auto_now_add


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class _Writer:
    """Writes the data set; `report(done, total, label)` is told about progress."""

    def __init__(self, *, papers: int, seed: int, report: Callable[[str], None]):
        self.total = papers
        self.rng = random.Random(seed)
        self.text = _Text(self.rng)
        self.report = report
        self.years = max(10, math.ceil(papers / PAPERS_PER_YEAR_MAX))
        self.first_day = datetime.date(LAST_YEAR - self.years + 1, 1, 1)
        self.last_day = datetime.date(LAST_YEAR, 12, 31)
        self.today = timezone.localdate()
        self.now = timezone.now()

    def council(self, summary: ScaleSummary) -> None:
        body = summary.body
        first_year = self.first_day.year
        LegislativeTerm.objects.bulk_create(
            LegislativeTerm(
                body=body,
                name=f"Wahlperiode {year}–{year + 5}",
                start_date=datetime.date(year, 7, 1),
                end_date=datetime.date(year + 5, 6, 30),
            )
            for year in range(first_year - 1, LAST_YEAR + 1, 5)
        )
        self.locations = Location.objects.bulk_create(
            Location(body=body, description=f"Sitzungssaal {n}, Rathaus", room=f"Sitzungssaal {n}") for n in (1, 2, 3)
        )
        gremien = [
            Organization(
                body=body,
                name=name,
                short_name=short,
                organization_type=Organization.Type.COMMITTEE,
                classification="Hauptorgan" if short == "SR" else "Ausschuss",
            )
            for name, short in COMMITTEES
        ]
        gremien += [
            Organization(
                body=body,
                name=f"Ortsbeirat {district}",
                short_name=f"OBR {district}",
                organization_type=Organization.Type.COMMITTEE,
                classification="Ortsbeirat",
            )
            for district in DISTRICTS[:10]
        ]
        self.gremien = Organization.objects.bulk_create(gremien)
        self.factions = Organization.objects.bulk_create(
            Organization(
                body=body,
                name=f"{name}-Stadtratsfraktion",
                short_name=name,
                organization_type=Organization.Type.FACTION,
                classification="Fraktion",
            )
            for name in FACTIONS
        )
        self.units = Organization.objects.bulk_create(
            Organization(
                body=body,
                name=name,
                short_name=short,
                organization_type=Organization.Type.ADMINISTRATIVE_UNIT,
                classification="Bereich",
            )
            for name, short in UNITS
        )
        people = Person.objects.bulk_create(
            Person(
                body=body,
                family_name=FAMILY_NAMES[n % len(FAMILY_NAMES)],
                given_name=GIVEN_NAMES[(n * 7) % len(GIVEN_NAMES)],
                title="Dr." if n % 11 == 0 else "",
            )
            for n in range(300)
        )
        memberships = []
        council, committees = self.gremien[0], self.gremien[1:]
        for index, person in enumerate(people):
            faction = self.factions[index % len(self.factions)]
            start = datetime.date(first_year - 1 + 5 * (index % 2), 7, 1)
            if index < 120:  # councillors: the Stadtrat, their Fraktion, two committees
                seats = [council, faction, *self.rng.sample(committees, 2)]
            elif index < 200:  # citizen members of a committee
                seats = [self.rng.choice(committees)]
            else:  # the administration
                seats = [self.units[index % len(self.units)]]
            for organization in seats:
                memberships.append(
                    Membership(
                        person=person,
                        organization=organization,
                        role="Mitglied",
                        on_behalf_of=faction if organization.organization_type != "Verwaltungsbereich" else None,
                        start_date=start,
                        end_date=start + datetime.timedelta(days=5 * 365) if index % 4 == 0 else None,
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        summary.people, summary.memberships = len(people), len(memberships)

    def meetings(self, summary: ScaleSummary) -> None:
        # At least one meeting a year of each Gremium, so that small data sets have decisions too.
        count = max(len(self.gremien) * self.years, round(self.total * MEETINGS_PER_PAPER))
        span = (self.last_day - self.first_day).days
        per_gremium = math.ceil(count / len(self.gremien))
        rows, links = [], []
        for index, gremium in enumerate(self.gremien):
            for n in range(per_gremium):
                day = self.first_day + datetime.timedelta(days=(n * span) // per_gremium + index % 7)
                start = _aware(day, 17)
                past = day < self.today
                rows.append(
                    Meeting(
                        body=summary.body,
                        name=f"{n + 1}. Sitzung {gremium.name} {day.year}",
                        start=start,
                        end=start + datetime.timedelta(hours=3),
                        location=self.locations[index % len(self.locations)],
                        state=Meeting.State.HELD if past else Meeting.State.SCHEDULED,
                        invited_at=start - datetime.timedelta(days=14) if past else None,
                        created=start - datetime.timedelta(days=30),
                        modified=start if past else self.now,
                    )
                )
                links.append(gremium)
        meetings = Meeting.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        through = Meeting.organizations.through
        through.objects.bulk_create(
            (
                through(meeting_id=meeting.pk, organization_id=gremium.pk)
                for meeting, gremium in zip(meetings, links, strict=True)
            ),
            batch_size=BATCH_SIZE,
        )
        self.schedule: dict[int, tuple[list[datetime.date], list[Meeting]]] = {}
        for meeting, gremium in zip(meetings, links, strict=True):
            days, found = self.schedule.setdefault(gremium.pk, ([], []))
            days.append(meeting.start.date())
            found.append(meeting)
        self.next_order = {meeting.pk: 1 for meeting in meetings}
        summary.meetings = len(meetings)

    def _meeting_after(self, gremium: Organization, day: datetime.date) -> Meeting | None:
        days, meetings = self.schedule[gremium.pk]
        index = bisect.bisect_left(days, day)
        return meetings[index] if index < len(meetings) else None

    def _item(self, meeting: Meeting, name: str, public: bool) -> AgendaItem:
        order = self.next_order[meeting.pk]
        self.next_order[meeting.pk] = order + 1
        return AgendaItem(meeting=meeting, number=str(order), order=order, name=name, public=public)

    def papers(self, summary: ScaleSummary) -> None:
        rng, started = self.rng, time.monotonic()
        types, type_weights = zip(*PAPER_TYPES, strict=True)
        serials: dict[int, int] = {}
        per_year = math.ceil(self.total / self.years)
        committees = self.gremien[1:]
        for batch_start in range(0, self.total, BATCH_SIZE):
            batch = range(batch_start, min(self.total, batch_start + BATCH_SIZE))
            papers = []
            for n in batch:
                # Spread evenly over the years, so that no year runs out of serial numbers.
                year = self.first_day.year + min(self.years - 1, n // per_year)
                day_of_year = rng.randrange(365)
                date = min(datetime.date(year, 1, 1) + datetime.timedelta(days=day_of_year), self.last_day)
                serials[year] = serial = serials.get(year, 0) + 1
                paper_type = rng.choices(types, weights=type_weights)[0]
                released = _aware(date, 9)
                papers.append(
                    Paper(
                        body=summary.body,
                        reference=f"{year}{serial:04d}",
                        paper_type=paper_type,
                        subject_line=rng.choice(["", "", "Bund-Länder-Programm „Soziale Stadt“", "Haushalt"]),
                        name=self.text.title(year),
                        date=date,
                        explanation=self.text.prose(SACHVERHALT_WORDS),
                        proposal=self.text.prose(30),
                        financial_impact="Keine." if rng.random() < 0.4 else self.text.prose(20),
                        under_direction_of=rng.choice(self.units),
                        state=Paper.State.RELEASED,
                        public=rng.random() < 0.95,
                        released_at=released,
                        created=released,
                        modified=released,
                    )
                )
            with transaction.atomic():
                Paper.objects.bulk_create(papers, batch_size=BATCH_SIZE)
                self._consultations(summary, papers, committees)
                attachments = [
                    Attachment(
                        paper=paper,
                        attachment_type=Attachment.Type.ANNEX,
                        name="Anlage 1",
                        public=rng.random() < 0.9,
                        file=f"attachments/{paper.reference}/anlage-1.pdf",
                        file_name="anlage-1.pdf",
                        mime_type="application/pdf",
                        size=20000 + paper.pk % 50000,
                        sha512=hashlib.sha512(paper.reference.encode()).hexdigest(),
                        text=self.text.prose(ATTACHMENT_WORDS),
                    )
                    for paper in papers
                    if rng.random() < ATTACHMENT_SHARE
                ]
                Attachment.objects.bulk_create(attachments, batch_size=BATCH_SIZE)
            summary.papers += len(papers)
            summary.attachments += len(attachments)
            elapsed = time.monotonic() - started
            self.report(f"Vorlagen {summary.papers:>8} / {self.total}  ({elapsed:.0f} s)")
        with transaction.atomic():
            for year, last in serials.items():
                counter, _created = ReferenceCounter.objects.get_or_create(body=summary.body, year=year)
                if counter.last_number < last:
                    counter.last_number = last
                    counter.save(update_fields=["last_number"])

    def _consultations(self, summary: ScaleSummary, papers: list[Paper], committees: list[Organization]) -> None:
        rng = self.rng
        consultations, items, decided = [], [], []
        for paper in papers:
            steps = [rng.choice(committees)] if rng.random() < SECOND_CONSULTATION_SHARE else []
            steps.append(self.gremien[0] if rng.random() < 0.5 else rng.choice(committees))
            if len(steps) == 2 and steps[0] == steps[1]:
                steps = steps[1:]
            day, state = paper.date + datetime.timedelta(days=7), Paper.State.RELEASED
            withdrawn = rng.random() < 0.03
            for order, gremium in enumerate(steps, start=1):
                authoritative = order == len(steps)
                consultation = Consultation(
                    paper=paper,
                    organization=gremium,
                    role=Consultation.Role.DECISION if authoritative else Consultation.Role.PRELIMINARY,
                    authoritative=authoritative,
                    order=order,
                )
                consultations.append(consultation)
                meeting = self._meeting_after(gremium, day)
                if meeting is None or state in (Paper.State.DECIDED, Paper.State.WITHDRAWN):
                    continue
                item = self._item(meeting, paper.name, paper.public and rng.random() < 0.97)
                consultation.agenda_item = item
                items.append(item)
                day = meeting.start.date() + datetime.timedelta(days=1)
                state = Paper.State.IN_CONSULTATION
                if meeting.state != Meeting.State.HELD:
                    continue
                if withdrawn:
                    result, state = Decision.Result.WITHDRAWN, Paper.State.WITHDRAWN
                elif not authoritative:
                    result = Decision.Result.ADOPTED
                elif paper.paper_type == Paper.Type.INFORMATION:
                    result, state = Decision.Result.NOTED, Paper.State.DECIDED
                else:
                    result = rng.choices(
                        [Decision.Result.ADOPTED, Decision.Result.ADOPTED_AMENDED, Decision.Result.REJECTED],
                        weights=[85, 8, 7],
                    )[0]
                    state = Paper.State.DECIDED
                decided.append((consultation, item, result, meeting.start.date()))
            paper.state = state
        AgendaItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        for consultation in consultations:
            consultation.paper_id = consultation.paper.pk
            consultation.agenda_item_id = consultation.agenda_item.pk if consultation.agenda_item else None
        Consultation.objects.bulk_create(consultations, batch_size=BATCH_SIZE)
        decisions = []
        for consultation, item, result, day in decided:
            no = rng.randint(0, 12) if result != Decision.Result.NOTED else 0
            decisions.append(
                Decision(
                    consultation=consultation,
                    agenda_item=item,
                    result=result,
                    resolution_text=consultation.paper.proposal if result != Decision.Result.NOTED else "",
                    date=day,
                    votes_yes=0 if result == Decision.Result.NOTED else rng.randint(20, 50),
                    votes_no=no,
                    votes_abstain=rng.randint(0, 5),
                    unanimous=no == 0,
                )
            )
        Decision.objects.bulk_create(decisions, batch_size=BATCH_SIZE)
        Paper.objects.bulk_update(papers, ["state"], batch_size=BATCH_SIZE)
        summary.consultations += len(consultations)
        summary.agenda_items += len(items)
        summary.decisions += len(decisions)

    def fill_agendas(self, summary: ScaleSummary) -> None:
        """The meetings' other items: up to ITEMS_PER_MEETING, fewer when there are few Vorlagen for many meetings."""
        items = []
        filled = min(
            ITEMS_PER_MEETING, max(2, round(self.total * ITEMS_PER_MEETING * MEETINGS_PER_PAPER / summary.meetings))
        )
        for days_and_meetings in self.schedule.values():
            for meeting in days_and_meetings[1]:
                while self.next_order[meeting.pk] <= filled:
                    name = self.rng.choice(OTHER_ITEMS)
                    if name == OTHER_ITEMS[1]:
                        name = f"{name}: {self.text.title(meeting.start.year)}"
                    items.append(self._item(meeting, name, self.rng.random() < 0.9))
                if len(items) >= BATCH_SIZE * 5:
                    AgendaItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
                    summary.agenda_items += len(items)
                    items = []
        AgendaItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        summary.agenda_items += len(items)
        self.report(f"agenda items {summary.agenda_items}")


def load_scale(*, papers: int, seed: int = 2026, report: Callable[[str], None] = lambda line: None) -> ScaleSummary:
    """Write a big city's Vorlagen, meetings, agendas, decisions and people into a body of their own.

    Refuses to run twice on the same database (the body SCALE_AGS exists): the data set
    is for a throwaway database.
    """
    if Body.objects.filter(ags=SCALE_AGS).exists():
        raise ValueError(SCALE_BODY_EXISTS)
    started = time.monotonic()
    writer = _Writer(papers=papers, seed=seed, report=report)
    with transaction.atomic():
        body = Body.objects.create(
            name=SCALE_BODY_NAME, short_name="Großstadt", ags=SCALE_AGS, classification="kreisfreie Stadt"
        )
        summary = ScaleSummary(body=body)
        writer.council(summary)
        with _own_timestamps(Meeting):
            writer.meetings(summary)
    report(f"council: {summary.people} people, {summary.memberships} memberships, {summary.meetings} meetings")
    with _own_timestamps(Paper):
        writer.papers(summary)
    with transaction.atomic():
        writer.fill_agendas(summary)
    summary.seconds = time.monotonic() - started
    return summary


SCALE_BODY_EXISTS = f"The scale data set (body {SCALE_AGS}) is already loaded; use a fresh database."
