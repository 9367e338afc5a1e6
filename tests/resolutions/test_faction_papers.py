"""Anträge and Anfragen of the Fraktionen: drafted by its people, co-signed by its members, received by the office;
an Anfrage answered by the administration, tracked like a decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from council.roles import Role
from resolutions import services
from resolutions.models import Consultation, Paper, Tracking
from resolutions.services import (
    COSIGNER_NOT_FACTION_MEMBER_ERROR,
    DRAFT_CREATE_ROLE_ERROR,
    FACTION_TYPE_ERROR,
)
from resolutions.tracking import services as tracking_services
from resolutions.tracking.services import (
    ANSWER_RELEASE_ROLE_ERROR,
    INQUIRY_ASSIGNED_ERROR,
    INQUIRY_NOT_RECEIVED_ERROR,
    NOT_AN_INQUIRY_ERROR,
)
from resolutions.workflow import COSIGN_ROLE_ERROR, RECEIVE_ROLE_ERROR, RELEASE_ROLE_ERROR
from tests.council.conftest import user_named
from tests.factories import FactionFactory, MembershipFactory, PersonFactory, UserFactory
from tests.resolutions.conftest import messages_of
from tests.resolutions.tracking.conftest import decide

TODAY = timezone.localdate()


def _person_of(faction, username, roles=()):
    user = UserFactory(username=username, roles=list(roles))
    person = PersonFactory(body=faction.body, user=user, family_name=username.capitalize())
    MembershipFactory(person=person, organization=faction)
    return user


@pytest.fixture
def spd(body):
    return FactionFactory(body=body, name="SPD-Fraktion", short_name="SPD")


@pytest.fixture
def councillor(spd, committee):
    user = _person_of(spd, "weiss")
    MembershipFactory(person=user.person, organization=committee)
    return user


@pytest.fixture
def councillor2(spd):
    return _person_of(spd, "kraemer")


@pytest.fixture
def faction_office(spd):
    return _person_of(spd, "geschaeftsstelle", [Role.FACTION_OFFICE])


@pytest.fixture
def other_councillor(body):
    return _person_of(FactionFactory(body=body, name="CDU-Fraktion"), "hoerner")


def _draft(by, faction, committee, paper_type=Paper.Type.INQUIRY, **fields):
    return services.paper_draft_create(
        by=by,
        body=faction.body,
        under_direction_of=faction,
        name="Anfrage zur Sanierung der Spielplätze im Hemshof",
        date=TODAY,
        steps=[{"organization": committee, "role": Consultation.Role.NOTICE, "authoritative": True}],
        paper_type=paper_type,
        explanation="Wir fragen die Verwaltung, wann die Spielplätze saniert werden.",
        **fields,
    )


def _refused(call, *messages):
    with pytest.raises(ValidationError) as caught:
        call()
    assert messages_of(caught.value) == list(messages)


@pytest.fixture
def received(faction_office, councillor, spd, committee, office):
    """An Anfrage of the SPD-Fraktion drafted by its Geschäftsstelle, co-signed and received."""
    paper = _draft(faction_office, spd, committee)
    services.paper_submit(paper=paper, by=faction_office, cosigners=[councillor])
    services.paper_cosign(paper=paper, by=councillor)
    return services.paper_receive(paper=paper, by=office)


# --- drafting ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["councillor", "faction_office"])
def test_the_people_of_a_fraktion_draft_its_antrag_or_anfrage(request, spd, committee, who):
    paper = _draft(user_named(request, who), spd, committee, paper_type=Paper.Type.MOTION)
    assert (paper.state, paper.under_direction_of, paper.paper_type) == (Paper.State.DRAFT, spd, Paper.Type.MOTION)
    assert list(paper.originator_organizations.all()) == [spd]


@pytest.mark.parametrize("who", ["other_councillor", "clerk", "member"])
def test_others_may_not_draft_for_the_fraktion(request, spd, committee, who):
    _refused(lambda: _draft(user_named(request, who), spd, committee), DRAFT_CREATE_ROLE_ERROR)


def test_a_fraktion_moves_antraege_and_asks_anfragen_only(councillor, spd, committee):
    _refused(lambda: _draft(councillor, spd, committee, paper_type=Paper.Type.RESOLUTION), FACTION_TYPE_ERROR)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("councillor2", True),
        ("faction_office", True),
        ("other_councillor", False),
        ("clerk", False),
        ("anonymous", False),
        ("office", True),
    ],
)
def test_a_fraktion_draft_stays_with_the_fraktion(request, councillor, spd, committee, who, sees):
    paper = _draft(councillor, spd, committee)
    assert (paper in Paper.objects.visible_to(user_named(request, who))) is sees


# --- co-signing and receipt ------------------------------------------------------------
def test_members_co_sign_and_the_office_receives(faction_office, councillor, councillor2, spd, committee, office):
    paper = _draft(faction_office, spd, committee)
    services.paper_submit(paper=paper, by=faction_office, cosigners=[councillor, councillor2])
    services.paper_cosign(paper=paper, by=councillor)
    services.paper_cosign(paper=paper, by=councillor2)
    paper = services.paper_receive(paper=paper, by=office)
    assert paper.state == Paper.State.RELEASED and paper.released_at is not None
    assert paper in Paper.objects.visible_to(None)


@pytest.mark.parametrize("cosigner", ["faction_office", "other_councillor", "head"])
def test_only_council_members_of_the_fraktion_co_sign(request, councillor, spd, committee, cosigner):
    paper = _draft(councillor, spd, committee)
    _refused(
        lambda: services.paper_submit(paper=paper, by=councillor, cosigners=[user_named(request, cosigner)]),
        COSIGNER_NOT_FACTION_MEMBER_ERROR,
    )


def test_who_is_not_named_may_not_co_sign(faction_office, councillor, councillor2, spd, committee):
    paper = _draft(faction_office, spd, committee)
    services.paper_submit(paper=paper, by=faction_office, cosigners=[councillor])
    _refused(lambda: services.paper_cosign(paper=paper, by=councillor2), COSIGN_ROLE_ERROR)


@pytest.mark.parametrize("who", ["head", "councillor", "clerk"])
def test_only_the_office_receives(request, faction_office, councillor, spd, committee, who):
    paper = _draft(faction_office, spd, committee)
    services.paper_submit(paper=paper, by=faction_office, cosigners=[councillor])
    services.paper_cosign(paper=paper, by=councillor)
    _refused(lambda: services.paper_receive(paper=paper, by=user_named(request, who)), RECEIVE_ROLE_ERROR)
    # ... and a department head does not release a Fraktion's paper either.
    _refused(lambda: services.paper_release(paper=paper, by=user_named(request, "head")), RELEASE_ROLE_ERROR)


def test_the_page_shows_the_fraktion_and_the_begruendung(client, received, spd):
    response = client.get(received.get_absolute_url())
    assert "Begründung" in response.text and spd.name in response.text
    assert "Wir fragen die Verwaltung" in response.text


def test_the_fraktion_finds_its_drafts_and_signatures_in_meine_entwuerfe(
    client, faction_office, councillor, spd, committee
):
    paper = _draft(faction_office, spd, committee)
    services.paper_submit(paper=paper, by=faction_office, cosigners=[councillor])
    client.force_login(councillor)
    response = client.get(reverse("resolutions:paper_my_drafts"))
    assert paper in list(response.context["awaiting_cosignature"])
    assert paper in list(response.context["unit_papers"])


def test_the_fraktion_drafts_in_the_browser_form(client, councillor, spd):
    client.force_login(councillor)
    response = client.get(reverse("resolutions:paper_create"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["under_direction_of"].queryset) == [spd]


# --- an Antrag decided is tracked; its unit is named by the office -----------------------
def test_a_decided_antrag_is_tracked_without_a_unit_until_the_office_names_one(
    councillor, councillor2, spd, committee, office, unit, clerk
):
    paper = _draft(councillor, spd, committee, paper_type=Paper.Type.MOTION)
    Consultation.objects.filter(paper=paper).update(role=Consultation.Role.DECISION)
    services.paper_submit(paper=paper, by=councillor, cosigners=[councillor2])
    services.paper_cosign(paper=paper, by=councillor2)
    services.paper_receive(paper=paper, by=office)
    decide(paper, committee, office, day=TODAY - datetime.timedelta(days=1))
    tracking = Tracking.objects.get(paper=paper)
    assert tracking.responsible_unit is None
    assert tracking.responsible_unit_label
    assert not tracking_services.may_report(tracking, clerk)
    tracking_services.tracking_update(
        tracking=tracking, by=office, responsible_unit=unit, responsible_person=None, target_date=TODAY
    )
    tracking.refresh_from_db()
    assert tracking_services.may_report(tracking, clerk)


# --- the answer to an Anfrage --------------------------------------------------------------
def test_an_anfrage_is_answered_by_the_unit_and_released_by_its_head(client, received, office, unit, clerk, head):
    tracking = tracking_services.inquiry_assign(
        paper=received, by=office, responsible_unit=unit, target_date=TODAY + datetime.timedelta(days=28)
    )
    assert (tracking.decision, tracking.state, tracking.responsible_unit) == (None, Tracking.State.OPEN, unit)
    tracking_services.tracking_report(
        tracking=tracking, by=clerk, date=TODAY, text="Die Sanierung beginnt im Mai.", state=Tracking.State.IN_PROGRESS
    )
    _refused(
        lambda: tracking_services.tracking_report(
            tracking=tracking, by=clerk, date=TODAY, text="Antwort.", state=Tracking.State.DONE
        ),
        ANSWER_RELEASE_ROLE_ERROR,
    )
    tracking_services.tracking_report(
        tracking=tracking,
        by=head,
        date=TODAY,
        text="Die Spielplätze werden ab Mai saniert und im Herbst eröffnet.",
        state=Tracking.State.DONE,
    )
    page = client.get(received.get_absolute_url())
    assert "Die Spielplätze werden ab Mai saniert" in page.text
    assert tracking.get_absolute_url() in page.text
    assert client.get(tracking.get_absolute_url()).status_code == 200


def test_an_anfrage_is_given_to_the_administration_once(received, office, unit):
    tracking_services.inquiry_assign(paper=received, by=office, responsible_unit=unit, target_date=TODAY)
    _refused(
        lambda: tracking_services.inquiry_assign(paper=received, by=office, responsible_unit=unit, target_date=TODAY),
        INQUIRY_ASSIGNED_ERROR,
    )


def test_only_received_anfragen_are_given_to_the_administration(faction_office, spd, committee, office, unit, paper):
    draft = _draft(faction_office, spd, committee)
    _refused(
        lambda: tracking_services.inquiry_assign(paper=draft, by=office, responsible_unit=unit, target_date=TODAY),
        INQUIRY_NOT_RECEIVED_ERROR,
    )
    _refused(
        lambda: tracking_services.inquiry_assign(paper=paper, by=office, responsible_unit=unit, target_date=TODAY),
        NOT_AN_INQUIRY_ERROR,
    )


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("councillor", 403), ("office", 200)])
def test_only_the_office_opens_the_assign_form(client, request, received, who, status):
    client.force_login(user_named(request, who))
    url = reverse("resolutions:tracking_inquiry_assign", kwargs={"reference": received.reference})
    assert client.get(url).status_code == status


def test_the_assign_form_keeps_a_bad_date_and_says_why(client, received, office, unit):
    client.force_login(office)
    url = reverse("resolutions:tracking_inquiry_assign", kwargs={"reference": received.reference})
    response = client.post(url, {"responsible_unit": unit.pk, "target_date": "2000-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'value="2000-01-01"' in response.text
    with translation.override("en"):
        assert "target date lies before" in response.text
    assert not Tracking.objects.filter(paper=received).exists()
    response = client.post(url, {"responsible_unit": unit.pk, "target_date": TODAY.isoformat()})
    assert response.status_code == 302


def test_the_office_sees_the_assign_button_on_a_received_anfrage(client, received, office):
    client.force_login(office)
    url = reverse("resolutions:tracking_inquiry_assign", kwargs={"reference": received.reference})
    assert url in client.get(received.get_absolute_url()).text
    client.logout()
    assert url not in client.get(received.get_absolute_url()).text
