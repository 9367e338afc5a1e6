"""The Beratungsfolge as the page and the PDF Vorlage show it: results, and votes that add up."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from resolutions.models import Consultation, Decision
from resolutions.queries import beratungsfolge_of, recommendations_for
from tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    MeetingFactory,
    ReleasedPaperFactory,
)
from tests.resolutions.test_pdf import pdftotext

R = Decision.Result
SECRET_WORDING = "Der Ausschuss empfiehlt den Beitritt nur gegen Auflagen."


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def steps(body, unit, committee):
    """A public Vorlage: the committee recommended in public, the Stadtrat decided with the mayor's vote."""
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, name="Beitritt zum Bündnis")
    council = CommitteeFactory(body=body, name="Stadtrat")
    committee_step = ConsultationFactory(
        paper=paper, organization=committee, role=Consultation.Role.PRELIMINARY, authoritative=False, order=1
    )
    council_step = ConsultationFactory(paper=paper, organization=council, order=2)
    for step, day in ((committee_step, 4), (council_step, 18)):
        meeting = MeetingFactory(
            body=body,
            organizations=[step.organization],
            start=datetime.datetime(2013, 3, day, 15, tzinfo=datetime.UTC),
            state="held",
        )
        step.agenda_item = AgendaItemFactory(meeting=meeting, public=True)
        step.save()
    spd, cdu = FactionFactory(body=body, name="SPD-Fraktion"), FactionFactory(body=body, name="CDU-Fraktion")
    recommendation = DecisionFactory(
        consultation=committee_step, agenda_item=committee_step.agenda_item, result=R.ADOPTED, votes_yes=5
    )
    decision = DecisionFactory(
        consultation=council_step,
        agenda_item=council_step.agenda_item,
        result=R.ADOPTED,
        votes_yes=6,
        votes_no=2,
        date=datetime.date(2013, 3, 18),
    )
    # SPD 4 yes, CDU 1 yes 2 no: the sixth yes is the Oberbürgermeisterin's, who sits for no Fraktion.
    FactionVoteFactory(decision=decision, faction=spd, votes_yes=4)
    FactionVoteFactory(decision=decision, faction=cdu, votes_yes=1, votes_no=2)
    return paper, committee_step, council_step, recommendation, decision


def test_the_breakdown_leaves_the_rest_to_members_without_a_fraktion(steps):
    *_rest, decision = steps
    decision = Decision.objects.prefetch_related("faction_votes").get(pk=decision.pk)

    assert decision.votes_without_faction == {"votes_yes": 1, "votes_no": 0, "votes_abstain": 0, "votes_biased": 0}


def test_rows_that_make_the_totals_leave_nothing(steps):
    _paper, _c, _s, recommendation, _decision = steps
    FactionVoteFactory(
        decision=recommendation, faction=FactionFactory(body=recommendation.consultation.paper.body), votes_yes=5
    )

    assert Decision.objects.get(pk=recommendation.pk).votes_without_faction is None


def test_no_rows_no_breakdown(steps):
    *_rest, recommendation, _decision = steps

    assert recommendation.votes_without_faction is None


def test_the_page_shows_the_breakdown_that_adds_up(client, steps):
    paper, *_rest = steps

    response = client.get(paper.get_absolute_url())

    text = " ".join(response.text.split())
    assert "SPD-Fraktion: " in text
    assert 'class="votes-without-faction"> Members without a Fraktion: <span class="text-nowrap">yes 1</span>' in text


def test_the_vorlage_page_reads_the_beratungsfolge_in_a_fixed_number_of_queries(
    client, steps, django_assert_max_num_queries
):
    paper, *_rest = steps
    # One more step and decision cost no more queries.
    extra = ConsultationFactory(
        paper=paper,
        organization=CommitteeFactory(body=paper.body),
        role=Consultation.Role.NOTICE,
        authoritative=False,
        order=3,
    )
    DecisionFactory(consultation=extra, result=R.NOTED)
    client.get(paper.get_absolute_url())

    with django_assert_max_num_queries(16):
        client.get(paper.get_absolute_url())


def test_the_pdf_carries_the_beratungsfolge_table(client, steps, committee):
    paper, *_rest = steps

    response = client.get(reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference}))

    text = " ".join(pdftotext(response.getvalue()).split())
    assert "Beratungsfolge" in text
    assert "Gremium Role Date Result" in text
    assert committee.name in text and "Stadtrat" in text
    assert "04.03.2013" in text and "18.03.2013" in text
    assert "beschlossen (yes 6, no 2, abstentions 0)" in text


def test_the_pdf_keeps_a_non_public_result_to_itself(client, steps, office):
    paper, committee_step, _council_step, recommendation, _decision = steps
    item = committee_step.agenda_item
    item.public = False
    item.save()
    Decision.objects.filter(pk=recommendation.pk).update(result=R.ADOPTED_AMENDED, resolution_text=SECRET_WORDING)
    url = reverse("resolutions:paper_pdf", kwargs={"reference": paper.reference})

    public = " ".join(pdftotext(client.get(url).getvalue()).split())
    client.force_login(office)
    inside = " ".join(pdftotext(client.get(url).getvalue()).split())

    assert "its result is not public." in public
    assert "geändert beschlossen (yes 5" not in public
    assert "geändert beschlossen (yes 5" in inside


def test_shared_reads_obey_the_visibility_of_the_item(steps, member, office):
    paper, committee_step, council_step, recommendation, _decision = steps
    item = committee_step.agenda_item
    item.public = False
    item.save()

    anonymous = beratungsfolge_of(paper, None)
    assert [step.item_visible for step in anonymous] == [False, True]
    assert list(anonymous[0].decisions.all()) == []
    assert recommendations_for(council_step, office) == [recommendation]
    assert recommendations_for(committee_step, office) == []
