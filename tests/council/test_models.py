"""The council's models: the database refuses bad rows, names and querysets read right."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from council.models import AgendaItem, Attendance, Body, LegislativeTerm, Meeting, Membership, Organization
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BodyFactory,
    LegislativeTermFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = datetime.timezone(datetime.timedelta(hours=1))
MAR_18 = datetime.date(2013, 3, 18)
MAR_17 = datetime.date(2013, 3, 17)


def refused(create):
    """Run `create` and return the IntegrityError the database raises; the test DB stays usable."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    return excinfo.value


# --- Constraints ------------------------------------------------------------------------


@pytest.mark.parametrize("ags", ["0731400", "0731400X", "7314 000"])
def test_body_ags_must_be_eight_digits(ags):
    refused(lambda: Body.objects.create(name="Ludwigshafen", ags=ags))

    assert not Body.objects.exists()


def test_body_with_eight_digit_ags_is_stored():
    Body.objects.create(name="Stadt Ludwigshafen am Rhein", ags="07314000")

    assert Body.objects.get().ags == "07314000"


def test_body_ags_is_unique():
    BodyFactory(ags="07314000")

    refused(lambda: Body.objects.create(name="Doppelt", ags="07314000"))


def test_bodies_without_ags_are_stored_side_by_side():
    # OParl makes the AGS optional; systems that send none still bring their councils.
    Body.objects.create(name="Gemeinde A", ags="")
    Body.objects.create(name="Gemeinde B", ags="")

    assert Body.objects.filter(ags="").count() == 2


def test_legislative_term_cannot_end_before_it_starts(body):
    refused(lambda: LegislativeTermFactory(body=body, start_date=MAR_18, end_date=MAR_17))

    assert LegislativeTermFactory(body=body, start_date=MAR_18, end_date=MAR_18).pk
    assert LegislativeTermFactory(body=body, start_date=MAR_18, end_date=None).pk


def test_legislative_term_end_before_start_is_refused_on_update(body):
    term = LegislativeTermFactory(body=body, start_date=MAR_17, end_date=MAR_18)

    refused(lambda: LegislativeTerm.objects.filter(pk=term.pk).update(end_date=datetime.date(2013, 1, 1)))


def test_organization_cannot_end_before_it_starts(body):
    refused(lambda: OrganizationFactory(body=body, start_date=MAR_18, end_date=MAR_17))

    # Either date alone is fine: many Gremien have no recorded founding day.
    assert OrganizationFactory(body=body, start_date=None, end_date=MAR_17).pk
    assert OrganizationFactory(body=body, start_date=MAR_18, end_date=MAR_18).pk


def test_membership_cannot_end_before_it_starts(body):
    refused(lambda: MembershipFactory(person__body=body, start_date=MAR_18, end_date=MAR_17))

    assert MembershipFactory(person__body=body, start_date=MAR_18, end_date=MAR_18).pk


def test_meeting_cannot_end_before_it_starts(body):
    start = datetime.datetime(2013, 3, 18, 15, 0, tzinfo=BERLIN)

    refused(lambda: MeetingFactory(body=body, start=start, end=start - datetime.timedelta(minutes=1)))

    assert MeetingFactory(body=body, start=start, end=start + datetime.timedelta(hours=3)).pk


def test_attendance_is_recorded_once_per_person_and_meeting(body):
    attendance = AttendanceFactory(meeting__body=body, person__body=body)

    refused(
        lambda: Attendance.objects.create(
            meeting=attendance.meeting, person=attendance.person, status=Attendance.Status.EXCUSED
        )
    )
    assert Attendance.objects.get().status == Attendance.Status.PRESENT


def test_agenda_item_order_is_unique_per_meeting(body):
    item = AgendaItemFactory(meeting__body=body, order=5, number="5")

    refused(lambda: AgendaItem.objects.create(meeting=item.meeting, order=5, number="6", name="Doppelt"))
    # Another meeting has its own agenda.
    assert AgendaItemFactory(meeting=MeetingFactory(body=body), order=5, number="5").pk


def test_agenda_item_number_is_unique_per_meeting(body):
    item = AgendaItemFactory(meeting__body=body, order=10, number="10.1")

    refused(lambda: AgendaItem.objects.create(meeting=item.meeting, order=11, number="10.1", name="Doppelt"))
    assert AgendaItem.objects.create(meeting=item.meeting, order=11, number="10.2", name="Nächster").pk


# --- Properties and names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        ({"title": "Dr.", "given_name": "Eva", "family_name": "Lohse"}, "Dr. Eva Lohse"),
        ({"given_name": "Eva", "family_name": "Lohse"}, "Eva Lohse"),
        ({"family_name": "Lohse"}, "Lohse"),
        ({"given_name": "Karl", "family_name": "Stein", "affix": "MdL"}, "Karl Stein MdL"),
        (
            {"title": "Prof. Dr.", "given_name": "Anna", "family_name": "Beck", "form_of_address": "Frau"},
            "Prof. Dr. Anna Beck",
        ),
    ],
)
def test_person_name_joins_title_given_and_family_name_and_affix(body, parts, name):
    person = PersonFactory(body=body, **{"given_name": "", **parts})

    assert person.name == name
    assert str(person) == name


def test_str_of_every_council_model_is_readable(body):
    term = LegislativeTermFactory(body=body, name="Wahlperiode 2009–2014")
    location = LocationFactory(body=body, description="Stadtratssaal")
    council = OrganizationFactory(body=body, name="Stadtrat")
    person = PersonFactory(body=body, given_name="Eva", family_name="Lohse")
    membership = MembershipFactory(person=person, organization=council)
    meeting = MeetingFactory(body=body, name="12. Sitzung des Stadtrates")
    attendance = AttendanceFactory(meeting=meeting, person=person, status=Attendance.Status.EXCUSED)
    item = AgendaItemFactory(meeting=meeting, number="5", name="Beitritt zum Bündnis")

    assert str(body) == "Stadt Ludwigshafen am Rhein"
    assert str(term) == "Wahlperiode 2009–2014"
    assert str(location) == "Stadtratssaal"
    assert str(council) == "Stadtrat"
    assert str(membership) == "Eva Lohse – Stadtrat"
    assert str(meeting) == "12. Sitzung des Stadtrates"
    assert str(attendance) == f"Eva Lohse – 12. Sitzung des Stadtrates: {Attendance.Status.EXCUSED.label}"
    assert str(item) == "5. Beitritt zum Bündnis"


def test_meeting_cancelled_follows_the_state(body):
    meeting = MeetingFactory(body=body)
    assert not meeting.cancelled

    meeting.state = Meeting.State.CANCELLED

    assert meeting.cancelled


# --- Querysets --------------------------------------------------------------------------


def test_active_organizations_and_memberships_are_those_of_the_day(body):
    day = datetime.date(2013, 3, 18)
    current = OrganizationFactory(body=body, start_date=datetime.date(2009, 1, 1))
    dissolved = OrganizationFactory(body=body, end_date=datetime.date(2012, 12, 31))
    future = OrganizationFactory(body=body, start_date=datetime.date(2014, 7, 1))
    person = PersonFactory(body=body)
    seat = MembershipFactory(person=person, organization=current, start_date=day, end_date=day)
    MembershipFactory(person=person, organization=dissolved, end_date=datetime.date(2012, 12, 31))
    MembershipFactory(person=person, organization=future, start_date=datetime.date(2014, 7, 1))

    assert list(Organization.objects.active(day)) == [current]
    assert list(Membership.objects.active(day)) == [seat]


def test_committees_are_the_gremien(body):
    committee = OrganizationFactory(body=body, organization_type=Organization.Type.COMMITTEE)
    OrganizationFactory(body=body, organization_type=Organization.Type.FACTION)

    assert list(Organization.objects.committees()) == [committee]


def test_upcoming_meetings_skip_the_past_and_the_cancelled(body):
    now = datetime.datetime.now(tz=datetime.UTC)
    later = MeetingFactory(body=body, start=now + datetime.timedelta(days=14))
    sooner = MeetingFactory(body=body, start=now + datetime.timedelta(days=7))
    MeetingFactory(body=body, start=now + datetime.timedelta(days=1), state=Meeting.State.CANCELLED)
    past = MeetingFactory(body=body, start=now - datetime.timedelta(days=7))

    assert list(Meeting.objects.upcoming()) == [sooner, later]
    assert list(Meeting.objects.past()) == [past]


def test_public_agenda_items_leave_out_the_non_public_part(body):
    meeting = MeetingFactory(body=body)
    public = AgendaItemFactory(meeting=meeting, public=True)
    AgendaItemFactory(meeting=meeting, public=False)

    assert list(AgendaItem.objects.public()) == [public]
