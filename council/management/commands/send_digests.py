"""Mail the daily digests of the followers (run it once a day, e.g. from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from council.tasks import digests_mail


class Command(BaseCommand):
    help = "Queue the daily digest mail to every confirmed follower with news (at most one a day each)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send in this process instead of queueing a task.")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"{digests_mail.call()} digests sent.")
        else:
            result = digests_mail.enqueue()
            self.stdout.write(f"Digests queued (task {result.id}).")
