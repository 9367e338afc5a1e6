"""The timeline of a Vorlage as each reader sees it: worded when shown, and never more than the reader may see.

The events of agenda moves and results point at their meeting, item and decision; the
timeline names them from those rows. So a TOP number is the one the agenda has now, and a
result recorded at a non-public item reaches only the members of the organization and the
office, even on the page of a public Vorlage.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from council import services as council_services
from council.models import Meeting
from resolutions import services
from resolutions.models import Decision, Paper, PaperEvent
from resolutions.queries import timeline_of, visible_item_ids
from tests.council.conftest import at, meeting_of

A = PaperEvent.Action
R = Decision.Result
S = Paper.State


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Sozialausschusses")


@pytest.fixture
def later_committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 4, 8)), name="24. Sitzung des Sozialausschusses")


@pytest.fixture
def council_meeting(city_council) -> Meeting:
    return meeting_of(city_council, start=at(datetime.date(2013, 3, 18), 14), name="41. Sitzung des Stadtrates")


def _hold(meeting: Meeting, office) -> None:
    council_services.attendance_record(meeting=meeting, by=office, present=[])
    council_services.meeting_hold(meeting=meeting, by=office)


def _notes(paper: Paper, user) -> list[tuple[str, str]]:
    return [(entry.event.action, entry.note) for entry in timeline_of(paper, user, insider=False)]


@pytest.fixture
def recommended_in_private(paper, office, committee_meeting):
    """The public paper's Vorberatung at a non-public item of the committee: "beschlossen"."""
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper, public=False)
    _hold(committee_meeting, office)
    services.decision_record(item=item, by=office, result=R.ADOPTED)
    return item


def test_a_recommendation_behind_closed_doors_is_not_in_the_public_timeline(paper, recommended_in_private):
    notes = _notes(paper, AnonymousUser())

    # Released, then put on an agenda (the state says so anyway), and nothing of the item
    # or its result; the recommendation, which changes no state, is left out altogether.
    assert notes == [(A.RELEASED, ""), (A.SCHEDULED, "")]


def test_members_of_the_committee_and_the_office_see_where_and_what_it_recommended(
    paper, recommended_in_private, member, office
):
    expected = [
        (A.RELEASED, ""),
        (A.SCHEDULED, "23. Sitzung des Sozialausschusses, TOP 1"),
        (A.ADVANCED, "Ausschuss für Soziales und Integration: beschlossen (23. Sitzung des Sozialausschusses, TOP 1)"),
    ]

    assert _notes(paper, member) == expected
    assert _notes(paper, office) == expected


def test_a_clerk_of_the_unit_who_sits_in_no_committee_does_not_see_it_either(paper, recommended_in_private, clerk):
    entries = timeline_of(paper, clerk, insider=True)

    assert A.ADVANCED not in [entry.event.action for entry in entries]
    assert all("beschlossen" not in entry.note and "TOP" not in entry.note for entry in entries)


def test_a_decision_behind_closed_doors_shows_only_its_change_of_state(
    paper, office, committee_meeting, council_meeting
):
    first = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)
    _hold(committee_meeting, office)
    services.decision_record(item=first, by=office, result=R.ADOPTED)
    second = services.agenda_item_add(meeting=council_meeting, by=office, paper=paper, public=False)
    _hold(council_meeting, office)
    services.decision_record(item=second, by=office, result=R.REJECTED)

    notes = _notes(paper, AnonymousUser())

    assert notes[-1] == (A.DECIDED, "")
    assert notes[1:3] == [
        (A.SCHEDULED, "23. Sitzung des Sozialausschusses, TOP 1"),
        (A.ADVANCED, "Ausschuss für Soziales und Integration: beschlossen (23. Sitzung des Sozialausschusses, TOP 1)"),
    ]
    assert not any("abgelehnt" in note or "Stadtrat" in note for _action, note in notes)
    assert _notes(paper, office)[-1] == (A.DECIDED, "Stadtrat: abgelehnt (41. Sitzung des Stadtrates, TOP 1)")


def test_the_timeline_names_the_item_by_its_number_of_today(paper, office, committee_meeting):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)
    opening = services.agenda_item_add(meeting=committee_meeting, by=office, name="Eröffnung")
    services.agenda_reorder(meeting=committee_meeting, by=office, item_ids=[opening.pk, item.pk])

    assert _notes(paper, AnonymousUser())[-1] == (A.SCHEDULED, "23. Sitzung des Sozialausschusses, TOP 2")


def test_a_deferred_item_leaves_the_earlier_event_with_its_own_meeting(
    paper, office, committee_meeting, later_committee_meeting
):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)
    services.agenda_item_defer(item=item, by=office, to_meeting=later_committee_meeting)

    assert _notes(paper, AnonymousUser())[1:] == [
        (A.SCHEDULED, "23. Sitzung des Sozialausschusses"),
        (A.DEFERRED, "Deferred to 24. Sitzung des Sozialausschusses, TOP 1"),
    ]


def test_taking_a_non_public_item_off_names_the_meeting_to_its_members_only(paper, office, member, committee_meeting):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper, public=False)
    services.agenda_item_remove(item=item, by=office)

    assert _notes(paper, AnonymousUser())[1:] == [(A.SCHEDULED, ""), (A.UNSCHEDULED, "")]
    assert _notes(paper, member)[-1] == (A.UNSCHEDULED, "Taken off the agenda of 23. Sitzung des Sozialausschusses")


def test_the_entries_link_to_the_item_on_its_meeting_page(paper, office, committee_meeting):
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)

    entry = timeline_of(paper, AnonymousUser(), insider=False)[-1]

    assert entry.url == item.get_absolute_url()


def test_outsiders_see_the_path_from_the_release_on_only(paper, clerk):
    insider = [entry.event.action for entry in timeline_of(paper, clerk, insider=True)]
    outsider = [entry.event.action for entry in timeline_of(paper, AnonymousUser(), insider=False)]

    assert insider[0] == A.CREATED and A.SUBMITTED in insider
    assert outsider == [A.RELEASED]


@pytest.mark.parametrize("who", ["anonymous", "member", "office"])
def test_the_timeline_takes_a_fixed_number_of_queries(
    request, django_assert_max_num_queries, paper, recommended_in_private, who
):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    user = type(user).objects.get(pk=user.pk) if who != "anonymous" else user  # no cached roles

    # The reader's roles and seats (read once per request), the events, the decisions the
    # reader may see and, for a member, their non-public items: as many for any timeline.
    with django_assert_max_num_queries(6):
        timeline_of(paper, user, insider=False)


def test_visible_item_ids_asks_the_database_only_for_a_members_non_public_items(
    django_assert_num_queries, recommended_in_private, member, office
):
    item = recommended_in_private

    with django_assert_num_queries(0):
        assert visible_item_ids([item], AnonymousUser()) == set()
    assert visible_item_ids([item], member) == {item.pk}
    assert visible_item_ids([item, None], office) == {item.pk}
