"""The council office's work on meetings: plan, change, invite, hold, cancel, attendance.

Who may: every page here is the council office's (administrators count). Not logged in:
the login page; logged in without the role: 403; an unknown meeting: 404. Whether a
meeting may move is the answer of `council.meetings.MEETING_TRANSITIONS`; the views ask it
only to decide what to show, and leave the decision to the one service of each step.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from council import services
from council.forms import NAME_SUGGESTIONS_ID, AttendanceForm, MeetingForm
from council.invitations import deputy_ids, dispatch_record
from council.meetings import (
    allowed_meeting_transitions,
    display_time,
    eligible_attendees,
    get_meeting_transition,
    meeting_transition_refusal,
    notice_warning,
)
from council.models import Attendance, Body, InvitationDispatch, Meeting
from council.roles import actor_for, office_required

NO_BODY_MESSAGE = _("No municipality has been set up yet; an administrator adds it first.")
MEETING_CREATED_MESSAGE = _("The meeting “%(meeting)s” was planned.")
MEETING_UPDATED_MESSAGE = _("The meeting “%(meeting)s” was saved.")
MEETING_RESCHEDULED_MESSAGE = _(
    "The start of “%(meeting)s” changed after the invitations went out: it is “scheduled” again; send the "
    "invitations anew."
)
ATTENDANCE_SAVED_MESSAGE = _("Attendance of “%(meeting)s” recorded: %(present)d present, %(excused)d excused.")

# The steps a meeting takes through its own confirmation page; "update" and "reschedule"
# are rows of the same table, taken through the edit form.
TRANSITION_SERVICES = {
    "invite": services.meeting_invite,
    "hold": services.meeting_hold,
    "cancel": services.meeting_cancel,
}
TRANSITION_DESCRIPTIONS = {
    "invite": _(
        "Mails the invitation with the agenda (PDF) and the appointment (.ics) to every member of the meeting's "
        "organizations now, and records each dispatch. If the start changes afterwards, the meeting goes back to "
        "“scheduled” and is invited again."
    ),
    "hold": _(
        "Marks the meeting as held. Its agenda can then no longer be changed; the attendance, the results and the "
        "votes are recorded on it."
    ),
    "cancel": _(
        "Cancels the meeting. Its agenda stays as it was printed; the Vorlagen on it go back to the office's pool "
        "for another meeting. This cannot be undone."
    ),
}
TRANSITION_SUCCESS_MESSAGES = {
    "invite": _(
        "The invitations to “%(meeting)s” went out on %(moment)s; the mails are sent in the background, "
        "the dispatch record on this page shows who has received one."
    ),
    "hold": _("“%(meeting)s” is marked as held; record the attendance and the results now."),
    "cancel": _("“%(meeting)s” was cancelled; the Vorlagen on its agenda are back in the pool."),
}


RETRY_QUEUED_MESSAGE = _("%(count)d failed invitations to “%(meeting)s” are being sent again.")
SUPPLEMENT_SENT_MESSAGE = _("A Nachtrag to “%(meeting)s” is being mailed to %(count)d persons.")


def office_body(request) -> Body:
    """The municipality the office user works for: their person's, else the installation's first."""
    person = actor_for(request.user).person
    if person is not None:
        return person.body
    body = Body.objects.order_by("name").first()
    if body is None:
        raise Http404(NO_BODY_MESSAGE)
    return body


def meeting_office_actions(meeting: Meeting, user) -> dict:
    """What `council/_meeting_office_actions.html` needs: the buttons `user` may press on `meeting`.

    The meeting page passes it as ``office_actions`` for office users.
    """
    allowed = {transition.name: transition for transition in allowed_meeting_transitions(meeting, user)}
    transitions = [allowed[name] for name in TRANSITION_SERVICES if name in allowed]
    return {
        "meeting": meeting,
        "may_edit": "update" in allowed,
        "transitions": transitions,
        "late_invitation": notice_warning(meeting, timezone.now()) if "invite" in allowed else None,
        "may_record_attendance": meeting.state != Meeting.State.CANCELLED,
        "dispatch_record": dispatch_record(meeting),
    }


def _data(request):
    return request.POST if request.method == "POST" else None


def _detail_url(meeting: Meeting) -> str:
    return reverse("council:meeting_detail", kwargs={"pk": meeting.pk})


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body", "location"), pk=pk)


def _render_meeting_form(request, form: MeetingForm, meeting: Meeting | None):
    context = {"form": form, "meeting": meeting, "name_suggestions_id": NAME_SUGGESTIONS_ID}
    return render(request, "council/meeting_form.html", context)


@office_required
def meeting_create(request):
    """Plan a meeting of one or more Gremien of the body: name, day, times and place.

    **Models:** :model:`council.Meeting`, :model:`council.Organization`, :model:`council.Location`

    **Template:** :template:`council/meeting_form.html`

    **Context:**

    ``form``
        The :class:`~council.forms.MeetingForm` (the name prefilled with a suggestion).
    ``meeting``
        None: the meeting does not exist yet.
    ``name_suggestions_id``
        The id of the datalist of name suggestions, one per Gremium.
    """
    body = office_body(request)
    form = MeetingForm(_data(request), body=body)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, body=body, **form.meeting_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, MEETING_CREATED_MESSAGE % {"meeting": meeting.name})
            return redirect(_detail_url(meeting))
    return _render_meeting_form(request, form, None)


@office_required
def meeting_update(request, pk):
    """Change a meeting that is scheduled or invited; a held or cancelled one is refused.

    A new start sends an invited meeting back to "scheduled" (the service decides); the
    page then says that the invitations must go out again.

    **Models:** :model:`council.Meeting`, :model:`council.Organization`, :model:`council.Location`

    **Template:** :template:`council/meeting_form.html`

    **Context:**

    ``form``
        The :class:`~council.forms.MeetingForm`, filled from the meeting in local time.
    ``meeting``
        The :model:`council.Meeting` being changed.
    ``name_suggestions_id``
        The id of the datalist of name suggestions, one per Gremium.
    """
    meeting = _meeting(pk)
    if request.method != "POST" and (refusal := meeting_transition_refusal(meeting, "update", by=request.user)):
        messages.error(request, " ".join(refusal.messages))
        return redirect(_detail_url(meeting))
    initial = MeetingForm.initial_for(meeting)
    form = MeetingForm(_data(request), body=meeting.body, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.meeting_fields()
        if form.start_unchanged(meeting):
            # Saving the page as it was loaded must not count as a new start (and a new invitation).
            del changes["start"]
        was_invited = meeting.state == Meeting.State.INVITED
        try:
            saved = services.meeting_update(meeting=meeting, by=request.user, **changes)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if was_invited and saved.state == Meeting.State.SCHEDULED:
                messages.warning(request, MEETING_RESCHEDULED_MESSAGE % {"meeting": saved.name})
            else:
                messages.success(request, MEETING_UPDATED_MESSAGE % {"meeting": saved.name})
            return redirect(_detail_url(saved))
    return _render_meeting_form(request, form, meeting)


@office_required
def meeting_transition(request, pk, transition):
    """Confirm sending the invitations, marking the meeting as held, or cancelling it.

    GET shows what the step does, or why it is not possible now; for the invitation, the
    warning when the Ladungsfrist is missed. POST calls the step's one service; a refusal
    shows the reason and changes nothing, success redirects to the meeting with a message.
    Steps other than ``invite``, ``hold`` and ``cancel`` are 404.

    **Model:** :model:`council.Meeting`

    **Template:** :template:`council/meeting_transition_form.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`.
    ``transition``
        The :class:`~council.meetings.MeetingTransition` asked for.
    ``description``
        What the step will do.
    ``refusal``
        The messages saying why the step is not possible now, else empty.
    ``late_invitation``
        For ``invite``: the Ladungsfrist warning when the invitation would be late, else None.
    ``recipients``, ``without_address``, ``deputies``
        For ``invite``: the persons who will be mailed the invitation, those of them without an
        address, and the deputies among them (the office may leave them out: POST ``invite_form``
        without ``deputies``).
    """
    if transition not in TRANSITION_SERVICES:
        raise Http404
    meeting = _meeting(pk)
    refusal = []
    if request.method == "POST":
        try:
            options = {"notice_reason": request.POST.get("notice_reason", "")} if transition == "invite" else {}
            if transition == "invite" and "invite_form" in request.POST:
                options["deputies"] = "deputies" in request.POST
            moved = TRANSITION_SERVICES[transition](meeting=meeting, by=request.user, **options)
        except ValidationError as error:
            refusal = error.messages
        else:
            params = {"meeting": moved.name, "moment": display_time(moved.invited_at or timezone.now())}
            messages.success(request, TRANSITION_SUCCESS_MESSAGES[transition] % params)
            if transition == "invite" and (warning := notice_warning(moved, moved.invited_at)):
                messages.warning(request, warning)
            return redirect(_detail_url(moved))
    elif (error := meeting_transition_refusal(meeting, transition, by=request.user)) is not None:
        refusal = error.messages
    late = notice_warning(meeting, timezone.now()) if transition == "invite" and not refusal else None
    recipients = [attendee.person for attendee in eligible_attendees(meeting)] if transition == "invite" else []
    deputies = deputy_ids(meeting) if transition == "invite" else set()
    context = {
        "recipients": recipients,
        "without_address": [person for person in recipients if not person.email],
        "deputies": [person for person in recipients if person.pk in deputies],
        "meeting": meeting,
        "transition": get_meeting_transition(transition),
        "description": TRANSITION_DESCRIPTIONS[transition],
        "refusal": refusal,
        "late_invitation": late,
    }
    return render(request, "council/meeting_transition_form.html", context)


@office_required
def attendance_edit(request, pk):
    """Record who was present, excused or absent, who stood in for whom, who came late or left early.

    Rows come from :func:`council.meetings.eligible_attendees` (person, voting right,
    Fraktion), prefilled from the stored attendance; anyone without one starts as absent.
    POST calls ``attendance_record`` once; whether the meeting may have its attendance yet
    (started, not cancelled) is the service's answer, shown above the table.

    **Models:** :model:`council.Meeting`, :model:`council.Attendance`, :model:`council.Person`

    **Template:** :template:`council/attendance_form.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`.
    ``form``
        The :class:`~council.forms.AttendanceForm`; ``form.rows`` gives the attendee, the
        radio buttons and the deputy, arrival and departure choices of each person.
    ``starts_later``
        Whether the meeting has not started yet (the service will refuse until it has).
    """
    meeting = _meeting(pk)
    attendees = eligible_attendees(meeting)
    recorded = {attendance.person_id: attendance for attendance in Attendance.objects.filter(meeting=meeting)}
    items = meeting.agenda_items.order_by("order")
    form = AttendanceForm(_data(request), attendees=attendees, recorded=recorded, items=items)
    if request.method == "POST" and form.is_valid():
        present = form.persons_with(Attendance.Status.PRESENT)
        excused = form.persons_with(Attendance.Status.EXCUSED)
        try:
            services.attendance_record(
                meeting=meeting,
                by=request.user,
                present=present,
                excused=excused,
                deputies=form.deputies(),
                arrivals=form.arrivals(),
                departures=form.departures(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            params = {"meeting": meeting.name, "present": len(present), "excused": len(excused)}
            messages.success(request, ATTENDANCE_SAVED_MESSAGE % params)
            return redirect(_detail_url(meeting))
    context = {
        "meeting": meeting,
        "form": form,
        "starts_later": meeting.state != Meeting.State.HELD and meeting.start > timezone.now(),
    }
    return render(request, "council/attendance_form.html", context)


@require_POST
@office_required
def meeting_supplement(request, pk):
    """Mail a Nachtrag with the agenda's changes since the invitation (council office, POST only).

    **Models:** :model:`council.Meeting`, :model:`council.InvitationDispatch`

    **Response:** a redirect to the meeting's dispatch record with a message saying what happened.
    """
    meeting = _meeting(pk)
    try:
        dispatches = services.meeting_supplement(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, SUPPLEMENT_SENT_MESSAGE % {"count": len(dispatches), "meeting": meeting.name})
    return redirect(_detail_url(meeting) + "#versand")


OUTBOX_FAILED_DISPATCHES = 100


@office_required
def outbox(request):
    """Show the council office what went out and what failed: the outbox, failed mails and tasks.

    Under `make run` mail is not sent but written into a folder; this page shows it, so that
    invitations and alerts can be read in the browser. In production the folder is empty
    and the page lists only failures.

    **Models:** :model:`council.InvitationDispatch`, ``django_tasks_db.DBTaskResult``

    **Template:** :template:`council/outbox.html`

    **Context:**

    ``messages_out``
        The newest messages of the development outbox (:class:`council.mail.OutboxMessage`), newest first.
    ``outbox_active``
        Whether mail goes to the outbox folder (development) rather than to a mail server.
    ``failed_dispatches``
        The latest invitations that could not be delivered, with their meetings.
    ``failed_tasks``
        The latest background tasks that failed for good (database queue only), newest first.
    ``waiting_tasks``, ``running_tasks``
        How many tasks wait in the database queue and how many run now; None with another queue.
    """
    from django.conf import settings

    from council.mail import outbox_messages

    failed_tasks, waiting, running = [], None, None
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        failed_tasks = list(DBTaskResult.objects.failed().order_by("-finished_at")[:50])
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        running = DBTaskResult.objects.running().count()
    failed_dispatches = (
        InvitationDispatch.objects.filter(state=InvitationDispatch.State.FAILED)
        .select_related("meeting")
        .order_by("-modified")[:OUTBOX_FAILED_DISPATCHES]
    )
    context = {
        "messages_out": outbox_messages(),
        "outbox_active": settings.EMAIL_BACKEND == "council.mail.OutboxBackend",
        "failed_dispatches": failed_dispatches,
        "failed_tasks": failed_tasks,
        "waiting_tasks": waiting,
        "running_tasks": running,
    }
    return render(request, "council/outbox.html", context)


@require_POST
@office_required
def meeting_dispatches_retry(request, pk):
    """Send the failed invitations of a meeting again, to the current addresses (council office, POST only).

    **Models:** :model:`council.Meeting`, :model:`council.InvitationDispatch`

    **Response:** a redirect to the meeting's dispatch record with a message saying what happened.
    """
    meeting = _meeting(pk)
    try:
        count = services.meeting_dispatches_retry(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, RETRY_QUEUED_MESSAGE % {"count": count, "meeting": meeting.name})
    return redirect(_detail_url(meeting) + "#versand")
