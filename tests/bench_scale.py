"""Scale benchmark: `make bench-scale`. A big city's data set, and the pages of issue 11 measured on it.

Loads `manage.py load_scale --papers N` into a throwaway database (a temporary SQLite
file, or, when DATABASE_URL names PostgreSQL, a database of that server created and
dropped for the run; `--database-url` reuses one already loaded) and prints, server-side
through the whole middleware stack, each page's median time and query count; throughputs
as a ratio against a bare view measured in the same run; and search p50/p95 over
SEARCH_QUERIES. Numbers are for comparison on the same machine, never asserted in tests.

    .venv/bin/python -m tests.bench_scale [--papers N] [--rounds N] [--database-url URL] [--only search]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

# At least 20 queries of every shape: common and rare words, two words, phrases,
# negations, OR, and with a facet.
SEARCH_QUERIES = [
    "Stadtentwicklung",
    "Haushalt",
    "Verwaltung",
    "Radweg",
    "Kläranlage",
    "Drehleiter",
    "Schwammstadt",
    "Gerätehaus",
    "Radweg Schule",
    "Spielplatz Sanierung",
    "Klimaschutz Förderung",
    '"Soziale Stadt"',
    '"Bebauungsplan Nr"',
    '"Stadtentwicklung und"',
    "Radweg -Parkplatz",
    "Stadtentwicklung -Haushalt",
    "Freibad or Hallenbad",
    "Ladesäule or Carsharing",
    "Stadtentwicklung&kind=paper",
    "Radweg&year=2020",
    "Haushalt&state=decided",
    "Kita",
    "Gemeinwesenarbeit",
    "Rheinland-Pfalz",
]
# A page slower than this is timed once, not `rounds` times.
SLOW_MS = 2000


def _database_url(argument: str | None, folder: Path) -> tuple[str, str | None]:
    """The URL to run on, and the name of a PostgreSQL database to drop afterwards (None: keep)."""
    if argument:
        return argument, None
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'bench-scale.sqlite3'}", None
    import psycopg

    parts = urlsplit(configured)
    name = f"{parts.path.lstrip('/') or 'ratsbuch'}_bench_scale_{os.getpid()}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(os.environ["BENCH_ADMIN_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


class Timer:
    """Times requests through the test client: medians, query counts and a list of rows to print."""

    def __init__(self, client, rounds: int):
        self.client, self.rounds = client, rounds

    def get(self, path: str, *, expect: int = 200):
        response = self.client.get(path)
        if response.status_code != expect:
            raise SystemExit(f"benchmark request {path} failed with {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        response.close()
        return response

    def measure(self, path: str, *, rounds: int | None = None) -> tuple[float, int, list[float]]:
        """Median milliseconds, queries of one request, and every timing."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            self.get(path)
            first = (time.perf_counter() - started) * 1000
        count = len(queries)  # now: the context reads the log lazily, and each request resets it
        timings = [first]
        wanted = rounds or self.rounds
        if first < SLOW_MS:
            timings = []
            for _ in range(wanted):
                started = time.perf_counter()
                self.get(path)
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), count, timings


def _row(label: str, value: str) -> None:
    print(f"{label:<64} {value}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=None, help="Vorlagen to load (100000 on PostgreSQL, else 10000)")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per page")
    parser.add_argument("--database-url", help="run on this database; load the data set only if it is missing")
    parser.add_argument("--only", choices=["search"], help="measure only this part (with the bare view)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ratsbuch-bench-scale-") as folder_name:
        folder = Path(folder_name)
        os.environ["BENCH_ADMIN_URL"] = os.environ.get("DATABASE_URL", "")
        url, throwaway = _database_url(args.database_url, folder)
        os.environ["DATABASE_URL"] = url
        os.environ["RATSBUCH_MEDIA_ROOT"] = str(folder / "media")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
        os.environ["RATSBUCH_TESTING"] = "1"  # a throwaway secret key is fine here
        import django

        django.setup()
        try:
            return _run(args, folder)
        finally:
            if throwaway:
                _drop(throwaway)


def _run(args, folder: Path) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from council.models import Body
    from resolutions.scale import SCALE_AGS

    postgres = connection.vendor == "postgresql"
    papers = args.papers or (100_000 if postgres else 10_000)
    call_command("migrate", verbosity=0)
    if not Body.objects.filter(ags=SCALE_AGS).exists():
        started = time.monotonic()
        call_command("load_demo", verbosity=0)
        call_command("load_scale", papers=papers, verbosity=1)
        print(f"loaded in {time.monotonic() - started:.0f} s")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with override_settings(ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="tests.bench_urls"):
        _pages(Timer(Client(), args.rounds), folder, postgres, only=args.only)
    return 0


def _pages(timer: Timer, folder: Path, postgres: bool, *, only: str | None = None) -> None:
    from django.urls import reverse

    from council.models import Body, Organization
    from resolutions.models import Paper
    from resolutions.scale import SCALE_AGS

    body = Body.objects.get(ags=SCALE_AGS)
    count = Paper.objects.filter(body=body).count()
    print(f"\n{connection_label(postgres)}, {count} Vorlagen of {body.name}, server-side through the test client\n")
    bare, _queries, _timings = timer.measure("/bench-bare/", rounds=max(timer.rounds, 50))
    _row("bare view (the yardstick)", f"{bare:9.2f} ms")

    def page(label: str, path: str) -> float:
        median, queries, timings = timer.measure(path)
        _row(label, f"{median:9.1f} ms  {queries:3d} queries  (max {max(timings):.1f})")
        return median

    if only == "search":
        page("/suche/?q=Stadtentwicklung (a common word)", "/suche/?q=Stadtentwicklung")
        page("/vorlagen/?q=Radweg", "/vorlagen/?q=Radweg")
        _search(timer)
        return
    page("/suche/?q=Stadtentwicklung (a common word)", "/suche/?q=Stadtentwicklung")
    page("/suche/?q=Radweg", "/suche/?q=Radweg")
    page("/vorlagen/?q=Radweg", "/vorlagen/?q=Radweg")
    papers = reverse("oparl:body_objects", kwargs={"pk": body.pk, "kind": "papers"})
    page("OParl papers, modified_since", f"{papers}?modified_since={quote('2024-01-01T00:00:00+00:00')}")
    first = page("OParl papers, first page", papers)
    pages = timer.get(papers).json()["pagination"]["totalPages"]
    last = page(f"OParl papers, last page ({pages})", f"{papers}?page={pages}")
    _row("OParl papers, last page / first page", f"{last / first:9.2f}      (target <= 0.9 of first: <= 1.11)")
    page("/vorlagen/?state=decided", "/vorlagen/?state=decided")
    council = Organization.objects.get(body=body, short_name="SR")
    page("/gremien/<pk>/ (the Stadtrat)", reverse("council:organization_detail", kwargs={"pk": council.pk}))
    page("/sitzungen/", "/sitzungen/")
    page("/personen/", "/personen/")
    paper = Paper.objects.filter(body=body, state=Paper.State.DECIDED, public=True).order_by("-date").first()
    detail = page(f"Vorlage page {paper.reference}, uncached", paper.get_absolute_url())
    _row("Vorlage page throughput / bare view", f"{bare / detail:9.3f}      (target >= 0.25)")
    _pdf(timer, folder, paper, bare)
    _search(timer)


def connection_label(postgres: bool) -> str:
    return "PostgreSQL" if postgres else "SQLite"


def _pdf(timer: Timer, folder: Path, paper, bare: float) -> None:
    """A cached PDF against a static file of the same size, through the same stack."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.test.utils import override_settings

    path = f"{paper.get_absolute_url()}pdf/"
    response = timer.client.get(path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    static_file = folder / "same-size.pdf"
    static_file.write_bytes(os.urandom(len(content)))
    cached, _queries, _timings = timer.measure(path)
    with override_settings(STATICFILES_DIRS=[*settings.STATICFILES_DIRS, str(folder)]):
        finders.get_finder.cache_clear()
        static, _queries, _timings = timer.measure("/static/same-size.pdf")
    finders.get_finder.cache_clear()
    _row(f"cached PDF ({len(content)} bytes)", f"{cached:9.2f} ms")
    _row("static file of the same size", f"{static:9.2f} ms")
    _row("cached PDF throughput / static file", f"{static / cached:9.3f}      (target >= 0.5)")


def _search(timer: Timer) -> None:
    medians = []
    print()
    for query in SEARCH_QUERIES:
        text, _, facets = query.partition("&")
        path = f"/suche/?q={quote(text)}" + (f"&{facets}" if facets else "")
        median, queries, _timings = timer.measure(path, rounds=3)
        medians.append(median)
        _row(f"  /suche/?q={query}", f"{median:9.1f} ms  {queries:3d} queries")
    _row(
        f"search over {len(medians)} queries",
        f"p50 {_percentile(medians, 0.5):.1f} ms   p95 {_percentile(medians, 0.95):.1f} ms"
        "   (target p95 <= 20 ms PostgreSQL, <= 200 ms SQLite)",
    )


if __name__ == "__main__":
    sys.exit(main())
