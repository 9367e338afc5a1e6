"""The vendor extensions on Paper: the texts of a Vorlage, which OParl has no property for."""

from oparl import serializers
from oparl.validation import validate_object
from resolutions import demo
from resolutions.models import Paper
from tests.oparl.conftest import api_url

TEXTS = {
    "ratsbuch:explanation": "explanation",
    "ratsbuch:proposalAddressee": "proposal_addressee",
    "ratsbuch:proposal": "proposal",
    "ratsbuch:financialImpact": "financial_impact",
}


def test_the_property_names_carry_the_vendor_prefix():
    assert serializers.PAPER_TEXT_PROPERTIES == TEXTS


def test_the_seed_vorlage_carries_its_texts_as_stored(oparl_get, oparl_pages, demo_data):
    seed = Paper.objects.get(reference=demo.SEED_REFERENCE)

    paper = oparl_get(api_url("oparl:paper", pk=seed.pk))

    assert paper["ratsbuch:explanation"] == demo.SEED_EXPLANATION
    assert paper["ratsbuch:proposalAddressee"] == demo.SEED_ADDRESSEE
    assert paper["ratsbuch:proposal"] == demo.SEED_PROPOSAL
    assert paper["ratsbuch:financialImpact"] == demo.SEED_FEE_SENTENCE
    assert validate_object(paper, "Paper") == []
    # The body's list serves the same object.
    [listed] = [
        item
        for item in oparl_pages(api_url("oparl:body_objects", pk=demo_data.pk, kind="papers"))
        if item["id"] == paper["id"]
    ]
    assert {key: listed[key] for key in TEXTS} == {key: paper[key] for key in TEXTS}


def test_a_paper_without_texts_carries_none_of_the_properties(oparl_get, record):
    Paper.objects.filter(pk=record.paper.pk).update(
        explanation="", proposal_addressee="", proposal="", financial_impact=""
    )

    paper = oparl_get(api_url("oparl:paper", pk=record.paper.pk))

    assert not set(TEXTS) & set(paper)


def test_only_the_texts_there_are_served(oparl_get, record):
    Paper.objects.filter(pk=record.paper.pk).update(explanation="", proposal="Der Ausschuss empfiehlt.")

    paper = oparl_get(api_url("oparl:paper", pk=record.paper.pk))

    assert {key: paper[key] for key in TEXTS if key in paper} == {
        "ratsbuch:proposalAddressee": Paper._meta.get_field("proposal_addressee").default,
        "ratsbuch:proposal": "Der Ausschuss empfiehlt.",
    }


# --- ratsbuch:tracking: the Beschlusskontrolle of a public decision -------------------------
def test_the_seed_vorlage_carries_its_tracking_and_validates(oparl_get, demo_data):
    from resolutions.models import Tracking
    from resolutions.tracking.demo import SEED_CLOSING_REPORT

    seed = Paper.objects.get(reference=demo.SEED_REFERENCE)
    tracking = Tracking.objects.get(paper=seed)

    paper = oparl_get(api_url("oparl:paper", pk=seed.pk))

    served = paper[serializers.TRACKING_PROPERTY]
    assert serializers.TRACKING_PROPERTY == "ratsbuch:tracking"
    assert (served["state"], served["trafficLight"], served["targetDate"], served["closedOn"]) == (
        "done",
        "closed",
        "2013-06-30",
        "2013-04-15",
    )
    assert served["responsibleUnit"] == api_url("oparl:organization", pk=tracking.responsible_unit_id)
    assert served["progressReport"][-1] == {"date": "2013-04-15", "state": "done", "text": SEED_CLOSING_REPORT}
    assert served["web"] == "http://testserver" + tracking.get_absolute_url()
    assert validate_object(paper, "Paper") == []


def test_a_paper_without_a_tracking_has_no_property(oparl_get, record):
    paper = oparl_get(api_url("oparl:paper", pk=record.paper.pk))
    assert serializers.TRACKING_PROPERTY not in paper


def test_a_new_progress_report_changes_the_papers_modified(oparl_get, demo_data):
    import datetime

    from resolutions.models import ProgressReport, Tracking

    tracking = Tracking.objects.public().filter(state=Tracking.State.IN_PROGRESS).first()
    before = oparl_get(api_url("oparl:paper", pk=tracking.paper_id))["modified"]
    ProgressReport.objects.filter(tracking=tracking).update(modified=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    after = oparl_get(api_url("oparl:paper", pk=tracking.paper_id))["modified"]
    assert after > before and after.startswith("2099-01-01")
