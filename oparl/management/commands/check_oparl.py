"""`manage.py check_oparl <url>`: crawl a live OParl 1.1 endpoint and report what breaks the specification.

Meant for `make run`'s server (http://127.0.0.1:8000/oparl/v1.1/) as much as for any other
OParl 1.1 endpoint. Exits with status 1 when it found a problem, so that scripts can use it.
"""

import requests
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from oparl.crawler import crawl, requests_getter

USER_AGENT = "Ratsbuch check_oparl/1.0 (OParl 1.1 conformance check of the Ratsbuch council information system)"


class Command(BaseCommand):
    help = gettext_lazy(
        "Crawl an OParl 1.1 endpoint from its System object, check every object, list page, link and file "
        "against the specification, print the counts and the problems, and fail when there are problems."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help=_("URL of the System object, e.g. http://127.0.0.1:8000/oparl/v1.1/"))
        parser.add_argument(
            "--no-web", action="store_true", help=_("Do not fetch the web pages (`web`, `website`) objects link to.")
        )
        parser.add_argument(
            "--max-requests", type=int, default=None, help=_("Stop after this many requests (default: no limit).")
        )
        parser.add_argument(
            "--timeout", type=float, default=60.0, help=_("Seconds to wait for each response (default: 60).")
        )

    def handle(self, *args, **options):
        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            get = requests_getter(session, timeout=(10, options["timeout"]))
            report = crawl(options["url"], get, follow_web=not options["no_web"], max_requests=options["max_requests"])
        self.stdout.write(
            _("%(requests)s requests, %(pages)s list pages, %(files)s file downloads.")
            % {"requests": report.requests, "pages": report.list_pages, "files": report.files}
        )
        for type_name, count in sorted(report.counts.items()):
            self.stdout.write(f"  {type_name:<16} {count:>6}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS(_("No problems found.")))
            return
        for problem in report.problems:
            self.stdout.write(f"[{problem.code}] {problem}")
        count = len(report.problems)
        raise CommandError(ngettext("%(count)s problem found.", "%(count)s problems found.", count) % {"count": count})
