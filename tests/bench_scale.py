"""Scale benchmark: `make bench-scale`. A big city's data set, and the pages of issue 11 measured on it.

Loads `manage.py load_scale --papers N` into a throwaway database (a temporary SQLite
file, or, when DATABASE_URL names PostgreSQL, a database of that server created and
dropped for the run; `--database-url` reuses one already loaded) and prints, server-side
through the whole middleware stack, each page's median time and query count; throughputs
as a ratio against a bare view measured in the same run; and search p50/p95 over
SEARCH_QUERIES. Numbers are for comparison on the same machine, never asserted in tests.

    .venv/bin/python -m tests.bench_scale [--papers N] [--rounds N] [--database-url URL] [--only search|pages]
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
    parser.add_argument(
        "--only", choices=["search", "pages"], help="measure only this part (with the bare view); pages: the lists"
    )
    parser.add_argument("--skip-search", action="store_true", help="leave out the search pages")
    parser.add_argument("--skip-pages", action="store_true", help="leave out the timed pages (memory only)")
    parser.add_argument("--memory-requests", type=int, default=1000, help="requests to a gunicorn worker (0: skip)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ratsbuch-bench-scale-") as folder_name:
        folder = Path(folder_name)
        os.environ["BENCH_ADMIN_URL"] = os.environ.get("DATABASE_URL", "")
        url, throwaway = _database_url(args.database_url, folder)
        os.environ["DATABASE_URL"] = url
        os.environ["RATSBUCH_MEDIA_ROOT"] = str(folder / "media")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
        os.environ["RATSBUCH_TESTING"] = "1"  # a throwaway secret key is fine here
        # As in production (.env.example): connections kept between requests, so that a page
        # pays no connect and psycopg prepares the statements it repeats.
        os.environ.setdefault("DJANGO_CONN_MAX_AGE", "60")
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
            # As autovacuum would have by now: statistics, and the visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE")
    with override_settings(ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="tests.bench_urls"):
        if not args.skip_pages:
            _pages(Timer(Client(), args.rounds), folder, postgres, search=not args.skip_search, only=args.only)
    if args.memory_requests and not args.only:
        _memory(args.memory_requests)
    return 0


def _pages(timer: Timer, folder: Path, postgres: bool, *, search: bool = True, only: str | None = None) -> None:
    from django.test.utils import override_settings
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
    if search and only != "pages":
        page("/suche/?q=Stadtentwicklung (a common word)", "/suche/?q=Stadtentwicklung")
        page("/suche/?q=Radweg", "/suche/?q=Radweg")
        page("/vorlagen/?q=Radweg", "/vorlagen/?q=Radweg")
    papers = reverse("oparl:body_objects", kwargs={"pk": body.pk, "kind": "papers"})
    page(
        "OParl papers, modified_since 2024 (all of them)",
        f"{papers}?modified_since={quote('2024-01-01T00:00:00+00:00')}",
    )
    since = _touch_some(body)
    page("OParl papers, modified_since a minute ago (10 changed)", f"{papers}?modified_since={quote(since)}")
    first = page("OParl papers, first page", papers)
    pages = timer.get(papers).json()["pagination"]["totalPages"]
    middle = page(f"OParl papers, middle page ({pages // 2})", f"{papers}?page={pages // 2}")
    last = page(f"OParl papers, last page ({pages})", f"{papers}?page={pages}")
    _row("OParl papers, last page / first page", f"{last / first:9.2f}      (target <= 0.9 of first: <= 1.11)")
    _row("OParl papers, middle page / first page", f"{middle / first:9.2f}")
    for kind in ("meetings", "agenda-items", "consultations", "files", "persons", "memberships", "organizations"):
        page(f"OParl {kind}, first page", reverse("oparl:body_objects", kwargs={"pk": body.pk, "kind": kind}))
    page("/vorlagen/", "/vorlagen/")
    page("/vorlagen/?state=decided", "/vorlagen/?state=decided")
    page("/vorlagen/?state=decided, page 100", "/vorlagen/?state=decided&page=100")
    council = Organization.objects.get(body=body, short_name="SR")
    page("/gremien/<pk>/ (the Stadtrat)", reverse("council:organization_detail", kwargs={"pk": council.pk}))
    page("/gremien/", "/gremien/")
    page("/sitzungen/", "/sitzungen/")
    page("/personen/", "/personen/")
    page("/beschluesse/", "/beschluesse/")
    if only == "pages":
        return
    paper = Paper.objects.filter(body=body, state=Paper.State.DECIDED, public=True).order_by("-date").first()
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        detail = page(f"Vorlage page {paper.reference}, uncached", paper.get_absolute_url())
    _row("Vorlage page uncached throughput / bare view", f"{bare / detail:9.3f}      (target >= 0.25)")
    timer.get(paper.get_absolute_url())  # stored now; the rounds below are hits
    cached = page(f"Vorlage page {paper.reference}, cached (anonymous)", paper.get_absolute_url())
    _row("Vorlage page cached throughput / bare view", f"{bare / cached:9.3f}      (target >= 0.8)")
    _pdf(timer, folder, paper, bare)
    if search:
        _search(timer)


def _touch_some(body) -> str:
    """Change ten Vorlagen now; the moment just before, for a modified_since that finds only them."""
    import datetime

    from django.utils import timezone

    from resolutions.models import Paper

    since = timezone.now() - datetime.timedelta(minutes=1)
    for paper in Paper.objects.filter(body=body, public=True).order_by("?")[:10]:
        paper.save(update_fields=["modified"])
    return since.isoformat()


def _memory(requests: int) -> None:
    """A gunicorn worker's resident memory over `requests` requests of the list pages, Vorlagen and OParl."""
    import socket
    import subprocess
    import urllib.request

    from council.models import Body
    from resolutions.models import Paper
    from resolutions.scale import SCALE_AGS

    body = Body.objects.get(ags=SCALE_AGS)
    references = list(
        Paper.objects.filter(body=body, public=True).order_by("-pk").values_list("reference", flat=True)[:200]
    )
    paths = [
        "/vorlagen/",
        "/vorlagen/?state=decided",
        "/sitzungen/",
        "/personen/",
        "/gremien/",
        f"/oparl/v1.1/body/{body.pk}/papers/",
        f"/oparl/v1.1/body/{body.pk}/agenda-items/?page=7",
    ]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-scale-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
    }
    environment.pop("RATSBUCH_TESTING", None)
    # Production settings serve hashed static names from a manifest: collect them first.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=environment, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "council.wsgi"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/vorlagen/", timeout=60).read()
                break
            except OSError:
                time.sleep(0.2)
        worker = _worker_of(server.pid)
        samples = []
        for index in range(requests):
            # Every other request a different Vorlage page, the others the lists in turn.
            path = f"/vorlagen/{references[index % len(references)]}/" if index % 2 else paths[index // 2 % len(paths)]
            urllib.request.urlopen(base + path, timeout=120).read()
            if index in (99, requests // 2 - 1, requests - 1):
                samples.append((index + 1, _rss_mb(worker)))
        first = samples[0][1]
        _row(
            f"gunicorn worker RSS over {requests} requests",
            "   ".join(f"{count}: {mb:.1f} MB" for count, mb in samples)
            + f"   (growth after 100: {samples[-1][1] - first:+.1f} MB)",
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def _worker_of(master: int) -> int:
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


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
    with override_settings(RATSBUCH_X_ACCEL_REDIRECT="/protected-media/"):
        accel, _queries, _timings = timer.measure(path)
    _row(f"cached PDF ({len(content)} bytes), streamed by Django", f"{cached:9.2f} ms")
    _row("cached PDF, X-Accel-Redirect (nginx sends the bytes)", f"{accel:9.2f} ms")
    _row("static file of the same size", f"{static:9.2f} ms")
    _row("cached PDF throughput / static file (streamed)", f"{static / cached:9.3f}      (target >= 0.5)")
    _row("cached PDF throughput / static file (X-Accel)", f"{static / accel:9.3f}      (target >= 0.5)")


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
