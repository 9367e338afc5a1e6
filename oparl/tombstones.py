"""Tombstones: record, as writes happen, which objects the API served and serves no longer.

Why signals, when STYLE.md keeps business logic out of them: this is not business logic but
the API's own bookkeeping. `oparl` observes `council` and `resolutions`, and nobody imports
`oparl`, so no service can call it; a receiver on the served models is the one place that
sees every write — services, the admin, the demo loader, the importer — when it happens.
The receivers decide nothing about the council's data and write only `oparl.Tombstone`.

How: before a save or delete, note which of the affected objects are served (the object
itself and those whose visibility hangs on it, see `dependents`); afterwards look again.
What left gets a tombstone (deleted or depublished: OParl 1.1 treats both alike); what came
back loses its tombstone. "Served" is always `oparl.queries.KINDS[...].served()`, the
project's own visibility rules. Each check is one query per OParl type involved.
"""

from collections import defaultdict

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from council.models import Meeting, Membership, Organization
from resolutions.models import Paper

from .models import Tombstone
from .queries import KIND_OF_MODEL, KINDS, with_created

# Where the note of what was served before a write waits for the check after it.
BEFORE_ATTRIBUTE = "_oparl_served_before"

# (OParl type, pk) → (created, body id, id of the object it is embedded in)
Snapshot = dict[tuple[str, int], tuple]


def dependents(instance: Model) -> list[tuple[str, Q]]:
    """Objects whose being served may change with a write to `instance`: (OParl type, filter).

    A Vorlage takes its Beratungsfolge and files with it when it is made non-public (and its
    printed PDF, served as a file); a cancelled meeting has no invitation any more; a seat
    can make its holder a public person or a private one again; an organization becoming a
    Verwaltungsbereich takes its seats, and perhaps their holders, out of the public record.
    An agenda item changes no one's visibility: a public Vorlage's step stays public wherever
    it stands, it just stops naming a non-public item.
    """
    if isinstance(instance, Paper):
        mine = Q(paper=instance.pk)
        return [("Consultation", mine), ("File", mine), ("PaperMainFile", Q(pk=instance.pk))]
    if isinstance(instance, Meeting):
        # Its invitation goes when it is cancelled; its Niederschrift only with it.
        return [("MeetingInvitation", Q(pk=instance.pk)), ("MeetingResultsProtocol", Q(pk=instance.pk))]
    if isinstance(instance, Membership):
        # Read from the database: before a save the holder so far, after it the new one.
        return [("Person", Q(memberships=instance.pk))]
    if isinstance(instance, Organization):
        return [("Membership", Q(organization=instance.pk)), ("Person", Q(memberships__organization=instance.pk))]
    return []


def served(checks: dict[str, Q]) -> Snapshot:
    """Which of the objects selected by `checks` (OParl type → filter) are served now, with their data."""
    found: Snapshot = {}
    for name, condition in checks.items():
        kind = KINDS[name]
        fields = ["pk", "oparl_created", kind.body_field] if kind.body_field != "pk" else ["pk", "oparl_created"]
        if kind.parent:
            fields.append(kind.parent[1])
        for row in with_created(name, kind.served()).filter(condition).values_list(*fields):
            pk, created = row[0], row[1]
            body_id = pk if kind.body_field == "pk" else row[2]
            parent_id = row[-1] if kind.parent else None
            found[(name, pk)] = (created, body_id, parent_id)
    return found


def _checks(instance: Model, also: Snapshot | None = None) -> dict[str, Q]:
    """The filters, by OParl type, of the instance, its dependents and the objects of `also`."""
    conditions = [(KIND_OF_MODEL[type(instance)].name, Q(pk=instance.pk)), *dependents(instance)]
    by_kind = defaultdict(list)
    for name, pk in also or {}:
        by_kind[name].append(pk)
    conditions += [(name, Q(pk__in=pks)) for name, pks in by_kind.items()]
    checks: dict[str, Q] = {}
    for name, condition in conditions:
        checks[name] = checks[name] | condition if name in checks else condition
    return checks


def _note_before(instance: Model) -> None:
    before = served(_checks(instance)) if instance.pk is not None and not instance._state.adding else {}
    setattr(instance, BEFORE_ATTRIBUTE, before)


def _record_after(instance: Model) -> None:
    """Compare with the note taken before the write: tombstones for what left, none for what came back."""
    before: Snapshot = instance.__dict__.pop(BEFORE_ATTRIBUTE, {})
    after = served(_checks(instance, also=before))
    left = before.keys() - after.keys()
    came_back = after.keys() - before.keys()
    if left:
        now = timezone.now()
        Tombstone.objects.bulk_create(
            [_tombstone(name, pk, before[(name, pk)], now) for name, pk in sorted(left)], ignore_conflicts=True
        )
    by_kind = defaultdict(list)
    for name, pk in came_back:
        by_kind[name].append(pk)
    for name, pks in by_kind.items():
        Tombstone.objects.filter(object_type=name, object_id__in=pks).delete()


def _tombstone(name: str, pk: int, data: tuple, now) -> Tombstone:
    created, body_id, parent_id = data
    parent = KINDS[name].parent
    return Tombstone(
        object_type=name,
        object_id=pk,
        body_id=body_id,
        created=created,
        deleted=now,
        parent_type=parent[0] if parent and parent_id is not None else "",
        parent_id=parent_id,
    )


# --- the receivers ------------------------------------------------------------------------
def before_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _note_before(instance)


def after_save(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    if created and not Tombstone.objects.exists():
        # A new row was served by nobody before, so nothing left; and with no tombstones at all,
        # nothing can come back. Skipping the look saves an import its queries for every row.
        instance.__dict__.pop(BEFORE_ATTRIBUTE, None)
        return
    _record_after(instance)


def before_delete(sender, instance, **kwargs):
    _note_before(instance)


def after_delete(sender, instance, **kwargs):
    _record_after(instance)


def connect() -> None:
    """Watch every model the API serves (called from OparlConfig.ready)."""
    for model in KIND_OF_MODEL:
        uid = f"oparl-tombstones-{model._meta.label_lower}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}-post-save")
        pre_delete.connect(before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}-post-delete")
