"""The life of a meeting: one table of who may move it from where to where, and its deadlines.

`MEETING_TRANSITIONS` is the single source of truth for the meeting's state. The services in
`council.services` ask it (through `ensure_meeting_transition`) under the row lock before
they write; templates ask it (through `allowed_meeting_transitions`) which buttons to show.
The reads about a meeting that the services and views share (the Ladungsfrist, who may
attend, how many voting members are present) live here too. Nothing in this module writes.

Checks run in the order of `resolutions.workflow`: the state (wrong whoever asks), then the
role, then the meeting's own precondition (a meeting is held only once it has started).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from council.collation import german

from .models import AgendaItem, Attendance, Body, LegislativeTerm, Meeting, Membership, Organization, Person, Recusal
from .roles import Actor, actor_for

# --- messages -------------------------------------------------------------------------
MEETING_ROLE_ERROR = _(
    "Only the council office may plan meetings, send their invitations and mark them as held or cancelled."
)
UPDATE_STATE_ERROR = _("This meeting is “%(state)s”; a meeting that was held or cancelled can no longer be changed.")
INVITE_STATE_ERROR = _(
    "This meeting is “%(state)s”; invitations go out only for a scheduled meeting that has not been invited yet."
)
HOLD_STATE_ERROR = _("This meeting is “%(state)s”; only a scheduled or invited meeting can be marked as held.")
HOLD_TOO_EARLY_ERROR = _("This meeting starts on %(start)s; it can be marked as held from then on.")
CANCEL_STATE_ERROR = _("This meeting is “%(state)s”; only a scheduled or invited meeting can be cancelled.")
# Roles of a seat that chairs the meeting: it invites and signs when the office names no chair.
CHAIR_ROLES = ("Vorsitz", "Oberbürgermeister")
UNKNOWN_MEETING_TRANSITION_ERROR = "There is no transition named %r in council.meetings.MEETING_TRANSITIONS."
# Not an error: inviting late is allowed (the Gemeindeordnung lets urgent meetings be
# called at short notice), but the office must see that the Ladungsfrist was missed.
LATE_INVITATION_WARNING = ngettext_lazy(
    "This invitation goes out after the Ladungsfrist of %(days)d day: it was due by %(deadline)s. "
    "Only an urgent meeting may be called at shorter notice; say why in the invitation.",
    "This invitation goes out after the Ladungsfrist of %(days)d days: it was due by %(deadline)s. "
    "Only an urgent meeting may be called at shorter notice; say why in the invitation.",
    "days",
)


def display_time(moment: datetime.datetime) -> str:
    """A moment as messages print it, in local time and the active language's short format."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def display_day(day: datetime.date) -> str:
    """A day as messages print it, in the active language's short format."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- the table ------------------------------------------------------------------------
def _is_office(meeting: Meeting, actor: Actor) -> bool:
    return actor.is_office


def _has_started(meeting: Meeting, at: datetime.datetime) -> ValidationError | None:
    if meeting.start > at:
        return ValidationError(HOLD_TOO_EARLY_ERROR, code="too_early", params={"start": display_time(meeting.start)})
    return None


@dataclass(frozen=True)
class MeetingTransition:
    """One row of the table: a named move of a meeting, who may make it and what it needs."""

    name: str
    label: Promise  # the button's text
    sources: frozenset[str]  # Meeting.State values it starts from
    target: str | None  # Meeting.State value it ends in; None: the state stays as it is
    permits: Callable[[Meeting, Actor], bool]
    state_error: Promise
    role_error: Promise
    guard: Callable[[Meeting, datetime.datetime], ValidationError | None] | None = None


M = Meeting.State
OPEN_STATES = frozenset({M.SCHEDULED, M.INVITED})

MEETING_TRANSITIONS: tuple[MeetingTransition, ...] = (
    # Changing name, place or organizations keeps the state; `meeting_update` uses this row.
    MeetingTransition(
        name="update",
        label=_("Edit"),
        sources=OPEN_STATES,
        target=None,
        permits=_is_office,
        state_error=UPDATE_STATE_ERROR,
        role_error=MEETING_ROLE_ERROR,
    ),
    # A new start needs a new invitation (with its own Ladungsfrist): an invited meeting
    # goes back to scheduled. `meeting_update` uses this row when the start changes.
    MeetingTransition(
        name="reschedule",
        label=_("Reschedule"),
        sources=OPEN_STATES,
        target=M.SCHEDULED,
        permits=_is_office,
        state_error=UPDATE_STATE_ERROR,
        role_error=MEETING_ROLE_ERROR,
    ),
    MeetingTransition(
        name="invite",
        label=_("Send invitations"),
        sources=frozenset({M.SCHEDULED}),
        target=M.INVITED,
        permits=_is_office,
        state_error=INVITE_STATE_ERROR,
        role_error=MEETING_ROLE_ERROR,
    ),
    # Held without an invitation is possible: a meeting may have been called outside the
    # system (or imported) and still needs its minutes here.
    MeetingTransition(
        name="hold",
        label=_("Mark as held"),
        sources=OPEN_STATES,
        target=M.HELD,
        permits=_is_office,
        state_error=HOLD_STATE_ERROR,
        role_error=MEETING_ROLE_ERROR,
        guard=_has_started,
    ),
    MeetingTransition(
        name="cancel",
        # "Cancel" alone is also the abort link of every form; a meeting is called off.
        label=pgettext_lazy("meeting", "Cancel"),
        sources=OPEN_STATES,
        target=M.CANCELLED,
        permits=_is_office,
        state_error=CANCEL_STATE_ERROR,
        role_error=MEETING_ROLE_ERROR,
    ),
)

MEETING_TRANSITIONS_BY_NAME: dict[str, MeetingTransition] = {t.name: t for t in MEETING_TRANSITIONS}


def get_meeting_transition(name: str) -> MeetingTransition:
    try:
        return MEETING_TRANSITIONS_BY_NAME[name]
    except KeyError:
        raise ValueError(UNKNOWN_MEETING_TRANSITION_ERROR % name) from None


def meeting_transition_refusal(
    meeting: Meeting, name: str, *, by, at: datetime.datetime | None = None
) -> ValidationError | None:
    """Say why `by` may not make the transition now (or at `at`), or None if they may."""
    transition = get_meeting_transition(name)
    if meeting.state not in transition.sources:
        return ValidationError(
            transition.state_error, code="wrong_state", params={"state": meeting.get_state_display()}
        )
    if not transition.permits(meeting, actor_for(by)):
        return ValidationError(transition.role_error, code="not_allowed")
    if transition.guard is not None and (error := transition.guard(meeting, at or timezone.now())) is not None:
        return error
    return None


def ensure_meeting_transition(
    meeting: Meeting, name: str, *, by, at: datetime.datetime | None = None
) -> MeetingTransition:
    """Return the transition if `by` may make it now; raise ValidationError saying why not."""
    error = meeting_transition_refusal(meeting, name, by=by, at=at)
    if error is not None:
        raise error
    return get_meeting_transition(name)


def allowed_meeting_transitions(meeting: Meeting, user) -> list[MeetingTransition]:
    """The transitions `user` may make now, in table order: the buttons to show."""
    return [t for t in MEETING_TRANSITIONS if meeting_transition_refusal(meeting, t.name, by=user) is None]


# --- the Ladungsfrist -----------------------------------------------------------------
def invitation_deadline(meeting: Meeting) -> datetime.datetime:
    """The last moment the invitation may go out: the start minus the body's Ladungsfrist."""
    return meeting.start - datetime.timedelta(days=meeting.body.notice_period_days)


def is_invitation_late(meeting: Meeting, at: datetime.datetime) -> bool:
    """Whether an invitation sent at `at` misses the Ladungsfrist."""
    return at > invitation_deadline(meeting)


def notice_warning(meeting: Meeting, at: datetime.datetime) -> str | None:
    """The warning to show when an invitation sent at `at` is late, or None when it is in time."""
    if not is_invitation_late(meeting, at):
        return None
    return LATE_INVITATION_WARNING % {
        "days": meeting.body.notice_period_days,
        "deadline": display_time(invitation_deadline(meeting)),
    }


# --- who attends ----------------------------------------------------------------------
def meeting_day(meeting: Meeting) -> datetime.date:
    """The local calendar day of the meeting, on which memberships are judged."""
    return timezone.localdate(meeting.start)


def seat_memberships(meeting: Meeting):
    """The memberships that give a seat in this meeting: in one of its organizations, on its day."""
    return Membership.objects.active(on=meeting_day(meeting)).filter(
        organization__in=meeting.organizations.values("pk")
    )


@dataclass(frozen=True)
class EligibleAttendee:
    """A person with a seat in the meeting: whether any of their seats votes, and for which Fraktion."""

    person: Person
    voting_right: bool
    faction: Organization | None


def eligible_attendees(meeting: Meeting) -> list[EligibleAttendee]:
    """The persons with a seat in the meeting's organizations on its day, by name, in one query.

    A person sitting in two of the organizations of a joint meeting appears once; they vote
    if any of their seats votes, for the first Fraktion named on their seats.
    """
    memberships = (
        seat_memberships(meeting)
        .select_related("person", "on_behalf_of")
        .order_by(german("person__family_name"), german("person__given_name"), "person_id", "pk")
    )
    seats: dict[int, EligibleAttendee] = {}
    for membership in memberships:
        known = seats.get(membership.person_id)
        seats[membership.person_id] = EligibleAttendee(
            person=membership.person,
            voting_right=membership.voting_right or (known is not None and known.voting_right),
            faction=(known.faction if known is not None and known.faction else None) or membership.on_behalf_of,
        )
    return list(seats.values())


@dataclass(frozen=True)
class Voter:
    """A person who may vote on an item: a member with a vote, or a deputy in a member's place."""

    person_id: int
    faction_id: int | None


def present_for(attendance: Attendance, item: AgendaItem | None) -> bool:
    """Whether a present person was there for `item` (None: at any time), by arrival and departure."""
    if attendance.status != Attendance.Status.PRESENT:
        return False
    if item is None:
        return True
    if attendance.arrived_at is not None and attendance.arrived_at.order > item.order:
        return False
    return attendance.left_after is None or attendance.left_after.order >= item.order


def voters(meeting: Meeting, item: AgendaItem | None = None) -> list[Voter]:
    """Who could vote on `item` (or at the meeting at all), in three queries.

    A present member with a voting seat votes, unless they came after the item, left before
    it or were recused from it (Befangenheit); a deputy votes in place of the excused or
    absent member they stand in for, for that member's Fraktion.
    """
    seats = {attendee.person.pk: attendee for attendee in eligible_attendees(meeting)}
    recused = set(Recusal.objects.filter(agenda_item=item).values_list("person_id", flat=True)) if item else set()
    attendances = meeting.attendances.filter(status=Attendance.Status.PRESENT).select_related(
        "arrived_at", "left_after"
    )
    found = []
    for attendance in attendances:
        if not present_for(attendance, item) or attendance.person_id in recused:
            continue
        seat = seats.get(attendance.deputy_for_id or attendance.person_id)
        if seat is not None and seat.voting_right:
            found.append(Voter(person_id=attendance.person_id, faction_id=seat.faction.pk if seat.faction else None))
    return found


@dataclass(frozen=True)
class AttendanceRow:
    """One person with a seat and how they attended; `attendance` None when nothing was recorded."""

    person: Person
    faction: Organization | None
    attendance: Attendance | None


def attendance_rows(meeting: Meeting) -> tuple[list[AttendanceRow], list[AttendanceRow], list[AttendanceRow]]:
    """Who was present, excused and absent, by name, in two queries.

    Absent are the members with a vote who were not recorded present or excused, and anyone
    recorded as absent; a deputy or advisory member who did not come is not missed. A
    deputy counts for the Fraktion of the member they stand in for.
    """
    eligible = eligible_attendees(meeting)
    seats = {attendee.person.pk: attendee for attendee in eligible}
    recorded = {
        attendance.person_id: attendance
        for attendance in meeting.attendances.select_related("deputy_for", "arrived_at", "left_after")
    }
    present, excused, absent = [], [], []
    for attendee in eligible:
        attendance = recorded.get(attendee.person.pk)
        faction = attendee.faction
        if attendance is not None and attendance.deputy_for_id in seats:
            faction = seats[attendance.deputy_for_id].faction or faction
        row = AttendanceRow(person=attendee.person, faction=faction, attendance=attendance)
        status = attendance.status if attendance is not None else None
        if status == Attendance.Status.PRESENT:
            present.append(row)
        elif status == Attendance.Status.EXCUSED:
            excused.append(row)
        elif status == Attendance.Status.ABSENT or attendee.voting_right:
            absent.append(row)
    return present, excused, absent


def voting_members_present(meeting: Meeting, item: AgendaItem | None = None) -> int:
    """How many may vote: present members with a voting seat and deputies in a member's place (see `voters`)."""
    return len(voters(meeting, item))


def voting_members_present_without_faction(meeting: Meeting, item: AgendaItem | None = None) -> int:
    """How many of those sit for no Fraktion (e.g. the Oberbürgermeisterin)."""
    return sum(1 for voter in voters(meeting, item) if voter.faction_id is None)


# --- names, numbers and the chair ---------------------------------------------------
LEADING_NUMBER = re.compile(r"^\s*(\d{1,4})\.\s")


def meeting_name_suggestion(organization: Organization, number: int | None = None) -> str:
    """The usual name of a meeting of a Gremium, e.g. "12. Sitzung des Ausschusses für Soziales".

    Meeting names are data in the council's language, not interface text, so they are
    German and not translated. The head noun of a Gremium's name (…rat, …ausschuss,
    …beirat) takes the genitive "-es" after "des"; a name whose grammar is not known is put
    after a dash, which reads right for any name.
    """
    prefix = f"{number}. " if number else ""
    words = organization.name.split(" ")
    for index, word in enumerate(words):
        if word.lower().endswith(("ausschuss", "rat")):
            words[index] = f"{word}es"
            return f"{prefix}Sitzung des " + " ".join(words)
        if word.lower().endswith(("vertretung", "versammlung", "kommission", "konferenz")) and index == 0:
            return f"{prefix}Sitzung der {organization.name}"
    return f"{prefix}Sitzung – {organization.name}"


def _term_of(body: Body, day: datetime.date) -> LegislativeTerm | None:
    terms = LegislativeTerm.objects.filter(body=body, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return terms.order_by("-start_date").first()


def number_of(meeting: Meeting) -> int | None:
    """The meeting's running number: as stored, else as its name starts ("23. Sitzung …")."""
    if meeting.number:
        return meeting.number
    match = LEADING_NUMBER.match(meeting.name)
    return int(match.group(1)) if match else None


def next_meeting_number(organization: Organization, start: datetime.datetime) -> int:
    """The number the next meeting of `organization` takes: one more than the highest of its term.

    Counted within the Wahlperiode the meeting falls in, when the body records terms (each
    term starts again at 1), else over all the organization's meetings; meetings imported
    or written without a number count by the number their name starts with.
    """
    meetings = Meeting.objects.filter(organizations=organization).exclude(state=Meeting.State.CANCELLED)
    term = _term_of(organization.body, timezone.localdate(start))
    if term is not None:
        meetings = meetings.filter(start__date__gte=term.start_date)
        if term.end_date is not None:
            meetings = meetings.filter(start__date__lte=term.end_date)
    numbers = [number_of(meeting) or 0 for meeting in meetings.only("name", "number")]
    return max(numbers, default=0) + 1


def chair_of(meeting: Meeting) -> Person | None:
    """Who chairs the meeting: as the office recorded it, else the seat with a chair's role on its day."""
    if meeting.chair_id:
        return meeting.chair
    for membership in seat_memberships(meeting).select_related("person").order_by("pk"):
        if membership.role.startswith(CHAIR_ROLES):
            return membership.person
    return None
