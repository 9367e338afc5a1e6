"""Agendas and decisions: putting Vorlagen before the committees, recording results, the pool.

The paper of these tests follows the seed's Beratungsfolge: the social committee prepares
(Vorberatung), the Stadtrat decides (Entscheidung). Meetings and attendance are made
through the council's services, the paper through the drafting services.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from council import services as council_services
from council.models import AgendaItem, AgendaTemplate, Meeting
from resolutions import services
from resolutions.models import Consultation, Decision, FactionVote, ItemDocument, Paper, PaperEvent
from resolutions.queries import next_pending_consultation, pool_for_meeting
from resolutions.services import (
    ALREADY_DECIDED_ERROR,
    ALREADY_SCHEDULED_ERROR,
    AMENDED_TEXT_ERROR,
    AMENDED_TEXT_MISSING_ERROR,
    DOCUMENT_ON_VORLAGE_ERROR,
    FACTION_GAP_ERROR,
    FACTION_SUM_ERROR,
    FACTION_TWICE_ERROR,
    FREE_ITEM_ERROR,
    ITEMS_MISMATCH_ERROR,
    LATER_MEETING_ERROR,
    MEETING_CLOSED_ERROR,
    MEETING_NOT_HELD_ERROR,
    NO_PENDING_STEP_ERROR,
    NOT_A_FACTION_ERROR,
    NOT_A_FREE_ITEM_ERROR,
    NOT_NEXT_STEP_ERROR,
    NOT_RELEASED_ERROR,
    NUMBER_FORMAT_ERROR,
    NUMBER_TAKEN_ERROR,
    NUMBERS_PRINTED_ERROR,
    PAPER_CLOSED_ERROR,
    PAPER_NOT_PUBLIC_ERROR,
    PUBLIC_AFTER_NONPUBLIC_ERROR,
    ROLE_ERROR,
    TEMPLATE_OTHER_BODY_ERROR,
    UNANIMOUS_DISSENT_ERROR,
    VOTES_EXCEED_PRESENT_ERROR,
)
from tests.council.conftest import at, meeting_of, seat, user_named
from tests.factories import (
    TINY_PDF,
    AgendaItemFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    OtherBodyFactory,
    ReleasedPaperFactory,
)
from tests.resolutions.conftest import PROPOSAL, messages_of, rendered

S = Paper.State
A = PaperEvent.Action
R = Decision.Result
NOT_OFFICE = ["clerk", "head", "member", "anonymous"]


# --- fixtures -------------------------------------------------------------------------
@pytest.fixture
def council_seats(city_council, factions) -> list:
    """Seven votes in the Stadtrat: SPD 4, CDU 3."""
    spd, cdu = factions["SPD"], factions["CDU"]
    return [*(seat(city_council, faction=spd) for _ in range(4)), *(seat(city_council, faction=cdu) for _ in range(3))]


@pytest.fixture
def committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Sozialausschusses")


@pytest.fixture
def later_committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 4, 8)), name="24. Sitzung des Sozialausschusses")


@pytest.fixture
def council_meeting(city_council) -> Meeting:
    return meeting_of(city_council, start=at(datetime.date(2013, 3, 18), 14), name="41. Sitzung des Stadtrates")


@pytest.fixture
def later_council_meeting(city_council) -> Meeting:
    return meeting_of(city_council, start=at(datetime.date(2013, 4, 15), 14), name="42. Sitzung des Stadtrates")


def _hold(meeting: Meeting, office, present=()) -> Meeting:
    council_services.attendance_record(meeting=meeting, by=office, present=list(present))
    return council_services.meeting_hold(meeting=meeting, by=office)


def _in_state(meeting: Meeting, state: str) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(state=state)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def committee_item(paper, office, committee_meeting) -> AgendaItem:
    """The paper on the committee's agenda, as item 1."""
    return services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)


@pytest.fixture
def recommended(committee_item, office, committee_meeting, committee_seats) -> Paper:
    """The committee has met and recommended the paper unanimously."""
    _hold(committee_meeting, office, committee_seats)
    services.decision_record(item=committee_item, by=office, result=R.ADOPTED, votes_yes=5, unanimous=True)
    return Paper.objects.get(pk=committee_item.consultations.get().paper_id)


@pytest.fixture
def council_item(recommended, office, council_meeting) -> AgendaItem:
    return services.agenda_item_add(meeting=council_meeting, by=office, paper=recommended)


@pytest.fixture
def held_council_item(council_item, office, council_meeting, council_seats) -> AgendaItem:
    _hold(council_meeting, office, council_seats)
    return council_item


# --- helpers --------------------------------------------------------------------------
def _snapshot() -> tuple:
    """Everything the services here write."""
    return (
        list(Paper.objects.order_by("pk").values_list("pk", "state", "version")),
        list(PaperEvent.objects.order_by("pk").values_list("pk", "action")),
        list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "order", "number", "public", "name")),
        list(Consultation.objects.order_by("pk").values_list("pk", "agenda_item_id")),
        list(Decision.objects.order_by("pk").values_list("pk", "result", "resolution_text")),
        list(FactionVote.objects.order_by("pk").values_list("pk", "votes_yes")),
        list(Meeting.objects.order_by("pk").values_list("pk", "state")),
    )


def _refused(call, *messages) -> ValidationError:
    """Run a service that must refuse with `messages` and change nothing at all."""
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert messages_of(excinfo.value) == list(messages)
    assert _snapshot() == before
    return excinfo.value


def _agenda(meeting: Meeting) -> list[tuple]:
    return list(meeting.agenda_items.order_by("order").values_list("order", "number", "name", "public"))


def _events(paper: Paper) -> list[tuple]:
    return list(paper.events.order_by("pk").values_list("action", "from_state", "to_state"))


def _free(meeting: Meeting, office, *names: str, public: bool = True) -> list[AgendaItem]:
    return [services.agenda_item_add(meeting=meeting, by=office, name=name, public=public) for name in names]


# --- the whole path -------------------------------------------------------------------
def test_the_whole_path_from_release_to_decision(
    paper, office, committee, city_council, committee_meeting, council_meeting, factions, committee_seats, council_seats
):
    assert list(pool_for_meeting(committee_meeting)) == [paper]
    assert list(pool_for_meeting(council_meeting)) == []

    _free(committee_meeting, office, "Eröffnung")
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)

    assert (item.number, item.order, item.public) == ("2", 2, True)
    assert item.name == 'Bund-Länder-Programm "Soziale Stadt" – ' + paper.name
    assert Consultation.objects.get(paper=paper, organization=committee).agenda_item == item
    paper.refresh_from_db()
    assert paper.state == S.IN_CONSULTATION
    assert list(pool_for_meeting(committee_meeting)) == []

    _hold(committee_meeting, office, committee_seats)
    recommendation = services.decision_record(item=item, by=office, result=R.ADOPTED, votes_yes=5, unanimous=True)

    paper.refresh_from_db()
    assert paper.state == S.IN_CONSULTATION
    assert (recommendation.date, recommendation.resolution_text) == (datetime.date(2013, 3, 4), PROPOSAL)
    assert list(pool_for_meeting(committee_meeting)) == []
    assert list(pool_for_meeting(council_meeting)) == [paper]
    assert next_pending_consultation(paper).organization == city_council

    council_item = services.agenda_item_add(meeting=council_meeting, by=office, paper=paper)
    _hold(council_meeting, office, council_seats)
    decision = services.decision_record(
        item=council_item,
        by=office,
        result=R.ADOPTED,
        votes_yes=6,
        votes_abstain=1,
        faction_votes=[
            {"faction": factions["SPD"], "yes": 4},
            {"faction": factions["CDU"], "yes": 2, "abstain": 1},
        ],
    )

    paper.refresh_from_db()
    assert paper.state == S.DECIDED
    decision.refresh_from_db()
    assert (decision.result, decision.date, decision.agenda_item, decision.resolution_text) == (
        R.ADOPTED,
        datetime.date(2013, 3, 18),
        council_item,
        PROPOSAL,
    )
    assert decision.consultation.organization == city_council
    assert (decision.votes_yes, decision.votes_no, decision.votes_abstain, decision.unanimous) == (6, 0, 1, False)
    assert sorted(decision.faction_votes.values_list("faction__name", "votes_yes", "votes_abstain")) == [
        ("CDU-Fraktion", 2, 1),
        ("SPD-Fraktion", 4, 0),
    ]
    assert _events(paper)[-4:] == [
        (A.SCHEDULED, S.RELEASED, S.IN_CONSULTATION),
        (A.ADVANCED, S.IN_CONSULTATION, S.IN_CONSULTATION),
        (A.SCHEDULED, S.IN_CONSULTATION, S.IN_CONSULTATION),
        (A.DECIDED, S.IN_CONSULTATION, S.DECIDED),
    ]
    scheduled, advanced, _again, decided = list(paper.events.order_by("pk"))[-4:]
    # The events point at what they concern; the timeline words it when shown.
    recommendation = Decision.objects.get(consultation__paper=paper, consultation__order=1)
    assert (scheduled.meeting, scheduled.agenda_item, scheduled.comment) == (
        recommendation.agenda_item.meeting,
        recommendation.agenda_item,
        "",
    )
    assert {event.actor for event in (scheduled, advanced, decided)} == {office}
    assert (advanced.decision, advanced.agenda_item) == (recommendation, recommendation.agenda_item)
    assert (decided.decision, decided.agenda_item, decided.comment) == (decision, council_item, "")
    assert paper.version == 9  # 1 as a draft, 4 moves to the release, 4 on the agendas
    assert list(pool_for_meeting(council_meeting)) == []
    assert next_pending_consultation(paper) is None


# --- next pending step and the pool ---------------------------------------------------
@pytest.mark.parametrize("state", ["draft", "cosigning", "decided", "withdrawn"])
def test_no_pending_step_before_release_or_after_the_end(paper_in, state):
    assert next_pending_consultation(paper_in(state)) is None


def test_first_step_is_pending_after_release(paper, committee):
    assert next_pending_consultation(paper).organization == committee


def test_pool_of_committee_and_council(paper, committee_meeting, council_meeting, recommended_elsewhere):
    assert list(pool_for_meeting(committee_meeting)) == [paper]
    assert list(pool_for_meeting(council_meeting)) == [recommended_elsewhere]


@pytest.fixture
def recommended_elsewhere(body, committee, city_council) -> Paper:
    """A second paper, recommended by the committee without any agenda: it waits for the Stadtrat."""
    other = ReleasedPaperFactory(
        body=body, reference="20130050", state=S.IN_CONSULTATION, date=datetime.date(2013, 2, 25)
    )
    step = ConsultationFactory(paper=other, organization=committee, role="Vorberatung", authoritative=False, order=1)
    ConsultationFactory(paper=other, organization=city_council, order=2)
    DecisionFactory(consultation=step, result=R.ADOPTED)
    return other


def test_joint_meeting_pools_both_organizations(
    paper, body, committee, city_council, recommended_elsewhere, committee_meeting
):
    joint = meeting_of(committee, city_council, start=at(datetime.date(2013, 3, 11)))
    assert list(pool_for_meeting(joint)) == [paper, recommended_elsewhere]


def test_pool_leaves_out_papers_of_other_states_and_bodies(paper_in, committee_meeting, committee):
    paper_in("draft")
    elsewhere = ReleasedPaperFactory(body=OtherBodyFactory())
    ConsultationFactory(paper=elsewhere, organization=committee)
    assert list(pool_for_meeting(committee_meeting)) == []


def test_pool_and_pending_step_after_a_deferral(paper, committee, committee_item, office, committee_meeting):
    _hold(committee_meeting, office)
    services.decision_record(item=committee_item, by=office, result=R.DEFERRED)
    assert next_pending_consultation(Paper.objects.get(pk=paper.pk)).organization == committee
    later = meeting_of(committee, start=at(datetime.date(2013, 4, 8)))
    assert list(pool_for_meeting(later)) == [paper]


def test_paper_on_a_cancelled_meeting_returns_to_the_pool(
    paper, committee_item, office, committee_meeting, later_committee_meeting
):
    council_services.meeting_cancel(meeting=committee_meeting, by=office)
    assert list(pool_for_meeting(later_committee_meeting)) == [paper]

    item = services.agenda_item_add(meeting=later_committee_meeting, by=office, paper=paper)

    assert Consultation.objects.get(paper=paper, order=1).agenda_item == item
    assert list(pool_for_meeting(later_committee_meeting)) == []


def _papers(body, committee, city_council, count: int) -> None:
    """`count` papers in every situation the pool must tell apart."""
    scheduled_on = meeting_of(committee, start=at(datetime.date(2013, 3, 1)))
    for number in range(count):
        paper = ReleasedPaperFactory(body=body)
        first = ConsultationFactory(paper=paper, organization=committee, role="Vorberatung", authoritative=False)
        ConsultationFactory(paper=paper, organization=city_council, order=2)
        kind = number % 3
        if kind == 1:  # on an open agenda item
            first.agenda_item = AgendaItemFactory(meeting=scheduled_on)
            first.save()
        elif kind == 2:  # recommended, deferred, then back in the pool
            DecisionFactory(consultation=first, result=R.ADOPTED)
            Paper.objects.filter(pk=paper.pk).update(state=S.IN_CONSULTATION)


@pytest.mark.parametrize("count", [3, 30])
def test_pool_takes_one_query_however_many_papers(
    body, committee, city_council, committee_meeting, council_meeting, count, django_assert_num_queries
):
    _papers(body, committee, city_council, count)
    with django_assert_num_queries(1):
        committee_pool = [
            (paper.reference, paper.under_direction_of.name) for paper in pool_for_meeting(committee_meeting)
        ]
    with django_assert_num_queries(1):
        council_pool = list(pool_for_meeting(council_meeting))
    assert len(committee_pool) == len(council_pool) == count // 3
    assert {p.pending_organization_id for p in council_pool} == {city_council.pk}


# --- agenda_item_add ------------------------------------------------------------------
def test_free_items_are_numbered_in_turn(office, committee_meeting):
    _free(committee_meeting, office, "Eröffnung", "Mitteilungen")
    assert _agenda(committee_meeting) == [(1, "1", "Eröffnung", True), (2, "2", "Mitteilungen", True)]


def test_free_item_needs_a_name(office, committee_meeting):
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.agenda_item_add(meeting=committee_meeting, by=office)
    assert excinfo.value.message_dict.keys() == {"name"}
    assert _snapshot() == before


def test_paper_item_may_be_named_and_numbered(paper, office, committee_meeting):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper, name="Beitritt", number="10.1")
    assert (item.name, item.number, item.order) == ("Beitritt", "10.1", 1)


@pytest.mark.parametrize("state", ["draft", "cosigning", "decided", "withdrawn"])
def test_only_released_papers_go_on_an_agenda(paper_in, office, committee_meeting, state):
    paper = paper_in(state)
    error = _refused(
        lambda: services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper), NOT_RELEASED_ERROR
    )
    assert str(paper.get_state_display()) in rendered(error)


def test_paper_goes_to_the_organization_of_its_next_step(paper, office, council_meeting, committee):
    error = _refused(
        lambda: services.agenda_item_add(meeting=council_meeting, by=office, paper=paper), NOT_NEXT_STEP_ERROR
    )
    assert committee.name in rendered(error)


def test_paper_goes_on_one_agenda_at_a_time(paper, committee_item, office, later_committee_meeting):
    error = _refused(
        lambda: services.agenda_item_add(meeting=later_committee_meeting, by=office, paper=paper),
        ALREADY_SCHEDULED_ERROR,
    )
    assert "23. Sitzung des Sozialausschusses" in rendered(error)


def test_paper_without_a_pending_step_is_refused(body, committee, committee_meeting, office):
    done = ReleasedPaperFactory(body=body, state=S.IN_CONSULTATION)
    DecisionFactory(consultation=ConsultationFactory(paper=done, organization=committee), result=R.ADOPTED)
    _refused(lambda: services.agenda_item_add(meeting=committee_meeting, by=office, paper=done), NO_PENDING_STEP_ERROR)


@pytest.mark.parametrize("state", [Meeting.State.HELD, Meeting.State.CANCELLED])
def test_agenda_of_a_held_or_cancelled_meeting_is_closed(paper, office, committee_meeting, state):
    _in_state(committee_meeting, state)
    _refused(lambda: services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper), MEETING_CLOSED_ERROR)
    _refused(lambda: services.agenda_item_add(meeting=committee_meeting, by=office, name="TOP"), MEETING_CLOSED_ERROR)


def test_invited_meeting_takes_more_items(paper, office, committee_meeting):
    _in_state(committee_meeting, Meeting.State.INVITED)
    assert services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper).number == "1"


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_builds_agendas(request, paper, committee_meeting, who):
    by = user_named(request, who)
    _refused(lambda: services.agenda_item_add(meeting=committee_meeting, by=by, paper=paper), ROLE_ERROR)
    _refused(lambda: services.agenda_item_add(meeting=committee_meeting, by=by, name="Eröffnung"), ROLE_ERROR)


def test_admin_builds_agendas(paper, admin_user, committee_meeting):
    assert services.agenda_item_add(meeting=committee_meeting, by=admin_user, paper=paper).number == "1"


def test_non_public_paper_makes_a_non_public_item_at_the_end(paper, office, committee_meeting):
    Paper.objects.filter(pk=paper.pk).update(public=False)
    _free(committee_meeting, office, "Eröffnung", "Mitteilungen")
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper, public=True)
    assert (item.public, item.number) == (False, "3")


def test_public_item_goes_before_the_non_public_part(office, committee_meeting):
    _free(committee_meeting, office, "Eröffnung")
    _free(committee_meeting, office, "Grundstück", public=False)
    _free(committee_meeting, office, "Mitteilungen")
    assert _agenda(committee_meeting) == [
        (1, "1", "Eröffnung", True),
        (2, "2", "Mitteilungen", True),
        (3, "3", "Grundstück", False),
    ]


def test_explicit_number_is_kept_and_must_be_free(office, committee_meeting):
    _free(committee_meeting, office, "Eröffnung", "Bericht")
    services.agenda_item_add(meeting=committee_meeting, by=office, name="Unterpunkt", number="2.1")
    assert [n for _o, n, _name, _p in _agenda(committee_meeting)] == ["1", "2", "2.1"]
    error = _refused(
        lambda: services.agenda_item_add(meeting=committee_meeting, by=office, name="Noch einer", number="2.1"),
        NUMBER_TAKEN_ERROR,
    )
    assert "2.1" in rendered(error)


@pytest.mark.parametrize("number", ["5a", "x", "1..2", "10.", ".1", "12345"])
def test_agenda_number_format(office, committee_meeting, number):
    error = _refused(
        lambda: services.agenda_item_add(meeting=committee_meeting, by=office, name="TOP", number=number),
        NUMBER_FORMAT_ERROR,
    )
    assert error.message_dict.keys() == {"number"}


# --- reorder, renumber, public and non-public -----------------------------------------
@pytest.fixture
def agenda(office, committee_meeting) -> dict[str, AgendaItem]:
    """Three public items and one non-public one."""
    items = _free(committee_meeting, office, "A", "B", "C") + _free(committee_meeting, office, "D", public=False)
    return {item.name: item for item in items}


def test_reorder_renumbers(office, committee_meeting, agenda):
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[c, a, b, d])
    assert _agenda(committee_meeting) == [
        (1, "1", "C", True),
        (2, "2", "A", True),
        (3, "3", "B", True),
        (4, "4", "D", False),
    ]


def test_reorder_keeps_the_public_part_first(office, committee_meeting, agenda):
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    error = _refused(
        lambda: services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[a, d, b, c]),
        PUBLIC_AFTER_NONPUBLIC_ERROR,
    )
    assert error.error_list[0].params == {"item": "B"}


@pytest.mark.parametrize("pick", ["missing", "twice", "foreign"])
def test_reorder_lists_every_item_once(office, committee_meeting, later_committee_meeting, agenda, pick):
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    foreign = _free(later_committee_meeting, office, "X")[0].pk
    ids = {"missing": [a, b, c], "twice": [a, a, b, c, d], "foreign": [a, b, c, foreign]}[pick]
    _refused(lambda: services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=ids), ITEMS_MISMATCH_ERROR)


def test_sub_items_follow_the_item_above_them(office, committee_meeting, agenda):
    sub = services.agenda_item_add(meeting=committee_meeting, by=office, name="A1", number="1.1")
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    assert [n for _o, n, _name, _p in _agenda(committee_meeting)] == ["1", "2", "3", "1.1", "4"]

    services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[b, sub.pk, a, c, d])

    assert [(n, name) for _o, n, name, _p in _agenda(committee_meeting)] == [
        ("1", "B"),
        ("1.1", "A1"),
        ("2", "A"),
        ("3", "C"),
        ("4", "D"),
    ]


def test_sub_item_at_the_head_of_a_part_becomes_a_main_item(office, committee_meeting, agenda):
    sub = services.agenda_item_add(meeting=committee_meeting, by=office, name="D1", number="4.1", public=False)
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[a, b, c, sub.pk, d])
    assert [(n, name) for _o, n, name, _p in _agenda(committee_meeting)] == [
        ("1", "A"),
        ("2", "B"),
        ("3", "C"),
        ("4", "D1"),
        ("5", "D"),
    ]


def test_renumber_closes_gaps_of_explicit_numbers(office, committee_meeting, agenda):
    services.agenda_item_add(meeting=committee_meeting, by=office, name="Dringlich", number="99")
    services.agenda_renumber(meeting=committee_meeting, by=office)
    assert [(o, n, name) for o, n, name, _p in _agenda(committee_meeting)] == [
        (1, "1", "A"),
        (2, "2", "B"),
        (3, "3", "C"),
        (4, "4", "Dringlich"),
        (5, "5", "D"),
    ]


def test_swapping_two_numbers_passes_the_unique_constraints(office, committee_meeting, agenda):
    a, b, c, d = (agenda[name].pk for name in "ABCD")
    for order in ([b, a, c, d], [a, b, c, d], [c, b, a, d]):
        services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=order)
    assert [name for _o, _n, name, _p in _agenda(committee_meeting)] == ["C", "B", "A", "D"]


def test_set_public_moves_an_item_between_parts(office, committee_meeting, agenda):
    services.agenda_item_set_public(item=agenda["A"], by=office, public=False)
    assert _agenda(committee_meeting) == [
        (1, "1", "B", True),
        (2, "2", "C", True),
        (3, "3", "D", False),
        (4, "4", "A", False),
    ]
    services.agenda_item_set_public(item=agenda["D"], by=office, public=True)
    assert [(name, public) for _o, _n, name, public in _agenda(committee_meeting)] == [
        ("B", True),
        ("C", True),
        ("D", True),
        ("A", False),
    ]


def test_item_of_a_non_public_paper_stays_non_public(paper, office, committee_meeting):
    Paper.objects.filter(pk=paper.pk).update(public=False)
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)
    _refused(lambda: services.agenda_item_set_public(item=item, by=office, public=True), PAPER_NOT_PUBLIC_ERROR)


def test_public_paper_may_be_discussed_behind_closed_doors(paper, office, committee_meeting):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)
    assert services.agenda_item_set_public(item=item, by=office, public=False).public is False


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_arranges_the_agenda(request, committee_meeting, agenda, who):
    by = user_named(request, who)
    ids = [agenda[name].pk for name in "BACD"]
    _refused(lambda: services.agenda_reorder(meeting=committee_meeting, by=by, item_ids=ids), ROLE_ERROR)
    _refused(lambda: services.agenda_renumber(meeting=committee_meeting, by=by), ROLE_ERROR)
    _refused(lambda: services.agenda_item_set_public(item=agenda["A"], by=by, public=False), ROLE_ERROR)
    _refused(lambda: services.agenda_item_remove(item=agenda["A"], by=by), ROLE_ERROR)


def test_agenda_of_a_held_meeting_is_not_arranged(office, committee_meeting, agenda):
    _hold(committee_meeting, office)
    ids = [agenda[name].pk for name in "BACD"]
    _refused(lambda: services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=ids), MEETING_CLOSED_ERROR)
    _refused(lambda: services.agenda_renumber(meeting=committee_meeting, by=office), MEETING_CLOSED_ERROR)
    _refused(lambda: services.agenda_item_set_public(item=agenda["A"], by=office, public=False), MEETING_CLOSED_ERROR)
    _refused(lambda: services.agenda_item_remove(item=agenda["A"], by=office), MEETING_CLOSED_ERROR)


# --- agenda_item_remove ---------------------------------------------------------------
def test_removing_a_free_item_renumbers(office, committee_meeting, agenda):
    services.agenda_item_remove(item=agenda["B"], by=office)
    assert _agenda(committee_meeting) == [(1, "1", "A", True), (2, "2", "C", True), (3, "3", "D", False)]


def test_removing_the_first_step_sends_the_paper_back_to_released(paper, office, committee_meeting, committee_item):
    _free(committee_meeting, office, "Mitteilungen")

    services.agenda_item_remove(item=committee_item, by=office)

    paper.refresh_from_db()
    assert paper.state == S.RELEASED
    assert _events(paper)[-1] == (A.UNSCHEDULED, S.IN_CONSULTATION, S.RELEASED)
    assert (paper.events.last().meeting, paper.events.last().agenda_item) == (committee_meeting, None)
    assert Consultation.objects.get(paper=paper, order=1).agenda_item is None
    assert _agenda(committee_meeting) == [(1, "1", "Mitteilungen", True)]
    assert list(pool_for_meeting(committee_meeting)) == [paper]


def test_removing_a_later_step_keeps_the_paper_in_consultation(recommended, office, council_item, council_meeting):
    events = recommended.events.count()

    services.agenda_item_remove(item=council_item, by=office)

    recommended.refresh_from_db()
    assert recommended.state == S.IN_CONSULTATION
    assert recommended.events.count() == events
    assert Consultation.objects.get(paper=recommended, order=2).agenda_item is None
    assert list(pool_for_meeting(council_meeting)) == [recommended]


def test_removing_a_deferred_step_points_it_back_to_the_deferral(
    paper, office, committee_item, committee_meeting, later_committee_meeting
):
    _hold(committee_meeting, office)
    new_item = services.agenda_item_defer(item=committee_item, by=office, to_meeting=later_committee_meeting)

    services.agenda_item_remove(item=new_item, by=office)

    assert Consultation.objects.get(paper=paper, order=1).agenda_item == committee_item
    assert Paper.objects.get(pk=paper.pk).state == S.IN_CONSULTATION
    assert list(pool_for_meeting(later_committee_meeting)) == [paper]


def test_removing_the_item_of_a_withdrawn_paper(paper, clerk, office, committee_item, committee_meeting):
    services.paper_withdraw(paper=paper, by=clerk, comment="Erledigt.")
    services.agenda_item_remove(item=committee_item, by=office)
    assert Paper.objects.get(pk=paper.pk).state == S.WITHDRAWN
    assert _agenda(committee_meeting) == []


# --- agenda_item_defer ----------------------------------------------------------------
def test_deferring_before_the_meeting_moves_the_item(
    paper, office, committee_meeting, later_committee_meeting, committee_item
):
    _free(committee_meeting, office, "Mitteilungen")
    _free(later_committee_meeting, office, "Eröffnung")
    _free(later_committee_meeting, office, "Grundstück", public=False)

    moved = services.agenda_item_defer(item=committee_item, by=office, to_meeting=later_committee_meeting)

    assert moved.pk == committee_item.pk
    assert _agenda(committee_meeting) == [(1, "1", "Mitteilungen", True)]
    assert [(n, name) for _o, n, name, _p in _agenda(later_committee_meeting)] == [
        ("1", "Eröffnung"),
        ("2", committee_item.name),
        ("3", "Grundstück"),
    ]
    assert Consultation.objects.get(paper=paper, order=1).agenda_item == moved
    assert not Decision.objects.exists()
    assert _events(Paper.objects.get(pk=paper.pk))[-1] == (A.DEFERRED, S.IN_CONSULTATION, S.IN_CONSULTATION)
    assert (paper.events.last().meeting, paper.events.last().agenda_item) == (later_committee_meeting, moved)


def test_deferring_at_a_held_meeting_records_vertagt(
    paper, office, committee_meeting, later_committee_meeting, committee_item
):
    _hold(committee_meeting, office)

    new_item = services.agenda_item_defer(item=committee_item, by=office, to_meeting=later_committee_meeting)

    assert new_item.pk != committee_item.pk and new_item.meeting == later_committee_meeting
    deferral = Decision.objects.get()
    assert (deferral.result, deferral.agenda_item, deferral.date) == (
        R.DEFERRED,
        committee_item,
        datetime.date(2013, 3, 4),
    )
    assert _agenda(committee_meeting) == [(1, "1", committee_item.name, True)]
    assert Consultation.objects.get(paper=paper, order=1).agenda_item == new_item
    assert Paper.objects.get(pk=paper.pk).state == S.IN_CONSULTATION
    assert list(pool_for_meeting(later_committee_meeting)) == []


def test_deferring_off_a_cancelled_meeting_keeps_its_agenda(
    paper, office, committee_meeting, later_committee_meeting, committee_item
):
    council_services.meeting_cancel(meeting=committee_meeting, by=office)
    new_item = services.agenda_item_defer(item=committee_item, by=office, to_meeting=later_committee_meeting)
    assert AgendaItem.objects.filter(pk=committee_item.pk, meeting=committee_meeting).exists()
    assert Consultation.objects.get(paper=paper, order=1).agenda_item == new_item
    assert not Decision.objects.exists()


@pytest.mark.parametrize("target", ["same", "earlier", "other_organization", "held", "cancelled"])
def test_deferral_goes_to_a_later_meeting_of_the_organization(
    paper, office, committee, committee_meeting, council_meeting, later_committee_meeting, committee_item, target
):
    meetings = {
        "same": committee_meeting,
        "earlier": meeting_of(committee, start=at(datetime.date(2013, 2, 25))),
        "other_organization": council_meeting,
        "held": _in_state(later_committee_meeting, Meeting.State.HELD),
        "cancelled": _in_state(later_committee_meeting, Meeting.State.CANCELLED),
    }
    to_meeting = meetings[target]
    error = _refused(
        lambda: services.agenda_item_defer(item=committee_item, by=office, to_meeting=to_meeting), LATER_MEETING_ERROR
    )
    assert committee.name in rendered(error)


def test_free_item_is_not_deferred(office, agenda, later_committee_meeting):
    _refused(
        lambda: services.agenda_item_defer(item=agenda["A"], by=office, to_meeting=later_committee_meeting),
        FREE_ITEM_ERROR,
    )


def test_decided_item_is_not_deferred(recommended, office, committee_item, later_committee_meeting):
    _refused(
        lambda: services.agenda_item_defer(item=committee_item, by=office, to_meeting=later_committee_meeting),
        ALREADY_DECIDED_ERROR,
    )


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_defers(request, committee_item, later_committee_meeting, who):
    by = user_named(request, who)
    _refused(
        lambda: services.agenda_item_defer(item=committee_item, by=by, to_meeting=later_committee_meeting), ROLE_ERROR
    )


# --- decision_record: results and their effect ----------------------------------------
def test_rejection_at_the_council_decides_the_paper(held_council_item, office, recommended):
    services.decision_record(item=held_council_item, by=office, result=R.REJECTED, votes_yes=2, votes_no=5)
    recommended.refresh_from_db()
    assert recommended.state == S.DECIDED
    assert _events(recommended)[-1] == (A.DECIDED, S.IN_CONSULTATION, S.DECIDED)
    assert recommended.events.last().decision.result == R.REJECTED


def test_noted_at_the_council_decides_the_paper(held_council_item, office, recommended):
    services.decision_record(item=held_council_item, by=office, result=R.NOTED)
    assert Paper.objects.get(pk=recommended.pk).state == S.DECIDED


def test_amended_resolution_keeps_its_wording(held_council_item, office, recommended):
    amended = "Der Stadtrat beschließt den Beitritt, befristet auf drei Jahre."
    decision = services.decision_record(
        item=held_council_item, by=office, result=R.ADOPTED_AMENDED, resolution_text=f"  {amended}\r\n", votes_yes=7
    )
    assert Decision.objects.get(pk=decision.pk).resolution_text == amended
    assert Paper.objects.get(pk=recommended.pk).state == S.DECIDED


def test_committee_rejection_is_a_recommendation(committee_item, office, committee_meeting, paper, council_meeting):
    _hold(committee_meeting, office)
    services.decision_record(item=committee_item, by=office, result=R.REJECTED)
    paper.refresh_from_db()
    assert paper.state == S.IN_CONSULTATION
    assert _events(paper)[-1] == (A.ADVANCED, S.IN_CONSULTATION, S.IN_CONSULTATION)
    assert list(pool_for_meeting(council_meeting)) == [paper]


def test_withdrawal_in_the_meeting_withdraws_the_paper(committee_item, office, committee_meeting, paper):
    _hold(committee_meeting, office)
    services.decision_record(item=committee_item, by=office, result=R.WITHDRAWN)
    paper.refresh_from_db()
    assert paper.state == S.WITHDRAWN
    assert _events(paper)[-1] == (A.WITHDRAWN, S.IN_CONSULTATION, S.WITHDRAWN)
    assert (paper.events.last().decision.result, paper.events.last().comment) == (R.WITHDRAWN, "")
    assert list(pool_for_meeting(committee_meeting)) == []


def test_deferred_paper_returns_to_the_pool_and_a_later_agenda(
    held_council_item, office, recommended, council_meeting, later_council_meeting, council_seats, committee_meeting
):
    events = recommended.events.count()

    services.decision_record(item=held_council_item, by=office, result=R.DEFERRED)

    recommended.refresh_from_db()
    assert recommended.state == S.IN_CONSULTATION
    assert recommended.events.count() == events
    assert list(pool_for_meeting(later_council_meeting)) == [recommended]
    assert list(pool_for_meeting(committee_meeting)) == []

    again = services.agenda_item_add(meeting=later_council_meeting, by=office, paper=recommended)
    assert Consultation.objects.get(paper=recommended, order=2).agenda_item == again
    _hold(later_council_meeting, office, council_seats)
    services.decision_record(item=again, by=office, result=R.ADOPTED, votes_yes=7, unanimous=True)
    assert Paper.objects.get(pk=recommended.pk).state == S.DECIDED
    assert list(
        Decision.objects.filter(consultation__paper=recommended).order_by("pk").values_list("result", flat=True)
    ) == [R.ADOPTED, R.DEFERRED, R.ADOPTED]


def test_referred_paper_goes_back_to_the_same_step(committee_item, office, committee_meeting, paper, committee):
    _hold(committee_meeting, office)
    services.decision_record(item=committee_item, by=office, result=R.REFERRED)
    assert next_pending_consultation(Paper.objects.get(pk=paper.pk)).organization == committee
    later = meeting_of(committee, start=at(datetime.date(2013, 4, 8)))
    assert list(pool_for_meeting(later)) == [paper]


# --- decision_record: refusals --------------------------------------------------------
@pytest.mark.parametrize("state", [Meeting.State.SCHEDULED, Meeting.State.INVITED, Meeting.State.CANCELLED])
def test_result_only_for_a_held_meeting(committee_item, office, committee_meeting, state):
    _in_state(committee_meeting, state)
    _refused(lambda: services.decision_record(item=committee_item, by=office, result=R.ADOPTED), MEETING_NOT_HELD_ERROR)


def test_free_item_has_no_decision(office, committee_meeting):
    item = _free(committee_meeting, office, "Mitteilungen")[0]
    _hold(committee_meeting, office)
    _refused(lambda: services.decision_record(item=item, by=office, result=R.NOTED), FREE_ITEM_ERROR)


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_records_results(request, committee_item, office, committee_meeting, who):
    _hold(committee_meeting, office)
    by = user_named(request, who)
    _refused(lambda: services.decision_record(item=committee_item, by=by, result=R.ADOPTED), ROLE_ERROR)


def test_result_is_recorded_once(recommended, committee_item, office):
    error = _refused(
        lambda: services.decision_record(item=committee_item, by=office, result=R.REJECTED), ALREADY_DECIDED_ERROR
    )
    assert "beschlossen" in rendered(error)


def test_no_result_for_a_paper_withdrawn_meanwhile(committee_item, clerk, office, committee_meeting, paper):
    _hold(committee_meeting, office)
    services.paper_withdraw(paper=paper, by=clerk, comment="Hat sich erledigt.")
    _refused(lambda: services.decision_record(item=committee_item, by=office, result=R.ADOPTED), PAPER_CLOSED_ERROR)


def test_votes_may_not_exceed_the_voting_members_present(committee_item, office, committee_meeting, committee_seats):
    # Five voting members and the deputy without a vote are present.
    _hold(committee_meeting, office, committee_seats)
    error = _refused(
        lambda: services.decision_record(
            item=committee_item, by=office, result=R.ADOPTED, votes_yes=4, votes_no=1, votes_biased=1
        ),
        VOTES_EXCEED_PRESENT_ERROR,
    )
    assert error.error_list[0].params == {"votes": 6, "present": 5}


def test_votes_may_equal_the_voting_members_present(committee_item, office, committee_meeting, committee_seats):
    _hold(committee_meeting, office, committee_seats)
    decision = services.decision_record(
        item=committee_item, by=office, result=R.ADOPTED, votes_yes=3, votes_abstain=1, votes_biased=1
    )
    assert decision.votes_cast + decision.votes_biased == 5


def test_excused_members_do_not_vote(committee_item, office, committee_meeting, committee_seats):
    council_services.attendance_record(
        meeting=committee_meeting, by=office, present=committee_seats[:2], excused=committee_seats[2:]
    )
    council_services.meeting_hold(meeting=committee_meeting, by=office)
    _refused(
        lambda: services.decision_record(item=committee_item, by=office, result=R.ADOPTED, votes_yes=3),
        VOTES_EXCEED_PRESENT_ERROR,
    )


def test_unanimous_allows_abstentions_not_dissent(committee_item, office, committee_meeting, committee_seats):
    _hold(committee_meeting, office, committee_seats)
    _refused(
        lambda: services.decision_record(
            item=committee_item, by=office, result=R.ADOPTED, votes_yes=4, votes_no=1, unanimous=True
        ),
        UNANIMOUS_DISSENT_ERROR,
    )
    decision = services.decision_record(
        item=committee_item, by=office, result=R.ADOPTED, votes_yes=4, votes_abstain=1, unanimous=True
    )
    assert decision.unanimous


def test_faction_votes_must_add_up(held_council_item, office, factions):
    error = _refused(
        lambda: services.decision_record(
            item=held_council_item,
            by=office,
            result=R.ADOPTED,
            votes_yes=6,
            votes_no=1,
            faction_votes=[{"faction": factions["SPD"], "yes": 4}, {"faction": factions["CDU"], "yes": 1}],
        ),
        FACTION_SUM_ERROR,
        FACTION_SUM_ERROR,
    )
    column = {field: Decision._meta.get_field(field).verbose_name for field in ("votes_yes", "votes_no")}
    assert [e.params for e in error.error_dict["faction_votes"]] == [
        {"column": column["votes_yes"], "sum": 5, "total": 6},
        {"column": column["votes_no"], "sum": 0, "total": 1},
    ]


@pytest.fixture
def mayor_seat(city_council):
    """The Oberbürgermeisterin: a voting seat in the Stadtrat, for no Fraktion."""
    return seat(city_council, faction=None)


def test_faction_rows_leave_the_votes_of_members_without_a_fraction(
    council_item, office, council_meeting, council_seats, mayor_seat, factions
):
    _hold(council_meeting, office, [*council_seats, mayor_seat])

    decision = services.decision_record(
        item=council_item,
        by=office,
        result=R.ADOPTED,
        votes_yes=8,
        faction_votes=[{"faction": factions["SPD"], "yes": 4}, {"faction": factions["CDU"], "yes": 3}],
    )

    assert decision.votes_yes == 8
    assert sum(decision.faction_votes.values_list("votes_yes", flat=True)) == 7


def test_faction_rows_leave_no_more_than_the_members_without_a_fraction(
    council_item, office, council_meeting, council_seats, mayor_seat, factions
):
    _hold(council_meeting, office, [*council_seats, mayor_seat])

    error = _refused(
        lambda: services.decision_record(
            item=council_item,
            by=office,
            result=R.ADOPTED,
            votes_yes=6,
            votes_abstain=2,
            faction_votes=[{"faction": factions["SPD"], "yes": 4}, {"faction": factions["CDU"], "yes": 2}],
        ),
        FACTION_GAP_ERROR,
    )
    assert error.error_dict["faction_votes"][0].params == {"gap": 2, "unaffiliated": 1}


def test_faction_votes_only_of_fractions_of_the_body(held_council_item, office, factions, committee):
    elsewhere = FactionFactory(body=OtherBodyFactory(), name="SPD Mainz")
    error = _refused(
        lambda: services.decision_record(
            item=held_council_item,
            by=office,
            result=R.ADOPTED,
            votes_yes=3,
            faction_votes=[
                {"faction": committee, "yes": 1},
                {"faction": elsewhere, "yes": 1},
                {"faction": factions["SPD"], "yes": 1},
            ],
        ),
        NOT_A_FACTION_ERROR,
        NOT_A_FACTION_ERROR,
    )
    assert committee.name in rendered(error) and "SPD Mainz" in rendered(error)


def test_each_faction_once(held_council_item, office, factions):
    _refused(
        lambda: services.decision_record(
            item=held_council_item,
            by=office,
            result=R.ADOPTED,
            votes_yes=4,
            faction_votes=[{"faction": factions["SPD"], "yes": 2}, {"faction": factions["SPD"], "yes": 2}],
        ),
        FACTION_TWICE_ERROR,
    )


def test_changed_text_needs_the_amended_result(held_council_item, office):
    _refused(
        lambda: services.decision_record(
            item=held_council_item, by=office, result=R.ADOPTED, resolution_text="Etwas anderes."
        ),
        AMENDED_TEXT_ERROR,
    )


def test_the_proposal_as_text_is_accepted_with_other_line_ends(held_council_item, office):
    decision = services.decision_record(
        item=held_council_item, by=office, result=R.ADOPTED, resolution_text=f"{PROPOSAL}  \r\n"
    )
    assert decision.resolution_text == PROPOSAL


@pytest.mark.parametrize("text", [None, PROPOSAL])
def test_amended_result_needs_a_changed_text(held_council_item, office, text):
    _refused(
        lambda: services.decision_record(
            item=held_council_item, by=office, result=R.ADOPTED_AMENDED, resolution_text=text
        ),
        AMENDED_TEXT_MISSING_ERROR,
    )


def test_counts_and_result_are_checked_as_fields(held_council_item, office):
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.decision_record(item=held_council_item, by=office, result="vielleicht", votes_no=-1)
    assert excinfo.value.message_dict.keys() == {"result", "votes_no"}
    assert _snapshot() == before


# --- templates, Nachträge after the invitation, renaming ------------------------------------
@pytest.fixture
def template(body) -> AgendaTemplate:
    return AgendaTemplate.objects.create(
        body=body,
        name="Ordentliche Sitzung",
        opening_items="Eröffnung der Sitzung\nFeststellung der Beschlussfähigkeit\nGenehmigung der Niederschrift",
        closing_items="Mitteilungen und Anfragen",
    )


def test_a_template_puts_its_items_first_and_last_and_vorlagen_go_between(paper, office, committee_meeting, template):
    _free(committee_meeting, office, "Grundsatzfragen")

    added = services.agenda_template_apply(meeting=committee_meeting, by=office, template=template)
    services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)

    assert len(added) == 4
    assert [(number, name) for _order, number, name, _public in _agenda(committee_meeting)] == [
        ("1", "Eröffnung der Sitzung"),
        ("2", "Feststellung der Beschlussfähigkeit"),
        ("3", "Genehmigung der Niederschrift"),
        ("4", "Grundsatzfragen"),
        ("5", paper.subject_line + " – " + paper.name if paper.subject_line else paper.name),
        ("6", "Mitteilungen und Anfragen"),
    ]


def test_a_template_applied_twice_adds_nothing_the_second_time(office, committee_meeting, template):
    services.agenda_template_apply(meeting=committee_meeting, by=office, template=template)

    assert services.agenda_template_apply(meeting=committee_meeting, by=office, template=template) == []
    assert len(_agenda(committee_meeting)) == 4


def test_a_template_of_another_body_is_refused(office, committee_meeting):
    elsewhere = AgendaTemplate.objects.create(body=OtherBodyFactory(), name="Fremd", opening_items="Eröffnung")

    _refused(
        lambda: services.agenda_template_apply(meeting=committee_meeting, by=office, template=elsewhere),
        TEMPLATE_OTHER_BODY_ERROR,
    )


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_applies_templates(request, committee_meeting, template, who):
    _refused(
        lambda: services.agenda_template_apply(
            meeting=committee_meeting, by=user_named(request, who), template=template
        ),
        ROLE_ERROR,
    )


def _invite(meeting, office):
    council_services.meeting_invite(meeting=meeting, by=office)


def test_after_the_invitation_a_new_item_is_a_nachtrag_that_shifts_no_number(office, committee_meeting):
    _free(committee_meeting, office, "Eröffnung", "Mitteilungen")
    _free(committee_meeting, office, "Personalsache", public=False)
    _invite(committee_meeting, office)

    public = services.agenda_item_add(meeting=committee_meeting, by=office, name="Dringliche Mitteilung")
    secret = services.agenda_item_add(meeting=committee_meeting, by=office, name="Grundstück", public=False)

    assert (public.number, public.addendum, secret.number, secret.addendum) == ("2.1", True, "4", True)
    assert [(number, name) for _o, number, name, _p in _agenda(committee_meeting)] == [
        ("1", "Eröffnung"),
        ("2", "Mitteilungen"),
        ("2.1", "Dringliche Mitteilung"),
        ("3", "Personalsache"),
        ("4", "Grundstück"),
    ]


def test_after_the_invitation_taking_an_item_off_or_reordering_keeps_the_printed_numbers(office, committee_meeting):
    first, second, third = _free(committee_meeting, office, "Eröffnung", "Bericht", "Mitteilungen")
    _invite(committee_meeting, office)

    services.agenda_item_remove(item=second, by=office)
    services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[third.pk, first.pk])

    assert [(number, name) for _o, number, name, _p in _agenda(committee_meeting)] == [
        ("3", "Mitteilungen"),
        ("1", "Eröffnung"),
    ]


def test_after_the_invitation_renumbering_and_switching_parts_are_refused(office, committee_meeting):
    (item,) = _free(committee_meeting, office, "Eröffnung")
    _invite(committee_meeting, office)

    _refused(lambda: services.agenda_renumber(meeting=committee_meeting, by=office), NUMBERS_PRINTED_ERROR)
    _refused(lambda: services.agenda_item_set_public(item=item, by=office, public=False), NUMBERS_PRINTED_ERROR)


def test_a_free_item_is_renamed_and_a_vorlages_item_is_not(office, committee_meeting, committee_item):
    (free,) = _free(committee_meeting, office, "Mitteilungn")

    renamed = services.agenda_item_rename(item=free, by=office, name=" Mitteilungen ")

    assert renamed.name == "Mitteilungen"
    _refused(lambda: services.agenda_item_rename(item=committee_item, by=office, name="Anders"), NOT_A_FREE_ITEM_ERROR)


# --- documents of free items ------------------------------------------------------------------
def _pdf(name="bericht.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def test_the_office_attaches_a_document_to_a_free_item(office, committee_meeting):
    (item,) = _free(committee_meeting, office, "Mitteilungen und Anfragen")

    document = services.item_document_add(item=item, by=office, uploaded_file=_pdf(), name="Bericht zur Kita")

    assert (document.name, document.mime_type, document.agenda_item) == ("Bericht zur Kita", "application/pdf", item)
    assert len(document.sha512) == 128 and document.file.name.startswith(f"meeting-documents/{committee_meeting.pk}/")


def test_a_vorlages_item_carries_the_vorlages_attachments_not_documents(office, committee_item):
    _refused(
        lambda: services.item_document_add(item=committee_item, by=office, uploaded_file=_pdf(), name="X"),
        DOCUMENT_ON_VORLAGE_ERROR,
    )


def test_a_document_that_is_not_what_it_says_is_refused(office, committee_meeting):
    (item,) = _free(committee_meeting, office, "Mitteilungen")
    disguised = SimpleUploadedFile(
        "bericht.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )

    with pytest.raises(ValidationError):
        services.item_document_add(item=item, by=office, uploaded_file=disguised, name="Bericht")
    assert not ItemDocument.objects.exists()


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_attaches_and_removes_documents(request, office, committee_meeting, who):
    (item,) = _free(committee_meeting, office, "Mitteilungen")
    document = services.item_document_add(item=item, by=office, uploaded_file=_pdf(), name="Bericht")
    user = user_named(request, who)

    _refused(lambda: services.item_document_add(item=item, by=user, uploaded_file=_pdf(), name="X"), ROLE_ERROR)
    _refused(lambda: services.item_document_remove(document=document, by=user), ROLE_ERROR)


def test_a_removed_document_is_gone_with_its_file(office, committee_meeting, django_capture_on_commit_callbacks):
    (item,) = _free(committee_meeting, office, "Mitteilungen")
    document = services.item_document_add(item=item, by=office, uploaded_file=_pdf(), name="Bericht")
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.item_document_remove(document=document, by=office)

    assert not ItemDocument.objects.exists() and not storage.exists(name)


def test_a_cancelled_meetings_items_take_no_documents(office, committee_meeting):
    (item,) = _free(committee_meeting, office, "Mitteilungen")
    _in_state(committee_meeting, Meeting.State.CANCELLED)

    _refused(
        lambda: services.item_document_add(item=item, by=office, uploaded_file=_pdf(), name="X"),
        MEETING_CLOSED_ERROR,
    )
