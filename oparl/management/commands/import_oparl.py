"""`manage.py import_oparl <url>`: import another system's OParl endpoint (System or Body URL)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from oparl.importer.client import FetchError, OParlClient
from oparl.importer.mapping import IMPORT_ORDER, to_datetime
from oparl.importer.run import Options, Outcome, import_oparl

COLUMNS = (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.DELETED, Outcome.FAILED, Outcome.SKIPPED)
# The column heads as the operator reads them; the run stores the untranslated values.
COLUMN_LABELS = {
    Outcome.CREATED: pgettext_lazy("import count", "created"),
    Outcome.UPDATED: pgettext_lazy("import count", "updated"),
    Outcome.UNCHANGED: pgettext_lazy("import count", "unchanged"),
    Outcome.DELETED: pgettext_lazy("import count", "deleted"),
    Outcome.FAILED: pgettext_lazy("import count", "failed"),
    Outcome.SKIPPED: pgettext_lazy("import count", "skipped"),
}


def _moment(value: str) -> datetime.datetime:
    moment = to_datetime(value)
    if moment is None:
        raise CommandError(_("Not a date or date-time: %s") % value)
    return moment


class Command(BaseCommand):
    help = _(
        "Import bodies, organizations, people, meetings, Vorlagen and their files from an OParl 1.0 or 1.1 "
        "endpoint. A second run imports only what changed since the last one."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help=_("The URL of the OParl System object, or of one Body."))
        parser.add_argument("--body", help=_("Import only the body with this OParl id (or AGS)."))
        parser.add_argument("--no-files", action="store_true", help=_("Do not download the files of Vorlagen."))
        parser.add_argument(
            "--modified-since",
            type=_moment,
            help=_("Read only objects changed since then (default: the start of the last finished run)."),
        )
        parser.add_argument("--full", action="store_true", help=_("Read everything, whatever changed when."))
        parser.add_argument(
            "--limit-pages", type=int, help=_("Read at most this many pages of each list (to try an endpoint).")
        )

    def handle(self, *args, **options):
        if options["full"] and options["modified_since"]:
            raise CommandError(_("--full and --modified-since exclude each other."))
        settings = Options(
            body=options["body"],
            files=not options["no_files"],
            modified_since=options["modified_since"],
            full=options["full"],
            limit_pages=options["limit_pages"],
        )
        messages = self.stdout if options["verbosity"] >= 2 else None
        # The progress goes to stderr, so that the summary on stdout can be kept; a bar on a terminal.
        progress = self.stderr._out if options["verbosity"] >= 1 else None
        try:
            result = import_oparl(
                options["url"], client=OParlClient(), options=settings, stdout=messages, progress=progress
            )
        except FetchError as error:
            # Exit status 1: the endpoint itself could not be read, nothing was imported.
            raise CommandError(_("The endpoint cannot be read: %s") % error) from error
        run = result.run
        if run.modified_since:
            since = timezone.localtime(run.modified_since).isoformat()
            self.stdout.write(_("Objects changed since %s:") % since)
        self._table(result.counts)
        report = run.report
        if report.get("total"):
            self.stdout.write("")
            count = report["total"]
            self.stdout.write(
                ngettext("%(count)d problem, by kind:", "%(count)d problems, by kind:", count) % {"count": count}
            )
            for_example = _("e.g.")
            for group in report["groups"]:
                self.stdout.write(f"{group['count']:>8}  {group['type']}: {group['kind']}")
                for example in group["examples"]:
                    self.stdout.write(f"          {for_example} {example['id']}: {example['reason']}")
        failed = report.get("failed_files", [])
        if failed:
            self.stdout.write("")
            self.stdout.write(
                ngettext(
                    "%(count)d file could not be fetched (listed in the run's report in the admin).",
                    "%(count)d files could not be fetched (listed in the run's report in the admin).",
                    len(failed),
                )
                % {"count": len(failed)}
            )
        self.stdout.write(self.style.SUCCESS(_("Import run %d finished.") % run.pk))

    def _table(self, counts) -> None:
        kinds = [kind for kind in (*IMPORT_ORDER, "Decision") if kind in counts]
        kinds += sorted(kind for kind in counts if kind not in kinds)
        header = f"{_('type'):<16}" + "".join(f"{COLUMN_LABELS[column]!s:>15}" for column in COLUMNS)
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for kind in kinds:
            row = counts[kind]
            self.stdout.write(f"{kind:<16}" + "".join(f"{row.get(column, 0):>15}" for column in COLUMNS))
