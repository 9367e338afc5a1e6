"""Background tasks of the council: mailing invitations, confirmations and digests.

Tasks run on django-tasks (the backport of Django 6.0's `django.tasks`): in the database
queue under `make run` (`manage.py db_worker`), on Redis in production (`rqworker`), at
once in the tests. Every task takes ids, never objects, reads the current rows, and is
idempotent: running it twice (a worker that died after sending, a retry) does no harm; an
invitation already delivered is not sent again. A task that fails for a passing reason (the
mail server is away) is enqueued again with a growing delay (`retry_later`); after the last
attempt it fails for good, which the office sees on the meeting page and at /postausgang/.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def retry_later(task_, *args, attempt: int) -> bool:
    """Enqueue `task_` again for attempt `attempt + 1`, later; False once the attempts are used up."""
    if attempt >= settings.RATSBUCH_TASK_ATTEMPTS:
        return False
    delay = datetime.timedelta(seconds=settings.RATSBUCH_TASK_RETRY_SECONDS * 2 ** (attempt - 1))
    if task_.get_backend().supports_defer:
        task_ = task_.using(run_after=timezone.now() + delay)
    task_.enqueue(*args, attempt=attempt + 1)
    return True


@task()
def invitations_mail(meeting_id: int) -> int:
    """Render the meeting's invitation PDFs once, then enqueue one mail per queued dispatch."""
    from .invitations import invitations_prepare

    dispatch_ids = invitations_prepare(meeting_id=meeting_id)
    for dispatch_id in dispatch_ids:
        invitation_mail.enqueue(dispatch_id)
    return len(dispatch_ids)


@task()
def invitation_mail(dispatch_id: int, attempt: int = 1) -> str:
    """Mail one invitation and record the outcome; retried while the mail server refuses."""
    from .invitations import dispatch_send

    state = dispatch_send(dispatch_id=dispatch_id, attempt=attempt)
    if state == "retry":
        if retry_later(invitation_mail, dispatch_id, attempt=attempt):
            return state
        from .invitations import dispatch_fail

        dispatch_fail(dispatch_id=dispatch_id)
        raise RuntimeError(f"Invitation dispatch {dispatch_id} failed after {attempt} attempts.")
    return state


@task()
def subscription_confirmation_mail(subscription_id: int, attempt: int = 1) -> bool:
    """Mail the confirmation link of a new subscription (double opt-in)."""
    from .following import confirmation_send

    try:
        return confirmation_send(subscription_id=subscription_id)
    except OSError:
        if retry_later(subscription_confirmation_mail, subscription_id, attempt=attempt):
            return False
        raise


@task()
def digests_mail() -> int:
    """Mail today's digest to every confirmed subscriber with news; at most one a day each."""
    from .following import digests_send

    return digests_send()


@task()
def mail_send(template: str, to: list[str], context: dict, attempt: int = 1) -> int:
    """Mail one message per address from ``mail/<template>`` with a JSON-safe context (workflow mail)."""
    from .mail import compose
    from .queries import installation_body

    body = installation_body()
    sent = 0
    try:
        for address in to:
            compose(to=address, template=template, context=context, body=body).send()
            sent += 1
    except OSError:
        # Only the addresses not reached yet are tried again.
        if retry_later(mail_send, template, to[sent:], context, attempt=attempt):
            return sent
        raise
    return sent
