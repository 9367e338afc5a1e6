"""Invitations by mail, with proof: who was invited when, at which address, with which agenda.

`council.services.meeting_invite` writes one `InvitationDispatch` per person entitled to
attend (queued, with a Message-ID fixed in advance) and, after its transaction commits,
enqueues `council.tasks.invitations_mail`. That task renders the invitation PDFs once
(`invitations_prepare`; the PDF cache keeps them for the mails) and enqueues one
`invitation_mail` per dispatch, which mails the person the invitation PDF (with the
non-public part only if they are entitled to it) and an .ics of the meeting, and records
the outcome (`dispatch_send`).

The same dispatches carry the finalised Niederschrift to the members (kind "minutes",
written by `resolutions.services.minutes_mail`): the mail attaches the stored minutes (the
full version to those entitled to the non-public part, else the public one) instead of the
invitation and the .ics.

The PDFs come from `settings.RATSBUCH_INVITATION_RENDERER` and `RATSBUCH_MINUTES_PDF`
(resolutions renders and stores them; council does not import resolutions).
"""

import datetime
import hashlib
import json
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.module_loading import import_string

from .mail import compose, new_message_id, site_url
from .meetings import eligible_attendees, invitation_deadline, notice_warning, seat_memberships
from .models import AgendaItem, InvitationDispatch, Meeting, Person

logger = logging.getLogger(__name__)

NO_ADDRESS_ERROR = "No e-mail address is known for this person."


def agenda_snapshot(meeting: Meeting) -> list[dict]:
    """The whole agenda (non-public items included) as it goes out: number, name, public."""
    return [
        {"number": item.number, "name": item.name, "public": item.public}
        for item in AgendaItem.objects.filter(meeting=meeting).order_by("order")
    ]


def agenda_version(snapshot: list[dict]) -> str:
    """A short fingerprint of an agenda snapshot: equal agendas, equal versions."""
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:12]


# A deputy (stellvertretendes Mitglied) holds a seat without a vote that stands in for a
# member; whether deputies are invited too is the office's choice. A deputy chair votes and is
# a member. Matched in lower case, as `council.queries.DEPUTY_ROLE_PARTS`.
DEPUTY_ROLE_PART = "stellv"


def deputy_ids(meeting: Meeting) -> set[int]:
    """The persons whose only seats in the meeting's organizations are deputies' seats."""
    seats: dict[int, bool] = {}
    for person_id, voting_right, role in seat_memberships(meeting).values_list("person_id", "voting_right", "role"):
        deputy = not voting_right and DEPUTY_ROLE_PART in role.lower()
        seats[person_id] = seats.get(person_id, True) and deputy
    return {person_id for person_id, deputy in seats.items() if deputy}


def dispatches_create(
    *,
    meeting: Meeting,
    persons: list[Person] | None = None,
    kind: str = InvitationDispatch.Kind.INVITATION,
    deputies: bool = True,
) -> list[InvitationDispatch]:
    """Write a queued dispatch for every person entitled to attend (or for `persons`); no mail yet.

    Call inside the invitation's transaction. Everyone with a seat in one of the meeting's
    organizations is entitled to the non-public part; without `deputies`, those who only
    hold deputies' seats are left out.
    """
    seated = {attendee.person.pk: attendee.person for attendee in eligible_attendees(meeting)}
    recipients = persons if persons is not None else list(seated.values())
    if not deputies:
        left_out = deputy_ids(meeting)
        recipients = [person for person in recipients if person.pk not in left_out]
    snapshot = agenda_snapshot(meeting)
    version = agenda_version(snapshot)
    dispatches = [
        InvitationDispatch(
            meeting=meeting,
            person=person,
            recipient_name=person.name,
            address=person.email,
            insider=person.pk in seated,
            kind=kind,
            agenda_version=version,
            agenda=snapshot,
            message_id=new_message_id(),
        )
        for person in recipients
    ]
    return InvitationDispatch.objects.bulk_create(dispatches)


def invitations_prepare(*, meeting_id: int) -> list[int]:
    """Render the invitation PDFs the queued dispatches need (filling the PDF cache); return the ids of all queued."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    queued = InvitationDispatch.objects.filter(meeting=meeting, state=InvitationDispatch.State.QUEUED)
    render = import_string(settings.RATSBUCH_INVITATION_RENDERER)
    # The minutes are stored already; only invitations and Nachträge are rendered here.
    invitations = queued.exclude(kind=InvitationDispatch.Kind.MINUTES)
    for insider in sorted(set(invitations.values_list("insider", flat=True))):
        render(meeting=meeting, insider=insider)
    return list(queued.order_by("pk").values_list("pk", flat=True))


def meeting_ics(meeting: Meeting) -> bytes:
    """The meeting as an iCalendar file for the invitation mail (its public agenda as description)."""
    import icalendar

    from council.views.meetings import ICAL_PRODID, _ical_event

    meeting.public_agenda = list(meeting.agenda_items.public().order_by("order"))
    calendar = icalendar.Calendar()
    calendar.add("prodid", ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_ical_event(meeting, site_url(meeting.get_absolute_url())))
    return calendar.to_ical()


@dataclass(frozen=True)
class AgendaChange:
    """One difference between the agenda as mailed before and as mailed now."""

    change: str  # "added", "removed" or "renamed"
    number: str
    name: str
    public: bool


def agenda_changes(dispatch: InvitationDispatch) -> list[AgendaChange]:
    """What changed since the agenda last mailed for the meeting, as the recipient may see it.

    Items are matched by number. A recipient without the non-public part never hears of a
    non-public item, not even that one was removed.
    """
    before = (
        InvitationDispatch.objects.filter(meeting_id=dispatch.meeting_id, created__lt=dispatch.created)
        .exclude(agenda_version=dispatch.agenda_version)
        .order_by("-created", "-pk")
        .values_list("agenda", flat=True)
        .first()
    ) or []
    old = {item["number"]: item for item in before}
    new = {item["number"]: item for item in dispatch.agenda}
    changes = [AgendaChange("added", n, item["name"], item["public"]) for n, item in new.items() if n not in old]
    changes += [
        AgendaChange("renamed", n, item["name"], item["public"])
        for n, item in new.items()
        if n in old and (item["name"], item["public"]) != (old[n]["name"], old[n]["public"])
    ]
    changes += [AgendaChange("removed", n, item["name"], item["public"]) for n, item in old.items() if n not in new]
    if not dispatch.insider:
        changes = [change for change in changes if change.public]
    return changes


# The PDFs of the mailing a worker is sending: every member of one mailing gets the same
# document, rendered (and cached in storage) once by `invitations_prepare`; keeping the last
# few here spares each of the sixty tasks the template and its queries.
_PDFS: dict[tuple, bytes] = {}
_PDFS_KEPT = 4


def _invitation_pdf(meeting: Meeting, dispatch: InvitationDispatch) -> bytes:
    key = (meeting.pk, dispatch.insider, dispatch.agenda_version, meeting.invited_at, meeting.modified)
    if key not in _PDFS:
        while len(_PDFS) >= _PDFS_KEPT:
            _PDFS.pop(next(iter(_PDFS)))
        _PDFS[key] = import_string(settings.RATSBUCH_INVITATION_RENDERER)(meeting=meeting, insider=dispatch.insider)
    return _PDFS[key]


def _record(dispatch_id: int, **fields) -> None:
    InvitationDispatch.objects.filter(pk=dispatch_id).update(modified=timezone.now(), **fields)


def dispatch_send(*, dispatch_id: int, attempt: int = 1) -> str:
    """Mail one dispatch and record it: "sent", "failed" (for good), "skipped" (done before) or "retry".

    Idempotent: a dispatch already sent is left alone, and a repeat after a crash goes out
    with the same Message-ID, which mail programs show once.
    """
    dispatch = (
        InvitationDispatch.objects.select_related("meeting__body", "person")
        .prefetch_related(Prefetch("meeting__organizations"))
        .filter(pk=dispatch_id)
        .first()
    )
    if dispatch is None or dispatch.state == InvitationDispatch.State.SENT:
        return "skipped"
    if not dispatch.address:
        _record(dispatch_id, state=InvitationDispatch.State.FAILED, error=NO_ADDRESS_ERROR, attempts=attempt)
        return "failed"
    meeting = dispatch.meeting
    supplement = dispatch.kind == InvitationDispatch.Kind.SUPPLEMENT
    context = {
        "meeting": meeting,
        "dispatch": dispatch,
        "changes": agenda_changes(dispatch) if supplement else [],
        "organizations": list(meeting.organizations.all()),
        "meeting_url": site_url(meeting.get_absolute_url()),
        "late": notice_warning(meeting, meeting.invited_at or timezone.now()) is not None,
    }
    if dispatch.kind == InvitationDispatch.Kind.MINUTES:
        try:
            pdf = import_string(settings.RATSBUCH_MINUTES_PDF)(meeting=meeting, insider=dispatch.insider)
        except LookupError as error:
            # Not stored yet (still rendering) or unreadable: try again later.
            _record(dispatch_id, error=str(error)[:2000], attempts=attempt)
            return "retry"
        template = "minutes"
        attachments = ((f"Niederschrift-{meeting.pk}.pdf", pdf, "application/pdf"),)
    else:
        template = "supplement" if supplement else "invitation"
        attachments = (
            (f"Einladung-{meeting.pk}.pdf", _invitation_pdf(meeting, dispatch), "application/pdf"),
            (f"Sitzung-{meeting.pk}.ics", meeting_ics(meeting), "text/calendar"),
        )
    message = compose(
        to=dispatch.address,
        template=template,
        context=context,
        body=meeting.body,
        message_id=dispatch.message_id,
        attachments=attachments,
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        # The address itself is wrong: trying again will not help.
        _record(dispatch_id, state=InvitationDispatch.State.FAILED, error=str(error)[:2000], attempts=attempt)
        return "failed"
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Invitation %s, attempt %s: %s", dispatch_id, attempt, error)
        _record(dispatch_id, error=str(error)[:2000], attempts=attempt)
        return "retry"
    _record(dispatch_id, state=InvitationDispatch.State.SENT, sent_at=timezone.now(), error="", attempts=attempt)
    return "sent"


def dispatch_fail(*, dispatch_id: int) -> None:
    """Mark a dispatch as failed for good once its attempts are used up."""
    _record(dispatch_id, state=InvitationDispatch.State.FAILED)


def invitations_enqueue(meeting: Meeting) -> None:
    """Enqueue the mailing of the meeting's queued dispatches once the current transaction commits."""
    from .tasks import invitations_mail

    meeting_id = meeting.pk
    transaction.on_commit(lambda: invitations_mail.enqueue(meeting_id))


# --- the record the office sees ---------------------------------------------------------
@dataclass(frozen=True)
class DispatchRecord:
    """The dispatches of a meeting for its page: every row, and who was not reached in time."""

    dispatches: list[InvitationDispatch]
    not_in_time: list[InvitationDispatch]
    deadline: datetime.datetime
    agenda_changed: bool
    may_retry: bool = False  # failed invitations the office can send again

    @property
    def sent(self) -> int:
        return sum(1 for d in self.dispatches if d.state == InvitationDispatch.State.SENT)


def dispatch_record(meeting: Meeting) -> DispatchRecord | None:
    """What the meeting page shows the office about the mailed invitations; None before any."""
    dispatches = list(meeting.dispatches.order_by("created", "recipient_name", "pk"))
    if not dispatches:
        return None
    deadline = invitation_deadline(meeting)
    # Who got no invitation before the Ladungsfrist ended: failed, still queued, or sent late.
    invited = [d for d in dispatches if d.kind == InvitationDispatch.Kind.INVITATION]
    now = timezone.now()
    not_in_time = [
        d
        for d in invited
        if d.state == InvitationDispatch.State.FAILED
        or (d.state == InvitationDispatch.State.QUEUED and now > deadline)
        or (d.sent_at is not None and d.sent_at > deadline)
    ]
    latest = dispatches[-1].agenda_version
    changed = meeting.state == Meeting.State.INVITED and agenda_version(agenda_snapshot(meeting)) != latest
    failed = meeting.state == Meeting.State.INVITED and any(
        d.state == InvitationDispatch.State.FAILED for d in dispatches
    )
    return DispatchRecord(
        dispatches=dispatches, not_in_time=not_in_time, deadline=deadline, agenda_changed=changed, may_retry=failed
    )
