"""`manage.py load_demo`: the demo reproduces the seed Vorlage faithfully and a second run changes nothing."""

import datetime
import hashlib
import re
from collections import Counter
from io import StringIO

import markdown
import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from alliances.models import Alliance, AllianceMembership
from council.meetings import eligible_attendees, meeting_day, voting_members_present
from council.models import AgendaItem, Attendance, Meeting, Membership, Organization, Person
from council.roles import Role, actor_for
from resolutions.models import Attachment, Decision, Paper, PaperEvent, ReferenceCounter
from resolutions.queries import next_pending_consultation, open_agenda_items, pool_for_meeting

# The seed, seed/000_ae6a05676c02412e.txt beside DESIGN.md: the text of the PDF of Vorlage
# KSD 20135317, line for line (trailing blanks dropped), hyphenation at line ends included.
SEED = """\
 Bund-Länder-Programm "Soziale Stadt"
Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz

KSD 20135317



Am 5.November 2012 hat sich in Trier unter Teilnahme des Innenministers an der Veranstal-
tung das Bündnis für eine Soziale Stadtentwicklung in Rheinland-Pfalz gegründet.

Bündnisinitiatoren sind neben dem Städtetag Rheinland-Pfalz und dem Landesnetzwerk für
Soziale Stadtentwicklung und Gemeinwesenarbeit auch die LIGA der Freien Wohlfahrtspfle-
ge in Rheinland-Pfalz, der Gemeinde- und Städtebund Rheinland-Pfalz, der Verband der
Südwestdeutschen Wohnungswirtschaft sowie der Verband der Wohnungs- und Immobi-
lienwirtschaft Rheinland-Westfalen.

Die Zielsetzungen des Bündnisses sind:

- Den strategischen Ansatz eines ressortübergreifenden Handelns zugunsten benach-
teiligter Stadtteile zu stärken

- In diesem Sinne bewährte Kooperationsformen aufzugreifen und fortzuentwickeln

- den Erfahrungsaustausch der Akteure zu unterstützen und

- die Landesregierung zu gewinnen, als Partnerin der zivilgesellschaftlichen Akteure
mit ihren Möglichkeiten den Ansatz einer integrierten Stadtentwicklung auf allen poli-
tischen Ebenen zu fördern.

Die Bündnisinitiatoren laden auch die Kommunen ein, sich in diesem Sinne dem Bündnis
anzuschließen. Diesbezüglich wird auch der Städtetag die Oberbürgermeister und Bürger-
meister der rheinland-pfälzischen Städte anschreiben, um die Städte für das Bündnis zu ge-
winnen.

Die Bereichsleiterin 5-11 arbeitet in der Steuerungsgruppe des Bündnisses gemeinsam mit
Vertretern der Bündnisinitiatoren und einem Vertreter der Entwicklungsagentur Rheinland-
Pfalz mit, um hier kommunale Sichtweisen einzubringen.

Die Gründungserklärung und die Beitrittserklärung sind dieser Vorlage als Anlage beigefügt.
Es fallen keine Mitgliedsbeiträge für das Bündnis an.




A N T R A G


Der Stadtrat möge wie folgt beschließen:

Die Stadt Ludwigshafen unterstützt das Bündnis für Soziale Stadtentwicklung und Gemein-
wesenarbeit Rheinland-Pfalz und erklärt ihren Beitritt zum Bündnis.
"""
SEED_LINES = SEED.splitlines()
SEED_AIMS = [
    "Den strategischen Ansatz eines ressortübergreifenden Handelns zugunsten benachteiligter Stadtteile zu stärken",
    "In diesem Sinne bewährte Kooperationsformen aufzugreifen und fortzuentwickeln",
    "den Erfahrungsaustausch der Akteure zu unterstützen und",
    "die Landesregierung zu gewinnen, als Partnerin der zivilgesellschaftlichen Akteure mit ihren Möglichkeiten den "
    "Ansatz einer integrierten Stadtentwicklung auf allen politischen Ebenen zu fördern.",
]


def dehyphenate(text: str) -> str:
    """Undo the PDF's hyphenation at line ends: "Veranstal-\\ntung" is one word, "Rheinland-\\nPfalz" keeps its hyphen.

    A word split by hyphenation goes on in lower case; a compound with a real hyphen goes on
    with a capital.
    """
    text = re.sub(r"(?<=\w)-[ \t]*\n[ \t]*(?=[a-zäöüß])", "", text)
    return re.sub(r"(?<=\w)-[ \t]*\n[ \t]*(?=[A-ZÄÖÜ])", "-", text)


def words(text: str) -> list[str]:
    """The words of a text, Markdown list markers and all whitespace differences left out."""
    return re.sub(r"^[ \t]*[-*][ \t]+", "", text, flags=re.MULTILINE).split()


def seed_body_words() -> list[str]:
    """The words of the seed after the KSD line, without the letter-spaced ANTRAG heading."""
    start = next(i for i, line in enumerate(SEED_LINES) if line.startswith("KSD ")) + 1
    body = "\n".join(line for line in SEED_LINES[start:] if line.strip() != "A N T R A G")
    return words(dehyphenate(body))


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(word in remaining for word in needle)


def snapshot() -> dict:
    """Row counts of every model, and every `modified` stamp and password, to compare two runs."""
    state = {}
    for model in apps.get_models():
        manager = model._default_manager
        state[model._meta.label] = manager.count()
        field_names = {f.name for f in model._meta.concrete_fields}
        for name in ("modified", "password", "created"):
            if name in field_names:
                state[f"{model._meta.label}.{name}"] = sorted(manager.values_list("pk", name))
    return state


@pytest.fixture
def demo(db):
    """Load the demo once; return what the command printed."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seed(demo):
    return Paper.objects.get(reference="20135317")


def test_dehyphenate_joins_split_words_and_keeps_real_hyphens():
    assert dehyphenate("Veranstal-\ntung in Rheinland-\nPfalz, Gemeinde- und Städtebund") == (
        "Veranstaltung in Rheinland-Pfalz, Gemeinde- und Städtebund"
    )


def test_command_prints_summary_and_logins(demo):
    assert "KSD 20135317" in demo
    assert "ratsbuch-demo" in demo
    for username in ("clerk", "head", "office", "member", "admin"):
        assert re.search(rf"^\s+{username}\s", demo, flags=re.MULTILINE)


def test_seed_header_is_reproduced(seed):
    assert seed.subject_line == SEED_LINES[0].strip() == 'Bund-Länder-Programm "Soziale Stadt"'
    assert seed.name == SEED_LINES[1].strip() == "Beitritt zum Bündnis für Soziale Stadtentwicklung in Rheinland-Pfalz"
    assert f"KSD {seed.reference}" == SEED_LINES[3].strip()
    assert seed.paper_type == Paper.Type.RESOLUTION
    assert seed.date.year == 2013
    assert seed.body.name == "Stadt Ludwigshafen am Rhein"
    assert seed.body.ags == "07314000"
    assert seed.under_direction_of.short_name == "5-11"
    assert [p.pk for p in seed.originator_persons.all()] == [
        seed.under_direction_of.memberships.get(role="Bereichsleiterin").person_id
    ]


def test_seed_text_is_reproduced_word_for_word(seed):
    paper_words = words(seed.explanation) + words(seed.proposal_addressee) + words(seed.proposal)

    assert paper_words == seed_body_words()
    everything = paper_words + words(seed.financial_impact)
    assert is_subsequence(seed_body_words(), everything)
    assert seed.financial_impact == "Es fallen keine Mitgliedsbeiträge für das Bündnis an."
    assert seed.explanation.rstrip().endswith(seed.financial_impact)
    assert seed.proposal_addressee == "Der Stadtrat möge wie folgt beschließen:"
    assert "5.November 2012" in seed.explanation
    for word in ("Veranstaltung", "Wohlfahrtspflege", "Immobilienwirtschaft", "Entwicklungsagentur Rheinland-Pfalz"):
        assert word in seed.explanation
    assert "Gemeinwesenarbeit Rheinland-Pfalz" in seed.proposal


def test_seed_aims_are_a_markdown_list(seed):
    html = markdown.markdown(seed.explanation)

    assert re.findall(r"<li>(.*?)</li>", html, flags=re.DOTALL) == SEED_AIMS
    assert html.count("<ul>") == 1


def test_seed_attachments_are_typed_checksummed_pdfs_with_text(seed):
    founding = seed.attachments.get(attachment_type=Attachment.Type.FOUNDING_DECLARATION)
    accession = seed.attachments.get(attachment_type=Attachment.Type.ACCESSION_DECLARATION)

    assert seed.attachments.count() == 2
    for attachment, file_name in ((founding, "gruendungserklaerung.pdf"), (accession, "beitrittserklaerung.pdf")):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-")
        assert attachment.public
        assert attachment.mime_type == "application/pdf"
        assert attachment.file_name == file_name
        assert attachment.size == len(content)
        assert attachment.sha512 == hashlib.sha512(content).hexdigest()
    assert "5. November 2012" in founding.text
    assert "Trier" in founding.text
    assert "Die Stadt Ludwigshafen am Rhein erklärt ihren Beitritt" in accession.text


def test_seed_beratungsfolge_ends_in_the_stadtrat_deciding(seed):
    first, last = seed.consultations.select_related("organization")

    assert (first.organization.short_name, first.role, first.authoritative) == ("SozA", "Vorberatung", False)
    assert first.decisions.get().result == Decision.Result.ADOPTED
    assert (last.organization.name, last.role, last.authoritative) == ("Stadtrat", "Entscheidung", True)
    assert last.organization.classification == "Hauptorgan"
    decision = last.decisions.get()
    assert decision.result == Decision.Result.ADOPTED
    assert decision.resolution_text == seed.proposal
    assert decision.agenda_item.meeting.state == Meeting.State.HELD
    assert decision.agenda_item.meeting.start.date() == decision.date
    assert decision.votes_yes == sum(vote.votes_yes for vote in decision.faction_votes.all())
    assert decision.votes_abstain == sum(vote.votes_abstain for vote in decision.faction_votes.all())
    assert decision.faction_votes.count() == 6
    assert seed.state == Paper.State.DECIDED
    assert seed.released_at is not None


def test_seed_timeline_has_every_step(seed):
    actions = list(seed.events.values_list("action", flat=True))

    A = PaperEvent.Action
    assert actions == [
        A.CREATED,
        A.SUBMITTED,
        A.COSIGNED,
        A.RELEASED,
        A.SCHEDULED,
        A.ADVANCED,
        A.SCHEDULED,
        A.DECIDED,
    ]
    assert seed.events.last().to_state == Paper.State.DECIDED
    assert all(event.created.year == 2013 for event in seed.events.all())


def test_numbering_continues_after_the_seed(seed):
    assert ReferenceCounter.objects.get(body=seed.body, year=2013).last_number >= 5317


def test_alliance_is_founded_in_trier_by_six_initiators(seed):
    alliance = Alliance.objects.get(slug="buendnis-soziale-stadtentwicklung-rlp")

    assert alliance.name == "Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz"
    assert str(alliance.founded_on) == "2012-11-05"
    assert alliance.founded_at == "Trier"
    assert "Innenminister" in alliance.founding_note
    assert alliance.founding_declaration.attachment_type == Attachment.Type.FOUNDING_DECLARATION
    assert list(alliance.aims.values_list("text", flat=True)) == SEED_AIMS
    initiators = alliance.memberships.filter(role=AllianceMembership.Role.INITIATOR)
    assert initiators.count() == 6
    assert sorted(m.member_organization.name for m in initiators) == sorted(
        [
            "Städtetag Rheinland-Pfalz",
            "Landesnetzwerk für Soziale Stadtentwicklung und Gemeinwesenarbeit",
            "LIGA der Freien Wohlfahrtspflege in Rheinland-Pfalz",
            "Gemeinde- und Städtebund Rheinland-Pfalz",
            "Verband der Südwestdeutschen Wohnungswirtschaft",
            "Verband der Wohnungs- und Immobilienwirtschaft Rheinland-Westfalen",
        ]
    )
    assert all(m.state == "joined" and str(m.joined_on) == "2012-11-05" for m in initiators)
    partner = alliance.memberships.get(role=AllianceMembership.Role.PARTNER)
    assert partner.member_organization.name == "Entwicklungsagentur Rheinland-Pfalz"
    assert partner.member_organization.organization_type == Organization.Type.INSTITUTION
    assert partner.representations.get().description == "ein Vertreter der Entwicklungsagentur Rheinland-Pfalz"


def test_ludwigshafen_joined_on_the_day_of_the_decision(seed):
    membership = AllianceMembership.objects.get(member_body=seed.body)
    decision = seed.consultations.get(authoritative=True).decisions.get()

    assert membership.role == AllianceMembership.Role.MEMBER
    assert membership.state == AllianceMembership.State.JOINED
    assert membership.paper == seed
    assert membership.decision == decision
    assert membership.joined_on == decision.date
    assert membership.proposed_on == seed.date
    assert membership.accession_declaration.attachment_type == Attachment.Type.ACCESSION_DECLARATION
    seat = membership.representations.get(group="Steuerungsgruppe")
    assert seat.person.user.username == "head"
    assert seat.person.memberships.get(organization=seed.under_direction_of).role == "Bereichsleiterin"


def test_every_role_has_a_demo_login(demo):
    users = {
        name: authenticate(RequestFactory().post("/accounts/login/"), username=name, password="ratsbuch-demo")
        for name in ("clerk", "head", "office", "member", "admin")
    }

    assert all(users.values())
    assert list(users["clerk"].groups.values_list("name", flat=True)) == [Role.CLERK]
    assert list(users["head"].groups.values_list("name", flat=True)) == [Role.HEAD]
    assert list(users["office"].groups.values_list("name", flat=True)) == [Role.OFFICE]
    assert not users["member"].groups.exists()
    assert users["admin"].is_superuser and users["admin"].is_staff
    unit = Organization.objects.get(short_name="5-11")
    assert unit.pk in actor_for(users["clerk"]).unit_ids
    assert unit.pk in actor_for(users["head"]).unit_ids
    member_organizations = Organization.objects.filter(pk__in=actor_for(users["member"]).organization_ids)
    assert {"Stadtrat", "Ausschuss für Soziales und Integration"} <= set(
        member_organizations.values_list("name", flat=True)
    )
    seat = users["member"].person.memberships.get(organization__short_name="SozA")
    assert seat.voting_right and seat.on_behalf_of.organization_type == Organization.Type.FACTION


def test_demo_has_a_draft_a_non_public_item_and_meetings_to_come_and_past(demo):
    draft = Paper.objects.get(state=Paper.State.DRAFT)
    hidden = AgendaItem.objects.get(public=False, meeting__name="14. Sitzung des Stadtrates")
    hidden_paper = Paper.objects.get(consultations__agenda_item=hidden)
    member = authenticate(RequestFactory().post("/accounts/login/"), username="member", password="ratsbuch-demo")

    assert draft.under_direction_of.short_name == "5-11"
    assert draft.reference.startswith(str(draft.date.year))
    assert not hidden_paper.public and hidden_paper.released_at is not None
    assert Meeting.objects.upcoming().count() >= 2
    assert Meeting.objects.past().filter(state=Meeting.State.HELD).count() >= 2
    assert all(meeting.agenda_items.exists() for meeting in Meeting.objects.upcoming())
    assert Paper.objects.public().exclude(reference="20135317").exists()
    assert hidden_paper in Paper.objects.visible_to(member)
    assert hidden_paper not in Paper.objects.visible_to(AnonymousUser())
    assert draft not in Paper.objects.visible_to(AnonymousUser())


def test_second_run_changes_nothing(seed):
    before = snapshot()
    files = sorted(a.file.name for a in Attachment.objects.all())

    call_command("load_demo", stdout=StringIO())

    assert snapshot() == before
    assert sorted(a.file.name for a in Attachment.objects.all()) == files
    seed_again = Paper.objects.get(pk=seed.pk)
    assert (seed_again.version, seed_again.modified) == (seed.version, seed.modified)


def test_an_upcoming_meeting_that_has_passed_moves_ahead_again(demo):
    meeting = Meeting.objects.upcoming().first()
    Meeting.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - datetime.timedelta(days=3), end=None, invited_at=None
    )
    count = Meeting.objects.count()

    call_command("load_demo", stdout=StringIO())

    meeting.refresh_from_db()
    assert meeting.start > timezone.now()
    assert Meeting.objects.count() == count


def test_the_stadtrat_has_sixty_councillors_and_the_oberbuergermeisterin(demo):
    stadtrat = Organization.objects.get(name="Stadtrat")
    seats = stadtrat.memberships.active(on=datetime.date(2013, 3, 18)).select_related("person", "on_behalf_of")

    assert seats.count() == 61
    assert all(seat.voting_right for seat in seats)
    assert Counter(seat.on_behalf_of.short_name for seat in seats if seat.on_behalf_of) == {
        "SPD": 23,
        "CDU": 21,
        "Grüne": 8,
        "FWG": 3,
        "FDP": 3,
        "DIE LINKE": 2,
    }
    assert [seat.role for seat in seats if seat.on_behalf_of is None] == ["Oberbürgermeisterin"]
    fraktion_seats = set(
        Membership.objects.filter(organization__organization_type=Organization.Type.FACTION).values_list(
            "person_id", "organization_id"
        )
    )
    assert all((seat.person_id, seat.on_behalf_of_id) in fraktion_seats for seat in seats if seat.on_behalf_of)
    names = [seat.person.name for seat in seats]
    assert len(set(names)) == 61
    assert any("ß" in name for name in names) and sum(bool(set(name) & set("äöüÄÖÜ")) for name in names) >= 10
    member = Person.objects.get(user__username="member")
    assert member.memberships.filter(end_date=None, organization=stadtrat).exists()


def test_the_committees_are_shared_out_by_the_strength_of_the_fraktionen(demo):
    stadtrat_seats = set(
        Membership.objects.filter(organization__name="Stadtrat").values_list("person_id", "on_behalf_of_id")
    )
    for short_name in ("SozA", "HFA"):
        seats = Organization.objects.get(short_name=short_name).memberships.select_related("on_behalf_of")
        voting = [seat for seat in seats if seat.voting_right]

        assert Counter(seat.on_behalf_of.short_name for seat in voting) == {
            "SPD": 6,
            "CDU": 5,
            "Grüne": 2,
            "FWG": 1,
            "FDP": 1,
        }
        advisory = seats.get(role="beratendes Mitglied")
        assert not advisory.voting_right and advisory.on_behalf_of.short_name == "DIE LINKE"
        # A committee member sits for the same Fraktion as in the Stadtrat.
        assert all((seat.person_id, seat.on_behalf_of_id) in stadtrat_seats for seat in seats if seat.on_behalf_of)


def test_the_seed_meetings_record_who_attended_and_how_they_voted(seed):
    committee_step, council_step = seed.consultations.select_related("agenda_item__meeting")
    committee, council = committee_step.agenda_item.meeting, council_step.agenda_item.meeting
    head = Person.objects.get(user__username="head")

    assert voting_members_present(council) == 55
    assert council.attendances.filter(status=Attendance.Status.EXCUSED).count() == 6
    assert council.attendances.filter(person__memberships__role="Oberbürgermeisterin").get().status == "present"
    assert voting_members_present(committee) == 14
    assert committee.attendances.filter(status=Attendance.Status.EXCUSED).count() == 1
    assert not Attendance.objects.filter(person=head).exists()
    votes = {
        step.organization.short_name: (
            decision.votes_yes,
            decision.votes_no,
            decision.votes_abstain,
            decision.unanimous,
        )
        for step in (committee_step, council_step)
        for decision in step.decisions.all()
    }
    assert votes == {"SozA": (13, 0, 1, True), "StR": (52, 0, 2, True)}
    assert committee_step.decisions.get().resolution_text == seed.proposal


def test_the_demo_obeys_the_rules_the_services_enforce(demo):
    decisions = Decision.objects.select_related("consultation__paper", "consultation__organization", "agenda_item")
    assert decisions.count() >= 3
    for decision in decisions:
        meeting = decision.agenda_item.meeting
        present = set(meeting.attendances.filter(status=Attendance.Status.PRESENT).values_list("person_id", flat=True))
        voting_by_faction = Counter(
            attendee.faction.pk
            for attendee in eligible_attendees(meeting)
            if attendee.voting_right and attendee.faction is not None and attendee.person.pk in present
        )
        rows = list(decision.faction_votes.select_related("faction"))

        assert meeting.state == Meeting.State.HELD
        assert decision.date == meeting_day(meeting)
        assert decision.consultation.agenda_item_id == decision.agenda_item_id
        assert meeting.organizations.filter(pk=decision.consultation.organization_id).exists()
        assert decision.votes_cast + decision.votes_biased <= voting_members_present(meeting)
        for column in ("votes_yes", "votes_no", "votes_abstain", "votes_biased"):
            assert sum(getattr(row, column) for row in rows) == getattr(decision, column), (decision, column)
        for row in rows:
            assert row.faction.organization_type == Organization.Type.FACTION
            cast = row.votes_yes + row.votes_no + row.votes_abstain + row.votes_biased
            assert cast <= voting_by_faction[row.faction_id], (decision, row.faction)
        assert not (decision.unanimous and decision.votes_no)
        if decision.result != Decision.Result.ADOPTED_AMENDED:
            assert decision.resolution_text == decision.consultation.paper.proposal

    for meeting in Meeting.objects.all():
        seated = {attendee.person.pk for attendee in eligible_attendees(meeting)}
        assert set(meeting.attendances.values_list("person_id", flat=True)) <= seated, meeting
        assert meeting.attendances.exists() == (meeting.state == Meeting.State.HELD), meeting

    deciding = [
        Decision.Result.ADOPTED,
        Decision.Result.ADOPTED_AMENDED,
        Decision.Result.REJECTED,
        Decision.Result.NOTED,
    ]
    for paper in Paper.objects.filter(state=Paper.State.DECIDED):
        assert paper.consultations.filter(authoritative=True, decisions__result__in=deciding).exists(), paper

    # A Vorlage in consultation sits on one open agenda item: its next step's, at an upcoming
    # meeting of that step's organization; a released one sits on none; earlier steps are done.
    upcoming = set(Meeting.objects.upcoming().values_list("pk", flat=True))
    for paper in Paper.objects.filter(state__in=[Paper.State.RELEASED, Paper.State.IN_CONSULTATION]):
        step = next_pending_consultation(paper)
        items = list(open_agenda_items().filter(consultations__paper=paper).select_related("meeting"))

        assert step is not None, paper
        assert all(earlier.decisions.exists() for earlier in paper.consultations.filter(order__lt=step.order))
        if paper.state == Paper.State.RELEASED:
            assert items == [], paper
            continue
        assert [item.pk for item in items] == [step.agenda_item_id], paper
        assert items[0].meeting_id in upcoming
        assert items[0].meeting.organizations.filter(pk=step.organization_id).exists()

    next_meeting = Meeting.objects.upcoming().first()
    pool = list(pool_for_meeting(next_meeting))
    assert pool, next_meeting
    assert any(paper in Paper.objects.public() and paper.state == Paper.State.RELEASED for paper in pool)


def test_a_run_puts_back_what_the_demo_no_longer_records(seed):
    council = seed.consultations.get(authoritative=True).agenda_item.meeting
    head = Person.objects.get(user__username="head")
    Attendance.objects.create(meeting=council, person=head)
    AgendaItem.objects.create(meeting=council, number="5", order=5, name="Nachtrag")
    PaperEvent.objects.create(paper=seed, action=PaperEvent.Action.WITHDRAWN, to_state=Paper.State.WITHDRAWN)

    call_command("load_demo", stdout=StringIO())

    assert not council.attendances.filter(person=head).exists()
    assert not council.agenda_items.filter(number="5").exists()
    assert not seed.events.filter(action=PaperEvent.Action.WITHDRAWN).exists()
