"""Background tasks of the Vorlagen and their decisions (see `council.tasks` for how tasks run here)."""

import datetime

from django_tasks import task


@task()
def tracking_reminders_mail(today: str | None = None) -> int:
    """Queue the due and overdue reminders of tracked decisions (each once); `today` as an ISO date."""
    from .tracking.reminders import reminders_send

    return reminders_send(today=datetime.date.fromisoformat(today) if today else None)
