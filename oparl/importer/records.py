"""What became of each OParl id, and the writing every type shares: resolve, save, stamp, remember, delete.

Writes go through the model layer (`full_clean()`, then `save()`); the source's `created`
and `modified` are then put on the row with a `QuerySet.update`, which the `auto_now` fields
do not overrule.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, partial

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from council.models import AgendaItem, Body, LegislativeTerm, Location, Meeting, Membership, Organization
from council.models import Person as PersonModel
from oparl.models import ImportedObject
from resolutions.models import Attachment, Consultation, Decision, Paper

from .mapping import Refs, to_datetime

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
# Rows kept in memory for the references to them: enough for the organizations, people and
# meetings every Vorlage refers to, bounded so that memory stays flat however large the body.
INSTANCE_CACHE_SIZE = 1000
# The key under which a decision read from an agenda item is remembered: OParl has no
# Decision object, so it borrows the agenda item's id.
DECISION_SUFFIX = "#decision"


class Outcome(StrEnum):
    """What became of one OParl object in a run; the run counts them by type."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Record:
    """An `ImportedObject` row in memory: which row here an OParl id became, and its `modified` then."""

    content_type_id: int
    object_id: int
    source_modified: datetime.datetime | None


@cache
def related_fields(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if f.is_relation)


def apply_changes(obj: models.Model, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


class RecordKeeping:
    """The part of the `Importer` that finds, writes and forgets our rows by OParl id."""

    def _record(self, oparl_id: str) -> Record | None:
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
        oparl_id = self.crawl.alias(oparl_id) if self.crawl else oparl_id
        record = self._record(oparl_id)
        if record is None:
            return None
        content_type = ContentType.objects.get_for_id(record.content_type_id)
        if content_type.model_class() is not model:
            return None
        key = (model, record.object_id)
        instance = self.instances.get(key)
        if instance is None:
            instance = model._default_manager.filter(pk=record.object_id).first()
            if instance is not None:
                self._keep(instance)
        else:
            self.instances.move_to_end(key)
        return instance

    def _keep(self, instance) -> None:
        """Keep a row read or written in this run for the next reference to it (a bounded cache)."""
        self._kept.append((type(instance), instance.pk))
        self.instances[(type(instance), instance.pk)] = instance
        self.instances.move_to_end((type(instance), instance.pk))
        while len(self.instances) > INSTANCE_CACHE_SIZE:
            self.instances.popitem(last=False)

    def _refs(self, obj: dict, kind: str) -> Refs:
        parent = {}
        for parent_type, (parent_id, _field, position) in self.crawl.parents_of(obj["id"]).items():
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
            outcome = Outcome.UPDATED if apply_changes(instance, values) else Outcome.UNCHANGED
        if outcome is not Outcome.UNCHANGED:
            # The fields are checked here; references, uniqueness and constraints by the database
            # (each object is in its own savepoint): checking them in Python costs a query each.
            instance.full_clean(exclude=related_fields(model), validate_unique=False, validate_constraints=False)
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
        record = Record(content_type.pk, instance.pk, modified)
        known = self._record(oparl_id)
        if known is None:
            ImportedObject.objects.create(
                oparl_id=oparl_id, content_type=content_type, object_id=instance.pk, source_modified=modified
            )
        elif known != record:
            ImportedObject.objects.filter(oparl_id=oparl_id).update(
                content_type=content_type, object_id=instance.pk, source_modified=modified, imported_at=timezone.now()
            )
        self._pending[oparl_id] = record
        self._keep(instance)

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
            self.instances.pop((type(instance), instance.pk), None)
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
