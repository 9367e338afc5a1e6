"""Workflow mail: co-signers are asked, the clerk hears of a return, the unit of release and decision."""

import pytest
from django.conf import settings
from django.db import transaction

from resolutions import mailing, services
from tests.factories import ConsultationFactory, DecisionFactory, ReleasedPaperFactory
from tests.smtp import text_of


@pytest.fixture(autouse=True)
def _addresses(clerk, head, finance_head):
    for user, address in (
        (clerk, "clerk@example.org"),
        (head, "head@example.org"),
        (finance_head, "kaemmerer@example.org"),
    ):
        user.email = address
        user.save()


def test_submitting_asks_each_cosigner(
    draft, clerk, head, finance_head, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_submit(paper=draft, by=clerk, cosigners=[head, finance_head])

    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["head@example.org", "kaemmerer@example.org"]
    message = smtp_server.to("kaemmerer@example.org")[0]
    assert draft.reference in str(message["Subject"])
    assert "mitzuzeichnen" in text_of(message)
    assert f"/vorlagen/{draft.reference}/" in text_of(message)


def test_a_return_tells_the_clerk_with_the_comment(cosigning, head, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_return(paper=cosigning, by=head, comment="Bitte die Kosten für 2014 ergänzen.")

    [message] = smtp_server.messages
    assert str(message["To"]) == "clerk@example.org"
    assert "Bitte die Kosten für 2014 ergänzen." in text_of(message)


def test_a_release_tells_the_unit(cosigned, head, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_release(paper=cosigned, by=head)

    # The unit's clerk and head (the head released it, and hears of it like everyone in the unit).
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["clerk@example.org", "head@example.org"]
    assert "freigegeben" in text_of(smtp_server.messages[0])


def test_a_decision_tells_the_unit(unit, committee, smtp_server, django_capture_on_commit_callbacks):
    paper = ReleasedPaperFactory(body=unit.body, under_direction_of=unit)
    decision = DecisionFactory(consultation=ConsultationFactory(paper=paper, organization=committee))

    with django_capture_on_commit_callbacks(execute=True):
        mailing.decision_recorded(decision=decision)

    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["clerk@example.org", "head@example.org"]
    assert committee.name in text_of(smtp_server.messages[0])


def test_the_decision_mail_is_one_of_the_decision_followers():
    assert "resolutions.mailing.decision_recorded" in settings.RATSBUCH_DECISION_FOLLOWERS


def test_a_step_that_rolls_back_mails_nobody(draft, clerk, head, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.paper_submit(paper=draft, by=clerk, cosigners=[head])
        raise RuntimeError("rolled back")

    assert smtp_server.messages == []


def test_users_without_address_are_skipped(draft, clerk, head, smtp_server, django_capture_on_commit_callbacks):
    head.email = ""
    head.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.paper_submit(paper=draft, by=clerk, cosigners=[head])

    assert smtp_server.messages == []


def test_a_mail_server_away_is_retried(draft, clerk, head, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.fail_next(1)

    with django_capture_on_commit_callbacks(execute=True):
        services.paper_submit(paper=draft, by=clerk, cosigners=[head])

    assert [str(m["To"]) for m in smtp_server.messages] == ["head@example.org"]
