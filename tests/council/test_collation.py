"""German alphabetical order, the same on SQLite and PostgreSQL (the suite runs on both)."""

import datetime

from django.urls import reverse

from council.collation import german, sort_key
from council.meetings import eligible_attendees
from council.models import Organization, Person
from tests.council.conftest import at, meeting_of, seat
from tests.factories import PersonFactory

# As a German reader finds them in a list: umlauts with their base letter, case ignored.
IN_ORDER = ["Bäcker", "bauer", "Brückl", "Märkl", "Meier", "Öztürk", "Zimmermann"]


def test_people_are_ordered_by_german_collation_in_the_database(body):
    for name in reversed(IN_ORDER):
        PersonFactory(body=body, family_name=name)

    assert list(Person.objects.values_list("family_name", flat=True)) == IN_ORDER
    assert list(Person.objects.order_by(german("family_name")).values_list("family_name", flat=True)) == IN_ORDER


def test_python_sorts_the_same_way_as_the_database():
    assert sorted(["Zimmermann", "Meier", "bauer", "Öztürk", "Brückl", "Märkl", "Bäcker"], key=sort_key) == IN_ORDER
    assert sort_key("Groß") == sort_key("Gross")


def test_organizations_of_a_type_follow_german_order(body):
    for name in ("Übergangsausschuss", "Umweltausschuss", "Ältestenrat", "Bauausschuss"):
        Organization.objects.create(body=body, name=name, organization_type=Organization.Type.COMMITTEE)

    names = Organization.objects.filter(organization_type=Organization.Type.COMMITTEE).values_list("name", flat=True)

    assert list(names) == ["Ältestenrat", "Bauausschuss", "Übergangsausschuss", "Umweltausschuss"]


def test_the_attendance_of_a_meeting_follows_german_order(committee):
    for name in reversed(IN_ORDER):
        seat(committee, family_name=name)
    meeting = meeting_of(committee, start=at(datetime.date(2013, 3, 4)))

    assert [attendee.person.family_name for attendee in eligible_attendees(meeting)] == IN_ORDER


def test_the_directory_of_people_lists_them_in_german_order(client, committee):
    for name in reversed(IN_ORDER):
        seat(committee, family_name=name)

    page = client.get(reverse("council:person_list")).text

    positions = [page.index(name) for name in IN_ORDER]
    assert positions == sorted(positions)
