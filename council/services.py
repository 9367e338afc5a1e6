"""Writes on meetings: planning, invitation, holding, cancelling, and the attendance.

Every function is keyword-only, annotated, runs in one transaction, locks the meeting row
and validates before it saves; error messages are module constants that the tests reuse.
Who may move a meeting from where to where is the table in `council.meetings`; its
messages are the ones for wrong states and roles. The agenda and the decisions are
written by `resolutions.services` (they touch Vorlagen, which this app does not know).
"""

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import invitations
from .meetings import (
    MEETING_ROLE_ERROR,
    MeetingTransition,
    display_day,
    display_time,
    ensure_meeting_transition,
    meeting_day,
    seat_memberships,
)
from .models import Attendance, Body, InvitationDispatch, Location, Meeting, Organization, Person
from .roles import actor_for

MEETING_END_BEFORE_START_ERROR = _("The meeting cannot end before it starts; check the end time.")
NO_ORGANIZATIONS_ERROR = _("Choose at least one committee or council (Gremium) that meets.")
MEETING_ORGANIZATION_ERROR = _(
    "%(organization)s is not a committee or council (Gremium) of %(body)s; only a Gremium of the body meets."
)
LOCATION_OTHER_BODY_ERROR = _("%(location)s is a place of another municipality; choose a place of %(body)s.")
NOT_A_MEMBER_ERROR = _(
    "%(person)s has no seat in %(organizations)s on %(day)s; only members of the meeting's organizations are recorded "
    "as present or excused."
)
ATTENDANCE_TWICE_ERROR = _("%(person)s is listed as both present and excused; choose one.")
ATTENDANCE_TOO_EARLY_ERROR = _(
    "The attendance is recorded once the meeting has started; this meeting starts on %(start)s."
)
ATTENDANCE_CANCELLED_ERROR = _("This meeting was cancelled; nobody attended it.")
SUPPLEMENT_STATE_ERROR = _("This meeting is “%(state)s”; a Nachtrag goes out only for an invited meeting.")
SUPPLEMENT_UNCHANGED_ERROR = _("The agenda has not changed since it was mailed; there is nothing for a Nachtrag.")
RETRY_STATE_ERROR = _("This meeting is “%(state)s”; failed invitations are sent again only for an invited meeting.")
NOT_EDITABLE_MEETING_FIELD_ERROR = "These fields of a meeting are not edited through this service: %s"

# What the office edits on a planned meeting; the state and the invitation time move only
# through the transitions.
MEETING_EDITABLE_FIELDS = frozenset({"name", "organizations", "start", "end", "location"})


def _lock(meeting: Meeting) -> Meeting:
    """Take the meeting's row lock (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock)."""
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


def _ensure_office(by) -> None:
    if not actor_for(by).is_office:
        raise ValidationError(MEETING_ROLE_ERROR, code="not_allowed")


def _check_organizations(body: Body, organizations: Sequence[Organization]) -> None:
    if not organizations:
        raise ValidationError({"organizations": ValidationError(NO_ORGANIZATIONS_ERROR, code="no_organizations")})
    errors = [
        ValidationError(
            MEETING_ORGANIZATION_ERROR,
            code="not_a_committee",
            params={"organization": organization.name, "body": body.name},
        )
        for organization in organizations
        if organization.body_id != body.pk or organization.organization_type != Organization.Type.COMMITTEE
    ]
    if errors:
        raise ValidationError({"organizations": errors})


def _check_times_and_place(meeting: Meeting) -> None:
    # Before full_clean: the database constraint would say the same in words nobody reads.
    if meeting.end is not None and meeting.start is not None and meeting.end < meeting.start:
        raise ValidationError({"end": ValidationError(MEETING_END_BEFORE_START_ERROR, code="end_before_start")})
    if meeting.location is not None and meeting.location.body_id != meeting.body_id:
        raise ValidationError(
            {
                "location": ValidationError(
                    LOCATION_OTHER_BODY_ERROR,
                    code="other_body",
                    params={"location": meeting.location.description, "body": meeting.body.name},
                )
            }
        )


@transaction.atomic
def meeting_create(
    *,
    by: AbstractBaseUser,
    body: Body,
    name: str,
    organizations: Sequence[Organization],
    start: datetime.datetime,
    end: datetime.datetime | None = None,
    location: Location | None = None,
) -> Meeting:
    """Plan a meeting of one or more Gremien of the body."""
    _ensure_office(by)
    organizations = list(dict.fromkeys(organizations))
    _check_organizations(body, organizations)
    meeting = Meeting(body=body, name=name, start=start, end=end, location=location)
    _check_times_and_place(meeting)
    meeting.full_clean()
    meeting.save()
    meeting.organizations.set(organizations)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: AbstractBaseUser, **changes) -> Meeting:
    """Change a planned meeting: its name, organizations, start, end or place.

    A new start on an invited meeting sends it back to scheduled, so that a fresh invitation
    (with its own Ladungsfrist) goes out. Removing an organization does not touch the agenda:
    the office takes that organization's Vorlagen off the agenda first.
    """
    if unknown := set(changes) - MEETING_EDITABLE_FIELDS:
        raise TypeError(NOT_EDITABLE_MEETING_FIELD_ERROR % ", ".join(sorted(unknown)))
    locked = _lock(meeting)
    rescheduled = "start" in changes and changes["start"] != locked.start
    transition = ensure_meeting_transition(locked, "reschedule" if rescheduled else "update", by=by)
    organizations = changes.pop("organizations", None)
    if organizations is not None:
        organizations = list(dict.fromkeys(organizations))
        _check_organizations(locked.body, organizations)
    for field, value in changes.items():
        setattr(locked, field, value)
    if transition.target is not None and locked.state != transition.target:
        locked.state = transition.target
        locked.invited_at = None
    _check_times_and_place(locked)
    locked.full_clean()
    locked.save()
    if organizations is not None:
        locked.organizations.set(organizations)
    return locked


def _move(meeting: Meeting, transition: MeetingTransition, *, update_fields=()) -> Meeting:
    meeting.state = transition.target
    meeting.full_clean()
    meeting.save(update_fields=["state", "modified", *update_fields])
    return meeting


@transaction.atomic
def meeting_invite(
    *,
    meeting: Meeting,
    by: AbstractBaseUser,
    at: datetime.datetime | None = None,
    mail: bool = True,
    deputies: bool = True,
) -> Meeting:
    """Send the invitations (now, or record them as sent at `at`).

    With `mail`, every person entitled to attend gets the invitation by mail: one dispatch
    per person is recorded here, and the mails go out in a task once the transaction has
    committed (`council.invitations`); the deputies (stellvertretende Mitglieder) too unless
    `deputies` is False. Without `mail` only the invitation time is recorded (an invitation
    sent outside Ratsbuch, or imported).
    A late invitation is not refused: the view asks `council.meetings.notice_warning` and
    shows its warning.
    """
    locked = _lock(meeting)
    transition = ensure_meeting_transition(locked, "invite", by=by)
    locked.invited_at = at or timezone.now()
    moved = _move(locked, transition, update_fields=["invited_at"])
    if mail:
        invitations.dispatches_create(meeting=moved, deputies=deputies)
        invitations.invitations_enqueue(moved)
    return moved


@transaction.atomic
def meeting_supplement(*, meeting: Meeting, by: AbstractBaseUser) -> list:
    """Mail a Nachtrag with the changes of the agenda since the invitation to everyone entitled."""
    locked = _lock(meeting)
    _ensure_office(by)
    if locked.state != Meeting.State.INVITED:
        raise ValidationError(SUPPLEMENT_STATE_ERROR, code="wrong_state", params={"state": locked.get_state_display()})
    record = invitations.dispatch_record(locked)
    if record is None or not record.agenda_changed:
        raise ValidationError(SUPPLEMENT_UNCHANGED_ERROR, code="unchanged")
    dispatches = invitations.dispatches_create(meeting=locked, kind=InvitationDispatch.Kind.SUPPLEMENT)
    invitations.invitations_enqueue(locked)
    return dispatches


@transaction.atomic
def meeting_dispatches_retry(*, meeting: Meeting, by: AbstractBaseUser) -> int:
    """Queue the failed invitations of a meeting again, to the persons' current addresses.

    For the office after it corrected an address or the mail server is back; each keeps its
    Message-ID and agenda, so it is the same invitation, not a new one. Returns how many.
    """
    locked = _lock(meeting)
    _ensure_office(by)
    if locked.state != Meeting.State.INVITED:
        raise ValidationError(RETRY_STATE_ERROR, code="wrong_state", params={"state": locked.get_state_display()})
    failed = list(
        InvitationDispatch.objects.filter(meeting=locked, state=InvitationDispatch.State.FAILED).select_related(
            "person"
        )
    )
    for dispatch in failed:
        dispatch.address = dispatch.person.email if dispatch.person else dispatch.address
        dispatch.state, dispatch.attempts, dispatch.error = InvitationDispatch.State.QUEUED, 0, ""
        dispatch.save(update_fields=["address", "state", "attempts", "error", "modified"])
    if failed:
        invitations.invitations_enqueue(locked)
    return len(failed)


@transaction.atomic
def meeting_hold(*, meeting: Meeting, by: AbstractBaseUser) -> Meeting:
    """Mark a meeting as held, from its start on; results can then be recorded."""
    locked = _lock(meeting)
    transition = ensure_meeting_transition(locked, "hold", by=by)
    return _move(locked, transition)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: AbstractBaseUser) -> Meeting:
    """Cancel a meeting that has not been held.

    Its agenda stays as it was printed; the Vorlagen on it count as not scheduled any more
    (see `resolutions.queries.open_agenda_items`) and return to the office's pool.
    """
    locked = _lock(meeting)
    transition = ensure_meeting_transition(locked, "cancel", by=by)
    return _move(locked, transition)


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, by: AbstractBaseUser, present: Sequence[Person], excused: Sequence[Person] = ()
) -> list[Attendance]:
    """Replace the meeting's attendance by who was present and who excused themselves.

    Everyone listed must hold a seat in one of the meeting's organizations on its day;
    guests (administration, press) are not part of the attendance.
    """
    locked = _lock(meeting)
    _ensure_office(by)
    if locked.state == Meeting.State.CANCELLED:
        raise ValidationError(ATTENDANCE_CANCELLED_ERROR, code="cancelled")
    if locked.state != Meeting.State.HELD and locked.start > timezone.now():
        raise ValidationError(
            ATTENDANCE_TOO_EARLY_ERROR,
            code="too_early",
            params={"start": display_time(locked.start)},
        )
    present, excused = list(dict.fromkeys(present)), list(dict.fromkeys(excused))
    errors = [
        ValidationError(ATTENDANCE_TWICE_ERROR, code="attendance_twice", params={"person": person.name})
        for person in present
        if person in excused
    ]
    seated = set(seat_memberships(locked).values_list("person_id", flat=True))
    organizations = ", ".join(locked.organizations.order_by("name").values_list("name", flat=True))
    day = display_day(meeting_day(locked))
    errors += [
        ValidationError(
            NOT_A_MEMBER_ERROR,
            code="not_a_member",
            params={"person": person.name, "organizations": organizations, "day": day},
        )
        for person in (*present, *excused)
        if person.pk not in seated
    ]
    if errors:
        raise ValidationError(errors)
    locked.attendances.all().delete()
    attendances = [Attendance(meeting=locked, person=person, status=Attendance.Status.PRESENT) for person in present]
    attendances += [Attendance(meeting=locked, person=person, status=Attendance.Status.EXCUSED) for person in excused]
    for attendance in attendances:
        attendance.full_clean(validate_unique=False, validate_constraints=False)
        attendance.save()
    return attendances
