"""Workflow mail: who hears of a Vorlage's next step, sent after the step's transaction commits.

The services of `resolutions.services` call these functions inside their transaction; each
registers `transaction.on_commit`, so a step that rolls back mails nobody, and the mail
itself goes out in a task (`council.tasks.mail_send`), never inside the request. No signals:
the services say where mail starts.

- submitted for co-signing: each named co-signer;
- returned with a comment: the clerk who submitted it;
- released: the originating unit (its clerks and heads);
- decided (the authoritative step, or withdrawn in a meeting): the originating unit.

The mail names the Vorlage and links to it; what it says is no more than the page shows
these users, who all may read the Vorlage (its unit, or the heads asked to co-sign it).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from council.mail import site_url
from council.models import Membership

from .models import Decision, Paper, PaperEvent
from .workflow import user_label


def _addresses(users) -> list[str]:
    return sorted({user.email.lower() for user in users if user.is_active and user.email})


def _unit_addresses(paper: Paper) -> list[str]:
    """The clerks and heads of the paper's originating unit who have an address."""
    if paper.under_direction_of_id is None:
        return []
    people = Membership.objects.active().filter(organization_id=paper.under_direction_of_id).values("person_id")
    return _addresses(get_user_model().objects.filter(person__in=people))


def _queue(event: str, addresses: list[str], paper: Paper, **context) -> None:
    if not addresses:
        return
    from council.tasks import mail_send

    context = {
        "event": event,
        "reference": paper.reference,
        "name": paper.name,
        "url": site_url(paper.get_absolute_url()),
        **context,
    }
    transaction.on_commit(lambda: mail_send.enqueue("paper_workflow", addresses, context))


def cosigning_requested(paper: Paper, *, by) -> None:
    """Ask each named co-signer to co-sign."""
    signers = [cosignature.signer for cosignature in paper.cosignatures.select_related("signer")]
    _queue("cosign_request", _addresses(signers), paper, actor=user_label(by))


def paper_returned(paper: Paper, *, by, comment: str) -> None:
    """Tell the clerk who submitted the Vorlage that it came back, and why."""
    submitted = (
        PaperEvent.objects.filter(paper=paper, action=PaperEvent.Action.SUBMITTED)
        .select_related("actor")
        .order_by("-created", "-pk")
        .first()
    )
    clerks = [submitted.actor] if submitted and submitted.actor else []
    _queue("returned", _addresses(clerks), paper, actor=user_label(by), comment=comment)


def paper_released(paper: Paper, *, by) -> None:
    """Tell the originating unit that the Vorlage is released."""
    _queue("released", _unit_addresses(paper), paper, actor=user_label(by))


def decision_recorded(*, decision: Decision, by=None) -> None:
    """Tell the originating unit what was decided (the Vorlage's settling step).

    One of `settings.RATSBUCH_DECISION_FOLLOWERS`: `decision_record` calls it in its
    transaction for the authoritative step's result or a withdrawal.
    """
    paper = decision.consultation.paper
    _queue(
        "decided",
        _unit_addresses(paper),
        paper,
        organization=decision.consultation.organization.name,
        result=decision.get_result_display(),
        date=decision.date.isoformat(),
    )
