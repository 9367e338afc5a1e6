"""Writes on meetings: planning, invitation, holding, cancelling, and the attendance.

Every function is keyword-only, annotated, runs in one transaction, locks the meeting row
and validates before it saves; error messages are module constants that the tests reuse.
Who may move a meeting from where to where is the table in `council.meetings`; its
messages are the ones for wrong states and roles. The agenda and the decisions are
written by `resolutions.services` (they touch Vorlagen, which this app does not know).
"""

import datetime
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import invitations
from .collation import german
from .meetings import (
    MEETING_ROLE_ERROR,
    MeetingTransition,
    display_day,
    display_time,
    eligible_attendees,
    ensure_meeting_transition,
    meeting_day,
    meeting_name_suggestion,
    next_meeting_number,
    number_of,
)
from .models import (
    AccessibilityFeedback,
    AgendaItem,
    Attendance,
    Body,
    InvitationDispatch,
    Location,
    Meeting,
    Organization,
    Person,
)
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
MEETING_IN_PAST_ERROR = _(
    "A meeting is planned for a time still to come; this one would already have started. History of past meetings "
    "is brought in by the import, not planned."
)
CHAIR_OTHER_BODY_ERROR = _("%(person)s belongs to another municipality; choose the chair among %(body)s's people.")
DEPUTY_NOT_PRESENT_ERROR = _("%(person)s is named as deputy for %(member)s but not recorded as present.")
DEPUTY_FOR_NON_VOTER_ERROR = _(
    "%(person)s cannot stand in for %(member)s: a deputy takes the place of a member with a vote in this meeting."
)
DEPUTY_FOR_PRESENT_ERROR = _(
    "%(person)s cannot stand in for %(member)s, who is recorded as present; mark %(member)s as excused or absent."
)
DEPUTY_TWICE_ERROR = _("%(member)s has more than one deputy; one person stands in for a member.")
DEPUTY_HAS_VOTE_ERROR = _("%(person)s has a vote of their own in this meeting and cannot also stand in for %(member)s.")
TIMES_OF_ABSENT_ERROR = _("%(person)s is given an arrival or departure but is not recorded as present.")
ITEM_OF_OTHER_MEETING_ERROR = _("The arrival or departure of %(person)s names an item of another meeting.")
LEFT_BEFORE_ARRIVAL_ERROR = _(
    "%(person)s cannot leave after item %(last)s before arriving at item %(first)s; check both items."
)
SUPPLEMENT_STATE_ERROR = _("This meeting is “%(state)s”; a Nachtrag goes out only for an invited meeting.")
SUPPLEMENT_UNCHANGED_ERROR = _("The agenda has not changed since it was mailed; there is nothing for a Nachtrag.")
RETRY_STATE_ERROR = _("This meeting is “%(state)s”; failed invitations are sent again only for an invited meeting.")
NOT_EDITABLE_MEETING_FIELD_ERROR = "These fields of a meeting are not edited through this service: %s"

# What the office edits on a planned meeting; the state and the invitation time move only
# through the transitions.
MEETING_EDITABLE_FIELDS = frozenset({"name", "organizations", "start", "end", "location", "chair", "notice_reason"})


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
    if meeting.chair is not None and meeting.chair.body_id != meeting.body_id:
        raise ValidationError(
            {
                "chair": ValidationError(
                    CHAIR_OTHER_BODY_ERROR,
                    code="other_body",
                    params={"person": meeting.chair.name, "body": meeting.body.name},
                )
            }
        )
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
    organizations: Sequence[Organization],
    start: datetime.datetime,
    name: str = "",
    end: datetime.datetime | None = None,
    location: Location | None = None,
    chair: Person | None = None,
    notice_reason: str = "",
) -> Meeting:
    """Plan a meeting of one or more Gremien of the body, from now on.

    It takes the next meeting number of its first Gremium, and without a `name` the name
    made from it ("12. Sitzung des Stadtrates"). A meeting in the past is refused: history
    comes in through the importer, not through planning.
    """
    _ensure_office(by)
    organizations = list(dict.fromkeys(organizations))
    _check_organizations(body, organizations)
    if start is not None and start < timezone.now():
        raise ValidationError({"start": ValidationError(MEETING_IN_PAST_ERROR, code="in_past")})
    number = next_meeting_number(organizations[0], start)
    name = name.strip() or meeting_name_suggestion(organizations[0], number)
    meeting = Meeting(
        body=body,
        name=name,
        number=number,
        start=start,
        end=end,
        location=location,
        chair=chair,
        notice_reason=notice_reason.strip(),
    )
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
    if "name" in changes and not changes["name"].strip():
        # An emptied name is made again from the (first) Gremium and the meeting's number.
        first = (organizations or list(locked.organizations.order_by("pk")))[0]
        changes["name"] = meeting_name_suggestion(first, locked.number or number_of(locked))
    for field, value in changes.items():
        setattr(locked, field, value.strip() if field in ("name", "notice_reason") else value)
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
    notice_reason: str | None = None,
    mail: bool = True,
    deputies: bool = True,
) -> Meeting:
    """Send the invitations (now, or record them as sent at `at`), with the reason for short notice if given.

    With `mail`, every person entitled to attend gets the invitation by mail: one dispatch
    per person is recorded here, and the mails go out in a task once the transaction has
    committed (`council.invitations`); the deputies (stellvertretende Mitglieder) too unless
    `deputies` is False. Without `mail` only the invitation time is recorded (an invitation
    sent outside Ratsbuch, or imported).
    A late invitation is not refused: the view asks `council.meetings.notice_warning`, shows
    its warning and asks for the reason, which the invitation then states.
    """
    locked = _lock(meeting)
    transition = ensure_meeting_transition(locked, "invite", by=by)
    locked.invited_at = at or timezone.now()
    fields = ["invited_at"]
    if notice_reason is not None and notice_reason.strip():
        locked.notice_reason = notice_reason.strip()
        fields.append("notice_reason")
    moved = _move(locked, transition, update_fields=fields)
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
    *,
    meeting: Meeting,
    by: AbstractBaseUser,
    present: Sequence[Person],
    excused: Sequence[Person] = (),
    deputies: Mapping[Person, Person] | None = None,
    arrivals: Mapping[Person, AgendaItem] | None = None,
    departures: Mapping[Person, AgendaItem] | None = None,
) -> list[Attendance]:
    """Replace the meeting's attendance: who was present, who excused, everyone else absent.

    Everyone listed must hold a seat in one of the meeting's organizations on its day
    (deputies hold a deputy's seat); guests (administration, press) are not part of the
    attendance. `deputies` maps a present deputy to the member with a vote they stand in for,
    who is then neither present nor represented twice. `arrivals` and `departures` map a
    present person to the first and the last item they were there for.
    """
    deputies, arrivals, departures = dict(deputies or {}), dict(arrivals or {}), dict(departures or {})
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
    seats = {attendee.person.pk: attendee for attendee in eligible_attendees(locked)}
    organizations = ", ".join(locked.organizations.order_by(german("name")).values_list("name", flat=True))
    day = display_day(meeting_day(locked))
    errors += [
        ValidationError(
            NOT_A_MEMBER_ERROR,
            code="not_a_member",
            params={"person": person.name, "organizations": organizations, "day": day},
        )
        for person in (*present, *excused)
        if person.pk not in seats
    ]
    errors += _deputy_errors(deputies, present, seats)
    errors += _presence_errors(locked, present, arrivals, departures)
    if errors:
        raise ValidationError(errors)
    locked.attendances.all().delete()
    attendances = [
        Attendance(
            meeting=locked,
            person=person,
            status=Attendance.Status.PRESENT,
            deputy_for=deputies.get(person),
            arrived_at=arrivals.get(person),
            left_after=departures.get(person),
        )
        for person in present
    ]
    attendances += [Attendance(meeting=locked, person=person, status=Attendance.Status.EXCUSED) for person in excused]
    for attendance in attendances:
        attendance.full_clean(validate_unique=False, validate_constraints=False)
        attendance.save()
    return attendances


def _deputy_errors(deputies: dict[Person, Person], present: list[Person], seats: dict) -> list[ValidationError]:
    errors, represented = [], set()
    for deputy, member in deputies.items():
        params = {"person": deputy.name, "member": member.name}
        seat = seats.get(member.pk)
        if deputy not in present:
            errors.append(ValidationError(DEPUTY_NOT_PRESENT_ERROR, code="deputy_not_present", params=params))
        elif seat is None or not seat.voting_right:
            errors.append(ValidationError(DEPUTY_FOR_NON_VOTER_ERROR, code="not_a_voter", params=params))
        elif member in present:
            errors.append(ValidationError(DEPUTY_FOR_PRESENT_ERROR, code="member_present", params=params))
        elif member.pk in represented:
            errors.append(ValidationError(DEPUTY_TWICE_ERROR, code="deputy_twice", params=params))
        elif deputy.pk in seats and seats[deputy.pk].voting_right:
            errors.append(ValidationError(DEPUTY_HAS_VOTE_ERROR, code="deputy_has_vote", params=params))
        represented.add(member.pk)
    return errors


def _presence_errors(meeting: Meeting, present, arrivals: dict, departures: dict) -> list[ValidationError]:
    errors = []
    for person in {*arrivals, *departures}:
        first, last = arrivals.get(person), departures.get(person)
        params = {"person": person.name}
        if person not in present:
            errors.append(ValidationError(TIMES_OF_ABSENT_ERROR, code="not_present", params=params))
        elif any(item.meeting_id != meeting.pk for item in (first, last) if item is not None):
            errors.append(ValidationError(ITEM_OF_OTHER_MEETING_ERROR, code="other_meeting", params=params))
        elif first is not None and last is not None and last.order < first.order:
            params |= {"first": first.number, "last": last.number}
            errors.append(ValidationError(LEFT_BEFORE_ARRIVAL_ERROR, code="left_before_arrival", params=params))
    return errors


def accessibility_feedback_submit(
    *, message: str, page: str = "", name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Keep a report of a barrier for the council office (anyone may send one)."""
    feedback = AccessibilityFeedback(message=message.strip(), page=page.strip(), name=name.strip(), email=email)
    feedback.full_clean()
    feedback.save()
    return feedback
