"""Fixtures for the path of a Vorlage: a second department head, the council, and one
paper at each stage, each brought there through the services themselves."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from council.models import Organization
from council.roles import Role
from resolutions import services
from resolutions.models import Consultation, Paper
from tests.council.conftest import seat
from tests.factories import CommitteeFactory, FactionFactory, MembershipFactory, PersonFactory, UnitFactory, UserFactory


def messages_of(error: ValidationError) -> list:
    """The message constants of a ValidationError (unrendered), whatever its shape."""
    if hasattr(error, "error_dict"):
        return [e.message for errors in error.error_dict.values() for e in errors]
    return [e.message for e in error.error_list]


def rendered(error: ValidationError) -> str:
    """All messages of a ValidationError as the user reads them."""
    return " ".join(error.messages)


@pytest.fixture
def finance_unit(body):
    """The Kämmerei, whose head co-signs Vorlagen with financial impact."""
    return UnitFactory(body=body, name="Kämmerei", short_name="2-20")


@pytest.fixture
def finance_head(finance_unit):
    """A department head of another unit, named as co-signer."""
    user = UserFactory(username="financehead", first_name="Karl", last_name="Kämmerer", roles=[Role.HEAD])
    person = PersonFactory(body=finance_unit.body, user=user, given_name="Karl", family_name="Kämmerer")
    MembershipFactory(person=person, organization=finance_unit, role="Bereichsleitung")
    return user


@pytest.fixture
def other_head(body):
    """A department head who is neither of the paper's unit nor named as co-signer."""
    user = UserFactory(username="otherhead", roles=[Role.HEAD])
    unit = UnitFactory(body=body, name="Bereich Umwelt", short_name="4-20")
    MembershipFactory(person=PersonFactory(body=body, user=user), organization=unit)
    return user


@pytest.fixture
def city_council(body):
    return CommitteeFactory(body=body, name="Stadtrat", short_name="StR")


@pytest.fixture
def steps(committee, city_council):
    """The seed's Beratungsfolge: the social committee prepares, the council decides."""
    return [
        {"organization": committee, "role": Consultation.Role.PRELIMINARY, "authoritative": False},
        {"organization": city_council, "role": Consultation.Role.DECISION, "authoritative": True},
    ]


@pytest.fixture
def draft(body, unit, clerk, steps):
    return services.paper_draft_create(
        by=clerk,
        body=body,
        under_direction_of=unit,
        name="Beitritt zum Bündnis für Soziale Stadtentwicklung und Gemeinwesenarbeit Rheinland-Pfalz",
        date=datetime.date(2013, 2, 20),
        steps=steps,
        subject_line='Bund-Länder-Programm "Soziale Stadt"',
    )


@pytest.fixture
def cosigning(draft, clerk, head, finance_head):
    return services.paper_submit(paper=draft, by=clerk, cosigners=[head, finance_head])


@pytest.fixture
def cosigned(cosigning, head, finance_head):
    services.paper_cosign(paper=cosigning, by=head)
    return services.paper_cosign(paper=cosigning, by=finance_head)


@pytest.fixture
def released(cosigned, head):
    return services.paper_release(paper=cosigned, by=head)


def _force_state(paper: Paper, state: str) -> Paper:
    # The services that lead there (agenda, decision) belong to the meeting service.
    Paper.objects.filter(pk=paper.pk).update(state=state)
    paper.refresh_from_db()
    return paper


@pytest.fixture
def in_consultation(released):
    return _force_state(released, Paper.State.IN_CONSULTATION)


@pytest.fixture
def decided(released):
    return _force_state(released, Paper.State.DECIDED)


@pytest.fixture
def withdrawn(draft, clerk):
    return services.paper_withdraw(paper=draft, by=clerk, comment="Nicht mehr nötig.")


@pytest.fixture
def paper_in(request):
    """The paper in a state given by name, e.g. `paper_in("released")`."""

    def get(state: str) -> Paper:
        return request.getfixturevalue(state)

    return get


@pytest.fixture
def faction(body):
    return CommitteeFactory(body=body, name="SPD-Fraktion", organization_type=Organization.Type.FACTION)


# --- a released Vorlage before the committees (agenda and decision tests) ----------------
PROPOSAL = "Der Stadtrat beschließt den Beitritt der Stadt zum Bündnis."


@pytest.fixture
def paper(released) -> Paper:
    """The released Vorlage, with a Beschlussvorschlag."""
    Paper.objects.filter(pk=released.pk).update(proposal=PROPOSAL)
    released.refresh_from_db()
    return released


@pytest.fixture
def factions(body) -> dict:
    return {
        "SPD": FactionFactory(body=body, name="SPD-Fraktion"),
        "CDU": FactionFactory(body=body, name="CDU-Fraktion"),
    }


@pytest.fixture
def committee_seats(committee, factions) -> list:
    """Five votes in the committee (SPD 3, CDU 2) and a deputy without a vote."""
    spd, cdu = factions["SPD"], factions["CDU"]
    return [
        *(seat(committee, faction=spd) for _ in range(3)),
        *(seat(committee, faction=cdu) for _ in range(2)),
        seat(committee, faction=spd, voting_right=False),
    ]
