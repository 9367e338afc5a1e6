"""Mail the reminders of tracked decisions that fall due or are overdue (run it once a day, from cron)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from resolutions.tasks import tracking_reminders_mail


class Command(BaseCommand):
    help = (
        "Queue the reminder mail of open tracked decisions due within the amber days or overdue, to the "
        "responsible unit's clerks and heads and the responsible person; each reminder is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process instead of queueing a task.")
        parser.add_argument("--date", help="The day to remind as of (YYYY-MM-DD); today if not given.")

    def handle(self, *args, now=False, date=None, **options):
        if date:
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date must be a date as YYYY-MM-DD, not {date!r}.") from None
        if now:
            self.stdout.write(f"{tracking_reminders_mail.call(date)} reminders queued.")
        else:
            result = tracking_reminders_mail.enqueue(date)
            self.stdout.write(f"Reminders queued (task {result.id}).")
