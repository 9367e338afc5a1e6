"""The council office receives a Fraktion's Antrag or Anfrage: the KSD number is given on receipt,
and the office decides the Beratungsfolge (the Fraktion's proposal filled in)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from resolutions import services
from resolutions.forms.drafting import STEP_ORGANIZATION_CHOICE_ERROR
from resolutions.models import PROVISIONAL_REFERENCE_PREFIX, Consultation, Paper
from resolutions.workflow import NO_AUTHORITATIVE_ERROR, NOT_COMMITTEE_ERROR, RECEIVE_ROLE_ERROR
from tests.council.conftest import user_named
from tests.factories import CommitteeFactory
from tests.resolutions.conftest import messages_of

# The fixtures of the Fraktion (spd, councillor, councillor2, faction_office, other_councillor).
from tests.resolutions.test_faction_papers import (  # noqa: F401
    _draft,
    councillor,
    councillor2,
    faction_office,
    other_councillor,
    spd,
)
from tests.resolutions.test_views_drafting import step_data

KSD = re.compile(r"^\d{8}$")
DECISION, NOTICE = Consultation.Role.DECISION, Consultation.Role.NOTICE


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def stadtrat(body):
    return CommitteeFactory(body=body, name="Stadtrat", short_name="StR")


@pytest.fixture
def cosigned(councillor, councillor2, spd, committee):  # noqa: F811
    """An Antrag of the SPD-Fraktion, proposed to the committee, co-signed and waiting for the office."""
    paper = _draft(councillor, spd, committee, paper_type=Paper.Type.MOTION)
    services.paper_submit(paper=paper, by=councillor, cosigners=[councillor2])
    services.paper_cosign(paper=paper, by=councillor2)
    return Paper.objects.get(pk=paper.pk)


def _steps(paper):
    return [(c.organization.name, c.role, c.authoritative) for c in paper.consultations.order_by("order")]


def _receive_url(paper):
    return reverse("resolutions:paper_transition", kwargs={"reference": paper.reference, "transition": "receive"})


# --- the number ---------------------------------------------------------------------------
def test_a_fraktion_drafts_without_a_ksd_number(councillor, spd, committee):  # noqa: F811
    paper = _draft(councillor, spd, committee)
    assert paper.reference.startswith(PROVISIONAL_REFERENCE_PREFIX) and not paper.has_ksd_number


def test_the_office_gives_the_ksd_number_on_receipt(cosigned, office):
    assert not cosigned.has_ksd_number
    paper = services.paper_receive(paper=cosigned, by=office)
    assert KSD.match(paper.reference) and paper.reference[:4] == str(paper.date.year) and paper.has_ksd_number
    assert Paper.objects.get(pk=paper.pk).reference == paper.reference


def test_receipt_numbers_follow_the_administrations_vorlagen(cosigned, office, draft):
    paper = services.paper_receive(paper=cosigned, by=office)
    if paper.date.year == draft.date.year:
        assert int(paper.reference) == int(draft.reference) + 1


def test_a_vorlage_of_the_administration_is_numbered_when_drafted(draft):
    assert KSD.match(draft.reference) and draft.has_ksd_number


def test_a_paper_numbered_before_keeps_its_number_on_receipt(cosigned, office):
    # Papers submitted before numbers were given on receipt already carry theirs.
    Paper.objects.filter(pk=cosigned.pk).update(reference="20260042")
    cosigned.refresh_from_db()
    assert services.paper_receive(paper=cosigned, by=office).reference == "20260042"


def test_a_draft_without_a_number_may_change_its_year(councillor, spd, committee):  # noqa: F811
    paper = _draft(councillor, spd, committee)
    date = paper.date.replace(year=paper.date.year + 1)
    updated = services.paper_update(paper=paper, by=councillor, expected_version=paper.version, date=date)
    assert updated.date == date


# --- the Beratungsfolge -------------------------------------------------------------------
def test_the_offices_beratungsfolge_wins_over_the_proposal(cosigned, office, committee, stadtrat):
    steps = [
        {"organization": committee, "role": Consultation.Role.PRELIMINARY, "authoritative": False},
        {"organization": stadtrat, "role": DECISION, "authoritative": True},
    ]
    paper = services.paper_receive(paper=cosigned, by=office, steps=steps)
    assert _steps(paper) == [
        (committee.name, Consultation.Role.PRELIMINARY, False),
        ("Stadtrat", DECISION, True),
    ]


def test_without_steps_the_proposal_stands(cosigned, office, committee):
    paper = services.paper_receive(paper=cosigned, by=office)
    assert _steps(paper) == [(committee.name, NOTICE, True)]


def test_a_wrong_beratungsfolge_refuses_the_receipt_and_takes_no_number(cosigned, office, committee):
    before = cosigned.reference
    with pytest.raises(ValidationError) as caught:
        services.paper_receive(
            paper=cosigned, by=office, steps=[{"organization": committee, "role": DECISION, "authoritative": False}]
        )
    assert messages_of(caught.value) == [NO_AUTHORITATIVE_ERROR]
    cosigned.refresh_from_db()
    assert (cosigned.reference, cosigned.state) == (before, Paper.State.COSIGNING)
    assert _steps(cosigned) == [(committee.name, NOTICE, True)]
    from resolutions.models import ReferenceCounter

    assert not ReferenceCounter.objects.exists()


@pytest.mark.parametrize("who", ["councillor", "councillor2", "faction_office", "head", "clerk", "member"])
def test_only_the_office_receives_with_a_beratungsfolge(request, cosigned, committee, who):
    steps = [{"organization": committee, "role": DECISION, "authoritative": True}]
    with pytest.raises(ValidationError) as caught:
        services.paper_receive(paper=cosigned, by=user_named(request, who), steps=steps)
    assert messages_of(caught.value) == [RECEIVE_ROLE_ERROR]
    assert not Paper.objects.get(pk=cosigned.pk).has_ksd_number


# --- the receipt page ---------------------------------------------------------------------
def test_the_receipt_page_shows_the_proposal_in_the_beratungsfolge_editor(client, cosigned, office, committee):
    client.force_login(office)
    response = client.get(_receive_url(cosigned))
    assert response.status_code == 200
    formset = response.context["formset"]
    assert [form.initial for form in formset.initial_forms] == [
        {"organization": committee.pk, "role": NOTICE, "authoritative": True}
    ]
    assert "data-beratungsfolge" in response.text


def test_the_office_receives_on_the_page_with_its_beratungsfolge(client, cosigned, office, committee, stadtrat):
    client.force_login(office)
    data = step_data([(stadtrat, DECISION, True)], initial=[(committee, NOTICE, True)])
    response = client.post(_receive_url(cosigned), {"comment": "", **data})
    paper = Paper.objects.get(pk=cosigned.pk)
    assert response.status_code == 302 and response.url == paper.get_absolute_url()
    assert paper.state == Paper.State.RELEASED and KSD.match(paper.reference)
    assert _steps(paper) == [("Stadtrat", DECISION, True)]
    followed = client.get(response.url)
    assert paper.reference in " ".join(str(m) for m in followed.context["messages"])


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (lambda c, s: [(c, DECISION, False)], NO_AUTHORITATIVE_ERROR),
        (lambda c, s: [(s, DECISION, True)], NOT_COMMITTEE_ERROR),
    ],
)
def test_a_wrong_beratungsfolge_on_the_page_is_shown_and_kept(client, cosigned, office, committee, spd, steps, message):  # noqa: F811
    client.force_login(office)
    rows = steps(committee, spd)
    data = step_data(rows, initial=[(committee, NOTICE, True)])
    response = client.post(_receive_url(cosigned), {"comment": "Eingang per Post", **data})
    assert response.status_code == 200
    paper = Paper.objects.get(pk=cosigned.pk)
    assert (paper.state, paper.reference) == (Paper.State.COSIGNING, cosigned.reference)
    shown = escape(str(message) % {"organization": spd.name})
    if message is NOT_COMMITTEE_ERROR:
        # A Fraktion is not offered as a step at all.
        shown = escape(str(STEP_ORGANIZATION_CHOICE_ERROR))
    assert shown in response.text
    assert "Eingang per Post" in response.text  # the input is kept


@pytest.mark.parametrize("who", ["head", "clerk", "member"])
def test_who_may_not_read_the_paper_does_not_find_the_receipt_page(request, client, cosigned, who):
    client.force_login(user_named(request, who))
    assert client.get(_receive_url(cosigned)).status_code == 404
    assert client.post(_receive_url(cosigned), {"comment": ""}).status_code == 404


@pytest.mark.parametrize("who", ["councillor", "councillor2", "faction_office"])
def test_the_fraktion_gets_no_receipt_form(request, client, cosigned, committee, who):
    client.force_login(user_named(request, who))
    response = client.get(_receive_url(cosigned))
    assert response.status_code == 200 and response.context["formset"] is None
    assert escape(str(RECEIVE_ROLE_ERROR)) in response.text
    data = step_data([(committee, DECISION, True)], initial=[(committee, NOTICE, True)])
    response = client.post(_receive_url(cosigned), {"comment": "", **data})
    assert response.status_code == 200 and escape(str(RECEIVE_ROLE_ERROR)) in response.text
    assert not Paper.objects.get(pk=cosigned.pk).has_ksd_number


def test_the_public_does_not_reach_the_receipt_page(client, cosigned):
    response = client.get(_receive_url(cosigned))
    assert response.status_code == 302 and "login" in response.url


def test_the_page_of_a_draft_says_the_number_comes_on_receipt(client, councillor, spd, committee):  # noqa: F811
    paper = _draft(councillor, spd, committee)
    client.force_login(councillor)
    response = client.get(paper.get_absolute_url())
    assert "No KSD number yet: the council office gives it on receipt." in response.text
    assert f"KSD {paper.reference}" not in response.text.split("</h1>", 1)[1].split("</p>", 1)[0]


def test_the_pdf_of_a_draft_bears_no_provisional_number(client, councillor, spd, committee):  # noqa: F811
    from resolutions.pdf import pdf_text

    paper = _draft(councillor, spd, committee)
    client.force_login(councillor)
    response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}))
    text = " ".join(pdf_text(response.content).split())
    assert PROVISIONAL_REFERENCE_PREFIX not in text
