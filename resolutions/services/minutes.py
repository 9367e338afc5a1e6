"""The documents of a meeting: the invitation with its agenda and the Niederschrift, and finalising it.

Both documents come from the recorded data, in two versions: the full one (the non-public
part included) for insiders (`council.queries.is_insider`), and the public one for everyone
else, which carries no trace of the non-public part. Until the council office finalises the
Niederschrift it is rendered on every request and marked as a draft; `minutes_finalise`
renders both versions once, stores them with their SHA-512 and from then on they are what
is served, whatever is edited later.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.collation import german
from council.meetings import eligible_attendees, seat_memberships
from council.models import AgendaItem, Attendance, Meeting, Membership, Organization, Person
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

# Roles of a seat that chairs the meeting, for the invitation's signature.
CHAIR_ROLES = ("Vorsitz", "Oberbürgermeister")


@dataclass
class AttendanceGroup:
    """The persons present (or excused) for one Fraktion; `faction` None for those who sit for none."""

    faction: Organization | None
    persons: list[Person] = field(default_factory=list)


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


def _chair(meeting: Meeting) -> Membership | None:
    """The seat that chairs the meeting on its day (Vorsitzende, Oberbürgermeisterin), if recorded."""
    for membership in seat_memberships(meeting).select_related("person").order_by("pk"):
        if membership.role.startswith(CHAIR_ROLES):
            return membership
    return None


def _base_context(meeting: Meeting, *, insider: bool) -> dict:
    public_items, non_public_items = _items(meeting, insider=insider)
    return {
        "meeting": meeting,
        "body": meeting.body,
        "organizations": list(meeting.organizations.all()),
        "public_items": public_items,
        "non_public_items": non_public_items,
        "insider": insider,
    }


def _created(meeting: Meeting) -> datetime.datetime:
    # The document's date must come from the data, not the clock: the same meeting gives the same bytes.
    return meeting.invited_at or meeting.created


def invitation_render(*, meeting: Meeting, insider: bool) -> bytes:
    """The invitation with the agenda; the non-public part only if `insider`."""
    context = _base_context(meeting, insider=insider)
    context["chair"] = _chair(meeting)
    title = _("Invitation: %(name)s") % {"name": meeting.name}
    return cached_render_pdf("pdf/invitation.html", context, title=title, created=_created(meeting))


def attendees(meeting: Meeting) -> tuple[list[AttendanceGroup], list[AttendanceGroup]]:
    """Who was present and who was excused, grouped by Fraktion (those of none first), by name within."""
    faction_of = {attendee.person.pk: attendee.faction for attendee in eligible_attendees(meeting)}
    attendances = (
        meeting.attendances.filter(status__in=[Attendance.Status.PRESENT, Attendance.Status.EXCUSED])
        .select_related("person")
        .order_by(german("person__family_name"), german("person__given_name"), "pk")
    )
    groups: dict[str, dict[int | None, AttendanceGroup]] = {
        Attendance.Status.PRESENT: {},
        Attendance.Status.EXCUSED: {},
    }
    for attendance in attendances:
        faction = faction_of.get(attendance.person_id)
        key = faction.pk if faction is not None else None
        group = groups[attendance.status].setdefault(key, AttendanceGroup(faction=faction))
        group.persons.append(attendance.person)

    def ordered(by_faction: dict[int | None, AttendanceGroup]) -> list[AttendanceGroup]:
        return sorted(by_faction.values(), key=lambda group: (group.faction is not None, str(group.faction or "")))

    return ordered(groups[Attendance.Status.PRESENT]), ordered(groups[Attendance.Status.EXCUSED])


def minutes_render(*, meeting: Meeting, insider: bool, finalised_at: datetime.datetime | None = None) -> bytes:
    """The Niederschrift from the recorded data; a draft unless `finalised_at` is given."""
    context = _base_context(meeting, insider=insider)
    context["present"], context["excused"] = attendees(meeting)
    context["draft"] = finalised_at is None
    context["finalised_at"] = finalised_at
    title = _("Minutes: %(name)s") % {"name": meeting.name}
    created = finalised_at or meeting.end or meeting.start
    return cached_render_pdf("pdf/minutes.html", context, title=title, created=created)


@transaction.atomic
def minutes_finalise(*, meeting: Meeting, by) -> Minutes:
    """Render the full and the public minutes of a held meeting once, and store them with their checksums."""
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("body", "location").get(pk=meeting.pk)
    if locked.state != Meeting.State.HELD:
        raise ValidationError(MINUTES_NOT_HELD_ERROR, code="wrong_state", params={"state": locked.get_state_display()})
    if not actor_for(by).is_office:
        raise ValidationError(MINUTES_ROLE_ERROR, code="not_allowed")
    existing = Minutes.objects.filter(meeting=locked).first()
    if existing is not None:
        raise ValidationError(
            MINUTES_ALREADY_FINAL_ERROR,
            code="already_final",
            params={"date": timezone.localtime(existing.finalised_at).strftime("%d.%m.%Y")},
        )
    now = timezone.now()
    full = minutes_render(meeting=locked, insider=True, finalised_at=now)
    public = minutes_render(meeting=locked, insider=False, finalised_at=now)
    minutes = Minutes(
        meeting=locked,
        sha512=hashlib.sha512(full).hexdigest(),
        public_sha512=hashlib.sha512(public).hexdigest(),
        finalised_at=now,
        finalised_by=by,
    )
    minutes.file.save(f"niederschrift-{locked.pk}.pdf", ContentFile(full), save=False)
    minutes.public_file.save(f"niederschrift-{locked.pk}-oeffentlich.pdf", ContentFile(public), save=False)
    minutes.full_clean()
    minutes.save()
    return minutes
