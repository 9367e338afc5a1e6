"""Benchmarks: `make bench`. Times what users wait for, on a throwaway database.

Numbers here are for comparison between commits on the same machine, never asserted in
tests. Each benchmark prints the median and the spread of several rounds.

    .venv/bin/python -m tests.bench [--papers N] [--rounds N] [--import-papers N] [--only-import]
                                    [--no-import-memory]

The import benchmark imports a generated OParl 1.1 endpoint (`tests/oparl/endpoints.py`, served
in memory, files included) and prints the import rate in objects per second and the growth of
the process's peak memory; then it imports a quarter of that and the whole again, each in a fresh
process with tracemalloc on, and prints both processes' peak resident memory and tracemalloc's
peak, and the growth per object between the two sizes (memory flat: a few bytes an object).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The task queue of a production machine (RATSBUCH_TASKS=database); the tests' settings run tasks at once.
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _setup(database: Path, media: Path, *, demo: bool = True) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["RATSBUCH_MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
    os.environ["RATSBUCH_TESTING"] = "1"  # a throwaway secret key is fine here
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if demo:
        call_command("load_demo", verbosity=0)


def _measure(label: str, action, rounds: int) -> float:
    action()  # warm caches, compile templates
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    print(f"{label:<58} median {median:8.2f} ms   min {min(timings):8.2f}   max {max(timings):8.2f}")
    return median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=500, help="extra released Vorlagen for the list")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per benchmark")
    parser.add_argument(
        "--import-papers",
        type=int,
        default=4000,
        help="Vorlagen of the generated OParl endpoint (4000: 23,122 objects)",
    )
    parser.add_argument("--only-import", action="store_true", help="run only the import benchmark")
    parser.add_argument(
        "--no-import-memory", action="store_true", help="leave out the import's memory at two sizes (two more runs)"
    )
    parser.add_argument("--import-memory-run", type=int, help=argparse.SUPPRESS)  # one traced run, JSON on stdout
    args = parser.parse_args(argv)
    if args.import_memory_run:
        with tempfile.TemporaryDirectory(prefix="ratsbuch-bench-") as folder:
            _setup(Path(folder) / "bench.sqlite3", Path(folder) / "media", demo=False)
            print(json.dumps(_import_traced(args.import_memory_run)))
        return 0
    if args.only_import:
        with tempfile.TemporaryDirectory(prefix="ratsbuch-bench-") as folder:
            _setup(Path(folder) / "bench.sqlite3", Path(folder) / "media")
            _bench_import(args.import_papers)
        if not args.no_import_memory:
            _bench_import_memory(args.import_papers)
        return 0

    with tempfile.TemporaryDirectory(prefix="ratsbuch-bench-") as folder:
        _setup(Path(folder) / "bench.sqlite3", Path(folder) / "media")
        import datetime

        from django.test import Client, RequestFactory
        from django.test.utils import override_settings

        from council.models import Body, Organization
        from resolutions.models import Paper
        from resolutions.services import paper_create

        body = Body.objects.get(ags="07314000")
        unit = Organization.objects.get(body=body, short_name="5-11")

        def create_one():
            paper_create(body=body, by=None, name="Benchmark", date=datetime.date(2027, 1, 4), under_direction_of=unit)

        _measure("KSD number + draft (paper_create)", create_one, args.rounds)

        Paper.objects.bulk_create(
            Paper(
                body=body,
                reference=f"2025{n:04d}",
                name=f"Vorlage {n} zur Stadtentwicklung",
                date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 360),
                under_direction_of=unit,
                explanation="Ein Sachverhalt. " * 40,
                state=Paper.State.RELEASED,
                released_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC),
            )
            for n in range(1, args.papers + 1)
        )
        client = Client()
        with override_settings(ALLOWED_HOSTS=["testserver"]):

            def get(path):
                return lambda: _ok(client.get(path))

            _measure("start page, anonymous", get("/"), args.rounds)
            _measure(
                f"/vorlagen/ first page of {Paper.objects.count()} Vorlagen, anonymous", get("/vorlagen/"), args.rounds
            )
            _measure("/vorlagen/20135317/ seed Vorlage, anonymous", get("/vorlagen/20135317/"), args.rounds)
            _measure("/suche/?q=Gemeinwesenarbeit, anonymous", get("/suche/?q=Gemeinwesenarbeit"), args.rounds)
            _measure(
                "/suche/?q=Stadtentwicklung (hits every Vorlage), anonymous",
                get("/suche/?q=Stadtentwicklung"),
                args.rounds,
            )
            _bench_oparl(client, body, args.rounds)
            _bench_tracking(client, body, unit, args.rounds)
            client.login(request=RequestFactory().post("/accounts/login/"), username="clerk", password="ratsbuch-demo")
            _measure("/suche/?q=Stadtentwicklung, clerk", get("/suche/?q=Stadtentwicklung"), args.rounds)
            _measure("/vorlagen/ first page, clerk", get("/vorlagen/"), args.rounds)
            _measure("/vorlagen/20135317/ seed Vorlage, clerk", get("/vorlagen/20135317/"), args.rounds)
            client.logout()
            _bench_pdf(client, Path(folder), args.rounds)
        _bench_import(args.import_papers)
        _bench_invitations(max(3, args.rounds // 5))
    if not args.no_import_memory:
        _bench_import_memory(args.import_papers)
    return 0


def _bench_import(papers: int) -> None:
    """`import_oparl` of a generated SessionNet-like endpoint: objects per second, and peak memory growth.

    Target (issue 13): at least 200 objects a second, memory flat in the number of objects.
    """
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    from oparl.importer.client import OParlClient
    from oparl.importer.run import Options, import_oparl

    endpoint = _endpoint(papers)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    # As in production: the PDFs' text goes to the task queue, for the worker to take after the import.
    with override_settings(TASKS=DATABASE_QUEUE):
        result = import_oparl(endpoint.url(""), client=OParlClient(get=endpoint.get), options=Options())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"OParl import: {DBTaskResult.objects.count()} text tasks queued for the worker")
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    written = sum(
        count for counter in result.counts.values() for outcome, count in counter.items() if outcome != "skipped"
    )
    print(
        f"OParl import of a generated endpoint: {written} objects ({endpoint.object_count} expected) in {seconds:.1f} s"
        f" = {written / seconds:.0f} objects/s (target >= 200; {written / cpu:.0f} per CPU second);"
        f" peak memory {peak_after:.0f} MB"
        f" (+{peak_after - peak_before:.0f} MB); {result.run.report.get('total', 0)} problems"
        f" in {len(result.run.report.get('groups', []))} kinds"
    )


def _endpoint(papers: int):
    from tests.oparl.endpoints import GeneratedEndpoint

    scale = papers / 4000
    return GeneratedEndpoint(papers=papers, persons=max(1, int(200 * scale)), meetings=max(1, int(500 * scale)))


def _import_traced(papers: int) -> dict:
    """One import in this (fresh) process with tracemalloc on: its peaks. The rate is slowed by the tracing."""
    import tracemalloc

    from oparl.importer.client import OParlClient
    from oparl.importer.run import Options, import_oparl

    endpoint = _endpoint(papers)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start(1)
    started, cpu = time.perf_counter(), time.process_time()
    import_oparl(endpoint.url(""), client=OParlClient(get=endpoint.get), options=Options())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "objects": endpoint.object_count,
        "seconds": seconds,
        "cpu": cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before,
        "traced_peak_mb": peak / 1024 / 1024,
    }


def _bench_import_memory(papers: int) -> None:
    """The import's memory at a quarter of the size and at the whole, each in a fresh process."""
    runs = []
    for size in (max(1, papers // 4), papers):
        output = subprocess.run(
            [sys.executable, "-m", "tests.bench", "--import-memory-run", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        run = json.loads(output.strip().splitlines()[-1])
        runs.append(run)
        print(
            f"OParl import, memory at {run['objects']} objects: peak RSS {run['rss_mb']:.0f} MB"
            f" (+{run['rss_mb'] - run['rss_before_mb']:.0f} MB during the import), tracemalloc peak"
            f" {run['traced_peak_mb']:.1f} MB; {run['objects'] / run['cpu']:.0f} objects per CPU second (traced)"
        )
    small, large = runs
    extra = large["objects"] - small["objects"]
    per_object = (large["traced_peak_mb"] - small["traced_peak_mb"]) * 1024 * 1024 / extra
    rss_per_object = (large["rss_mb"] - small["rss_mb"]) * 1024 * 1024 / extra
    print(
        f"OParl import, memory growth from {small['objects']} to {large['objects']} objects:"
        f" tracemalloc peak {per_object:+.0f} bytes/object, peak RSS {rss_per_object:+.0f} bytes/object (target: flat)"
    )


def _bench_oparl(client, body, rounds: int) -> None:
    """The OParl API as a harvester reads it: the System object, then full pages of the paper list."""
    from django.urls import reverse

    from resolutions.models import Paper

    papers = reverse("oparl:body_objects", kwargs={"pk": body.pk, "kind": "papers"})
    seed = Paper.objects.get(body=body, reference="20135317")
    _measure("/oparl/v1.1/ System object", lambda: _ok(client.get(reverse("oparl:system"))), rounds)
    _measure(f"{papers}?limit=100 (first page)", lambda: _ok(client.get(f"{papers}?limit=100")), rounds)
    _measure(
        f"{papers}?limit=100&modified_since=… (sync with tombstones)",
        lambda: _ok(client.get(f"{papers}?limit=100&modified_since=2000-01-01T00:00:00%2B00:00")),
        rounds,
    )
    _measure(
        "/oparl/v1.1/paper/<pk>/ the seed Vorlage",
        lambda: _ok(client.get(reverse("oparl:paper", kwargs={"pk": seed.pk}))),
        rounds,
    )


def _bench_invitations(rounds: int) -> None:
    """Invitations of the Stadtrat's meeting to its 61 members, through the database queue and real SMTP.

    "queue" is what the office waits for when it presses "Send invitations" (the dispatch
    rows and the task in the queue); "send" is the worker's share: both PDFs rendered, one
    task per member, each mail with PDF and .ics to the SMTP server on loopback.
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    from council.models import InvitationDispatch, Meeting
    from council.services import meeting_invite
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    mail = {
        "TASKS": DATABASE_QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.port,
    }
    try:
        with override_settings(**mail):
            meeting = Meeting.objects.get(name="14. Sitzung des Stadtrates")
            office = get_user_model().objects.get(username="office")

            def queue():
                InvitationDispatch.objects.filter(meeting=meeting).delete()
                DBTaskResult.objects.all().delete()
                Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.SCHEDULED, invited_at=None)
                started = time.perf_counter()
                with transaction.atomic():
                    meeting_invite(meeting=meeting, by=office)
                return (time.perf_counter() - started) * 1000

            def send():
                before = len(server.messages)
                started = time.perf_counter()
                call_command("db_worker", batch=True, startup_delay=False, interval=0.01, verbosity=0)
                elapsed = (time.perf_counter() - started) * 1000
                return elapsed, len(server.messages) - before

            queued, sent, mails = [], [], 0
            for _ in range(rounds):
                queued.append(queue())
                elapsed, mails = send()
                sent.append(elapsed)
            members = InvitationDispatch.objects.filter(meeting=meeting).count()
            delivered = InvitationDispatch.objects.filter(meeting=meeting, state="sent").count()
        for label, timings in (
            (f"queue invitations to {members} members (request)", queued),
            (f"send {mails} invitations, PDF + .ics, SMTP (worker)", sent),
        ):
            median = statistics.median(timings)
            print(f"{label:<58} median {median:8.2f} ms   min {min(timings):8.2f}   max {max(timings):8.2f}")
        print(f"{'':<58} {delivered} of {members} delivered in the last round, {rounds} rounds")
    finally:
        server.stop()


def _bench_tracking(client, body, unit, rounds: int) -> None:
    """The Beschlusskontrolle with every benchmark Vorlage decided by the Stadtrat and tracked."""
    import datetime

    from django.test import RequestFactory

    from council.models import Organization
    from resolutions.models import Consultation, Decision, Paper, Tracking

    stadtrat = Organization.objects.get(body=body, name="Stadtrat")
    papers = list(Paper.objects.filter(body=body, reference__startswith="2025"))
    steps = Consultation.objects.bulk_create(
        Consultation(paper=paper, organization=stadtrat, role=Consultation.Role.DECISION, authoritative=True, order=1)
        for paper in papers
    )
    decisions = Decision.objects.bulk_create(
        Decision(consultation=step, result=Decision.Result.ADOPTED, date=datetime.date(2025, 3, 1)) for step in steps
    )
    Tracking.objects.bulk_create(
        Tracking(
            decision=decision,
            paper=step.paper,
            responsible_unit=unit,
            target_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 900),
        )
        for n, (step, decision) in enumerate(zip(steps, decisions, strict=True))
    )
    count = Tracking.objects.count()
    _measure(f"/beschluesse/ first page of {count} decisions, anonymous", get_ok(client, "/beschluesse/"), rounds)
    _measure(
        "/beschluesse/?light=red&q=Stadtentwicklung, anonymous",
        get_ok(client, "/beschluesse/?light=red&q=Stadtentwicklung"),
        rounds,
    )
    _measure("/beschluesse/ical/ due dates, anonymous", get_ok(client, "/beschluesse/ical/"), rounds)
    seed = Tracking.objects.get(paper__reference="20135317")
    _measure("/beschluesse/<pk>/ the seed's tracking, anonymous", get_ok(client, seed.get_absolute_url()), rounds)
    client.login(request=RequestFactory().post("/accounts/login/"), username="clerk", password="ratsbuch-demo")
    _measure(f"/beschluesse/meine/ {count} decisions of the unit, clerk", get_ok(client, "/beschluesse/meine/"), rounds)
    client.logout()


def _bench_pdf(client, folder: Path, rounds: int) -> None:
    """The PDF Vorlage: the app's overhead over WeasyPrint, and a cached PDF against a static file.

    Targets: rendering through the app within 1.3 times WeasyPrint's conversion of the same
    HTML, and a cached PDF within twice the time Django takes to serve a file of that size.
    """
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.files.storage import default_storage
    from django.test import RequestFactory
    from django.test.utils import override_settings
    from django.views.static import serve

    from resolutions import pdf
    from resolutions.models import Attachment, Paper

    path = "/vorlagen/20135317/pdf/"

    def clear_cache():
        if not default_storage.exists(pdf.CACHE_FOLDER):
            return
        _folders, files = default_storage.listdir(pdf.CACHE_FOLDER)
        for name in files:
            default_storage.delete(f"{pdf.CACHE_FOLDER}/{name}")

    def app_uncached():
        clear_cache()
        _ok(client.get(path))

    paper = Paper.objects.select_related("body", "under_direction_of").get(reference="20135317")
    attachments = list(Attachment.objects.filter(paper=paper, public=True).order_by("order", "pk"))
    html = pdf.render_pdf_html(
        "pdf/paper.html",
        {"paper": paper, "attachments": attachments},
        title=f"KSD {paper.reference} – {paper.name}",
        created=paper.modified,
    )
    app = _measure(f"{path} PDF through the app, cache cleared", app_uncached, rounds)
    alone = _measure("the same HTML, WeasyPrint conversion alone", lambda: pdf.html_to_pdf(html), rounds)

    size = len(_ok(client.get(path)).content)
    static_file = folder / "same-size.pdf"
    static_file.write_bytes(os.urandom(size))
    request = RequestFactory().get("/same-size.pdf")

    def static():
        response = serve(request, static_file.name, document_root=str(folder))
        b"".join(response.streaming_content)
        response.close()

    cached = _measure(f"{path} PDF through the app, cache warm ({size} bytes)", get_ok(client, path), rounds)
    plain = _measure("django.views.static.serve, a file of the same size", static, rounds)
    # The same file as a static file through the whole stack (test client, middleware,
    # whitenoise): what a browser's request for a static file costs the app.
    with override_settings(STATICFILES_DIRS=[*settings.STATICFILES_DIRS, str(folder)]):
        finders.get_finder.cache_clear()
        whitenoise = _measure(
            "the same file as a static file, through the stack", get_ok(client, "/static/same-size.pdf"), rounds
        )
    finders.get_finder.cache_clear()
    print(f"PDF: app / WeasyPrint alone = {app / alone:.2f} (target <= 1.3)")
    print(f"PDF: cached / static file through the stack = {cached / whitenoise:.2f} (target <= 2)")
    print(f"PDF: cached / static.serve called directly = {cached / plain:.2f}")


def get_ok(client, path):
    return lambda: _ok(client.get(path))


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"benchmark request failed with {response.status_code}")
    return response


if __name__ == "__main__":
    sys.exit(main())
