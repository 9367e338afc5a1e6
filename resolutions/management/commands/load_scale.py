"""`manage.py load_scale --papers N`: a big city's ten years of Vorlagen, for benchmarks (see `resolutions.scale`).

The command lives in `resolutions` because the data set is Vorlagen with their council
around them: meetings, agendas, decisions, people; council may not import resolutions.
"""

from django.core.management.base import BaseCommand, CommandError

from resolutions.scale import load_scale


class Command(BaseCommand):
    help = (
        "Generate a big city's data set on the configured database (a throwaway one): N released Vorlagen with "
        "German text, consultations, meetings, agenda items, decisions, attachments' text, people and memberships."
    )

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=10000, help="how many Vorlagen (default 10000)")
        parser.add_argument("--seed", type=int, default=2026, help="the random seed: the same seed, the same data")

    def handle(self, *args, **options):
        if options["papers"] < 1:
            raise CommandError("--papers must be at least 1.")
        report = (lambda line: self.stdout.write(line)) if options["verbosity"] >= 1 else (lambda line: None)
        try:
            summary = load_scale(papers=options["papers"], seed=options["seed"], report=report)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{summary.body.name}: {summary.papers} Vorlagen, {summary.consultations} consultations, "
                    f"{summary.meetings} meetings, {summary.agenda_items} agenda items, {summary.decisions} "
                    f"decisions, {summary.attachments} attachments, {summary.people} people, "
                    f"{summary.memberships} memberships in {summary.seconds:.0f} s."
                )
            )
