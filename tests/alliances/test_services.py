"""Alliance services: founding data, members and seats, and memberships that follow the council's decision.

The decisions are recorded through `resolutions.services.decision_record` on a held
meeting of the Stadtrat, as in tests/resolutions/test_consultation.py.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from alliances import services
from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from alliances.services import (
    DECLARATION_NOT_OF_PAPER_ERROR,
    EXIT_NOT_JOINED_ERROR,
    FOUNDING_DECLARATION_ERROR,
    LEAVE_BEFORE_JOIN_ERROR,
    MEMBER_MISSING_ERROR,
    MEMBERSHIP_TWICE_ERROR,
    NOT_INITIATOR_ROLE_ERROR,
    PAPER_CLOSED_ERROR,
    PAPER_OTHER_BODY_ERROR,
    REPRESENTATIVE_NOT_OF_MEMBER_ERROR,
    RESERVED_SLUG_ERROR,
    ROLE_ERROR,
)
from council import services as council_services
from council.models import Meeting
from resolutions import services as resolutions_services
from resolutions.models import Consultation, Decision, Paper
from tests.council.conftest import at, meeting_of, seat
from tests.factories import (
    AllianceFactory,
    AllianceMembershipFactory,
    AttachmentFactory,
    CommitteeFactory,
    ConsultationFactory,
    MembershipFactory,
    OrganizationFactory,
    OtherBodyFactory,
    PersonFactory,
    ReleasedPaperFactory,
    RepresentationFactory,
)
from tests.resolutions.conftest import messages_of

R = Decision.Result
S = AllianceMembership.State
MEETING_DAY = datetime.date(2013, 3, 18)
FOUNDED_ON = datetime.date(2012, 11, 5)


# --- fixtures and helpers (after tests/resolutions/test_consultation.py) ---------------
@pytest.fixture
def city_council(body):
    return CommitteeFactory(body=body, name="Stadtrat", short_name="StR")


@pytest.fixture
def council_seats(city_council) -> list:
    return [seat(city_council) for _ in range(5)]


@pytest.fixture
def alliance(body) -> Alliance:
    return AllianceFactory(body=body, name="Bündnis für Soziale Stadtentwicklung", founded_on=FOUNDED_ON)


def _paper(body, city_council, reference: str, *, date=datetime.date(2013, 2, 20)) -> Paper:
    """A released Vorlage that the Stadtrat decides in one step."""
    paper = ReleasedPaperFactory(body=body, reference=reference, date=date)
    ConsultationFactory(paper=paper, organization=city_council, role=Consultation.Role.DECISION, authoritative=True)
    return paper


@pytest.fixture
def paper(body, city_council) -> Paper:
    return _paper(body, city_council, "20135317")


def _decide(paper: Paper, office, city_council, seats, result: str, *, day=MEETING_DAY, **votes) -> Decision:
    """Put the paper before a Stadtrat meeting on `day`, hold it with `seats` present, record `result`."""
    meeting = meeting_of(city_council, start=at(day, 14), name=f"Sitzung des Stadtrates am {day:%d.%m.%Y}")
    item = resolutions_services.agenda_item_add(meeting=meeting, by=office, paper=paper)
    council_services.attendance_record(meeting=meeting, by=office, present=list(seats))
    council_services.meeting_hold(meeting=meeting, by=office)
    return resolutions_services.decision_record(item=item, by=office, result=result, **votes)


def _snapshot() -> tuple:
    """Everything the services here write."""
    return (
        list(Alliance.objects.order_by("pk").values_list("pk", "slug", "name", "founding_declaration")),
        list(AllianceAim.objects.order_by("pk").values_list("pk", "order", "text")),
        list(
            AllianceMembership.objects.order_by("pk").values_list(
                "pk", "state", "paper", "exit_paper", "decision", "joined_on", "left_on"
            )
        ),
        list(Representation.objects.order_by("pk").values_list("pk", "person", "description")),
        list(Decision.objects.order_by("pk").values_list("pk", "result")),
        list(Paper.objects.order_by("pk").values_list("pk", "state")),
        AllianceMembership.history.count(),
    )


def _refused(call, *messages) -> ValidationError:
    """Run a service that must refuse with `messages` and change nothing at all."""
    before = _snapshot()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert messages_of(excinfo.value) == list(messages)
    assert _snapshot() == before
    return excinfo.value


def _membership(alliance, body) -> AllianceMembership:
    return AllianceMembership.objects.get(alliance=alliance, member_body=body)


@pytest.fixture
def proposed(alliance, body, paper, office) -> AllianceMembership:
    declaration = AttachmentFactory(paper=paper, name="Beitrittserklärung")
    return services.membership_propose(
        alliance=alliance, by=office, paper=paper, member_body=body, accession_declaration=declaration
    )


@pytest.fixture
def joined(proposed, paper, office, city_council, council_seats) -> AllianceMembership:
    _decide(paper, office, city_council, council_seats, R.ADOPTED, votes_yes=5)
    proposed.refresh_from_db()
    return proposed


# --- proposing ------------------------------------------------------------------------
def test_propose_links_the_vorlage_and_its_declaration(proposed, paper):
    assert proposed.state == S.PROPOSED
    assert proposed.role == AllianceMembership.Role.MEMBER
    assert (proposed.paper, proposed.proposed_on, proposed.decision) == (paper, paper.date, None)
    assert proposed.accession_declaration.paper == paper
    assert list(paper.alliance_memberships.all()) == [proposed]


def test_propose_twice_is_refused(proposed, alliance, body, city_council, office):
    other = _paper(body, city_council, "20135318")
    error = _refused(
        lambda: services.membership_propose(alliance=alliance, by=office, paper=other, member_body=body),
        MEMBERSHIP_TWICE_ERROR,
    )
    assert "Stadt Ludwigshafen am Rhein" in " ".join(error.messages)


def test_propose_with_a_vorlage_of_another_body_is_refused(alliance, body, office):
    mainz = OtherBodyFactory()
    foreign = ReleasedPaperFactory(body=mainz, reference="20130077")
    _refused(
        lambda: services.membership_propose(alliance=alliance, by=office, paper=foreign, member_body=body),
        PAPER_OTHER_BODY_ERROR,
    )


def test_propose_with_a_decided_vorlage_is_refused(alliance, body, paper, office):
    Paper.objects.filter(pk=paper.pk).update(state=Paper.State.DECIDED)
    paper.refresh_from_db()
    _refused(
        lambda: services.membership_propose(alliance=alliance, by=office, paper=paper, member_body=body),
        PAPER_CLOSED_ERROR,
    )


def test_accession_declaration_must_be_of_the_vorlage(alliance, body, paper, city_council, office):
    elsewhere = AttachmentFactory(paper=_paper(body, city_council, "20135318"))
    _refused(
        lambda: services.membership_propose(
            alliance=alliance, by=office, paper=paper, member_body=body, accession_declaration=elsewhere
        ),
        DECLARATION_NOT_OF_PAPER_ERROR,
    )


def test_propose_names_exactly_one_member(alliance, body, paper, office):
    organization = OrganizationFactory(body=body)
    _refused(lambda: services.membership_propose(alliance=alliance, by=office, paper=paper), MEMBER_MISSING_ERROR)
    _refused(
        lambda: services.membership_propose(
            alliance=alliance, by=office, paper=paper, member_body=body, member_organization=organization
        ),
        MEMBER_MISSING_ERROR,
    )


@pytest.mark.parametrize("who", ["clerk", "head", "member"])
def test_only_the_office_proposes(request, who, alliance, body, paper):
    user = request.getfixturevalue(who)
    _refused(lambda: services.membership_propose(alliance=alliance, by=user, paper=paper, member_body=body), ROLE_ERROR)


def test_admin_proposes(admin_user, alliance, body, paper):
    membership = services.membership_propose(alliance=alliance, by=admin_user, paper=paper, member_body=body)
    assert membership.state == S.PROPOSED


# --- the council decides --------------------------------------------------------------
def test_accepted_vorlage_makes_the_membership_joined(proposed, paper, office, city_council, council_seats):
    decision = _decide(paper, office, city_council, council_seats, R.ADOPTED, votes_yes=5)

    proposed.refresh_from_db()
    assert (proposed.state, proposed.joined_on, proposed.decision) == (S.JOINED, MEETING_DAY, decision)
    states = list(proposed.history.order_by("history_date", "history_id").values_list("state", "history_user"))
    assert states == [(S.PROPOSED, office.pk), (S.JOINED, office.pk)]


def test_amended_vorlage_also_joins(proposed, paper, office, city_council, council_seats):
    _decide(paper, office, city_council, council_seats, R.ADOPTED_AMENDED, resolution_text="Geändert.", votes_yes=5)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.joined_on) == (S.JOINED, MEETING_DAY)


def test_rejected_vorlage_rejects_the_membership(proposed, paper, office, city_council, council_seats):
    decision = _decide(paper, office, city_council, council_seats, R.REJECTED, votes_no=5)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.joined_on, proposed.decision) == (S.REJECTED, None, decision)


@pytest.mark.parametrize("result", [R.DEFERRED, R.REFERRED])
def test_deferred_vorlage_leaves_the_membership_proposed(proposed, paper, office, city_council, council_seats, result):
    _decide(paper, office, city_council, council_seats, result)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.joined_on, proposed.decision) == (S.PROPOSED, None, None)


def test_withdrawn_vorlage_rejects_the_membership(proposed, paper, office, city_council, council_seats):
    decision = _decide(paper, office, city_council, council_seats, R.WITHDRAWN)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.decision) == (S.REJECTED, decision)
    paper.refresh_from_db()
    assert paper.state == Paper.State.WITHDRAWN


def test_a_rejected_membership_may_be_proposed_again(proposed, paper, alliance, body, city_council, office):
    rejection = _decide(paper, office, city_council, [seat(city_council)], R.REJECTED, votes_no=1)
    again = _paper(body, city_council, "20135400", date=datetime.date(2013, 5, 2))
    membership = services.membership_propose(alliance=alliance, by=office, paper=again, member_body=body)
    assert membership.pk == proposed.pk
    assert (membership.state, membership.paper, membership.decision, membership.proposed_on) == (
        S.PROPOSED,
        again,
        None,
        datetime.date(2013, 5, 2),
    )
    assert rejection.alliance_memberships.count() == 0


def test_a_recommendation_does_not_move_the_membership(proposed, body, alliance, office, city_council):
    """Only the authoritative step settles the membership; a committee's Vorberatung does not."""
    committee = CommitteeFactory(body=body, name="Sozialausschuss")
    paper = proposed.paper
    Consultation.objects.filter(paper=paper).update(order=2)
    ConsultationFactory(paper=paper, organization=committee, role="Vorberatung", authoritative=False, order=1)
    _decide(paper, office, committee, [seat(committee)], R.ADOPTED, votes_yes=1)
    proposed.refresh_from_db()
    assert proposed.state == S.PROPOSED


def test_other_memberships_are_not_touched(proposed, alliance, body, paper, office, city_council, council_seats):
    other = AllianceMembershipFactory(
        alliance=alliance, member_body=None, member_organization=OrganizationFactory(body=body), state=S.PROPOSED
    )
    _decide(paper, office, city_council, council_seats, R.ADOPTED, votes_yes=5)
    other.refresh_from_db()
    assert other.state == S.PROPOSED


# --- leaving --------------------------------------------------------------------------
def test_exit_vorlage_decided_makes_the_membership_left(joined, body, city_council, office, council_seats):
    exit_paper = _paper(body, city_council, "20160100", date=datetime.date(2016, 1, 10))
    services.membership_propose_exit(membership=joined, by=office, paper=exit_paper)
    joined.refresh_from_db()
    assert (joined.state, joined.exit_paper) == (S.JOINED, exit_paper)

    _decide(exit_paper, office, city_council, council_seats, R.ADOPTED, day=datetime.date(2016, 2, 1), votes_yes=5)

    joined.refresh_from_db()
    assert (joined.state, joined.joined_on, joined.left_on) == (S.LEFT, MEETING_DAY, datetime.date(2016, 2, 1))
    assert joined.decision.date == MEETING_DAY  # the join's decision stays on record


def test_rejected_exit_keeps_the_membership(joined, body, city_council, office, council_seats):
    exit_paper = _paper(body, city_council, "20160100", date=datetime.date(2016, 1, 10))
    services.membership_propose_exit(membership=joined, by=office, paper=exit_paper)
    _decide(exit_paper, office, city_council, council_seats, R.REJECTED, day=datetime.date(2016, 2, 1), votes_no=5)
    joined.refresh_from_db()
    assert (joined.state, joined.left_on, joined.exit_paper) == (S.JOINED, None, None)


def test_exit_of_a_membership_not_joined_is_refused(proposed, body, city_council, office):
    exit_paper = _paper(body, city_council, "20160100")
    _refused(
        lambda: services.membership_propose_exit(membership=proposed, by=office, paper=exit_paper),
        EXIT_NOT_JOINED_ERROR,
    )


def test_exit_with_a_vorlage_of_another_body_is_refused(joined, office):
    foreign = ReleasedPaperFactory(body=OtherBodyFactory(), reference="20160101")
    _refused(
        lambda: services.membership_propose_exit(membership=joined, by=office, paper=foreign), PAPER_OTHER_BODY_ERROR
    )


def test_exit_decided_before_the_join_is_refused_with_the_decision(joined, body, city_council, office, council_seats):
    """A meeting dated before the join that decides the exit: the whole decision is refused."""
    exit_paper = _paper(body, city_council, "20130200", date=datetime.date(2013, 1, 10))
    services.membership_propose_exit(membership=joined, by=office, paper=exit_paper)
    meeting = meeting_of(city_council, start=at(datetime.date(2013, 2, 1), 14))
    item = resolutions_services.agenda_item_add(meeting=meeting, by=office, paper=exit_paper)
    council_services.attendance_record(meeting=meeting, by=office, present=council_seats)
    council_services.meeting_hold(meeting=meeting, by=office)

    _refused(
        lambda: resolutions_services.decision_record(item=item, by=office, result=R.ADOPTED, votes_yes=5),
        LEAVE_BEFORE_JOIN_ERROR,
    )
    joined.refresh_from_db()
    assert (joined.state, joined.left_on) == (S.JOINED, None)
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.HELD


# --- the alliance, its aims and founding members --------------------------------------
def test_create_and_update_an_alliance(body, office):
    paper = ReleasedPaperFactory(body=body)
    declaration = AttachmentFactory(paper=paper, name="Gründungserklärung")
    alliance = services.alliance_create(
        by=office,
        body=body,
        name="Bündnis Gemeinwesenarbeit",
        slug="gemeinwesenarbeit",
        founded_on=FOUNDED_ON,
        founded_at="Trier",
        membership_fee="keine",
        founding_declaration=declaration,
    )
    assert (alliance.body, alliance.founded_at, alliance.founding_declaration) == (body, "Trier", declaration)

    services.alliance_update(alliance=alliance, by=office, short_name="GWA", website="https://example.org/")
    alliance.refresh_from_db()
    assert (alliance.short_name, alliance.website, alliance.name) == (
        "GWA",
        "https://example.org/",
        "Bündnis Gemeinwesenarbeit",
    )


def test_founding_declaration_of_another_body_is_refused(body, office):
    foreign = AttachmentFactory(paper=ReleasedPaperFactory(body=OtherBodyFactory(), reference="20130099"))
    _refused(
        lambda: services.alliance_create(by=office, body=body, name="B", slug="b", founding_declaration=foreign),
        FOUNDING_DECLARATION_ERROR,
    )


def test_reserved_slug_is_refused(body, office):
    _refused(lambda: services.alliance_create(by=office, body=body, name="Neu", slug="neu"), RESERVED_SLUG_ERROR)


def test_only_the_office_creates_alliances(body, clerk):
    _refused(lambda: services.alliance_create(by=clerk, body=body, name="B", slug="b"), ROLE_ERROR)


def test_aims_are_replaced_in_order(alliance, office):
    services.alliance_aims_replace(alliance=alliance, by=office, texts=["Erstens", "Zweitens"])
    services.alliance_aims_replace(alliance=alliance, by=office, texts=["Neu eins", " ", "Neu zwei", "Neu drei"])
    assert list(alliance.aims.values_list("order", "text")) == [(1, "Neu eins"), (2, "Neu zwei"), (3, "Neu drei")]


def test_initiator_joins_on_the_founding_day(alliance, body, office):
    organization = OrganizationFactory(body=body, name="Städtetag Rheinland-Pfalz")
    membership = services.membership_add(
        alliance=alliance, by=office, role=AllianceMembership.Role.INITIATOR, member_organization=organization
    )
    assert (membership.state, membership.joined_on, membership.role) == (S.JOINED, FOUNDED_ON, "initiator")
    _refused(
        lambda: services.membership_add(
            alliance=alliance, by=office, role=AllianceMembership.Role.PARTNER, member_organization=organization
        ),
        MEMBERSHIP_TWICE_ERROR,
    )


def test_a_member_is_not_added_as_initiator(alliance, body, office):
    _refused(
        lambda: services.membership_add(
            alliance=alliance, by=office, role=AllianceMembership.Role.MEMBER, member_body=body
        ),
        NOT_INITIATOR_ROLE_ERROR,
    )


# --- seats ----------------------------------------------------------------------------
def test_representative_of_the_member_body(joined, body, office):
    head = PersonFactory(body=body, family_name="Großmann")
    seat_ = services.representation_add(
        membership=joined, by=office, group="Steuerungsgruppe", person=head, description="Bereichsleiterin 5-11"
    )
    assert (seat_.person, seat_.group) == (head, "Steuerungsgruppe")


def test_representative_of_another_body_is_refused(joined, office):
    stranger = PersonFactory(body=OtherBodyFactory())
    _refused(
        lambda: services.representation_add(membership=joined, by=office, group="Steuerungsgruppe", person=stranger),
        REPRESENTATIVE_NOT_OF_MEMBER_ERROR,
    )


def test_representative_of_an_organization_must_belong_to_it(alliance, body, office):
    organization = OrganizationFactory(body=body, name="LIGA")
    membership = services.membership_add(
        alliance=alliance, by=office, role=AllianceMembership.Role.INITIATOR, member_organization=organization
    )
    outsider = PersonFactory(body=body)
    _refused(
        lambda: services.representation_add(
            membership=membership, by=office, group="Steuerungsgruppe", person=outsider
        ),
        REPRESENTATIVE_NOT_OF_MEMBER_ERROR,
    )
    insider = PersonFactory(body=body)
    MembershipFactory(person=insider, organization=organization)
    assert services.representation_add(membership=membership, by=office, group="Steuerungsgruppe", person=insider)


def test_a_seat_is_removed(joined, office, alliance):
    seat_ = RepresentationFactory(membership=joined)
    services.representation_remove(representation=seat_, by=office, alliance=alliance)
    assert not Representation.objects.exists()


def test_a_seat_of_another_alliance_is_not_removed(joined, office):
    seat_ = RepresentationFactory(membership=joined)
    other = AllianceFactory()
    _refused(
        lambda: services.representation_remove(representation=seat_, by=office, alliance=other),
        services.REPRESENTATION_OTHER_ALLIANCE_ERROR,
    )
