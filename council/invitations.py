"""Invitations by mail, with proof: who was invited when, at which address, with which agenda.

`council.services.meeting_invite` writes one `InvitationDispatch` per person entitled to
attend (queued, with a Message-ID fixed in advance) and, after its transaction commits,
enqueues `council.tasks.invitations_mail`. That task renders the invitation PDFs once
(`invitations_prepare`; the PDF cache keeps them for the mails) and enqueues one
`invitation_mail` per dispatch, which mails the person the invitation PDF (with the
non-public part only if they are entitled to it) and an .ics of the meeting, and records
the outcome (`dispatch_send`).

The PDF comes from `settings.RATSBUCH_INVITATION_RENDERER` (resolutions renders it; council
does not import resolutions).
"""

import hashlib
import json
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.module_loading import import_string

from .mail import compose, new_message_id, site_url
from .meetings import eligible_attendees, notice_warning
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


def dispatches_create(*, meeting: Meeting, persons: list[Person] | None = None) -> list[InvitationDispatch]:
    """Write a queued dispatch for every person entitled to attend (or for `persons`); no mail yet.

    Call inside the invitation's transaction. Everyone with a seat in one of the meeting's
    organizations is entitled to the non-public part.
    """
    seated = {attendee.person.pk: attendee.person for attendee in eligible_attendees(meeting)}
    recipients = persons if persons is not None else list(seated.values())
    snapshot = agenda_snapshot(meeting)
    version = agenda_version(snapshot)
    dispatches = [
        InvitationDispatch(
            meeting=meeting,
            person=person,
            recipient_name=person.name,
            address=person.email,
            insider=person.pk in seated,
            agenda_version=version,
            agenda=snapshot,
            message_id=new_message_id(),
        )
        for person in recipients
    ]
    return InvitationDispatch.objects.bulk_create(dispatches)


def invitations_prepare(*, meeting_id: int) -> list[int]:
    """Render the PDFs the queued dispatches need (filling the PDF cache); return their ids."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    queued = InvitationDispatch.objects.filter(meeting=meeting, state=InvitationDispatch.State.QUEUED)
    render = import_string(settings.RATSBUCH_INVITATION_RENDERER)
    for insider in sorted(set(queued.values_list("insider", flat=True))):
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
    pdf = import_string(settings.RATSBUCH_INVITATION_RENDERER)(meeting=meeting, insider=dispatch.insider)
    context = {
        "meeting": meeting,
        "dispatch": dispatch,
        "organizations": list(meeting.organizations.all()),
        "meeting_url": site_url(meeting.get_absolute_url()),
        "late": notice_warning(meeting, meeting.invited_at or timezone.now()) is not None,
    }
    message = compose(
        to=dispatch.address,
        template="invitation",
        context=context,
        body=meeting.body,
        message_id=dispatch.message_id,
        attachments=(
            (f"Einladung-{meeting.pk}.pdf", pdf, "application/pdf"),
            (f"Sitzung-{meeting.pk}.ics", meeting_ics(meeting), "text/calendar"),
        ),
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
