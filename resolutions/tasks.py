"""Background tasks of the Vorlagen, their files and their decisions.

Like `council.tasks`: ids in, current rows read, idempotent. The upload request only runs
the cheap checks of `resolutions.filecheck`; the text is taken here, in a child process
bounded by the RATSBUCH_MAX_PAGES, RATSBUCH_MAX_STREAM_BYTES, RATSBUCH_EXTRACT_SECONDS and
RATSBUCH_EXTRACT_MEMORY_BYTES settings, so no upload holds a request or grows a worker.
"""

import datetime

from django.apps import apps
from django_tasks import task


@task()
def checked_file_text(model_label: str, pk: int, sha512: str) -> str | None:
    """Take the text of an attachment or item document (by model label and id) and store it; its state."""
    from resolutions.services import checked_file_text_extract

    return checked_file_text_extract(model=apps.get_model(model_label), pk=pk, sha512=sha512)


@task()
def tracking_reminders_mail(today: str | None = None) -> int:
    """Queue the due and overdue reminders of tracked decisions (each once); `today` as an ISO date."""
    from .tracking.reminders import reminders_send

    return reminders_send(today=datetime.date.fromisoformat(today) if today else None)


@task()
def minutes_store(minutes_id: int, attempt: int = 1) -> str:
    """Render and store the finalised Niederschrift (both versions); retried until its row is committed."""
    from council.tasks import retry_later

    from .services.minutes import minutes_store as store

    state = store(minutes_id=minutes_id)
    if state == "missing" and retry_later(minutes_store, minutes_id, attempt=attempt):
        return "retry"
    return state
