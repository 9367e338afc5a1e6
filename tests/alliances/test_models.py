"""Alliances, their members and representatives: what the database refuses."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from tests.factories import (
    AllianceAimFactory,
    AllianceFactory,
    AllianceMembershipFactory,
    OrganizationFactory,
    OtherBodyFactory,
    PersonFactory,
    RepresentationFactory,
)

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2013, 3, 18)


def refused(create):
    """Run `create` and return the IntegrityError the database raises; the test DB stays usable."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    return excinfo.value


@pytest.fixture
def alliance(body):
    return AllianceFactory(
        body=body,
        slug="soziale-stadt-rlp",
        name="Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz",
    )


@pytest.fixture
def association(body):
    return OrganizationFactory(body=body, name="Landesarbeitsgemeinschaft Soziale Stadtentwicklung")


# --- Alliance and aims ------------------------------------------------------------------


def test_alliance_slug_is_unique_across_bodies(alliance):
    """The public address /buendnisse/<slug>/ names no body, so a slug is taken once."""
    refused(lambda: AllianceFactory(body=alliance.body, slug=alliance.slug))
    refused(lambda: AllianceFactory(body=OtherBodyFactory(), slug=alliance.slug))

    assert Alliance.objects.filter(slug=alliance.slug).count() == 1


def test_alliance_aims_have_distinct_positions(alliance):
    AllianceAimFactory(alliance=alliance, order=1)

    refused(lambda: AllianceAim.objects.create(alliance=alliance, order=1, text="Noch ein Ziel."))
    assert AllianceAim.objects.create(alliance=alliance, order=2, text="Noch ein Ziel.").pk


# --- AllianceMembership -----------------------------------------------------------------


def test_membership_names_a_body_or_an_organization_not_both(alliance, body, association):
    refused(
        lambda: AllianceMembership.objects.create(alliance=alliance, member_body=body, member_organization=association)
    )

    assert not AllianceMembership.objects.exists()


def test_membership_names_someone(alliance):
    refused(lambda: AllianceMembership.objects.create(alliance=alliance))

    assert not AllianceMembership.objects.exists()


def test_membership_of_a_body_or_of_an_organization_is_stored(alliance, body, association):
    AllianceMembership.objects.create(alliance=alliance, member_body=body)
    AllianceMembership.objects.create(alliance=alliance, member_organization=association)

    assert alliance.memberships.count() == 2


def test_member_cannot_leave_before_joining(alliance):
    refused(
        lambda: AllianceMembershipFactory(
            alliance=alliance,
            state=AllianceMembership.State.LEFT,
            joined_on=JOINED,
            left_on=JOINED - datetime.timedelta(days=1),
        )
    )

    membership = AllianceMembershipFactory(
        alliance=alliance, state=AllianceMembership.State.LEFT, joined_on=JOINED, left_on=JOINED
    )
    assert membership.left_on == membership.joined_on


def test_member_cannot_leave_without_having_joined(alliance):
    refused(lambda: AllianceMembershipFactory(alliance=alliance, state=AllianceMembership.State.LEFT, left_on=JOINED))

    assert not AllianceMembership.objects.exists()


def test_joined_membership_has_a_date(alliance):
    refused(lambda: AllianceMembershipFactory(alliance=alliance, state=AllianceMembership.State.JOINED, joined_on=None))

    assert AllianceMembershipFactory(alliance=alliance, state=AllianceMembership.State.JOINED, joined_on=JOINED).pk


def test_membership_loses_its_date_only_by_leaving_the_joined_state(alliance):
    membership = AllianceMembershipFactory(alliance=alliance, state=AllianceMembership.State.JOINED, joined_on=JOINED)

    refused(lambda: AllianceMembership.objects.filter(pk=membership.pk).update(joined_on=None))
    membership.refresh_from_db()
    assert membership.joined_on == JOINED


def test_a_body_is_a_member_of_an_alliance_once(alliance, body):
    AllianceMembershipFactory(alliance=alliance, member_body=body)

    refused(
        lambda: AllianceMembershipFactory(alliance=alliance, member_body=body, role=AllianceMembership.Role.INITIATOR)
    )
    assert AllianceMembershipFactory(alliance=AllianceFactory(body=body), member_body=body).pk


def test_an_organization_is_a_member_of_an_alliance_once(alliance, association):
    AllianceMembershipFactory(alliance=alliance, member_body=None, member_organization=association)

    refused(lambda: AllianceMembershipFactory(alliance=alliance, member_body=None, member_organization=association))
    assert alliance.memberships.count() == 1


def test_member_property_is_whichever_member_is_set(alliance, body, association):
    of_body = AllianceMembershipFactory(alliance=alliance, member_body=body)
    of_organization = AllianceMembershipFactory(alliance=alliance, member_body=None, member_organization=association)

    assert of_body.member == body
    assert of_organization.member == association


# --- Representation ---------------------------------------------------------------------


def test_representation_names_a_person_or_describes_one(alliance):
    membership = AllianceMembershipFactory(alliance=alliance)

    refused(lambda: Representation.objects.create(membership=membership, group="Steuerungsgruppe"))
    assert RepresentationFactory(membership=membership, description="", person=PersonFactory(body=alliance.body)).pk
    assert RepresentationFactory(membership=membership, description="Bereichsleiterin 5-11", person=None).pk


def test_representation_cannot_end_before_it_starts(alliance):
    membership = AllianceMembershipFactory(alliance=alliance)

    refused(
        lambda: RepresentationFactory(
            membership=membership, start_date=JOINED, end_date=JOINED - datetime.timedelta(days=1)
        )
    )
    assert RepresentationFactory(membership=membership, start_date=JOINED, end_date=JOINED).pk


# --- Names ------------------------------------------------------------------------------


def test_str_of_every_alliances_model_is_readable(alliance, body, association):
    aim = AllianceAimFactory(alliance=alliance, text="Gemeinwesenarbeit " * 10)
    membership = AllianceMembershipFactory(alliance=alliance, member_body=body)
    of_organization = AllianceMembershipFactory(alliance=alliance, member_body=None, member_organization=association)
    described = RepresentationFactory(
        membership=membership, group="Steuerungsgruppe", description="Bereichsleiterin 5-11"
    )
    person = PersonFactory(body=body, given_name="Eva", family_name="Lohse")
    named = RepresentationFactory(membership=membership, group="Plenum", description="", person=person)

    assert str(alliance) == "Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz"
    assert str(aim) == ("Gemeinwesenarbeit " * 10)[:80]
    assert str(membership) == f"{body.name} – {alliance.name}"
    assert str(of_organization) == f"Landesarbeitsgemeinschaft Soziale Stadtentwicklung – {alliance.name}"
    assert str(described) == "Bereichsleiterin 5-11 – Steuerungsgruppe"
    assert str(named) == "Eva Lohse – Plenum"
