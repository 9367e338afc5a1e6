"""The documents of a meeting as PDF: the invitation with its agenda, and the Niederschrift.

Who sees what: insiders (`council.queries.is_insider`: the council office, administrators,
members of the meeting's organizations) get the full document with the non-public part;
everyone else, anonymous users included, the public version, which carries no trace of it.
A cancelled meeting has no invitation and a meeting that was not held no minutes: 404.
Finalising the minutes is the council office's (POST only; others logged in get 403).
"""

import hashlib
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from council import queries
from council.models import Meeting
from council.roles import actor_for, office_required
from resolutions import services
from resolutions.models import Minutes

logger = logging.getLogger(__name__)

MINUTES_FINALISED_MESSAGE = _("The minutes of “%(name)s” were finalised and stored.")


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

    **Response:** ``inline; filename="Einladung-<pk>.pdf"``; 404 for an unknown or cancelled meeting.
    """
    meeting = _meeting(pk)
    if meeting.cancelled:
        raise Http404
    insider = queries.is_insider(meeting, actor_for(request.user))
    return _pdf_response(services.invitation_render(meeting=meeting, insider=insider), f"Einladung-{meeting.pk}.pdf")


def _stored(minutes: Minutes, *, insider: bool) -> bytes:
    """The finalised file for the reader, checked against its stored SHA-512."""
    field, sha512 = (minutes.file, minutes.sha512) if insider else (minutes.public_file, minutes.public_sha512)
    try:
        with field.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        logger.error("The finalised minutes %s (%s) are missing from storage.", minutes.pk, field.name)
        raise Http404 from None
    if hashlib.sha512(data).hexdigest() != sha512:
        # Never serve a record that is not the one finalised.
        logger.error("The finalised minutes %s (%s) do not match their SHA-512.", minutes.pk, field.name)
        raise Http404
    return data


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
        data = _stored(minutes, insider=insider)
    else:
        data = services.minutes_render(meeting=meeting, insider=insider)
    return _pdf_response(data, f"Niederschrift-{meeting.pk}.pdf")


@require_POST
@office_required
def minutes_finalise(request, pk):
    """Finalise the Niederschrift of a held meeting (council office only), then go back to the meeting.

    **Models:** :model:`resolutions.Minutes`

    **Response:** a redirect to the meeting page with a message saying what happened.
    """
    meeting = _meeting(pk)
    try:
        services.minutes_finalise(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, MINUTES_FINALISED_MESSAGE % {"name": meeting.name})
    return redirect("council:meeting_detail", pk=meeting.pk)
