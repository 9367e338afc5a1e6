"""The models of Vorlagen, Beratungsfolge, attachments and decisions: what the database refuses."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import resolve

from resolutions.forms.agenda import DecisionForm
from resolutions.models import (
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    Paper,
    PaperEvent,
    ReferenceCounter,
    ResultWording,
)
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    CommitteeFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    OtherBodyFactory,
    PaperFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VOTE_FIELDS = ["votes_yes", "votes_no", "votes_abstain", "votes_biased"]


def refused(create):
    """Run `create` and return the IntegrityError the database raises; the test DB stays usable."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        create()
    return excinfo.value


# --- Paper ------------------------------------------------------------------------------


def test_paper_reference_is_unique_per_body(body):
    PaperFactory(body=body, reference="20135317")

    refused(lambda: PaperFactory(body=body, reference="20135317"))
    assert Paper.objects.filter(reference="20135317").count() == 1


def test_same_reference_is_allowed_in_another_body(body):
    PaperFactory(body=body, reference="20135317")

    other = PaperFactory(body=OtherBodyFactory(), reference="20135317")

    assert other.body != body
    assert Paper.objects.filter(reference="20135317").count() == 2


@pytest.mark.parametrize("reference", ["/2013531", "VO//1234", "VO/../1", "2013 531", ""])
def test_paper_reference_must_have_the_reference_format(body, reference):
    refused(lambda: PaperFactory(body=body, reference=reference))

    assert not Paper.objects.exists()


def test_paper_reference_cannot_be_changed_to_a_malformed_one(body):
    paper = PaperFactory(body=body, reference="20135317")

    refused(lambda: Paper.objects.filter(pk=paper.pk).update(reference="KSD 5317"))
    paper.refresh_from_db()
    assert paper.reference == "20135317"


def test_paper_version_starts_at_one(body):
    paper = PaperFactory(body=body)
    assert paper.version == 1

    paper.version = 0
    refused(paper.save)

    refused(lambda: PaperFactory(body=body, version=0))


def test_paper_absolute_url_is_its_detail_page_by_ksd_number(body):
    paper = PaperFactory(body=body, reference="20135317")

    match = resolve(paper.get_absolute_url())

    assert match.view_name == "resolutions:paper_detail"
    assert match.kwargs == {"reference": "20135317"}


def test_attachment_absolute_url_is_its_download_under_the_ksd_number(body):
    attachment = AttachmentFactory(paper=PaperFactory(body=body, reference="20135317"))

    match = resolve(attachment.get_absolute_url())

    assert match.view_name == "resolutions:attachment_download"
    assert match.kwargs == {"reference": "20135317", "pk": attachment.pk}


# --- ReferenceCounter -------------------------------------------------------------------


def test_reference_counter_stays_within_four_digits(body):
    counter = ReferenceCounter.objects.create(body=body, year=2013, last_number=9999)

    refused(lambda: ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=10000))
    refused(lambda: ReferenceCounter.objects.create(body=body, year=2014, last_number=10000))
    counter.refresh_from_db()
    assert counter.last_number == 9999


def test_reference_counter_is_unique_per_body_and_year(body):
    ReferenceCounter.objects.create(body=body, year=2013)

    refused(lambda: ReferenceCounter.objects.create(body=body, year=2013))
    assert ReferenceCounter.objects.create(body=body, year=2014).pk
    assert ReferenceCounter.objects.create(body=OtherBodyFactory(), year=2013).pk


# --- Consultation -----------------------------------------------------------------------


def test_only_one_consultation_of_a_paper_decides(body):
    paper = PaperFactory(body=body)
    ConsultationFactory(paper=paper, order=2, authoritative=True)

    refused(lambda: ConsultationFactory(paper=paper, order=1, authoritative=True))
    # Any number of preparing steps.
    ConsultationFactory(paper=paper, order=1, authoritative=False, role=Consultation.Role.PRELIMINARY)
    ConsultationFactory(paper=paper, order=3, authoritative=False, role=Consultation.Role.NOTICE)
    assert paper.consultations.filter(authoritative=True).count() == 1


def test_authoritative_is_per_paper(body):
    ConsultationFactory(paper=PaperFactory(body=body), authoritative=True)

    assert ConsultationFactory(paper=PaperFactory(body=body), authoritative=True).pk


def test_consultation_order_is_unique_per_paper(body):
    paper = PaperFactory(body=body)
    ConsultationFactory(paper=paper, order=1, authoritative=False)

    refused(lambda: ConsultationFactory(paper=paper, order=1, authoritative=False))
    assert ConsultationFactory(paper=PaperFactory(body=body), order=1).pk


# --- Attachment -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sha512",
    # Too long is refused by the column's length already (DataError on PostgreSQL).
    ["", "a" * 127, "A" * 128, "g" * 128, "z" + "0" * 127],
    ids=["empty", "short", "uppercase", "not-hex", "first-not-hex"],
)
def test_attachment_sha512_must_be_128_lowercase_hex_digits(body, sha512):
    paper = PaperFactory(body=body)

    refused(lambda: AttachmentFactory(paper=paper, sha512=sha512))

    assert not paper.attachments.exists()


def test_attachment_with_a_real_checksum_is_stored(body):
    attachment = AttachmentFactory(paper=PaperFactory(body=body))

    assert len(attachment.sha512) == 128


# --- Decision and FactionVote -----------------------------------------------------------


@pytest.mark.parametrize("field", VOTE_FIELDS)
def test_decision_vote_counts_cannot_be_negative(body, field):
    decision = DecisionFactory(consultation__paper__body=body)

    refused(lambda: Decision.objects.filter(pk=decision.pk).update(**{field: -1}))
    refused(lambda: DecisionFactory(consultation__paper__body=body, **{field: -1}))
    decision.refresh_from_db()
    assert getattr(decision, field) == 0


@pytest.mark.parametrize("field", VOTE_FIELDS)
def test_faction_vote_counts_cannot_be_negative(body, field):
    vote = FactionVoteFactory(decision__consultation__paper__body=body)

    refused(lambda: FactionVote.objects.filter(pk=vote.pk).update(**{field: -1}))
    vote.refresh_from_db()
    assert getattr(vote, field) == 0


def test_unanimous_decision_has_no_votes_against(body):
    refused(lambda: DecisionFactory(consultation__paper__body=body, unanimous=True, votes_yes=40, votes_no=1))

    assert not Decision.objects.exists()


def test_unanimous_decision_may_have_abstentions(body):
    decision = DecisionFactory(consultation__paper__body=body, unanimous=True, votes_yes=40, votes_abstain=2)

    assert Decision.objects.get(pk=decision.pk).unanimous


def test_unanimous_decision_with_only_yes_votes_and_bias_exclusions_is_stored(body):
    decision = DecisionFactory(consultation__paper__body=body, unanimous=True, votes_yes=48, votes_biased=2)

    assert Decision.objects.get(pk=decision.pk).unanimous


def test_faction_votes_once_per_decision(body):
    vote = FactionVoteFactory(decision__consultation__paper__body=body, votes_yes=12)

    refused(lambda: FactionVote.objects.create(decision=vote.decision, faction=vote.faction, votes_no=3))
    assert FactionVoteFactory(decision=vote.decision, faction=FactionFactory(body=body)).pk
    assert vote.decision.faction_votes.count() == 2


def test_votes_cast_counts_yes_no_and_abstentions_but_not_the_excluded():
    decision = DecisionFactory.build(votes_yes=30, votes_no=12, votes_abstain=5, votes_biased=2)

    assert decision.votes_cast == 47


@pytest.mark.parametrize(
    ("result", "positive"),
    [
        (Decision.Result.ADOPTED, True),
        (Decision.Result.ADOPTED_AMENDED, True),
        (Decision.Result.REJECTED, False),
        (Decision.Result.DEFERRED, False),
        (Decision.Result.REFERRED, False),
        (Decision.Result.WITHDRAWN, False),
        (Decision.Result.NOTED, False),
    ],
)
def test_only_adoption_is_a_positive_decision(result, positive):
    assert Decision(result=result).is_positive is positive


# --- Cosignature ------------------------------------------------------------------------


def test_a_head_is_asked_to_cosign_a_paper_once(body):
    paper = PaperFactory(body=body)
    head = UserFactory(username="head")
    Cosignature.objects.create(paper=paper, signer=head)

    refused(lambda: Cosignature.objects.create(paper=paper, signer=head))
    assert paper.cosignatures.count() == 1


# --- Names ------------------------------------------------------------------------------


def test_str_of_every_resolutions_model_is_readable(body):
    unit = UnitFactory(body=body, name="Bereich Stadtentwicklung")
    paper = PaperFactory(body=body, under_direction_of=unit, reference="20135317", name="Beitritt zum Bündnis")
    council = CommitteeFactory(body=body, name="Stadtrat")
    consultation = ConsultationFactory(
        paper=paper, organization=council, order=2, role=Consultation.Role.DECISION, agenda_item=AgendaItemFactory()
    )
    decision = DecisionFactory(consultation=consultation, date=datetime.date(2013, 3, 18))
    faction = FactionFactory(body=body, name="SPD-Fraktion")
    vote = FactionVoteFactory(decision=decision, faction=faction, votes_yes=20, votes_no=1, votes_abstain=2)
    attachment = AttachmentFactory(paper=paper, name="Anlage 1: Beitrittserklärung")
    head = UserFactory(username="lohse")
    cosignature = Cosignature.objects.create(paper=paper, signer=head)
    event = PaperEvent.objects.create(paper=paper, action=PaperEvent.Action.CREATED, to_state=Paper.State.DRAFT)
    counter = ReferenceCounter.objects.create(body=body, year=2013, last_number=17)

    assert str(paper) == "20135317 Beitritt zum Bündnis"
    assert str(consultation) == f"20135317 – 2. Stadtrat ({Consultation.Role.DECISION.label})"
    assert str(decision) == f"20135317: {Decision.Result.ADOPTED.label} (18.03.2013)"
    assert str(vote) == "SPD-Fraktion: 20/1/2"
    assert str(attachment) == "Anlage 1: Beitrittserklärung"
    assert str(cosignature) == "20135317: lohse"
    assert str(event) == f"20135317: {PaperEvent.Action.CREATED.label}"
    assert str(counter) == f"{body.name} 2013: 0017"


# --- Querysets --------------------------------------------------------------------------


def test_public_papers_are_released_and_public(body):
    released_at = datetime.datetime(2013, 2, 21, 9, tzinfo=datetime.UTC)
    public = PaperFactory(body=body, released_at=released_at, state=Paper.State.RELEASED)
    PaperFactory(body=body, released_at=released_at, state=Paper.State.RELEASED, public=False)
    draft = PaperFactory(body=body)

    assert list(Paper.objects.public()) == [public]
    assert list(Paper.objects.drafts()) == [draft]
    assert draft.is_draft
    assert not public.is_draft


# --- result wordings of imported decisions -------------------------------------------------------
def test_a_decision_shows_the_wording_it_was_recorded_in_else_our_category():
    ours = DecisionFactory(result=Decision.Result.NOTED)
    imported = DecisionFactory(result=Decision.Result.NOTED, result_wording="Kenntnisnahme")

    assert ours.result_label == str(Decision.Result.NOTED.label)
    assert imported.result_label == "Kenntnisnahme"


def test_result_wordings_are_unique_per_wording():
    ResultWording.objects.create(wording="erledigt", result=Decision.Result.OTHER)

    refused(lambda: ResultWording.objects.create(wording="erledigt", result=Decision.Result.NOTED))


def test_the_result_form_does_not_offer_other():
    form = DecisionForm(data={"result": Decision.Result.OTHER}, consultation=ConsultationFactory())

    assert Decision.Result.OTHER not in dict(form.fields["result"].choices)
    assert not form.is_valid()
    assert "result" in form.errors
