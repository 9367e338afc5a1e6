"""The documents of a meeting: the invitation with its agenda and the Niederschrift, and finalising it.

Both documents come from the recorded data, in two versions: the full one (the non-public
part included) for insiders (`council.queries.is_insider`), and the public one for everyone
else, which carries no trace of the non-public part. Until the council office finalises the
Niederschrift it is rendered on every request and marked as a draft; `minutes_finalise`
fixes it and a task (`minutes_store`) renders both versions once, stores them with their
SHA-512, and from then on they are what is served, whatever is edited later.
`minutes_mail` mails the stored minutes to the members through the invitations' dispatch
record (`council.invitations`).
"""

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.collation import german, sort_key
from council.invitations import dispatches_create, invitations_enqueue
from council.meetings import (
    CHAIR_ROLES,
    attendance_rows,
    chair_of,
    is_invitation_late,
    present_for,
    seat_memberships,
)
from council.models import AgendaItem, Attendance, InvitationDispatch, Meeting, Organization, Person, Recusal
from council.roles import actor_for
from resolutions.models import Consultation, Decision, FactionVote, Minutes
from resolutions.pdf import cached_render_pdf

MINUTES_ROLE_ERROR = gettext_lazy("Only the council office may finalise the minutes of a meeting.")
MINUTES_NOT_HELD_ERROR = gettext_lazy(
    "This meeting is “%(state)s”; only the minutes of a held meeting can be finalised."
)
MINUTES_ALREADY_FINAL_ERROR = gettext_lazy(
    "The minutes of this meeting were finalised on %(date)s; finalised minutes cannot be changed."
)
MINUTES_MAIL_ROLE_ERROR = gettext_lazy("Only the council office may mail the minutes of a meeting.")
MINUTES_NOT_STORED_ERROR = gettext_lazy(
    "The minutes can be mailed once they are finalised and stored; finalise them first, or wait a moment while "
    "they are being rendered."
)
MINUTES_ALREADY_MAILED_ERROR = gettext_lazy(
    "The minutes of this meeting were mailed on %(date)s; the record below shows who received them."
)
CLOSED_BEFORE_OPENED_ERROR = gettext_lazy("The meeting cannot close before it opened; check both times.")
ITEM_OF_OTHER_MEETING_ERROR = gettext_lazy("“%(item)s” is not an item of this meeting.")
RECUSED_NOT_PRESENT_ERROR = gettext_lazy(
    "%(person)s is marked as excluded for bias (befangen) at item %(number)s but was not present for it."
)


@dataclass
class AttendanceGroup:
    """The persons present (or excused, or absent) for one Fraktion; `faction` None for those who sit for none.

    `attendances` runs beside `persons`: the recorded row of each (None for an absent person
    without one), with whom they stood in for and when they came or left.
    """

    faction: Organization | None
    persons: list[Person] = field(default_factory=list)
    attendances: list[Attendance | None] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[Person, Attendance | None]]:
        return list(zip(self.persons, self.attendances, strict=True))


def _items(meeting: Meeting, *, insider: bool) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """The public and (for insiders) the non-public items, each with `document_consultations` and `document_decision`.

    Not the per-user `visible_to` reads: the public version is stored once and shown to
    everyone, so it holds exactly what the public may see.
    """
    consultations = Consultation.objects.select_related("paper", "organization").order_by("pk")
    decisions = Decision.objects.prefetch_related(
        Prefetch(
            "faction_votes", queryset=FactionVote.objects.select_related("faction").order_by(german("faction__name"))
        )
    )
    if not insider:
        consultations = consultations.filter(paper__public=True, paper__released_at__isnull=False)
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order")
        .prefetch_related(
            Prefetch("consultations", queryset=consultations, to_attr="document_consultations"),
            Prefetch("decision", queryset=decisions, to_attr="document_decision"),
        )
    )
    if not insider:
        items = items.public()
    items = list(items)
    return [item for item in items if item.public], [item for item in items if not item.public]


def _chair_role(meeting: Meeting, chair: Person | None) -> str:
    """How the chair signs: the role of their seat in the meeting ("Vorsitzende"), else "Vorsitz"."""
    if chair is None:
        return ""
    seat = seat_memberships(meeting).filter(person=chair).exclude(role="").order_by("pk").first()
    return seat.role if seat is not None and seat.role.startswith(CHAIR_ROLES) else _("Chair")


def _base_context(meeting: Meeting, *, insider: bool) -> dict:
    public_items, non_public_items = _items(meeting, insider=insider)
    chair = chair_of(meeting)
    return {
        "meeting": meeting,
        "body": meeting.body,
        "organizations": list(meeting.organizations.all()),
        "public_items": public_items,
        "non_public_items": non_public_items,
        "insider": insider,
        "chair": chair,
        "chair_role": _chair_role(meeting, chair),
    }


def _created(meeting: Meeting) -> datetime.datetime:
    # The document's date must come from the data, not the clock: the same meeting gives the same bytes.
    return meeting.invited_at or meeting.created


def invitation_render(*, meeting: Meeting, insider: bool) -> bytes:
    """The invitation with the agenda; the non-public part only if `insider`."""
    context = _base_context(meeting, insider=insider)
    # Until the invitations go out the document is the office's draft, and says so.
    context["draft"] = meeting.state == Meeting.State.SCHEDULED
    context["late"] = meeting.invited_at is not None and is_invitation_late(meeting, meeting.invited_at)
    title = _("Invitation: %(name)s") % {"name": meeting.name}
    return cached_render_pdf("pdf/invitation.html", context, title=title, created=_created(meeting))


def attendees(meeting: Meeting) -> tuple[list[AttendanceGroup], list[AttendanceGroup], list[AttendanceGroup]]:
    """Who was present, excused and absent (see `council.meetings.attendance_rows`), grouped by Fraktion.

    Those of no Fraktion come first, then the Fraktionen by name; people by name within.
    """

    def grouped(rows) -> list[AttendanceGroup]:
        groups: dict[int | None, AttendanceGroup] = {}
        for row in rows:
            key = row.faction.pk if row.faction is not None else None
            group = groups.setdefault(key, AttendanceGroup(faction=row.faction))
            group.persons.append(row.person)
            group.attendances.append(row.attendance)
        return sorted(
            groups.values(), key=lambda group: (group.faction is not None, sort_key(str(group.faction or "")))
        )

    return tuple(grouped(rows) for rows in attendance_rows(meeting))


def minutes_render(*, meeting: Meeting, insider: bool, finalised_at: datetime.datetime | None = None) -> bytes:
    """The Niederschrift from the recorded data; a draft unless `finalised_at` is given."""
    context = _base_context(meeting, insider=insider)
    context["present"], context["excused"], context["absent"] = attendees(meeting)
    recusals = Recusal.objects.filter(agenda_item__meeting=meeting).select_related("person")
    recused: dict[int, list[Person]] = {}
    for recusal in recusals.order_by(german("person__family_name"), german("person__given_name")):
        recused.setdefault(recusal.agenda_item_id, []).append(recusal.person)
    for item in (*context["public_items"], *context["non_public_items"]):
        item.document_recused = recused.get(item.pk, [])
    context["draft"] = finalised_at is None
    context["finalised_at"] = finalised_at
    title = _("Minutes: %(name)s") % {"name": meeting.name}
    created = finalised_at or meeting.end or meeting.start
    return cached_render_pdf("pdf/minutes.html", context, title=title, created=created)


@transaction.atomic
def minutes_finalise(*, meeting: Meeting, by) -> Minutes:
    """Finalise the minutes of a held meeting: record it now, and render and store both PDFs in a task.

    From this moment the minutes cannot be changed. The task (`resolutions.tasks.minutes_store`)
    renders the full and the public version as of `finalised_at` and stores them with their
    checksums; until it has, the meeting page says that they are being rendered.
    """
    from resolutions.tasks import minutes_store as minutes_store_task

    locked = Meeting.objects.select_for_update(of=("self",)).select_related("body", "location").get(pk=meeting.pk)
    _ensure_open_minutes(locked, by)
    minutes = Minutes(meeting=locked, finalised_at=timezone.now(), finalised_by=by)
    minutes.full_clean()
    minutes.save()
    # Enqueued at once, not on commit: the database queue's row commits with the minutes, and a
    # worker that runs before the commit (Redis) finds no minutes yet and tries again later.
    minutes_store_task.enqueue(minutes.pk)
    minutes.refresh_from_db()
    return minutes


def minutes_store(*, minutes_id: int) -> str:
    """Render and store the PDFs of finalised minutes: "stored", "skipped" (done before) or "missing"."""
    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__body", "meeting__location")
            .filter(pk=minutes_id)
            .first()
        )
        if minutes is None:
            return "missing"
        if minutes.is_rendered:
            return "skipped"
        meeting = minutes.meeting
        full = minutes_render(meeting=meeting, insider=True, finalised_at=minutes.finalised_at)
        public = minutes_render(meeting=meeting, insider=False, finalised_at=minutes.finalised_at)
        minutes.sha512 = hashlib.sha512(full).hexdigest()
        minutes.public_sha512 = hashlib.sha512(public).hexdigest()
        minutes.rendered_at = timezone.now()
        minutes.file.save(f"niederschrift-{meeting.pk}.pdf", ContentFile(full), save=False)
        minutes.public_file.save(f"niederschrift-{meeting.pk}-oeffentlich.pdf", ContentFile(public), save=False)
        minutes.full_clean()
        minutes.save()
    return "stored"


def minutes_stored_pdf(minutes: Minutes, *, insider: bool) -> bytes:
    """The stored file of finalised minutes (full or public), checked against its SHA-512.

    Raises MinutesUnavailable while it is being rendered, or when the file is missing or
    does not match: never hand out a record that is not the one finalised.
    """
    if not minutes.is_rendered:
        raise MinutesUnavailable("rendering")
    field, sha512 = (minutes.file, minutes.sha512) if insider else (minutes.public_file, minutes.public_sha512)
    try:
        with field.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise MinutesUnavailable("missing") from None
    if hashlib.sha512(data).hexdigest() != sha512:
        raise MinutesUnavailable("altered")
    return data


class MinutesUnavailable(LookupError):
    """The stored minutes cannot be handed out: "rendering", "missing" or "altered" (args[0])."""


def minutes_mail_pdf(*, meeting: Meeting, insider: bool) -> bytes:
    """The stored Niederschrift for its mailing (`settings.RATSBUCH_MINUTES_PDF`); MinutesUnavailable if not yet."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise MinutesUnavailable("not finalised")
    return minutes_stored_pdf(minutes, insider=insider)


def minutes_mail_refusal(meeting: Meeting, by) -> ValidationError | None:
    """Why the minutes of `meeting` cannot be mailed now (not the office, not stored yet, mailed before), or None."""
    if not actor_for(by).is_office:
        return ValidationError(MINUTES_MAIL_ROLE_ERROR, code="not_allowed")
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.is_rendered:
        return ValidationError(MINUTES_NOT_STORED_ERROR, code="not_stored")
    mailed = meeting.dispatches.filter(kind=InvitationDispatch.Kind.MINUTES).order_by("created").first()
    if mailed is not None:
        return ValidationError(
            MINUTES_ALREADY_MAILED_ERROR,
            code="already_mailed",
            params={"date": timezone.localtime(mailed.created).strftime("%d.%m.%Y %H:%M")},
        )
    return None


@transaction.atomic
def minutes_mail(*, meeting: Meeting, by, deputies: bool = True) -> list[InvitationDispatch]:
    """Mail the stored Niederschrift to everyone entitled to attend, with a dispatch record per person.

    The same record and task as the invitations (`council.invitations`): the full version to
    the members of the meeting's organizations, who may read its non-public part; without
    `deputies`, those who only hold deputies' seats are left out. Once only.
    """
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    if (refusal := minutes_mail_refusal(locked, by)) is not None:
        raise refusal
    dispatches = dispatches_create(meeting=locked, kind=InvitationDispatch.Kind.MINUTES, deputies=deputies)
    invitations_enqueue(locked)
    return dispatches


def minutes_refusal(meeting: Meeting) -> ValidationError | None:
    """Why the minutes of `meeting` cannot be written or finalised now (not held, already final), or None.

    The pages ask it to say so before offering a form; the services raise it.
    """
    if meeting.state != Meeting.State.HELD:
        return ValidationError(
            MINUTES_NOT_HELD_ERROR, code="wrong_state", params={"state": meeting.get_state_display()}
        )
    if (existing := Minutes.objects.filter(meeting=meeting).first()) is not None:
        return ValidationError(
            MINUTES_ALREADY_FINAL_ERROR,
            code="already_final",
            params={"date": timezone.localtime(existing.finalised_at).strftime("%d.%m.%Y")},
        )
    return None


def _ensure_open_minutes(meeting: Meeting, by) -> None:
    if not actor_for(by).is_office:
        raise ValidationError(MINUTES_ROLE_ERROR, code="not_allowed")
    if (refusal := minutes_refusal(meeting)) is not None:
        raise refusal


@transaction.atomic
def minutes_record(
    *,
    meeting: Meeting,
    by,
    minute_taker: str = "",
    opened_at: datetime.datetime | None = None,
    closed_at: datetime.datetime | None = None,
    protocols: Mapping[AgendaItem, str] | None = None,
    recusals: Mapping[AgendaItem, Sequence[Person]] | None = None,
) -> Meeting:
    """Write what the Niederschrift records beyond the results: who kept it, when the meeting opened and
    closed, each item's course of deliberation (Beratungsverlauf) and who was excluded for bias.

    Only for a held meeting whose minutes are not finalised. `protocols` and `recusals` name
    the items they change; a recused person must have been present for the item.
    """
    protocols, recusals = dict(protocols or {}), dict(recusals or {})
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    _ensure_open_minutes(locked, by)
    errors = []
    if opened_at is not None and closed_at is not None and closed_at < opened_at:
        errors.append(ValidationError(CLOSED_BEFORE_OPENED_ERROR, code="closed_before_opened"))
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=locked)}
    for item in {*protocols, *recusals}:
        if item.pk not in items:
            errors.append(
                ValidationError(ITEM_OF_OTHER_MEETING_ERROR, code="other_meeting", params={"item": item.name})
            )
    attendances = {a.person_id: a for a in locked.attendances.select_related("arrived_at", "left_after")}
    for item, persons in recusals.items():
        for person in persons:
            attendance = attendances.get(person.pk)
            if item.pk in items and (attendance is None or not present_for(attendance, items[item.pk])):
                errors.append(
                    ValidationError(
                        RECUSED_NOT_PRESENT_ERROR,
                        code="not_present",
                        params={"person": person.name, "number": item.number},
                    )
                )
    if errors:
        raise ValidationError(errors)
    locked.minute_taker = minute_taker.strip()
    locked.opened_at, locked.closed_at = opened_at, closed_at
    locked.full_clean()
    locked.save(update_fields=["minute_taker", "opened_at", "closed_at", "modified"])
    for item, text in protocols.items():
        stored = items[item.pk]
        stored.protocol = text.strip()
        stored.full_clean()
        stored.save(update_fields=["protocol", "modified"])
    for item, persons in recusals.items():
        Recusal.objects.filter(agenda_item_id=item.pk).exclude(person__in=persons).delete()
        for person in persons:
            Recusal.objects.get_or_create(agenda_item_id=item.pk, person=person)
    return locked
