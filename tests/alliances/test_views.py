"""Alliance pages: who sees what, the office's forms, query counts, and the demo's alliance."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from alliances.services import MEMBERSHIP_TWICE_ERROR, REPRESENTATIVE_NOT_OF_MEMBER_ERROR
from alliances.views import MEMBERSHIP_PROPOSED_MESSAGE
from council.models import Body
from resolutions.models import Paper
from tests.factories import (
    AllianceAimFactory,
    AllianceFactory,
    AllianceMembershipFactory,
    AttachmentFactory,
    DecisionFactory,
    OrganizationFactory,
    OtherBodyFactory,
    PersonFactory,
    ReleasedPaperFactory,
    RepresentationFactory,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
JOINED = datetime.date(2013, 3, 18)
WHO = ["anonymous", "clerk", "member", "office", "admin_user"]


@pytest.fixture
def alliance(body) -> Alliance:
    return AllianceFactory(body=body, name="Bündnis für Soziale Stadtentwicklung", slug="soziale-stadt")


@pytest.fixture
def paper(body) -> Paper:
    return ReleasedPaperFactory(body=body, reference="20135317", name="Beitritt zum Bündnis")


@pytest.fixture
def joined(alliance, body, paper) -> AllianceMembership:
    decision = DecisionFactory(consultation__paper=paper, date=JOINED)
    return AllianceMembershipFactory(
        alliance=alliance,
        member_body=body,
        state=AllianceMembership.State.JOINED,
        paper=paper,
        decision=decision,
        joined_on=JOINED,
        accession_declaration=AttachmentFactory(paper=paper, name="Beitrittserklärung"),
    )


def _client_of(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


# --- who may see what -----------------------------------------------------------------
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["alliance_list", "alliance_detail"])
def test_everyone_reads_alliances(client, request, who, name, joined):
    kwargs = {"slug": joined.alliance.slug} if name == "alliance_detail" else {}
    response = _client_of(client, request, who).get(reverse(f"alliances:{name}", kwargs=kwargs), **EN)
    assert response.status_code == 200
    assert "Bündnis für Soziale Stadtentwicklung" in response.text


MANAGEMENT = [
    ("alliance_create", False),
    ("alliance_update", False),
    ("alliance_aims", False),
    ("membership_add", False),
    ("membership_propose", False),
    ("membership_exit", True),
    ("representation_add", True),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("name", "per_membership"), MANAGEMENT)
def test_only_the_office_manages(client, request, who, name, per_membership, joined):
    kwargs = {} if name == "alliance_create" else {"slug": joined.alliance.slug}
    if per_membership:
        kwargs["pk"] = joined.pk
    response = _client_of(client, request, who).get(reverse(f"alliances:{name}", kwargs=kwargs), **EN)
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif who in ("clerk", "member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", WHO)
def test_only_the_office_removes_seats(client, request, who, joined):
    seat = RepresentationFactory(membership=joined)
    url = reverse("alliances:representation_remove", kwargs={"slug": joined.alliance.slug, "pk": seat.pk})
    response = _client_of(client, request, who).post(url, **EN)
    removed = not Representation.objects.filter(pk=seat.pk).exists()
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif who in ("clerk", "member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url == joined.alliance.get_absolute_url()
    assert removed == (who in ("office", "admin_user"))


def test_unknown_alliance_is_404(client, office):
    client.force_login(office)
    assert client.get(reverse("alliances:alliance_detail", kwargs={"slug": "gibt-es-nicht"})).status_code == 404
    assert client.get(reverse("alliances:alliance_update", kwargs={"slug": "gibt-es-nicht"})).status_code == 404


def test_non_public_vorlage_is_never_linked_for_the_public(client, joined, paper, office):
    Paper.objects.filter(pk=paper.pk).update(public=False)
    url = joined.alliance.get_absolute_url()
    public = client.get(url, **EN).text
    assert paper.name not in public and paper.get_absolute_url() not in public
    assert "Beitrittserklärung" not in public  # the declaration of a non-public Vorlage
    assert 'data-state="joined"' in public

    client.force_login(office)
    inside = client.get(url, **EN).text
    assert paper.name in inside and paper.get_absolute_url() in inside


def test_founding_declaration_is_linked_only_if_visible(client, alliance, body):
    declaration = AttachmentFactory(paper=ReleasedPaperFactory(body=body), name="Gründungserklärung", public=False)
    Alliance.objects.filter(pk=alliance.pk).update(founding_declaration=declaration)
    assert declaration.get_absolute_url() not in client.get(alliance.get_absolute_url(), **EN).text


def test_detail_shows_the_facts(client, joined, body):
    alliance = joined.alliance
    Alliance.objects.filter(pk=alliance.pk).update(
        founded_on=datetime.date(2012, 11, 5), founded_at="Trier", membership_fee="keine Mitgliedsbeiträge"
    )
    AllianceAimFactory(alliance=alliance, order=2, text="Zweites Ziel")
    AllianceAimFactory(alliance=alliance, order=1, text="Erstes Ziel")
    initiator = AllianceMembershipFactory(
        alliance=alliance,
        member_body=None,
        member_organization=OrganizationFactory(body=body, name="Städtetag Rheinland-Pfalz"),
        role=AllianceMembership.Role.INITIATOR,
        state=AllianceMembership.State.JOINED,
        joined_on=datetime.date(2012, 11, 5),
    )
    RepresentationFactory(membership=initiator, description="Vertretung des Städtetags")
    RepresentationFactory(membership=joined, description="Bereichsleiterin 5-11")

    page = client.get(alliance.get_absolute_url(), **EN).context
    assert [aim.text for aim in page["alliance"].aims.all()] == ["Erstes Ziel", "Zweites Ziel"]
    assert [m.member.name for m in page["initiators"]] == ["Städtetag Rheinland-Pfalz"]
    assert [(m.member, m.visible_paper, m.visible_decision.date) for m in page["members"]] == [
        (body, joined.paper, JOINED)
    ]
    assert [(group, [seat.description for seat, _m in seats]) for group, seats in page["groups"]] == [
        ("Steuerungsgruppe", ["Bereichsleiterin 5-11", "Vertretung des Städtetags"])
    ]
    assert [row.state for row in page["history"]] == ["joined", "joined"]


def test_list_shows_the_body_membership_state(client, joined, body):
    AllianceFactory(body=body, name="Anderes Bündnis")
    alliances = client.get(reverse("alliances:alliance_list"), **EN).context["alliances"]
    assert [(a.name, a.own_state, a.own_joined_on) for a in alliances] == [
        ("Anderes Bündnis", None, None),
        ("Bündnis für Soziale Stadtentwicklung", "joined", JOINED),
    ]


def _members(alliance, body, count):
    for number in range(count):
        organization = OrganizationFactory(body=body, name=f"Verband {number}")
        membership = AllianceMembershipFactory(
            alliance=alliance,
            member_body=None,
            member_organization=organization,
            state=AllianceMembership.State.JOINED,
            joined_on=JOINED,
            paper=ReleasedPaperFactory(body=body),
            accession_declaration=None,
        )
        RepresentationFactory(membership=membership, person=PersonFactory(body=body))


@pytest.mark.parametrize("who", ["anonymous", "member", "office"])
def test_detail_takes_the_same_queries_for_few_and_many_members(client, request, who, joined, body):
    client = _client_of(client, request, who)
    url = joined.alliance.get_absolute_url()
    client.get(url)  # sessions, content types and the like are warmed up
    _members(joined.alliance, body, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _members(joined.alliance, body, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_list_takes_the_same_queries_for_few_and_many_alliances(client, body, django_assert_max_num_queries):
    for _ in range(10):
        AllianceFactory(body=body)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("alliances:alliance_list")).status_code == 200


# --- the office's forms ---------------------------------------------------------------
def test_office_creates_an_alliance(client, office, body):
    declaration = AttachmentFactory(paper=ReleasedPaperFactory(body=body), name="Gründungserklärung")
    client.force_login(office)
    response = client.post(
        reverse("alliances:alliance_create"),
        {
            "name": "Bündnis Gemeinwesenarbeit",
            "slug": "gemeinwesenarbeit",
            "founded_on": "2012-11-05",
            "founded_at": "Trier",
            "membership_fee": "keine",
            "founding_declaration": declaration.pk,
        },
        **EN,
    )
    alliance = Alliance.objects.get(slug="gemeinwesenarbeit")
    assert response.status_code == 302 and response.url == alliance.get_absolute_url()
    assert (alliance.body, alliance.founded_at, alliance.founding_declaration) == (body, "Trier", declaration)


def test_create_form_keeps_input_on_a_taken_slug(client, office, alliance):
    client.force_login(office)
    response = client.post(reverse("alliances:alliance_create"), {"name": "Doppelt", "slug": alliance.slug}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert 'value="Doppelt"' in response.text
    assert Alliance.objects.count() == 1


def test_office_edits_an_alliance(client, office, alliance):
    client.force_login(office)
    url = reverse("alliances:alliance_update", kwargs={"slug": alliance.slug})
    response = client.post(url, {"name": alliance.name, "slug": alliance.slug, "founded_at": "Mainz"}, **EN)
    assert response.status_code == 302
    alliance.refresh_from_db()
    assert alliance.founded_at == "Mainz"


def test_office_edits_the_aims(client, office, alliance):
    AllianceAimFactory(alliance=alliance, order=1, text="Alt")
    client.force_login(office)
    data = {
        "aims-TOTAL_FORMS": "3",
        "aims-INITIAL_FORMS": "1",
        "aims-MIN_NUM_FORMS": "0",
        "aims-MAX_NUM_FORMS": "1000",
        "aims-0-text": "Alt",
        "aims-0-ORDER": "1",
        "aims-0-DELETE": "on",
        "aims-1-text": "Zweites",
        "aims-1-ORDER": "3",
        "aims-2-text": "Erstes",
        "aims-2-ORDER": "2",
    }
    response = client.post(reverse("alliances:alliance_aims", kwargs={"slug": alliance.slug}), data, **EN)
    assert response.status_code == 302
    assert list(AllianceAim.objects.filter(alliance=alliance).values_list("order", "text")) == [
        (1, "Erstes"),
        (2, "Zweites"),
    ]


def test_office_adds_an_initiator(client, office, alliance, body):
    organization = OrganizationFactory(body=body, name="LIGA")
    client.force_login(office)
    url = reverse("alliances:membership_add", kwargs={"slug": alliance.slug})
    response = client.post(
        url, {"role": "initiator", "member_organization": organization.pk, "joined_on": "2012-11-05"}, **EN
    )
    assert response.status_code == 302
    membership = alliance.memberships.get()
    assert (membership.member, membership.role, membership.state) == (organization, "initiator", "joined")


def test_office_proposes_a_membership_and_the_vorlage_says_so(client, office, alliance, body, paper):
    declaration = AttachmentFactory(paper=paper, name="Beitrittserklärung")
    client.force_login(office)
    url = reverse("alliances:membership_propose", kwargs={"slug": alliance.slug})
    response = client.post(
        url,
        {"member_body": body.pk, "paper": paper.reference, "accession_declaration": declaration.pk},
        follow=True,
        **EN,
    )
    membership = alliance.memberships.get()
    assert (membership.state, membership.paper, membership.accession_declaration) == ("proposed", paper, declaration)
    expected = MEMBERSHIP_PROPOSED_MESSAGE % {
        "member": body,
        "alliance": alliance.name,
        "reference": paper.reference,
    }
    assert [str(message) for message in response.context["messages"]] == [expected]

    page = client.get(paper.get_absolute_url(), **EN).text
    assert "This Vorlage decides the membership of Stadt Ludwigshafen am Rhein in" in page
    assert alliance.get_absolute_url() in page


def test_proposing_twice_shows_the_error_and_changes_nothing(client, office, joined, paper):
    client.force_login(office)
    url = reverse("alliances:membership_propose", kwargs={"slug": joined.alliance.slug})
    other = ReleasedPaperFactory(body=joined.alliance.body, reference="20135400")
    response = client.post(url, {"member_body": joined.member_body.pk, "paper": other.reference}, **EN)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        MEMBERSHIP_TWICE_ERROR
        % {"member": joined.member_body.name, "alliance": joined.alliance.name, "state": "joined"}
    ]
    joined.refresh_from_db()
    assert (joined.state, joined.paper) == ("joined", paper)


def test_a_vorlage_of_another_body_is_not_offered(client, office, alliance, body):
    foreign = ReleasedPaperFactory(body=OtherBodyFactory(), reference="20130077")
    client.force_login(office)
    url = reverse("alliances:membership_propose", kwargs={"slug": alliance.slug})
    response = client.post(url, {"member_body": body.pk, "paper": foreign.reference}, **EN)
    assert response.status_code == 200 and response.context["form"].errors["paper"]
    assert not alliance.memberships.exists()


def test_office_proposes_an_exit(client, office, joined, body):
    exit_paper = ReleasedPaperFactory(body=body, reference="20160100")
    client.force_login(office)
    url = reverse("alliances:membership_exit", kwargs={"slug": joined.alliance.slug, "pk": joined.pk})
    assert client.post(url, {"paper": exit_paper.reference}, **EN).status_code == 302
    joined.refresh_from_db()
    assert joined.exit_paper == exit_paper


def test_office_adds_a_seat_and_a_stranger_is_refused(client, office, joined, body):
    client.force_login(office)
    url = reverse("alliances:representation_add", kwargs={"slug": joined.alliance.slug, "pk": joined.pk})
    head = PersonFactory(body=body, family_name="Großmann")
    response = client.post(url, {"group": "Steuerungsgruppe", "person": head.pk, "description": "BL 5-11"}, **EN)
    assert response.status_code == 302
    assert list(joined.representations.values_list("person", "group")) == [(head.pk, "Steuerungsgruppe")]

    # Someone of the body who belongs to no organization member is refused for an organization's seat.
    organization = OrganizationFactory(body=body)
    membership = AllianceMembershipFactory(
        alliance=joined.alliance,
        member_body=None,
        member_organization=organization,
        state="joined",
        joined_on=JOINED,
    )
    url = reverse("alliances:representation_add", kwargs={"slug": joined.alliance.slug, "pk": membership.pk})
    response = client.post(url, {"group": "Steuerungsgruppe", "person": head.pk}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["person"] == [
        str(REPRESENTATIVE_NOT_OF_MEMBER_ERROR % {"person": head.name, "member": organization.name})
    ]
    assert not membership.representations.exists()


# --- the demo -------------------------------------------------------------------------
def test_demo_alliance_page_shows_ludwigshafen_joined(client):
    call_command("load_demo", verbosity=0)
    alliance = Alliance.objects.get(slug="buendnis-soziale-stadtentwicklung-rlp")
    response = client.get(alliance.get_absolute_url(), **EN)
    page = response.context
    ludwigshafen = Body.objects.get(ags="07314000")
    [member] = page["members"]
    assert (member.member, member.state, member.joined_on) == (ludwigshafen, "joined", JOINED)
    assert member.visible_paper.reference == "20135317"
    assert (member.visible_decision.result, member.visible_decision.date) == ("beschlossen", JOINED)
    assert member.visible_declaration.attachment_type == "Beitrittserklärung"
    assert page["founding_declaration"].attachment_type == "Gründungserklärung"
    assert member.visible_declaration.get_absolute_url() in response.text
    assert page["founding_declaration"].get_absolute_url() in response.text
    [(group, seats)] = page["groups"]
    assert group == "Steuerungsgruppe"
    assert seats[0][1] == member and seats[0][0].description == "Bereichsleiterin 5-11"
    assert len(page["initiators"]) == 6
    assert [m.member.name for m in page["partners"]] == ["Entwicklungsagentur Rheinland-Pfalz"]


def test_the_exit_vorlage_page_says_which_membership_it_decides(client, office, joined, body):
    exit_paper = ReleasedPaperFactory(body=body, reference="20160101")
    client.force_login(office)
    client.post(
        reverse("alliances:membership_exit", kwargs={"slug": joined.alliance.slug, "pk": joined.pk}),
        {"paper": exit_paper.reference},
        **EN,
    )
    client.logout()

    response = client.get(exit_paper.get_absolute_url(), **EN)

    assert response.status_code == 200
    assert list(response.context["alliance_exits"]) == [joined]
    assert joined.alliance.get_absolute_url() in response.content.decode()
