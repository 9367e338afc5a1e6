"""Writes of the OParl side that a person starts: an import run queued from the admin."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ImportRun

# A run that has not reported for this long has died (a worker killed, a machine restarted):
# it no longer blocks a new start, which continues where it stopped.
STALE_AFTER = datetime.timedelta(minutes=15)

ALREADY_RUNNING = _("Import run %(run)d is still at work (%(state)s); start again once it has finished.")


def active_run() -> ImportRun | None:
    """The run queued or at work now, if any (one at a time: two would write the same rows)."""
    alive = timezone.now() - STALE_AFTER
    return (
        ImportRun.objects.filter(state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING])
        .exclude(state=ImportRun.State.RUNNING, heartbeat__lt=alive)
        .exclude(state=ImportRun.State.RUNNING, heartbeat__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


@transaction.atomic
def import_run_enqueue(*, url: str, body: str = "", full: bool = False, files: bool = True) -> ImportRun:
    """Queue an import of `url` as a background task; refused while another run is at work."""
    running = active_run()
    if running is not None:
        raise ValidationError(ALREADY_RUNNING % {"run": running.pk, "state": running.get_state_display()})
    run = ImportRun(system_url=url, started_at=timezone.now(), state=ImportRun.State.QUEUED)
    run.full_clean(exclude=["system_url"])
    run.save()
    from .tasks import import_oparl_task

    options = {"body": body or None, "full": full, "files": files}
    transaction.on_commit(lambda: import_oparl_task.enqueue(run.pk, options))
    return run
