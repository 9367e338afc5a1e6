"""Background tasks of the Vorlagen and their decisions (see `council.tasks` for how tasks run here)."""

import datetime

from django_tasks import task


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
