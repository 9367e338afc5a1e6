"""One import run: read an endpoint, write its objects type by type, remember what became of each.

Objects are written in `IMPORT_ORDER`, so every reference points to an object written
before; references are resolved through `ImportedObject` (the OParl id there → our row
here). Each object is written in its own savepoint: a bad one is rolled back alone, reported
in the run's `problems` with its id and the reason, and the run goes on.

Writes go through the model layer (`full_clean()`, then `save()`); the source's `created`
and `modified` are then put on the row with a `QuerySet.update`, which the `auto_now` fields
do not overrule. The Vorlage's state follows from its Beratungsfolge once consultations
and decisions are written, and is set the same way, without a new version.
"""

import datetime
import hashlib
import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from council.models import AgendaItem, Attendance, Body, LegislativeTerm, Location, Meeting, Membership, Organization
from council.models import Person as PersonModel
from oparl.models import ImportedObject, ImportRun
from resolutions.attachments import PDF, detect_type, extract_pdf_text, sanitize_file_name
from resolutions.models import Attachment, Consultation, Decision, FactionVote, Paper
from resolutions.services.numbering import paper_allocate_reference, paper_reserve_reference

from . import mapping
from .client import FetchError, OParlClient
from .crawl import Crawl, Problem, crawl_body
from .mapping import MappingError, Refs, ref_id, ref_ids, to_datetime, type_name

logger = logging.getLogger(__name__)

MODELS: dict[str, type[models.Model]] = {
    "Body": Body,
    "LegislativeTerm": LegislativeTerm,
    "Location": Location,
    "Organization": Organization,
    "Person": PersonModel,
    "Membership": Membership,
    "Meeting": Meeting,
    "AgendaItem": AgendaItem,
    "Paper": Paper,
    "Consultation": Consultation,
    "File": Attachment,
    "Decision": Decision,
}
# The key under which a decision read from an agenda item is remembered: OParl has no
# Decision object, so it borrows the agenda item's id.
DECISION_SUFFIX = "#decision"
# The System name (and product) another Ratsbuch serves.
RATSBUCH = "Ratsbuch"
# Declared types of files we store but never serve as anything a browser would run.
ACTIVE_CONTENT = ("html", "javascript", "ecmascript", "svg", "xml", "x-sh", "x-msdownload", "x-executable")

# The short name of the unit that takes the Vorlagen whose source names none.
PLACEHOLDER_UNIT_SHORT_NAME = "Import"


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Options:
    body: str | None = None  # import only the body with this OParl id (or AGS)
    files: bool = True
    modified_since: datetime.datetime | None = None
    full: bool = False
    limit_pages: int | None = None


@dataclass
class _Record:
    content_type_id: int
    object_id: int
    source_modified: datetime.datetime | None


@dataclass
class Result:
    run: ImportRun
    counts: dict[str, Counter] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)


def _apply_changes(obj: models.Model, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


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
    run = ImportRun.objects.filter(system_url=system_url, finished_at__isnull=False).order_by("-started_at").first()
    return run.started_at if run else None


def import_oparl(url: str, *, client: OParlClient | None = None, options: Options | None = None, stdout=None):
    """Import everything an OParl endpoint (System or Body URL) serves; return the finished `Result`.

    Raises FetchError only if the endpoint itself cannot be read.
    """
    return Importer(url, client=client or OParlClient(), options=options or Options(), stdout=stdout).run()


class Importer:
    def __init__(self, url: str, *, client: OParlClient, options: Options, stdout=None):
        self.url = url
        self.client = client
        self.options = options
        self.stdout = stdout
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.problems: list[dict] = []
        self.records: dict[str, _Record] = {}
        self.content_types = {kind: ContentType.objects.get_for_model(model) for kind, model in MODELS.items()}
        self.crawl: Crawl | None = None
        self.body: Body | None = None
        self.touched_papers: set[int] = set()
        # What the object being written remembers or forgets; it reaches `records` only if its savepoint commits.
        self._pending: dict[str, _Record | None] = {}
        self.last_instance = None
        self.agenda_positions: dict[str, int] = {}
        self.later_parents: dict[int, str] = {}
        # Another Ratsbuch serves the Vorlage itself, rendered from the data imported anyway, as mainFile.
        self.source_is_ratsbuch = False

    # --- the run ------------------------------------------------------------------------
    def run(self) -> Result:
        started = timezone.now()
        since = None
        if not self.options.full:
            since = self.options.modified_since or last_run_start(self.url)
        entry = self.client.get_object(self.url)  # FetchError: the endpoint cannot be read at all
        bodies = self._bodies(entry)
        self.source_is_ratsbuch = self._is_ratsbuch(entry)
        run = ImportRun.objects.create(system_url=self.url, started_at=started, modified_since=since)
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
            )
            for problem in self.crawl.problems:
                self._problem(problem.type, problem.id, problem.reason)
            self._import_body()
        run.finished_at = max(timezone.now(), started)
        run.counts = {kind: dict(counter) for kind, counter in self.counts.items()}
        run.problems = self.problems
        # An endpoint on an intranet host without a domain ("ris") is fine, though URLValidator refuses it.
        run.full_clean(exclude=["system_url"])
        run.save()
        return Result(run=run, counts=self.counts, problems=self.problems)

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
            bodies = [b for b in bodies if b.get("id") == wanted or mapping.ags_of(b) == wanted]
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
        self.records = {
            row.oparl_id: _Record(row.content_type_id, row.object_id, row.source_modified)
            for row in ImportedObject.objects.all()
        }

    def _import_body(self) -> None:
        crawl = self.crawl
        body_id = crawl.body["id"]
        self._each("Body", [crawl.objects[body_id]], self._body)
        self.body = self._resolve(body_id, Body)
        if self.body is None:
            # Nothing of this body can be written without it; its problem is reported already.
            return
        self._each("LegislativeTerm", crawl.of_type("LegislativeTerm"), self._legislative_term)
        self._each("Location", crawl.of_type("Location"), self._simple("Location", Location, mapping.location_fields))
        self.later_parents = {}
        self._each("Organization", crawl.of_type("Organization"), self._organization)
        self._link_later_parents()
        self._each("Person", crawl.of_type("Person"), self._simple("Person", PersonModel, mapping.person_fields))
        self._each(
            "Membership", crawl.of_type("Membership"), self._simple("Membership", Membership, mapping.membership_fields)
        )
        self._each("Meeting", crawl.of_type("Meeting"), self._meeting)
        self.agenda_positions = self._agenda_positions()
        self._each("AgendaItem", crawl.of_type("AgendaItem"), self._agenda_item)
        self._each("Paper", crawl.of_type("Paper"), self._paper)
        self._each("Consultation", crawl.of_type("Consultation"), self._consultation)
        items_with_result = [
            obj for obj in crawl.of_type("AgendaItem") if not obj.get("deleted") and obj["id"] in self.records
        ]
        self._each("Decision", items_with_result, self._decision, key=lambda obj: obj["id"] + DECISION_SUFFIX)
        self._each("File", crawl.of_type("File"), self._file)
        self._paper_states()

    # --- one object at a time -------------------------------------------------------------
    def _each(self, kind: str, objects: list[dict], write, *, key=None) -> None:
        for obj in objects:
            oparl_id = key(obj) if key else obj["id"]
            self._pending = {}
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
            else:
                for pending_id, record in self._pending.items():
                    if record is None:
                        self.records.pop(pending_id, None)
                    else:
                        self.records[pending_id] = record
            self._pending = {}
            if outcome is not None:
                self.counts[kind][outcome] += 1

    def _problem(self, kind: str, oparl_id: str, reason: str) -> None:
        self.problems.append(Problem(kind, oparl_id, reason).as_dict())

    def _record(self, oparl_id: str) -> _Record | None:
        if oparl_id in self._pending:
            return self._pending[oparl_id]
        return self.records.get(oparl_id)

    def _unchanged(self, kind: str, oparl_id: str, obj: dict) -> bool:
        """Skip an object whose `modified` is the one recorded at the last import, if its row is still there."""
        record = self._record(oparl_id)
        modified = to_datetime(obj.get("modified"))
        if record is None or modified is None or record.source_modified != modified:
            return False
        model = MODELS[kind]
        return (
            record.content_type_id == self.content_types[kind].pk
            and model._default_manager.filter(pk=record.object_id).exists()
        )

    def _resolve(self, oparl_id: str | None, model: type[models.Model]):
        """Our object for an OParl id, if it was imported as one of `model`."""
        if not oparl_id:
            return None
        oparl_id = self.crawl.aliases.get(oparl_id, oparl_id) if self.crawl else oparl_id
        record = self._record(oparl_id)
        if record is None:
            return None
        content_type = ContentType.objects.get_for_id(record.content_type_id)
        if content_type.model_class() is not model:
            return None
        return model._default_manager.filter(pk=record.object_id).first()

    def _refs(self, obj: dict, kind: str) -> Refs:
        parent = {}
        for parent_type, (parent_id, _field, position) in self.crawl.parents.get(obj["id"], {}).items():
            parent[parent_type] = parent_id
            parent[f"{parent_type}.position"] = position
        return Refs(resolve=self._resolve, body=self.body, parent=parent)

    def _save(self, kind: str, obj: dict, model, values: dict, *, instance=None, m2m=None, refs=None) -> Outcome:
        """Create or update our row for `obj`, remember it, and keep the source's timestamps."""
        oparl_id = obj["id"]
        if instance is None:
            instance = self._resolve(oparl_id, model)
        if instance is None:
            instance = model(**values)
            outcome = Outcome.CREATED
        elif instance.pk is None:
            for name, value in values.items():
                setattr(instance, name, value)
            outcome = Outcome.CREATED
        else:
            outcome = Outcome.UPDATED if _apply_changes(instance, values) else Outcome.UNCHANGED
        if outcome is not Outcome.UNCHANGED:
            instance.full_clean()
            instance.save()
        for name, objects in (m2m or {}).items():
            manager = getattr(instance, name)
            if set(manager.values_list("pk", flat=True)) != {o.pk for o in objects}:
                manager.set(objects)
                outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        self._stamp(instance, obj, always=outcome is not Outcome.UNCHANGED)
        self._remember(kind, oparl_id, instance, obj)
        for note in refs.notes if refs else []:
            self._problem(kind, oparl_id, gettext("imported; %s") % note)
        self.last_instance = instance
        return outcome

    def _stamp(self, instance, obj: dict, *, always: bool) -> None:
        stamps = {}
        for name in ("created", "modified"):
            moment = to_datetime(obj.get(name))
            if moment is not None and (always or getattr(instance, name) != moment):
                stamps[name] = moment
        if stamps:
            type(instance)._default_manager.filter(pk=instance.pk).update(**stamps)
            for name, moment in stamps.items():
                setattr(instance, name, moment)

    def _remember(self, kind: str, oparl_id: str, instance, obj: dict) -> None:
        content_type = self.content_types[kind]
        modified = to_datetime(obj.get("modified"))
        ImportedObject.objects.update_or_create(
            oparl_id=oparl_id,
            defaults={"content_type": content_type, "object_id": instance.pk, "source_modified": modified},
        )
        self._pending[oparl_id] = _Record(content_type.pk, instance.pk, modified)

    def _delete(self, kind: str, oparl_id: str) -> Outcome:
        """A `deleted: true` object: delete ours if we imported it."""
        record = self._record(oparl_id)
        if record is None:
            return Outcome.SKIPPED
        target = ContentType.objects.get_for_id(record.content_type_id).get_object_for_this_type
        try:
            instance = target(pk=record.object_id)
        except models.ObjectDoesNotExist:
            instance = None
        if instance is not None:
            stored = instance.file if isinstance(instance, Attachment) else None
            if isinstance(instance, Paper):
                for attachment in instance.attachments.all():
                    self._delete_file_on_commit(attachment.file)
            instance.delete()
            if stored:
                self._delete_file_on_commit(stored)
        ImportedObject.objects.filter(oparl_id=oparl_id).delete()
        self._pending[oparl_id] = None
        if kind == "AgendaItem":
            self._delete_decision(oparl_id + DECISION_SUFFIX)
        return Outcome.DELETED

    def _delete_decision(self, key: str) -> bool:
        record = self._record(key)
        if record is None:
            return False
        Decision.objects.filter(pk=record.object_id).delete()
        ImportedObject.objects.filter(oparl_id=key).delete()
        self._pending[key] = None
        return True

    @staticmethod
    def _delete_file_on_commit(stored) -> None:
        if stored and stored.name:
            transaction.on_commit(partial(stored.storage.delete, stored.name))

    # --- the types ------------------------------------------------------------------------
    def _simple(self, kind: str, model, fields):
        def write(obj: dict) -> Outcome:
            refs = self._refs(obj, kind)
            return self._save(kind, obj, model, fields(obj, refs), refs=refs)

        return write

    def _body(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Body")
        values = mapping.body_fields(obj, refs)
        instance = self._resolve(obj["id"], Body)
        if instance is None:
            # The same municipality already here (by its AGS) is updated, not duplicated.
            instance = Body.objects.filter(ags=values["ags"]).first()
        return self._save("Body", obj, Body, values, instance=instance, refs=refs)

    def _legislative_term(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "LegislativeTerm")
        return self._save(
            "LegislativeTerm", obj, LegislativeTerm, mapping.legislative_term_fields(obj, refs), refs=refs
        )

    def _organization(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Organization")
        values = mapping.organization_fields(obj, refs)
        parent_id = ref_id(obj.get("subOrganizationOf"))
        values["parent"] = self._resolve(parent_id, Organization)
        if parent_id and values["parent"] is None:
            if parent_id in self.crawl.objects:
                # Listed later: linked once all are written, so that they are written in the source's order.
                values.pop("parent")
            else:
                refs.notes.append(gettext("its parent organization %s is not imported") % parent_id)
        outcome = self._save("Organization", obj, Organization, values, refs=refs)
        if "parent" not in values:
            self.later_parents[self.last_instance.pk] = parent_id
        return outcome

    def _link_later_parents(self) -> None:
        for pk, parent_id in self.later_parents.items():
            parent = self._resolve(parent_id, Organization)
            if parent is None:
                self._problem("Organization", parent_id, gettext("not imported, so its sub-organizations have none"))
                continue
            # Not save(): the organization is as the source gave it, `modified` included.
            Organization.objects.filter(pk=pk).exclude(parent=parent).update(parent=parent)

    def _meeting(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Meeting")
        values, related = mapping.meeting_fields(obj, refs)
        m2m = {"organizations": related["organizations"]}
        outcome = self._save("Meeting", obj, Meeting, values, m2m=m2m, refs=refs)
        meeting = self.last_instance
        # OParl's participants are those who attended: our attendance "present".
        wanted = {person.pk for person in related["participants"]}
        present = set(meeting.attendances.filter(status=Attendance.Status.PRESENT).values_list("person_id", flat=True))
        if wanted != present:
            meeting.attendances.filter(status=Attendance.Status.PRESENT).exclude(person_id__in=wanted).delete()
            for person_pk in wanted - present:
                Attendance.objects.update_or_create(
                    meeting=meeting, person_id=person_pk, defaults={"status": Attendance.Status.PRESENT}
                )
            # The attendance is part of the meeting as served: it changed when the meeting did.
            stamps = {name: getattr(meeting, name) for name in ("created", "modified")}
            meeting.attendances.filter(person_id__in=wanted - present).update(**stamps)
            outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        return outcome

    def _agenda_positions(self) -> dict[str, int]:
        """Each listed agenda item's place on its meeting's agenda, from 1.

        OParl 1.1's `order` may count from 0 or 1 and skip items not published; the order of
        the meeting's `agendaItem` array is what the specification makes binding. Where every
        item has an `order`, it sorts them; otherwise the array's order stands.
        """
        positions = {}
        for meeting in self.crawl.of_type("Meeting"):
            items = [item for item in meeting.get("agendaItem") or [] if ref_id(item)]
            orders = [self.crawl.objects.get(ref_id(item), {}).get("order") for item in items]
            if items and all(isinstance(order, int) and not isinstance(order, bool) for order in orders):
                items = [item for _order, _index, item in sorted(zip(orders, range(len(items)), items, strict=True))]
            for position, item in enumerate(items, start=1):
                positions[ref_id(item)] = position
        return positions

    def _agenda_item(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "AgendaItem")
        if obj["id"] in self.agenda_positions:
            refs.parent["position"] = self.agenda_positions[obj["id"]]
        values = mapping.agenda_item_fields(obj, refs)
        instance = self._resolve(obj["id"], AgendaItem)
        others = AgendaItem.objects.filter(meeting=values["meeting"]).exclude(pk=instance.pk if instance else None)
        if others.filter(number=values["number"]).exists():
            # Numbers are unique on our agendas; a repeated (or missing) one gets the position added.
            numbered = f"{values['number']} ({values['order']})"[:20]
            refs.notes.append(
                gettext("number “%(number)s” repeated; kept as “%(ours)s”")
                % {
                    "number": values["number"],
                    "ours": numbered,
                }
            )
            values["number"] = numbered
        outcome = self._save("AgendaItem", obj, AgendaItem, values, instance=instance, refs=refs)
        self._not_after_meeting(self.last_instance, values["meeting"])
        return outcome

    @staticmethod
    def _not_after_meeting(part, meeting: Meeting) -> None:
        """Keep a part of a meeting (an item, its decision) from a `modified` later than the meeting's.

        A served `modified` is the latest change of the object and of what it shows, so an
        agenda item can come with the time its consultation changed, which its meeting does
        not count; the item's own change was no later than the meeting that shows it.
        """
        if part.modified > meeting.modified:
            type(part)._default_manager.filter(pk=part.pk).update(modified=meeting.modified)
            part.modified = meeting.modified

    def _placeholder_unit(self) -> Organization:
        """The unit a Vorlage without underDirectionOf is filed under: ours requires one."""
        # Found again by its short name, never by its (translated) name: the language an
        # import runs in must not decide which unit it files under.
        unit, _created = Organization.objects.get_or_create(
            body=self.body,
            organization_type=Organization.Type.ADMINISTRATIVE_UNIT,
            short_name=PLACEHOLDER_UNIT_SHORT_NAME,
            defaults={"name": gettext("Originating unit unknown (imported)")},
        )
        return unit

    def _paper(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Paper")
        values, related = mapping.paper_fields(obj, refs)
        if values["under_direction_of"] is None:
            values["under_direction_of"] = self._placeholder_unit()
            refs.notes.append(gettext("no underDirectionOf; filed under “%s”") % values["under_direction_of"].name)
        instance = self._resolve(obj["id"], Paper)
        given = mapping.text(obj, "reference")
        if mapping.valid_reference(given):
            reference = given
        elif instance is not None:
            reference = instance.reference
        else:
            reference = paper_allocate_reference(body=self.body, year=values["date"].year)
        if given and reference != given:
            refs.notes.append(
                gettext("reference “%(given)s” cannot be ours; numbered %(ours)s") % {"given": given, "ours": reference}
            )
        ours = given.isdigit() and len(given) == 8 and int(given[4:]) > 0
        if ours and reference == given and (instance is None or instance.reference != given):
            # One of our own KSD numbers: keep the counter past it, so drafting never hands it out again.
            paper_reserve_reference(body=self.body, reference=given)
        values["reference"] = reference
        outcome = self._save("Paper", obj, Paper, values, instance=instance, m2m=related, refs=refs)
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(self.last_instance.pk)
        return outcome

    def _consultation(self, obj: dict) -> Outcome:
        refs = self._refs(obj, "Consultation")
        paper = refs.one(obj.get("paper") or refs.parent.get("Paper"), Paper, what="paper", required=True)
        agenda_item = refs.one(obj.get("agendaItem") or refs.parent.get("AgendaItem"), AgendaItem, what="agendaItem")
        instance = self._resolve(obj["id"], Consultation)
        placed = self.crawl.parent(obj["id"], "Paper")
        if placed is not None:
            order = placed[2] + 1
        elif instance is not None:
            order = instance.order
        else:
            order = (paper.consultations.aggregate(top=models.Max("order"))["top"] or 0) + 1
        values = mapping.consultation_fields(obj, refs, paper=paper, agenda_item=agenda_item, order=order)
        if values["authoritative"]:
            others = paper.consultations.filter(authoritative=True).exclude(pk=instance.pk if instance else None)
            if others.exists():
                values["authoritative"] = False
                refs.notes.append(gettext("a second deciding consultation of the paper; imported as not deciding"))
        outcome = self._save("Consultation", obj, Consultation, values, instance=instance, refs=refs)
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(paper.pk)
        consultation = self.last_instance
        if agenda_item is not None and agenda_item.modified > consultation.modified:
            # A served `modified` is the latest change of the object and of what it shows: a
            # consultation shows its agenda item, the item its consultation and its decision. The
            # item came with the later time of the two (or of its decision, which keeps that time);
            # its own change cannot have been later than the consultation that shows it.
            AgendaItem.objects.filter(pk=agenda_item.pk).update(modified=consultation.modified)
        return outcome

    def _consultation_of(self, obj: dict, item: AgendaItem) -> Consultation | None:
        consultation = self._resolve(ref_id(obj.get("consultation")), Consultation)
        if consultation is not None:
            return consultation
        for candidate in self.crawl.of_type("Consultation"):
            if ref_id(candidate.get("agendaItem")) == obj["id"]:
                return self._resolve(candidate["id"], Consultation)
        return Consultation.objects.filter(agenda_item=item).first()

    def _decision(self, obj: dict) -> Outcome | None:
        """The decision an agenda item's result records, when the item deals with a consultation."""
        key = obj["id"] + DECISION_SUFFIX
        result_text = mapping.text(obj, "result")
        item = self._resolve(obj["id"], AgendaItem)
        consultation = self._consultation_of(obj, item) if item is not None else None
        if not result_text or consultation is None:
            if self._delete_decision(key):
                return Outcome.DELETED
            return None  # a free item, or no result yet: nothing to count
        result = mapping.decision_result(result_text)
        if result is None:
            raise MappingError(gettext("result “%s” matches none of ours") % result_text)
        values = {
            "consultation": consultation,
            "agenda_item": item,
            "result": result,
            "resolution_text": mapping.text(obj, "resolutionText", "resolution"),
            "date": timezone.localdate(item.meeting.start),
            **mapping.decision_votes(obj),
        }
        refs = Refs(resolve=self._resolve, body=self.body)
        outcome = self._save("Decision", {**obj, "id": key}, Decision, values, refs=refs)
        decision = self.last_instance
        self._not_after_meeting(decision, item.meeting)
        rows = {}
        for faction_id, counts in mapping.faction_votes(obj):
            faction = self._resolve(faction_id, Organization)
            if faction is None:
                self._problem("Decision", key, gettext("imported; votes of %s left out: not imported") % faction_id)
                continue
            rows[faction.pk] = counts
        existing = {row.faction_id: row for row in decision.faction_votes.all()}
        for faction_pk, row in existing.items():
            if faction_pk not in rows:
                row.delete()
                outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        for faction_pk, counts in rows.items():
            row = existing.get(faction_pk) or FactionVote(decision=decision, faction_id=faction_pk)
            if row.pk is None or _apply_changes(row, counts):
                _apply_changes(row, counts)
                row.full_clean()
                row.save()
                outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
        if outcome is not Outcome.UNCHANGED:
            self.touched_papers.add(consultation.paper_id)
        return outcome

    def _file_paper(self, obj: dict) -> tuple[Paper | None, int | None]:
        """The Vorlage a file belongs to and its place among the attachments; None for a rendering of it."""
        placed = self.crawl.parent(obj["id"], "Paper")
        if placed is not None:
            paper_id, name, position = placed
            if name == "mainFile" and (self.source_is_ratsbuch or obj.get(f"{RATSBUCH.lower()}:rendered") is True):
                return None, None
            # The main file first, then the auxiliary files (position 1, 2, …); from another
            # Ratsbuch, whose main file is not imported, the auxiliary files alone.
            return self._resolve(paper_id, Paper), position if self.source_is_ratsbuch else position + 1
        for paper_id in ref_ids(obj.get("paper")):
            paper = self._resolve(paper_id, Paper)
            if paper is not None:
                return paper, 1
        return None, None

    def _file(self, obj: dict) -> Outcome:
        """A File of a Vorlage becomes an attachment, with its bytes downloaded and checked."""
        paper, order = self._file_paper(obj)
        if paper is None or not self.options.files:
            # Files of meetings and agenda items alone (invitations, minutes) have no place here,
            # nor has the Vorlage another Ratsbuch renders from the data.
            return Outcome.SKIPPED
        refs = self._refs(obj, "File")
        url = mapping.text(obj, "downloadUrl", "accessUrl")
        if not url:
            raise MappingError(gettext("the file has neither downloadUrl nor accessUrl"))
        content = self.client.get_bytes(url)
        sha512 = hashlib.sha512(content).hexdigest()
        declared = mapping.text(obj, "sha512Checksum").lower()
        if declared and declared != sha512:
            raise MappingError(gettext("the downloaded bytes do not match sha512Checksum"))
        declared_sha1 = mapping.text(obj, "sha1Checksum").lower()
        if not declared and declared_sha1 and declared_sha1 != hashlib.sha1(content).hexdigest():  # noqa: S324
            raise MappingError(gettext("the downloaded bytes do not match sha1Checksum"))
        if not content:
            raise MappingError(gettext("the file is empty"))
        given_name = mapping.text(obj, "fileName", "name") or "anlage"
        upload = ContentFile(content, name=given_name)
        file_type = detect_type(upload)
        if file_type is not None:
            mime_type = file_type.mime_type
        else:
            # Real archives hold types our upload form refuses (.doc, .tif, …); they are stored and
            # offered for download as they are, but nothing a browser would run is declared as such.
            declared_type = mapping.text(obj, "mimeType").lower().split(";")[0].strip()
            safe = declared_type and "/" in declared_type and not any(a in declared_type for a in ACTIVE_CONTENT)
            mime_type = declared_type[:100] if safe else "application/octet-stream"
        file_name = sanitize_file_name(given_name, file_type=file_type)
        name = mapping.text(obj, "name", max_length=300) or file_name
        text = mapping.text(obj, "text")
        if not text and mime_type == PDF:
            text = extract_pdf_text(upload)
        values = {
            "paper": paper,
            "attachment_type": mapping.attachment_type(name),
            "name": name,
            "public": True,
            "file_name": file_name[:200],
            "mime_type": mime_type,
            "size": len(content),
            "sha512": sha512,
            "text": text.replace("\x00", ""),
            "order": order,
        }
        instance = self._resolve(obj["id"], Attachment)
        if instance is None or instance.sha512 != sha512:
            old = instance.file if instance is not None else None
            instance = instance or Attachment()
            instance.file = ContentFile(content, name=f"{uuid.uuid4().hex[:16]}-{file_name}")
            try:
                outcome = self._save("File", obj, Attachment, values, instance=instance, refs=refs)
            except BaseException:
                if instance.file.name and getattr(instance.file, "_committed", False):
                    instance.file.storage.delete(instance.file.name)
                raise
            if old is not None and old.name:
                self._delete_file_on_commit(old)
            return outcome
        return self._save("File", obj, Attachment, values, instance=instance, refs=refs)

    # --- what follows from the Beratungsfolge -----------------------------------------------
    def _paper_states(self) -> None:
        for paper in Paper.objects.filter(pk__in=self.touched_papers):
            state = self._state_of(paper)
            if paper.state != state:
                # No save(): the state follows from the record; `modified` and the version stay the source's.
                Paper.objects.filter(pk=paper.pk).update(state=state)

    @staticmethod
    def _state_of(paper: Paper) -> str:
        """Decided once the deciding step has a closing result; in consultation once on an agenda."""
        consultations = list(paper.consultations.order_by("order"))
        decisions = list(Decision.objects.filter(consultation__paper=paper).order_by("date", "pk"))
        if decisions and decisions[-1].result == Decision.Result.WITHDRAWN:
            return Paper.State.WITHDRAWN
        deciding = next((c for c in consultations if c.authoritative), consultations[-1] if consultations else None)
        if deciding is not None and any(
            d.consultation_id == deciding.pk and d.result not in mapping.OPEN_RESULTS for d in decisions
        ):
            return Paper.State.DECIDED
        if decisions or any(c.agenda_item_id for c in consultations):
            return Paper.State.IN_CONSULTATION
        return Paper.State.RELEASED
