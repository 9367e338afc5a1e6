"""The documents of a meeting as PDF: the invitation with its agenda, and the Niederschrift.

Who sees what: insiders (`council.queries.is_insider`: the council office, administrators,
members of the meeting's organizations) get the full document with the non-public part;
everyone else, anonymous users included, the public version, which carries no trace of it.
A cancelled meeting has no invitation and a meeting that was not held no minutes: 404.
Writing and finalising the minutes is the council office's (others logged in get 403);
finalising asks for confirmation first.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from council import queries
from council.collation import german
from council.models import Attendance, Meeting, Recusal
from council.roles import actor_for, office_required
from resolutions import services
from resolutions.downloads import checked_file_response
from resolutions.forms.minutes import MinutesForm
from resolutions.models import ItemDocument, Minutes

logger = logging.getLogger(__name__)

MINUTES_FINALISED_MESSAGE = _(
    "The minutes of “%(name)s” were finalised; they are being rendered and stored, which the meeting page shows."
)
MINUTES_RENDERING_MESSAGE = _("The minutes were just finalised and are being stored; please try again in a moment.")
MINUTES_MAILED_MESSAGE = _("The minutes of “%(name)s” are being mailed to %(count)s recipients; see the record below.")
MINUTES_SAVED_MESSAGE = _("The minutes of “%(name)s” were saved; they stay a draft until you finalise them.")


def _meeting(pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("body", "location").prefetch_related("organizations"), pk=pk
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The bytes depend on who asks (the non-public part); shared caches must never keep a copy.
    patch_cache_control(response, private=True)
    return response


def invitation_pdf(request, pk):
    """Send the invitation with the agenda of a meeting as PDF; the non-public part to insiders only.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`, :model:`resolutions.Paper`

    **Template:** :template:`pdf/invitation.html`

    **Response:** ``inline; filename="Einladung-<pk>.pdf"``; 404 for an unknown or cancelled meeting, and
    for a meeting not yet invited unless the user is the council office (who gets the draft, marked so).
    """
    meeting = _meeting(pk)
    actor = actor_for(request.user)
    if meeting.cancelled:
        raise Http404
    if meeting.state == Meeting.State.SCHEDULED and not actor.is_office:
        # Not sent yet: the office's draft, which nobody else should take for the invitation.
        raise Http404
    insider = queries.is_insider(meeting, actor)
    return _pdf_response(services.invitation_render(meeting=meeting, insider=insider), f"Einladung-{meeting.pk}.pdf")


def _stored(minutes: Minutes, *, insider: bool) -> bytes:
    """The finalised file for the reader, checked against its stored SHA-512."""
    try:
        return services.minutes_stored_pdf(minutes, insider=insider)
    except services.MinutesUnavailable as problem:
        if problem.args[0] != "rendering":
            logger.error("The finalised minutes %s are %s in storage.", minutes.pk, problem.args[0])
        raise


def minutes_pdf(request, pk):
    """Send the Niederschrift of a held meeting: the finalised file once there is one, else a draft.

    **Models:** :model:`council.Meeting`, :model:`council.Attendance`, :model:`resolutions.Decision`,
    :model:`resolutions.Minutes`

    **Template:** :template:`pdf/minutes.html` (drafts only; finalised minutes are the stored files)

    **Response:** ``inline; filename="Niederschrift-<pk>.pdf"``; 404 unless the meeting was held.
    """
    meeting = _meeting(pk)
    if meeting.state != Meeting.State.HELD:
        raise Http404
    insider = queries.is_insider(meeting, actor_for(request.user))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None:
        try:
            data = _stored(minutes, insider=insider)
        except services.MinutesUnavailable as problem:
            if problem.args[0] != "rendering":
                raise Http404 from None
            # Finalised a moment ago: the task is storing the PDFs.
            response = HttpResponse(MINUTES_RENDERING_MESSAGE, status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "10"
            return response
    else:
        data = services.minutes_render(meeting=meeting, insider=insider)
    return _pdf_response(data, f"Niederschrift-{meeting.pk}.pdf")


@office_required
def minutes_edit(request, pk):
    """Write the Niederschrift beyond the results: minute-taker, actual times, each item's protocol, recusals.

    Council office only; a meeting not held, or with finalised minutes, says why and offers
    nothing to save. A refusal of the service shows its reasons above the form, input kept.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`, :model:`council.Recusal`

    **Template:** :template:`resolutions/minutes_form.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`.
    ``form``
        The :class:`~resolutions.forms.minutes.MinutesForm`; ``form.rows`` gives each item
        with its protocol and recusal fields.
    ``refusal``
        Why the minutes cannot be written now (not held, finalised), else empty.
    """
    meeting = _meeting(pk)
    items = list(meeting.agenda_items.order_by("order"))
    present = [
        attendance.person
        for attendance in meeting.attendances.filter(status=Attendance.Status.PRESENT)
        .select_related("person")
        .order_by(german("person__family_name"), german("person__given_name"))
    ]
    recused: dict[int, list[int]] = {}
    for item_id, person_id in Recusal.objects.filter(agenda_item__meeting=meeting).values_list(
        "agenda_item_id", "person_id"
    ):
        recused.setdefault(item_id, []).append(person_id)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, meeting=meeting, items=items, present=present, recused=recused)
    refusal = error.messages if (error := services.minutes_refusal(meeting)) is not None else []
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.minutes_record(meeting=meeting, by=request.user, **form.minutes_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, MINUTES_SAVED_MESSAGE % {"name": meeting.name})
            return redirect("council:meeting_detail", pk=meeting.pk)
    return render(request, "resolutions/minutes_form.html", {"meeting": meeting, "form": form, "refusal": refusal})


@office_required
def minutes_finalise(request, pk):
    """Ask before finalising the Niederschrift of a held meeting (council office only), then finalise it.

    GET shows what finalising means (the record is stored and no longer changes) and the
    button; POST finalises and goes back to the meeting with a message.

    **Models:** :model:`resolutions.Minutes`

    **Template:** :template:`resolutions/minutes_finalise.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`.
    ``refusal``
        Why the minutes cannot be finalised now, else empty.
    """
    meeting = _meeting(pk)
    if request.method == "POST":
        try:
            services.minutes_finalise(meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, MINUTES_FINALISED_MESSAGE % {"name": meeting.name})
        return redirect("council:meeting_detail", pk=meeting.pk)
    refusal = error.messages if (error := services.minutes_refusal(meeting)) is not None else []
    return render(request, "resolutions/minutes_finalise.html", {"meeting": meeting, "refusal": refusal})


@office_required
def minutes_mail(request, pk):
    """Mail the stored Niederschrift to the members (POST only, council office), with a record per recipient.

    **Models:** :model:`council.InvitationDispatch`, :model:`resolutions.Minutes`

    **Response:** back to the meeting page with a message: how many it goes to, or why not.
    """
    meeting = _meeting(pk)
    if request.method != "POST":
        return redirect("council:meeting_detail", pk=meeting.pk)
    try:
        dispatches = services.minutes_mail(
            meeting=meeting, by=request.user, deputies=bool(request.POST.get("deputies"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, MINUTES_MAILED_MESSAGE % {"name": meeting.name, "count": len(dispatches)})
    return redirect("council:meeting_detail", pk=meeting.pk)


def item_document_download(request, pk, item, document):
    """Send a free item's document, if the user may see the item (404 otherwise, never a 403).

    **Model:** :model:`resolutions.ItemDocument`

    **Response:** the file as a download under its cleaned name, with the type detected at
    upload, never sniffed, sandboxed, and never kept by a shared cache (resolutions.downloads).
    """
    stored = get_object_or_404(
        ItemDocument.objects.visible_to(request.user), pk=document, agenda_item_id=item, agenda_item__meeting_id=pk
    )
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of item document %s (%s) is missing from storage.", stored.pk, stored.file.name)
        raise Http404 from None
    return checked_file_response(stored, handle)
