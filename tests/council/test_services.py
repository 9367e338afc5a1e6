"""Meetings: every allowed and refused transition of council.meetings, the Ladungsfrist, the attendance."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import services
from council.meetings import (
    CANCEL_STATE_ERROR,
    HOLD_STATE_ERROR,
    HOLD_TOO_EARLY_ERROR,
    INVITE_STATE_ERROR,
    LATE_INVITATION_WARNING,
    MEETING_ROLE_ERROR,
    MEETING_TRANSITIONS,
    UPDATE_STATE_ERROR,
    allowed_meeting_transitions,
    display_time,
    eligible_attendees,
    ensure_meeting_transition,
    invitation_deadline,
    is_invitation_late,
    meeting_name_suggestion,
    notice_warning,
    voting_members_present,
)
from council.models import Attendance, LegislativeTerm, Meeting, Organization, Recusal
from council.services import (
    ATTENDANCE_CANCELLED_ERROR,
    ATTENDANCE_TOO_EARLY_ERROR,
    ATTENDANCE_TWICE_ERROR,
    CHAIR_OTHER_BODY_ERROR,
    DEPUTY_FOR_NON_VOTER_ERROR,
    DEPUTY_FOR_PRESENT_ERROR,
    DEPUTY_HAS_VOTE_ERROR,
    DEPUTY_NOT_PRESENT_ERROR,
    DEPUTY_TWICE_ERROR,
    ITEM_OF_OTHER_MEETING_ERROR,
    LEFT_BEFORE_ARRIVAL_ERROR,
    LOCATION_OTHER_BODY_ERROR,
    MEETING_END_BEFORE_START_ERROR,
    MEETING_IN_PAST_ERROR,
    MEETING_ORGANIZATION_ERROR,
    NO_ORGANIZATIONS_ERROR,
    NOT_A_MEMBER_ERROR,
    TIMES_OF_ABSENT_ERROR,
)
from tests.council.conftest import at, meeting_of, seat, user_named
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    LocationFactory,
    MembershipFactory,
    OtherBodyFactory,
    PersonFactory,
    UnitFactory,
)
from tests.resolutions.conftest import messages_of, rendered

M = Meeting.State
NOT_OFFICE = ["clerk", "head", "member", "anonymous"]
# A day still to come: meetings are planned for the future only.
PLAN_DAY = datetime.date(2031, 3, 4)
MAR_4 = datetime.date(2013, 3, 4)


def _snapshot(meeting: Meeting) -> tuple:
    stored = Meeting.objects.get(pk=meeting.pk)
    return (
        stored.name,
        stored.state,
        stored.start,
        stored.end,
        stored.invited_at,
        stored.location_id,
        sorted(stored.organizations.values_list("pk", flat=True)),
        sorted(stored.attendances.values_list("person_id", "status")),
    )


def _refused(call, meeting: Meeting, *messages) -> ValidationError:
    """Run a service that must refuse with `messages` and leave the meeting as it was."""
    before = _snapshot(meeting)
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert messages_of(excinfo.value) == list(messages)
    assert _snapshot(meeting) == before
    return excinfo.value


def _in_state(meeting: Meeting, state: str) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(state=state)
    meeting.refresh_from_db()
    return meeting


# --- meeting_create -------------------------------------------------------------------
@pytest.mark.parametrize("who", ["office", "admin_user"])
def test_office_and_administrator_plan_a_meeting(request, body, committee, who):
    start = at(PLAN_DAY, 14)
    place = LocationFactory(body=body)

    meeting = services.meeting_create(
        by=request.getfixturevalue(who),
        body=body,
        name="41. Sitzung",
        organizations=[committee, committee],
        start=start,
        end=start + datetime.timedelta(hours=3),
        location=place,
    )

    meeting.refresh_from_db()
    assert (meeting.state, meeting.start, meeting.location, meeting.invited_at) == (M.SCHEDULED, start, place, None)
    assert list(meeting.organizations.all()) == [committee]


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_plans_meetings(request, body, committee, unit, who):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            by=user_named(request, who), body=body, name="41. Sitzung", organizations=[committee], start=at(PLAN_DAY)
        )
    assert messages_of(excinfo.value) == [MEETING_ROLE_ERROR]
    assert not Meeting.objects.exists()


def test_meeting_cannot_end_before_it_starts(office, body, committee):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            by=office,
            body=body,
            name="41. Sitzung",
            organizations=[committee],
            start=at(PLAN_DAY, 16),
            end=at(PLAN_DAY, 15),
        )
    assert excinfo.value.message_dict.keys() == {"end"}
    assert messages_of(excinfo.value) == [MEETING_END_BEFORE_START_ERROR]
    assert not Meeting.objects.exists()


def test_meeting_may_end_when_it_starts(office, body, committee):
    meeting = services.meeting_create(
        by=office, body=body, name="41. Sitzung", organizations=[committee], start=at(PLAN_DAY), end=at(PLAN_DAY)
    )
    assert meeting.end == meeting.start


def test_meeting_needs_an_organization(office, body):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(by=office, body=body, name="41. Sitzung", organizations=[], start=at(PLAN_DAY))
    assert excinfo.value.message_dict.keys() == {"organizations"}
    assert messages_of(excinfo.value) == [NO_ORGANIZATIONS_ERROR]


def test_only_committees_of_the_body_meet(office, body, unit, factions):
    elsewhere = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            by=office,
            body=body,
            name="41. Sitzung",
            organizations=[unit, factions["SPD"], elsewhere],
            start=at(PLAN_DAY),
        )
    assert messages_of(excinfo.value) == [MEETING_ORGANIZATION_ERROR] * 3
    assert "Stadtrat Mainz" in rendered(excinfo.value) and "Stadt Ludwigshafen am Rhein" in rendered(excinfo.value)
    assert not Meeting.objects.exists()


def test_meeting_place_must_be_of_the_body(office, body, committee):
    place = LocationFactory(body=OtherBodyFactory(), description="Ratssaal Mainz")
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(
            by=office, body=body, name="41. Sitzung", organizations=[committee], start=at(PLAN_DAY), location=place
        )
    assert messages_of(excinfo.value) == [LOCATION_OTHER_BODY_ERROR]
    assert "Ratssaal Mainz" in rendered(excinfo.value)


def test_a_meeting_without_a_name_is_named_with_the_next_number_of_its_gremium(office, body, committee):
    meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Ausschusses für Soziales")

    meeting = services.meeting_create(by=office, body=body, organizations=[committee], start=at(PLAN_DAY))
    second = services.meeting_create(by=office, body=body, organizations=[committee], start=at(PLAN_DAY, 18))

    assert (meeting.number, meeting.name) == (24, "24. Sitzung des Ausschusses für Soziales und Integration")
    assert (second.number, second.name) == (25, "25. Sitzung des Ausschusses für Soziales und Integration")


def test_the_numbers_start_again_in_each_wahlperiode(office, body, committee):
    LegislativeTerm.objects.create(body=body, name="2024–2029", start_date=datetime.date(2024, 7, 1))
    meeting_of(committee, start=at(datetime.date(2019, 3, 4)), name="40. Sitzung des Ausschusses")

    meeting = services.meeting_create(by=office, body=body, organizations=[committee], start=at(PLAN_DAY))

    assert meeting.number == 1 and meeting.name.startswith("1. Sitzung des Ausschusses")


def test_a_given_name_is_kept_and_the_meeting_still_gets_its_number(office, body, committee):
    meeting = services.meeting_create(
        by=office, body=body, name="Sondersitzung zum Haushalt", organizations=[committee], start=at(PLAN_DAY)
    )

    assert (meeting.name, meeting.number) == ("Sondersitzung zum Haushalt", 1)


def test_a_meeting_in_the_past_is_not_planned(office, body, committee):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(by=office, body=body, organizations=[committee], start=at(MAR_4))

    assert excinfo.value.message_dict.keys() == {"start"}
    assert messages_of(excinfo.value) == [MEETING_IN_PAST_ERROR]
    assert not Meeting.objects.exists()


def test_the_chair_is_a_person_of_the_body(office, body, committee):
    stranger = PersonFactory(body=OtherBodyFactory(), family_name="Fremd")
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_create(by=office, body=body, organizations=[committee], start=at(PLAN_DAY), chair=stranger)

    assert messages_of(excinfo.value) == [CHAIR_OTHER_BODY_ERROR]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Stadtrat", "7. Sitzung des Stadtrates"),
        ("Haupt- und Finanzausschuss", "7. Sitzung des Haupt- und Finanzausschusses"),
        ("Ortsbeirat Oppau", "7. Sitzung des Ortsbeirates Oppau"),
        ("Bezirksvertretung Mitte", "7. Sitzung der Bezirksvertretung Mitte"),
        ("Ältestenrat", "7. Sitzung des Ältestenrates"),
        ("Werkausschuss Entsorgung", "7. Sitzung des Werkausschusses Entsorgung"),
        ("Jugendhilfe-Gremium", "7. Sitzung – Jugendhilfe-Gremium"),
    ],
)
def test_meeting_names_are_grammatical_for_every_gremium(body, name, expected):
    assert meeting_name_suggestion(Organization(body=body, name=name), 7) == expected


# --- meeting_update -------------------------------------------------------------------
def test_update_keeps_an_invited_meeting_invited(office, upcoming, body):
    invited = services.meeting_invite(meeting=upcoming, by=office)
    place = LocationFactory(body=body)

    meeting = services.meeting_update(meeting=invited, by=office, name="Sondersitzung", location=place)

    meeting.refresh_from_db()
    assert (meeting.name, meeting.location, meeting.state) == ("Sondersitzung", place, M.INVITED)
    assert meeting.invited_at == invited.invited_at


def test_new_start_sends_an_invited_meeting_back_to_scheduled(office, upcoming):
    services.meeting_invite(meeting=upcoming, by=office)
    later = upcoming.start + datetime.timedelta(days=7)

    meeting = services.meeting_update(meeting=upcoming, by=office, start=later)

    meeting.refresh_from_db()
    assert (meeting.start, meeting.state, meeting.invited_at) == (later, M.SCHEDULED, None)


def test_update_replaces_the_organizations(office, upcoming, body):
    council = CommitteeFactory(body=body, name="Stadtrat")
    services.meeting_update(meeting=upcoming, by=office, organizations=[council])
    assert list(upcoming.organizations.all()) == [council]


def test_update_checks_the_organizations(office, upcoming, unit):
    _refused(
        lambda: services.meeting_update(meeting=upcoming, by=office, organizations=[unit]),
        upcoming,
        MEETING_ORGANIZATION_ERROR,
    )


def test_update_checks_the_end(office, upcoming):
    early = upcoming.start - datetime.timedelta(hours=1)
    _refused(
        lambda: services.meeting_update(meeting=upcoming, by=office, end=early),
        upcoming,
        MEETING_END_BEFORE_START_ERROR,
    )


@pytest.mark.parametrize("state", [M.HELD, M.CANCELLED])
def test_held_or_cancelled_meeting_is_not_changed(office, meeting, state):
    _in_state(meeting, state)
    _refused(lambda: services.meeting_update(meeting=meeting, by=office, name="Anders"), meeting, UPDATE_STATE_ERROR)


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_changes_meetings(request, upcoming, who):
    _refused(
        lambda: services.meeting_update(meeting=upcoming, by=user_named(request, who), name="Anders"),
        upcoming,
        MEETING_ROLE_ERROR,
    )


def test_update_takes_only_the_meeting_fields(office, upcoming):
    with pytest.raises(TypeError):
        services.meeting_update(meeting=upcoming, by=office, state=M.HELD)


# --- invite, hold, cancel -------------------------------------------------------------
def test_invite_records_when(office, upcoming):
    sent = timezone.now() - datetime.timedelta(hours=2)
    meeting = services.meeting_invite(meeting=upcoming, by=office, at=sent)
    meeting.refresh_from_db()
    assert (meeting.state, meeting.invited_at) == (M.INVITED, sent)


def test_invite_defaults_to_now(office, upcoming):
    before = timezone.now()
    meeting = services.meeting_invite(meeting=upcoming, by=office)
    assert before <= meeting.invited_at <= timezone.now()


@pytest.mark.parametrize("state", [M.INVITED, M.HELD, M.CANCELLED])
def test_invite_only_a_scheduled_meeting(office, meeting, state):
    _in_state(meeting, state)
    error = _refused(lambda: services.meeting_invite(meeting=meeting, by=office), meeting, INVITE_STATE_ERROR)
    # The state as the active language names it (its quotes differ: “…” or „…“).
    assert meeting.get_state_display() in rendered(error)


@pytest.mark.parametrize("state", [M.SCHEDULED, M.INVITED])
def test_office_marks_a_started_meeting_held(office, meeting, state):
    _in_state(meeting, state)
    assert services.meeting_hold(meeting=meeting, by=office).state == M.HELD
    assert Meeting.objects.get(pk=meeting.pk).state == M.HELD


def test_meeting_is_held_from_its_start_on(office, committee):
    just_started = meeting_of(committee, start=timezone.now() - datetime.timedelta(seconds=1))
    assert services.meeting_hold(meeting=just_started, by=office).state == M.HELD


def test_meeting_not_started_cannot_be_held(office, upcoming):
    error = _refused(lambda: services.meeting_hold(meeting=upcoming, by=office), upcoming, HOLD_TOO_EARLY_ERROR)
    assert display_time(upcoming.start) in rendered(error)


@pytest.mark.parametrize("state", [M.HELD, M.CANCELLED])
def test_hold_only_a_scheduled_or_invited_meeting(office, meeting, state):
    _in_state(meeting, state)
    _refused(lambda: services.meeting_hold(meeting=meeting, by=office), meeting, HOLD_STATE_ERROR)


@pytest.mark.parametrize("state", [M.SCHEDULED, M.INVITED])
def test_office_cancels_a_meeting(office, upcoming, state):
    _in_state(upcoming, state)
    assert services.meeting_cancel(meeting=upcoming, by=office).state == M.CANCELLED
    assert Meeting.objects.get(pk=upcoming.pk).cancelled


@pytest.mark.parametrize("state", [M.HELD, M.CANCELLED])
def test_cancel_only_a_scheduled_or_invited_meeting(office, meeting, state):
    _in_state(meeting, state)
    _refused(lambda: services.meeting_cancel(meeting=meeting, by=office), meeting, CANCEL_STATE_ERROR)


@pytest.mark.parametrize("who", NOT_OFFICE)
@pytest.mark.parametrize("service", [services.meeting_invite, services.meeting_hold, services.meeting_cancel])
def test_only_the_office_moves_a_meeting(request, meeting, who, service):
    _refused(lambda: service(meeting=meeting, by=user_named(request, who)), meeting, MEETING_ROLE_ERROR)


def test_state_is_checked_before_the_role(clerk, meeting):
    _in_state(meeting, M.HELD)
    _refused(lambda: services.meeting_invite(meeting=meeting, by=clerk), meeting, INVITE_STATE_ERROR)


def test_buttons_come_from_the_table(office, member, meeting, upcoming):
    assert [t.name for t in allowed_meeting_transitions(meeting, office)] == [
        "update",
        "reschedule",
        "invite",
        "hold",
        "cancel",
    ]
    assert [t.name for t in allowed_meeting_transitions(upcoming, office)] == [
        "update",
        "reschedule",
        "invite",
        "cancel",
    ]
    assert allowed_meeting_transitions(meeting, member) == []
    assert allowed_meeting_transitions(_in_state(meeting, M.HELD), office) == []
    assert {t.name for t in MEETING_TRANSITIONS} == {"update", "reschedule", "invite", "hold", "cancel"}


def test_unknown_transition_is_a_programming_error(office, meeting):
    with pytest.raises(ValueError, match="adjourn"):
        ensure_meeting_transition(meeting, "adjourn", by=office)


# --- Ladungsfrist ---------------------------------------------------------------------
def test_invitation_deadline_is_the_notice_period_before_the_start(meeting):
    assert meeting.body.notice_period_days == 7
    assert invitation_deadline(meeting) == at(datetime.date(2013, 2, 25))


def test_invitation_in_time_carries_no_warning(meeting):
    deadline = invitation_deadline(meeting)
    assert not is_invitation_late(meeting, deadline)
    assert notice_warning(meeting, deadline) is None
    assert notice_warning(meeting, deadline - datetime.timedelta(days=3)) is None


def test_late_invitation_is_allowed_with_a_warning(office, meeting):
    late = at(datetime.date(2013, 3, 1), 10)
    assert is_invitation_late(meeting, late)

    warning = notice_warning(meeting, late)

    deadline = display_time(at(datetime.date(2013, 2, 25)))
    assert warning == LATE_INVITATION_WARNING % {"days": 7, "deadline": deadline}
    assert deadline in warning
    # The service does not refuse it: the view shows the warning.
    assert services.meeting_invite(meeting=meeting, by=office, at=late).invited_at == late


def test_warning_follows_the_body_notice_period(meeting):
    meeting.body.notice_period_days = 1
    meeting.body.save()
    deadline = display_time(at(datetime.date(2013, 3, 3)))
    assert notice_warning(meeting, at(MAR_4, 10)) == LATE_INVITATION_WARNING % {"days": 1, "deadline": deadline}


# --- attendance -----------------------------------------------------------------------
def test_attendance_records_present_and_excused(office, meeting, seated):
    services.attendance_record(
        meeting=meeting, by=office, present=[seated["weiss"], seated["hoerner"]], excused=[seated["gross"]]
    )
    assert sorted(meeting.attendances.values_list("person__family_name", "status")) == [
        ("Groß", Attendance.Status.EXCUSED),
        ("Hörner", Attendance.Status.PRESENT),
        ("Weiß", Attendance.Status.PRESENT),
    ]


def test_attendance_is_replaced_as_a_whole(office, meeting, seated):
    services.attendance_record(meeting=meeting, by=office, present=[seated["weiss"], seated["hoerner"]])
    services.attendance_record(meeting=meeting, by=office, present=[seated["kraemer"]], excused=[seated["weiss"]])
    assert sorted(meeting.attendances.values_list("person__family_name", "status")) == [
        ("Krämer", Attendance.Status.PRESENT),
        ("Weiß", Attendance.Status.EXCUSED),
    ]


def test_attendance_of_a_held_meeting(office, meeting, seated):
    services.meeting_hold(meeting=meeting, by=office)
    services.attendance_record(meeting=meeting, by=office, present=[seated["weiss"]])
    assert meeting.attendances.count() == 1


def test_attendance_only_of_members(office, meeting, seated, body, committee, unit):
    outsider = seat(unit, family_name="Verwaltung")
    former = seat(committee, end_date=datetime.date(2013, 3, 3), family_name="Ehemalig")
    later = seat(committee, start_date=datetime.date(2013, 3, 5), family_name="Nachrücker")
    services.attendance_record(meeting=meeting, by=office, present=[seated["weiss"]])

    error = _refused(
        lambda: services.attendance_record(
            meeting=meeting, by=office, present=[seated["kraemer"], outsider, former], excused=[later]
        ),
        meeting,
        NOT_A_MEMBER_ERROR,
        NOT_A_MEMBER_ERROR,
        NOT_A_MEMBER_ERROR,
    )
    assert "Eva Verwaltung" in rendered(error) and "Ausschuss für Soziales und Integration" in rendered(error)


def test_membership_counts_on_its_last_day(office, meeting, committee):
    last_day = seat(committee, end_date=MAR_4)
    services.attendance_record(meeting=meeting, by=office, present=[last_day])
    assert meeting.attendances.get().person == last_day


def test_nobody_is_present_and_excused(office, meeting, seated):
    _refused(
        lambda: services.attendance_record(
            meeting=meeting, by=office, present=[seated["weiss"]], excused=[seated["weiss"]]
        ),
        meeting,
        ATTENDANCE_TWICE_ERROR,
    )


def test_attendance_not_before_the_start(office, upcoming, seated):
    error = _refused(
        lambda: services.attendance_record(meeting=upcoming, by=office, present=[seated["weiss"]]),
        upcoming,
        ATTENDANCE_TOO_EARLY_ERROR,
    )
    assert display_time(upcoming.start) in rendered(error)


def test_no_attendance_of_a_cancelled_meeting(office, meeting, seated):
    _in_state(meeting, M.CANCELLED)
    _refused(
        lambda: services.attendance_record(meeting=meeting, by=office, present=[seated["weiss"]]),
        meeting,
        ATTENDANCE_CANCELLED_ERROR,
    )


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_only_the_office_records_attendance(request, meeting, seated, who):
    _refused(
        lambda: services.attendance_record(meeting=meeting, by=user_named(request, who), present=[seated["weiss"]]),
        meeting,
        MEETING_ROLE_ERROR,
    )


# --- who may attend and vote ----------------------------------------------------------
def test_eligible_attendees_carry_vote_and_fraktion(meeting, seated, factions, committee):
    seat(committee, end_date=datetime.date(2013, 3, 3), family_name="Ehemalig")
    seat(UnitFactory(body=committee.body), family_name="Verwaltung")

    attendees = eligible_attendees(meeting)

    assert [(a.person.family_name, a.voting_right, a.faction) for a in attendees] == [
        ("Doğan", False, factions["SPD"]),
        ("Groß", True, factions["CDU"]),
        ("Hörner", True, factions["CDU"]),
        ("Krämer", True, factions["SPD"]),
        ("Schäfer", True, factions["SPD"]),
        ("Weiß", True, factions["SPD"]),
    ]


def test_joint_meeting_lists_a_person_once(body, committee, factions, django_assert_num_queries):
    council = CommitteeFactory(body=body, name="Stadtrat")
    both = seat(committee, voting_right=False, family_name="Doppelt")
    MembershipFactory(person=both, organization=council, on_behalf_of=factions["CDU"], voting_right=True)
    joint = meeting_of(committee, council, start=at(MAR_4))

    with django_assert_num_queries(1):
        attendees = eligible_attendees(joint)

    assert [(a.person, a.voting_right, a.faction) for a in attendees] == [(both, True, factions["CDU"])]


def test_voting_members_present_counts_present_voters_only(office, meeting, seated, django_assert_num_queries):
    services.attendance_record(
        meeting=meeting,
        by=office,
        present=[seated["weiss"], seated["kraemer"], seated["dogan"]],
        excused=[seated["hoerner"]],
    )
    # The seats of the meeting's organizations and the attendance.
    with django_assert_num_queries(2):
        assert voting_members_present(meeting) == 2


# --- deputies, arrivals, departures and recusals ----------------------------------------
def _items(meeting: Meeting, count: int) -> list:
    return [AgendaItemFactory(meeting=meeting, number=str(n), order=n, name=f"Punkt {n}") for n in range(1, count + 1)]


def test_a_deputy_votes_in_place_of_an_excused_member(office, meeting, seated):
    attendances = services.attendance_record(
        meeting=meeting,
        by=office,
        present=[seated["weiss"], seated["kraemer"], seated["dogan"]],
        excused=[seated["schaefer"]],
        deputies={seated["dogan"]: seated["schaefer"]},
    )

    assert {a.person: a.deputy_for for a in attendances if a.deputy_for} == {seated["dogan"]: seated["schaefer"]}
    assert voting_members_present(meeting) == 3  # two members and the deputy in the third's place


@pytest.mark.parametrize(
    ("deputies", "present", "message"),
    [
        ({"dogan": "schaefer"}, ["weiss"], DEPUTY_NOT_PRESENT_ERROR),
        ({"weiss": "dogan"}, ["weiss"], DEPUTY_FOR_NON_VOTER_ERROR),
        ({"dogan": "weiss"}, ["weiss", "dogan"], DEPUTY_FOR_PRESENT_ERROR),
        ({"dogan": "schaefer", "gross": "schaefer"}, ["dogan", "gross"], DEPUTY_TWICE_ERROR),
        ({"gross": "schaefer"}, ["gross"], DEPUTY_HAS_VOTE_ERROR),
    ],
)
def test_a_deputy_must_be_present_without_a_vote_in_place_of_an_absent_voter(
    office, meeting, seated, deputies, present, message
):
    _refused(
        lambda: services.attendance_record(
            meeting=meeting,
            by=office,
            present=[seated[name] for name in present],
            deputies={seated[deputy]: seated[member] for deputy, member in deputies.items()},
        ),
        meeting,
        message,
    )
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_late_arrival_and_an_early_departure_count_only_for_their_items(office, meeting, seated):
    first, second, third = _items(meeting, 3)
    services.attendance_record(
        meeting=meeting,
        by=office,
        present=[seated["weiss"], seated["kraemer"], seated["gross"]],
        arrivals={seated["kraemer"]: second},
        departures={seated["gross"]: second},
    )

    assert [voting_members_present(meeting, item) for item in (first, second, third)] == [2, 3, 2]
    assert voting_members_present(meeting) == 3


def test_a_recused_member_does_not_count_for_that_item(office, meeting, seated):
    first, second = _items(meeting, 2)
    services.attendance_record(meeting=meeting, by=office, present=[seated["weiss"], seated["kraemer"]])
    Recusal.objects.create(agenda_item=second, person=seated["kraemer"])

    assert [voting_members_present(meeting, item) for item in (first, second)] == [2, 1]


@pytest.mark.parametrize("case", ["absent", "other_meeting", "reversed"])
def test_arrival_and_departure_are_checked(office, meeting, seated, committee, case):
    first, second = _items(meeting, 2)
    elsewhere = AgendaItemFactory(meeting=meeting_of(committee, start=at(MAR_4, 10)), number="1", order=1)
    weiss, kraemer = seated["weiss"], seated["kraemer"]
    arrivals, departures, message = {
        "absent": ({kraemer: second}, {}, TIMES_OF_ABSENT_ERROR),
        "other_meeting": ({weiss: elsewhere}, {}, ITEM_OF_OTHER_MEETING_ERROR),
        "reversed": ({weiss: second}, {weiss: first}, LEFT_BEFORE_ARRIVAL_ERROR),
    }[case]

    _refused(
        lambda: services.attendance_record(
            meeting=meeting, by=office, present=[weiss], arrivals=arrivals, departures=departures
        ),
        meeting,
        message,
    )
