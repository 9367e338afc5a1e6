"""The council office's meeting pages: planning, editing, invite / hold / cancel, attendance.

The pages are asked for in English (the German catalogue has its own test); messages are
compared with the services' constants rendered in the active language.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from council.meetings import (
    CANCEL_STATE_ERROR,
    HOLD_TOO_EARLY_ERROR,
    INVITE_STATE_ERROR,
    UPDATE_STATE_ERROR,
    display_time,
    notice_warning,
)
from council.models import Attendance, Meeting
from council.services import ATTENDANCE_TOO_EARLY_ERROR, MEETING_END_BEFORE_START_ERROR, NO_ORGANIZATIONS_ERROR
from council.views.office import (
    ATTENDANCE_SAVED_MESSAGE,
    MEETING_CREATED_MESSAGE,
    MEETING_RESCHEDULED_MESSAGE,
    TRANSITION_SUCCESS_MESSAGES,
    meeting_office_actions,
)
from tests.council.conftest import BERLIN, at, meeting_of
from tests.factories import AgendaItemFactory, CommitteeFactory, LocationFactory, OtherBodyFactory

ROLES = ["anonymous", "clerk", "head", "member", "office", "admin_user"]
NOT_OFFICE = ["clerk", "head", "member"]
OFFICE = ["office", "admin_user"]


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def hall(body):
    return LocationFactory(body=body, description="Stadtratssaal, Rathaus", room="Stadtratssaal")


@pytest.fixture
def soon(committee):
    """A scheduled meeting in three days: an invitation now misses the Ladungsfrist of seven days."""
    day = timezone.localdate() + datetime.timedelta(days=3)
    return meeting_of(committee, start=at(day), name="25. Sitzung des Sozialausschusses")


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def shows(response, message) -> bool:
    return escape(str(message)) in response.text


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(meeting) -> str:
    return reverse("council:meeting_detail", kwargs={"pk": meeting.pk})


def snapshot() -> list[tuple]:
    return list(
        Meeting.objects.order_by("pk").values_list("pk", "name", "start", "end", "location_id", "state", "invited_at")
    )


def form_data(committee, hall=None, **overrides) -> dict:
    data = {
        "organizations": [committee.pk],
        "name": "24. Sitzung des Ausschusses für Soziales und Integration",
        "date": "2031-05-12",
        "start_time": "16:00",
        "end_time": "18:30",
        "location": hall.pk if hall else "",
    }
    data.update(overrides)
    return data


# --- who may --------------------------------------------------------------------------
def _urls(meeting) -> dict[str, str]:
    return {
        "create": reverse("council:meeting_create"),
        "update": reverse("council:meeting_update", kwargs={"pk": meeting.pk}),
        "invite": reverse("council:meeting_transition", kwargs={"pk": meeting.pk, "transition": "invite"}),
        "hold": reverse("council:meeting_transition", kwargs={"pk": meeting.pk, "transition": "hold"}),
        "cancel": reverse("council:meeting_transition", kwargs={"pk": meeting.pk, "transition": "cancel"}),
        "attendance": reverse("council:attendance_edit", kwargs={"pk": meeting.pk}),
    }


@pytest.mark.parametrize("page", ["create", "update", "invite", "hold", "cancel", "attendance"])
@pytest.mark.parametrize("who", ROLES)
def test_only_the_office_opens_the_meeting_pages(client, request, upcoming, page, who):
    login(client, request, who)
    url = _urls(upcoming)[page]

    response = client.get(url)

    if who == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login")) and "next=" in response.url
    elif who in NOT_OFFICE:
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("page", ["update", "invite", "cancel", "attendance"])
@pytest.mark.parametrize("who", NOT_OFFICE)
def test_others_cannot_post_to_the_meeting_pages(client, request, upcoming, committee, page, who):
    login(client, request, who)
    before = (snapshot(), Attendance.objects.count())

    response = client.post(_urls(upcoming)[page], form_data(committee))

    assert response.status_code == 403
    assert (snapshot(), Attendance.objects.count()) == before


@pytest.mark.parametrize("page", ["update", "invite", "attendance"])
def test_unknown_meeting_is_404(client, office, page):
    client.force_login(office)
    missing = Meeting(pk=999999)
    assert client.get(_urls(missing)[page]).status_code == 404


@pytest.mark.parametrize("transition", ["update", "reschedule", "delete", "held"])
def test_unknown_transition_is_404(client, office, upcoming, transition):
    client.force_login(office)
    url = reverse("council:meeting_transition", kwargs={"pk": upcoming.pk, "transition": transition})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


# --- planning -------------------------------------------------------------------------
@pytest.mark.parametrize("who", OFFICE)
def test_office_plans_a_meeting(client, request, committee, hall, who):
    login(client, request, who)
    other = CommitteeFactory(body=committee.body, name="Stadtrat")

    response = client.post(
        reverse("council:meeting_create"), form_data(committee, hall, organizations=[committee.pk, other.pk])
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(meeting)
    assert meeting.name == "24. Sitzung des Ausschusses für Soziales und Integration"
    assert meeting.start == datetime.datetime(2031, 5, 12, 16, 0, tzinfo=BERLIN)
    assert meeting.end == datetime.datetime(2031, 5, 12, 18, 30, tzinfo=BERLIN)
    assert meeting.location == hall
    assert meeting.state == Meeting.State.SCHEDULED
    assert set(meeting.organizations.all()) == {committee, other}
    assert flashed(response) == [str(MEETING_CREATED_MESSAGE % {"meeting": meeting.name})]


def test_planning_form_offers_the_bodys_gremien_places_and_a_name(client, office, body, committee, hall):
    CommitteeFactory(body=body, name="Stadtrat", classification="Hauptorgan")
    elsewhere = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    client.force_login(office)

    response = client.get(reverse("council:meeting_create"))

    form = response.context["form"]
    assert {org.name for org in form.fields["organizations"].queryset} == {committee.name, "Stadtrat"}
    assert elsewhere.name not in response.text
    assert list(form.fields["location"].queryset) == [hall]
    # No name to type: the service makes it; the list shows the names it would make.
    assert "name" not in form.initial
    assert '<option value="1. Sitzung des Ausschusses für Soziales und Integration">' in response.text
    assert '<option value="1. Sitzung des Stadtrates">' in response.text
    assert "Stadtratssaal, Rathaus (Rathausplatz 20)" in response.text


def test_end_before_start_is_refused_on_the_end_field(client, office, committee, hall):
    client.force_login(office)

    response = client.post(reverse("council:meeting_create"), form_data(committee, hall, end_time="15:00"))

    assert response.status_code == 200
    assert Meeting.objects.count() == 0
    form = response.context["form"]
    assert form.errors["end_time"] == [str(MEETING_END_BEFORE_START_ERROR)]
    assert shows(response, MEETING_END_BEFORE_START_ERROR)
    assert 'value="24. Sitzung des Ausschusses für Soziales und Integration"' in response.text
    assert 'value="15:00"' in response.text


def test_a_meeting_needs_a_gremium(client, office, committee):
    client.force_login(office)

    response = client.post(reverse("council:meeting_create"), form_data(committee, organizations=[]))

    assert Meeting.objects.count() == 0
    assert response.context["form"].errors["organizations"] == [str(NO_ORGANIZATIONS_ERROR)]


def test_a_faction_is_not_offered_as_a_gremium(client, office, committee, body):
    from tests.factories import FactionFactory

    faction = FactionFactory(body=body)
    client.force_login(office)

    response = client.post(reverse("council:meeting_create"), form_data(committee, organizations=[faction.pk]))

    assert Meeting.objects.count() == 0
    assert "organizations" in response.context["form"].errors


# --- editing --------------------------------------------------------------------------
def test_office_edits_a_meeting(client, office, upcoming, committee, hall):
    client.force_login(office)
    day = timezone.localtime(upcoming.start).date().isoformat()
    url = reverse("council:meeting_update", kwargs={"pk": upcoming.pk})

    page = client.get(url)
    response = client.post(url, form_data(committee, hall, name="Geänderter Name", date=day, start_time="16:00"))

    assert page.context["form"].initial["name"] == "24. Sitzung des Sozialausschusses"
    assert response.status_code == 302 and response.url == detail_url(upcoming)
    upcoming.refresh_from_db()
    assert (upcoming.name, upcoming.location, upcoming.state) == ("Geänderter Name", hall, Meeting.State.SCHEDULED)


def test_saving_an_invited_meeting_unchanged_keeps_the_invitation(client, office, upcoming, committee):
    Meeting.objects.filter(pk=upcoming.pk).update(state=Meeting.State.INVITED, invited_at=timezone.now())
    client.force_login(office)
    url = reverse("council:meeting_update", kwargs={"pk": upcoming.pk})
    day = timezone.localtime(upcoming.start).date().isoformat()

    response = client.post(url, form_data(committee, date=day, start_time="16:00", end_time=""))

    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.state == Meeting.State.INVITED
    assert upcoming.invited_at is not None


def test_a_new_start_sends_an_invited_meeting_back_to_scheduled(client, office, upcoming, committee):
    Meeting.objects.filter(pk=upcoming.pk).update(state=Meeting.State.INVITED, invited_at=timezone.now())
    client.force_login(office)
    url = reverse("council:meeting_update", kwargs={"pk": upcoming.pk})
    day = timezone.localtime(upcoming.start).date().isoformat()

    response = client.post(url, form_data(committee, date=day, start_time="17:00", end_time=""))

    upcoming.refresh_from_db()
    assert (upcoming.state, upcoming.invited_at) == (Meeting.State.SCHEDULED, None)
    assert timezone.localtime(upcoming.start).time() == datetime.time(17, 0)
    assert flashed(response) == [str(MEETING_RESCHEDULED_MESSAGE % {"meeting": upcoming.name})]


def test_a_held_meeting_is_not_edited(client, office, meeting, committee):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD)
    client.force_login(office)
    url = reverse("council:meeting_update", kwargs={"pk": meeting.pk})
    before = snapshot()

    page = client.get(url)
    response = client.post(url, form_data(committee, name="Zu spät", date="2013-03-04"))

    refusal = str(UPDATE_STATE_ERROR % {"state": Meeting.State.HELD.label})
    assert page.status_code == 302 and page.url == detail_url(meeting)
    assert flashed(page) == [refusal]
    assert response.status_code == 200
    assert shows(response, refusal)
    assert 'value="Zu spät"' in response.text
    assert snapshot() == before


def test_edit_end_before_start_changes_nothing(client, office, upcoming, committee):
    client.force_login(office)
    before = snapshot()
    day = timezone.localtime(upcoming.start).date().isoformat()

    response = client.post(
        reverse("council:meeting_update", kwargs={"pk": upcoming.pk}),
        form_data(committee, date=day, start_time="16:00", end_time="09:00"),
    )

    assert response.context["form"].errors["end_time"] == [str(MEETING_END_BEFORE_START_ERROR)]
    assert snapshot() == before


# --- invite, hold, cancel -------------------------------------------------------------
def _transition_url(meeting, name):
    return reverse("council:meeting_transition", kwargs={"pk": meeting.pk, "transition": name})


def test_late_invitation_shows_the_ladungsfrist_warning(client, office, soon):
    client.force_login(office)

    response = client.get(_transition_url(soon, "invite"))

    warning = notice_warning(soon, timezone.now())
    assert warning is not None
    assert response.context["late_invitation"] == warning
    assert shows(response, warning)


def test_timely_invitation_shows_no_warning(client, office, upcoming):
    client.force_login(office)

    response = client.get(_transition_url(upcoming, "invite"))

    assert response.context["late_invitation"] is None
    assert "late-invitation" not in response.text


def test_office_sends_a_late_invitation(client, office, soon):
    client.force_login(office)

    response = client.post(_transition_url(soon, "invite"))

    soon.refresh_from_db()
    assert response.status_code == 302 and response.url == detail_url(soon)
    assert soon.state == Meeting.State.INVITED
    assert soon.invited_at is not None
    success = TRANSITION_SUCCESS_MESSAGES["invite"] % {"meeting": soon.name, "moment": display_time(soon.invited_at)}
    assert flashed(response) == [str(success), notice_warning(soon, soon.invited_at)]


def test_invitation_twice_is_refused(client, office, upcoming):
    Meeting.objects.filter(pk=upcoming.pk).update(state=Meeting.State.INVITED, invited_at=timezone.now())
    client.force_login(office)
    before = snapshot()

    page = client.get(_transition_url(upcoming, "invite"))
    response = client.post(_transition_url(upcoming, "invite"))

    refusal = str(INVITE_STATE_ERROR % {"state": Meeting.State.INVITED.label})
    assert page.context["refusal"] == [refusal]
    assert response.status_code == 200
    assert shows(response, refusal)
    assert snapshot() == before


def test_office_marks_a_started_meeting_held(client, office, meeting):
    client.force_login(office)

    response = client.post(_transition_url(meeting, "hold"))

    assert response.status_code == 302 and response.url == detail_url(meeting)
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.HELD


def test_a_meeting_is_not_held_before_it_starts(client, office, upcoming):
    client.force_login(office)
    before = snapshot()

    response = client.post(_transition_url(upcoming, "hold"))

    refusal = str(HOLD_TOO_EARLY_ERROR % {"start": display_time(upcoming.start)})
    assert response.status_code == 200
    assert response.context["refusal"] == [refusal]
    assert shows(response, refusal)
    assert snapshot() == before


def test_office_cancels_a_meeting(client, office, upcoming):
    client.force_login(office)

    response = client.post(_transition_url(upcoming, "cancel"))

    assert response.status_code == 302
    assert Meeting.objects.get(pk=upcoming.pk).state == Meeting.State.CANCELLED
    assert flashed(response) == [str(TRANSITION_SUCCESS_MESSAGES["cancel"] % {"meeting": upcoming.name})]


def test_a_held_meeting_is_not_cancelled(client, office, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD)
    client.force_login(office)
    before = snapshot()

    response = client.post(_transition_url(meeting, "cancel"))

    assert shows(response, CANCEL_STATE_ERROR % {"state": Meeting.State.HELD.label})
    assert snapshot() == before


# --- the partial of the meeting page --------------------------------------------------
def test_office_actions_offer_what_the_table_allows(rf, office, soon, meeting):
    from django.template.loader import render_to_string

    upcoming_actions = meeting_office_actions(soon, office)
    started_actions = meeting_office_actions(meeting, office)
    html = render_to_string("council/_meeting_office_actions.html", {"office_actions": upcoming_actions})

    assert [t.name for t in upcoming_actions["transitions"]] == ["invite", "cancel"]
    assert [t.name for t in started_actions["transitions"]] == ["invite", "hold", "cancel"]
    assert upcoming_actions["late_invitation"] == notice_warning(soon, timezone.now())
    assert _transition_url(soon, "invite") in html
    assert _transition_url(soon, "hold") not in html
    assert reverse("council:meeting_update", kwargs={"pk": soon.pk}) in html
    assert reverse("resolutions:agenda_edit", kwargs={"pk": soon.pk}) in html
    assert reverse("council:attendance_edit", kwargs={"pk": soon.pk}) in html
    assert "late-invitation" in html


def test_office_actions_of_a_held_meeting(office, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.HELD)
    meeting.refresh_from_db()

    actions = meeting_office_actions(meeting, office)

    assert (actions["transitions"], actions["may_edit"], actions["late_invitation"]) == ([], False, None)


# --- attendance -----------------------------------------------------------------------
def _attendance_url(meeting):
    return reverse("council:attendance_edit", kwargs={"pk": meeting.pk})


def _status(seated, statuses) -> dict:
    """The posted radio buttons: every seat absent unless `statuses` says otherwise."""
    return {f"person_{person.pk}": statuses.get(name, Attendance.Status.ABSENT) for name, person in seated.items()}


def test_attendance_lists_every_seat_prefilled(client, office, meeting, seated, factions):
    Attendance.objects.create(meeting=meeting, person=seated["weiss"], status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=meeting, person=seated["gross"], status=Attendance.Status.EXCUSED)
    client.force_login(office)

    response = client.get(_attendance_url(meeting))

    rows = response.context["form"].rows()
    assert [row["attendee"].person for row in rows] == sorted(seated.values(), key=lambda p: p.family_name)
    initial = {row["attendee"].person.pk: row["field"].value() for row in rows}
    assert initial[seated["weiss"].pk] == Attendance.Status.PRESENT
    assert initial[seated["gross"].pk] == Attendance.Status.EXCUSED
    assert initial[seated["dogan"].pk] == Attendance.Status.ABSENT
    assert "SPD" in response.text and "no (advisory)" in response.text


def test_office_records_the_attendance(client, office, meeting, seated):
    client.force_login(office)
    statuses = dict.fromkeys(seated, Attendance.Status.PRESENT)
    statuses.update(gross=Attendance.Status.EXCUSED, hoerner=Attendance.Status.ABSENT)

    response = client.post(_attendance_url(meeting), _status(seated, statuses))

    assert response.status_code == 302 and response.url == detail_url(meeting)
    recorded = dict(Attendance.objects.filter(meeting=meeting).values_list("person_id", "status"))
    assert recorded == {
        seated[name].pk: status for name, status in statuses.items() if status != Attendance.Status.ABSENT
    }
    assert flashed(response) == [str(ATTENDANCE_SAVED_MESSAGE % {"meeting": meeting.name, "present": 4, "excused": 1})]


def test_attendance_before_the_start_is_refused_with_input_kept(client, office, upcoming, seated):
    client.force_login(office)

    response = client.post(
        _attendance_url(upcoming), _status(seated, {"weiss": "present", "gross": "excused", "kraemer": "absent"})
    )

    assert response.status_code == 200
    assert Attendance.objects.count() == 0
    assert shows(response, ATTENDANCE_TOO_EARLY_ERROR % {"start": display_time(upcoming.start)})
    values = {row["attendee"].person.pk: row["field"].value() for row in response.context["form"].rows()}
    assert values[seated["weiss"].pk] == "present" and values[seated["gross"].pk] == "excused"


def test_attendance_of_a_cancelled_meeting_is_refused(client, office, meeting, seated):
    from council.services import ATTENDANCE_CANCELLED_ERROR

    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)
    client.force_login(office)

    response = client.post(_attendance_url(meeting), _status(seated, {"weiss": "present"}))

    assert shows(response, ATTENDANCE_CANCELLED_ERROR)
    assert Attendance.objects.count() == 0


def test_attendance_with_an_unknown_status_is_refused(client, office, meeting, seated):
    client.force_login(office)

    response = client.post(_attendance_url(meeting), _status(seated, {"weiss": "asleep"}))

    assert response.status_code == 200
    assert f"person_{seated['weiss'].pk}" in response.context["form"].errors
    assert Attendance.objects.count() == 0


def test_a_late_invitation_asks_for_the_reason_and_the_invitation_keeps_it(client, office, committee):
    soon = timezone.localdate() + datetime.timedelta(days=2)
    meeting = meeting_of(committee, start=at(soon), name="Dringliche Sitzung")
    client.force_login(office)
    url = reverse("council:meeting_transition", kwargs={"pk": meeting.pk, "transition": "invite"})

    assert 'name="notice_reason"' in client.get(url).text
    client.post(url, {"notice_reason": "Die Förderfrist endet."})

    meeting.refresh_from_db()
    assert (meeting.state, meeting.notice_reason) == (Meeting.State.INVITED, "Die Förderfrist endet.")


def test_office_records_a_deputy_and_a_late_arrival_on_the_attendance_page(client, office, meeting, seated):
    first = AgendaItemFactory(meeting=meeting, number="1", order=1)
    second = AgendaItemFactory(meeting=meeting, number="2", order=2)
    client.force_login(office)
    statuses = {"weiss": "present", "kraemer": "present", "dogan": "present", "schaefer": "excused"}
    data = _status(seated, statuses) | {
        f"deputy_{seated['dogan'].pk}": str(seated["schaefer"].pk),
        f"arrived_{seated['kraemer'].pk}": str(second.pk),
        f"left_{seated['weiss'].pk}": str(first.pk),
    }

    response = client.post(_attendance_url(meeting), data)

    assert response.status_code == 302
    rows = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert rows[seated["dogan"].pk].deputy_for == seated["schaefer"]
    assert rows[seated["kraemer"].pk].arrived_at == second
    assert rows[seated["weiss"].pk].left_after == first


def test_a_deputy_for_a_present_member_is_refused_with_the_input_kept(client, office, meeting, seated):
    client.force_login(office)
    statuses = {"weiss": "present", "dogan": "present"}
    data = _status(seated, statuses) | {f"deputy_{seated['dogan'].pk}": str(seated["weiss"].pk)}

    response = client.post(_attendance_url(meeting), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"][f"deputy_{seated['dogan'].pk}"].value() == str(seated["weiss"].pk)
    assert not Attendance.objects.filter(meeting=meeting).exists()
