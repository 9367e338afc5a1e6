"""One import run: read an endpoint, write its objects type by type, remember what became of each.

Objects are written in `IMPORT_ORDER`, so every reference points to an object written
before; references are resolved through `ImportedObject` (the OParl id there → our row
here). Each object is written in its own savepoint: a bad one is rolled back alone, reported
in the run's `problems` with its id and the reason, and the run goes on.

The writing of each type is in the modules named after them (`council_objects`, `papers`,
`files`); what they share, in `records`.
"""

import datetime
import logging
import time
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext

from council.models import Body, Location, Membership
from council.models import Person as PersonModel
from oparl.models import ImportedObject, ImportRun
from resolutions.models import ResultWording

from . import council_fields, mapping, vocabularies
from .client import FetchError, OParlClient
from .council_objects import CouncilObjectWriters
from .crawl import Crawl, Problem, crawl_body
from .files import FILE_BATCH_SIZE, RATSBUCH, FileWriters
from .mapping import MappingError, type_name
from .papers import PaperWriters
from .progress import Progress
from .records import DECISION_SUFFIX, MODELS, Outcome, Record, RecordKeeping
from .report import Report
from .store import Marks, PkSet, RecordMap, Store

logger = logging.getLogger(__name__)
# Objects written in one transaction (each still in its own savepoint).
BATCH_SIZE = 500


@dataclass
class Options:
    body: str | None = None  # import only the body with this OParl id (or AGS)
    files: bool = True
    modified_since: datetime.datetime | None = None
    full: bool = False
    limit_pages: int | None = None
    # The run to write into: one queued from the admin (`oparl.services.import_run_enqueue`).
    run_id: int | None = None


@dataclass
class Result:
    run: ImportRun
    counts: dict[str, Counter] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    report: Report | None = None


def _batches(objects, size: int):
    """`objects` in lists of `size` (a `TypeList` is read from the store a chunk at a time)."""
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return " ".join(error.messages)
    if isinstance(error, FetchError | MappingError):
        return str(error)
    return f"{error.__class__.__name__}: {error}"


def last_run_start(system_url: str) -> datetime.datetime | None:
    """When the last finished run against this endpoint began: the next run's modified_since."""
    finished = ImportRun.objects.filter(system_url=system_url, finished_at__isnull=False)
    run = finished.order_by("-started_at", "-pk").first()
    return run.started_at if run else None


def interrupted_run(system_url: str, *, besides: int | None = None) -> ImportRun | None:
    """The latest run against this endpoint if it stopped before it finished (and none finished since).

    `besides`: a run queued to do the work, which is not the one to continue.
    """
    # A run still waiting in the queue has not begun anything to continue.
    runs = ImportRun.objects.filter(system_url=system_url).exclude(pk=besides).exclude(state=ImportRun.State.QUEUED)
    latest = runs.order_by("-started_at", "-pk").first()
    return latest if latest is not None and latest.finished_at is None else None


def import_oparl(
    url: str, *, client: OParlClient | None = None, options: Options | None = None, stdout=None, progress=None
):
    """Import everything an OParl endpoint (System or Body URL) serves; return the finished `Result`.

    Raises FetchError only if the endpoint itself cannot be read.
    """
    return Importer(
        url, client=client or OParlClient(), options=options or Options(), stdout=stdout, progress=progress
    ).run()


class Importer(CouncilObjectWriters, PaperWriters, FileWriters, RecordKeeping):
    """One run against one endpoint: its state and order are here, the writing of each type in the mixins."""

    def __init__(self, url: str, *, client: OParlClient, options: Options, stdout=None, progress=None):
        self.url = url
        self.client = client
        self.options = options
        self.stdout = stdout
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.report = Report()
        # The first problems whole (the report counts all of them): the same list as `report.kept`.
        self.problems: list[dict] = self.report.kept
        self.import_run: ImportRun | None = None
        self._clock, self._written_before = time.monotonic(), 0
        self.progress = Progress(progress)
        # The maps that grow with the number of objects are tables of a throwaway SQLite file.
        self.store = Store()
        self.records = RecordMap(self.store, Record)
        self.instances: OrderedDict = OrderedDict()  # (model, pk) -> row, see RecordKeeping._keep
        self._kept: list = []  # the rows the object being written put there: forgotten if it fails
        self.content_types = {kind: ContentType.objects.get_for_model(model) for kind, model in MODELS.items()}
        self.crawl: Crawl | None = None
        self.body: Body | None = None
        self.touched_papers = PkSet(self.store)
        # What the object being written remembers or forgets; it reaches `records` only if its savepoint commits.
        self._pending: dict[str, Record | None] = {}
        self.last_instance = None
        self.agenda_positions = Marks(self.store, "position")
        self.later_parents: dict[int, str] = {}
        self._consultation_by_item = Marks(self.store, "consultation")
        self._consultations_marked = False
        # Another Ratsbuch serves the Vorlage itself, rendered from the data imported anyway, as mainFile.
        self.source_is_ratsbuch = False
        # The municipality's own result wordings (admin), folded: they win over the built-in ones.
        self.result_wordings = {vocabularies.fold(row.wording): row.result for row in ResultWording.objects.all()}

    # --- the run ------------------------------------------------------------------------
    def run(self) -> Result:
        try:
            return self._run()
        except BaseException as error:
            if self.import_run is not None:
                # The admin shows why; the next run continues this one (it has no end).
                ImportRun.objects.filter(pk=self.import_run.pk).update(
                    state=ImportRun.State.FAILED, error=_reason(error)[:2000], heartbeat=timezone.now()
                )
            raise
        finally:
            self.store.close()

    def _run(self) -> Result:
        started = timezone.now()
        queued = ImportRun.objects.get(pk=self.options.run_id) if self.options.run_id else None
        if queued is not None:
            self.import_run = queued
            started = queued.started_at
        resumed = (
            None
            if self.options.full or self.options.modified_since
            else interrupted_run(self.url, besides=queued.pk if queued else None)
        )
        since = None
        if resumed is not None:
            # Continue the run that stopped: the same window, so that nothing changed during the
            # pause is missed; what it wrote already is skipped as unchanged.
            since = resumed.modified_since
        elif not self.options.full:
            since = self.options.modified_since or last_run_start(self.url)
        entry = self.client.get_object(self.url)  # FetchError: the endpoint cannot be read at all
        bodies = self._bodies(entry)
        self.source_is_ratsbuch = self._is_ratsbuch(entry)
        if resumed is not None:
            self._say(gettext("Continuing import run %d, which stopped before it finished.") % resumed.pk)
            for kind, counts in (resumed.counts or {}).items():
                self.counts[kind].update(counts)
        if queued is not None:
            run = queued
            if resumed is not None:
                # The run queued does the work of the one that stopped, which it supersedes.
                run.started_at = resumed.started_at
            run.modified_since, run.state, run.heartbeat = since, ImportRun.State.RUNNING, timezone.now()
            run.save(update_fields=["started_at", "modified_since", "state", "heartbeat"])
        elif resumed is not None:
            run = resumed
            run.state, run.error = ImportRun.State.RUNNING, ""
            run.save(update_fields=["state", "error"])
        else:
            run = ImportRun.objects.create(
                system_url=self.url,
                started_at=started,
                modified_since=since,
                state=ImportRun.State.RUNNING,
                heartbeat=timezone.now(),
            )
        self.import_run = run
        self._clock = time.monotonic()
        self._written_before = sum(sum(counter.values()) for counter in self.counts.values())
        self._load_records()
        params = {"modified_since": since.isoformat()} if since else None
        for body in bodies:
            self.crawl = crawl_body(
                self.client,
                body,
                params=params,
                limit_pages=self.options.limit_pages,
                # An incremental run does not fetch again what only a URL refers to; a full one does.
                known=(lambda oparl_id: False) if self.options.full else (lambda oparl_id: oparl_id in self.records),
                stdout=self.stdout,
                store=self.store,
            )
            for problem in self.crawl.problems:
                self._problem(problem.type, problem.id, problem.reason)
            self._client_notes()
            self._import_body()
            self._client_notes()
            self.crawl = None  # one body's objects at a time
        run.finished_at = max(timezone.now(), run.started_at)
        self._store(run)
        return Result(run=run, counts=self.counts, problems=self.problems, report=self.report)

    def _store(self, run: ImportRun) -> None:
        run.state, run.error, run.heartbeat = ImportRun.State.FINISHED, "", timezone.now()
        run.progress = {**self._progress(), "left": 0}
        run.counts = {kind: dict(counter) for kind, counter in self.counts.items()}
        run.problems = self.problems
        run.report = self.report.as_dict()
        # An endpoint on an intranet host without a domain ("ris") is fine, though URLValidator refuses it.
        run.full_clean(exclude=["system_url"])
        run.save()

    def _client_notes(self) -> None:
        """What the client repaired or passed over while reading, as problems of the run."""
        for url, repaired in self.client.repairs:
            self._problem("HTTP", url, gettext("answer read after repair: %s") % repaired)
        for url, reason in self.client.skipped_pages:
            self._problem("HTTP", url, gettext("list page not readable, passed over: %s") % reason)
        self.client.repairs.clear()
        self.client.skipped_pages.clear()

    def _say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def _bodies(self, entry: dict) -> list[dict]:
        kind = type_name(entry)
        if kind == "Body":
            bodies = [entry]
        elif kind == "System" or "body" in entry:
            listed = entry.get("body")
            if isinstance(listed, str):
                # Never filtered by modified_since: an unchanged body's lists still have news.
                bodies = list(self.client.iter_list(listed))
            else:
                # An array of bodies, embedded or by URL.
                items = listed if isinstance(listed, list) else []
                bodies = [self.client.get_object(b) if isinstance(b, str) else b for b in items]
                bodies = [b for b in bodies if isinstance(b, dict) and isinstance(b.get("id"), str)]
        else:
            raise FetchError(self.url, gettext("neither an OParl System nor a Body (type %s)") % kind)
        if self.options.body:
            wanted = self.options.body
            bodies = [b for b in bodies if b.get("id") == wanted or council_fields.ags_of(b) == wanted.zfill(8)]
        return bodies

    def _is_ratsbuch(self, entry: dict) -> bool:
        system = entry
        if type_name(entry) == "Body" and isinstance(entry.get("system"), str):
            try:
                system = self.client.get_object(entry["system"])
            except FetchError:
                return False
        return mapping.text(system, "product", "name") == RATSBUCH

    def _load_records(self) -> None:
        self.records.load(
            ImportedObject.objects.values_list("oparl_id", "content_type_id", "object_id", "source_modified").iterator(
                chunk_size=2000
            )
        )

    def _import_body(self) -> None:
        crawl = self.crawl
        body_id = crawl.body["id"]
        self._each("Body", [crawl.get(body_id)], self._body)
        self.body = self._resolve(body_id, Body)
        if self.body is None:
            # Nothing of this body can be written without it; its problem is reported already.
            return
        self._each("LegislativeTerm", crawl.of_type("LegislativeTerm"), self._legislative_term)
        self._each(
            "Location", crawl.of_type("Location"), self._simple("Location", Location, council_fields.location_fields)
        )
        self.later_parents = {}
        self._each("Organization", crawl.of_type("Organization"), self._organization)
        self._link_later_parents()
        self._each("Person", crawl.of_type("Person"), self._simple("Person", PersonModel, council_fields.person_fields))
        self._each(
            "Membership",
            crawl.of_type("Membership"),
            self._simple("Membership", Membership, council_fields.membership_fields),
        )
        self._each("Meeting", crawl.of_type("Meeting"), self._meeting)
        self._agenda_positions()
        self._each("AgendaItem", crawl.of_type("AgendaItem"), self._agenda_item)
        self._each("Paper", crawl.of_type("Paper"), self._paper)
        self._each("Consultation", crawl.of_type("Consultation"), self._consultation)
        self._consultation_by_item.clear()
        self._consultations_marked = False
        # Only the items written have a decision; the others are passed over, uncounted.
        self._each(
            "Decision",
            crawl.of_type("AgendaItem"),
            self._decision,
            key=lambda obj: obj["id"] + DECISION_SUFFIX,
            only=lambda obj: not obj.get("deleted") and obj["id"] in self.records,
        )
        self._each("File", crawl.of_type("File"), self._file)
        self._paper_states()

    # --- one object at a time -------------------------------------------------------------
    def _each(self, kind: str, objects, write, *, key=None, only=None) -> None:
        """Write `objects` (a list, or a `TypeList` from the store) with `write`, but those `only` refuses."""
        # Committed in batches: one transaction per object costs a disk flush each (most of the time
        # of an import on SQLite), and a run stopped half-way keeps every batch committed before.
        self.progress.begin(kind, len(objects))
        size = FILE_BATCH_SIZE if kind == "File" else BATCH_SIZE
        for batch in _batches(objects, size):
            read = len(batch)
            if only is not None:
                batch = [obj for obj in batch if only(obj)]
            if kind == "File":
                self._download_ahead(batch)
            with transaction.atomic():
                self._each_in_batch(kind, batch, write, key=key)
            self.progress.advance(read)
            if self.import_run is not None:
                # What is done so far, for the admin and for a run that has to continue later.
                ImportRun.objects.filter(pk=self.import_run.pk).update(
                    counts={name: dict(counter) for name, counter in self.counts.items()},
                    progress=self._progress(),
                    heartbeat=timezone.now(),
                )
            for connection in connections.all(initialized_only=True):
                # With DEBUG on (a worker under `make run`), Django logs every query: not for a run's length.
                connection.queries_log.clear()
        self.progress.end()

    def _each_in_batch(self, kind: str, objects: list[dict], write, *, key=None) -> None:
        for obj in objects:
            oparl_id = key(obj) if key else obj["id"]
            self._pending, self._kept = {}, []
            try:
                with transaction.atomic():
                    if obj.get("deleted") is True and kind != "Decision":
                        outcome = self._delete(kind, oparl_id)
                    elif kind != "Decision" and self._unchanged(kind, oparl_id, obj):
                        outcome = Outcome.UNCHANGED
                    else:
                        outcome = write(obj)
            except Exception as error:  # noqa: BLE001 - any failure of one object is reported, the run goes on
                if not isinstance(error, MappingError | ValidationError | FetchError):
                    logger.warning("OParl import of %s failed", oparl_id, exc_info=True)
                self._problem(kind, oparl_id, _reason(error))
                outcome = Outcome.FAILED
                for kept in self._kept:  # rolled back: what memory holds of them is no longer so
                    self.instances.pop(kept, None)
            else:
                for pending_id, record in self._pending.items():
                    if record is None:
                        self.records.pop(pending_id, None)
                    else:
                        self.records[pending_id] = record
            self._pending = {}
            if outcome is not None:
                self.counts[kind][outcome] += 1

    def _rate(self) -> float:
        """Objects a second written by this process so far (a continued run's earlier share not counted)."""
        written = sum(sum(counter.values()) for counter in self.counts.values()) - self._written_before
        return round(written / max(time.monotonic() - self._clock, 1e-3), 1)

    def _progress(self) -> dict:
        progress = self.progress
        rate = progress.done / max(progress.clock() - progress.started, 1e-3)
        left = (progress.total - progress.done) / rate if rate else 0
        return {
            "type": progress.kind,
            "done": progress.done,
            "total": progress.total,
            "rate": self._rate(),
            "left": int(left),
        }

    def _problem(self, kind: str, oparl_id: str, reason: str) -> None:
        self.report.add(Problem(kind, oparl_id, reason).as_dict())
