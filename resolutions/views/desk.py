"""The desk: what waits for the logged-in user, by role, with each action one click away.

The council office sees the meetings to invite (with the Ladungsfrist), to mark as held,
with results to record and with minutes to finalise, and plans a meeting from here; a
department head the Vorlagen to co-sign and to release; a clerk the drafts returned to
their unit; a council member their next meetings. It is where a login lands.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from council.meetings import invitation_deadline
from council.models import Body, Meeting
from council.roles import actor_for
from resolutions.queries import (
    meetings_to_hold,
    meetings_to_invite,
    meetings_with_draft_minutes,
    meetings_with_open_results,
    papers_awaiting_cosignature,
    papers_returned,
    papers_to_release,
)

# How many days before the Ladungsfrist runs out a meeting to invite is marked as due.
DUE_SOON_DAYS = 3


def _office_body_ids(actor) -> list[int]:
    person = actor.person
    if person is not None and not actor.is_admin:
        return [person.body_id]
    return list(Body.objects.values_list("pk", flat=True))


@login_required
def desk(request):
    """Show the user's tasks, by role.

    **Models:** :model:`council.Meeting`, :model:`resolutions.Paper`, :model:`resolutions.Cosignature`

    **Template:** :template:`resolutions/desk.html`

    **Context:**

    ``to_invite``
        Office: (meeting, invitation deadline, whether it has passed, whether it is due
        within ``DUE_SOON_DAYS``) for each meeting still to invite.
    ``to_hold``, ``open_results``, ``draft_minutes``
        Office: meetings that started but are not marked held; held meetings with
        results to record (``open_items``); held meetings whose minutes are drafts.
    ``to_cosign``, ``to_release``
        Heads: Vorlagen waiting for their signature; their units' Vorlagen ready to release.
    ``returned``
        Clerks and heads: their units' drafts returned with a comment.
    ``next_meetings``
        Council members: their next meetings (at most five).
    ``nothing``
        Whether no list has anything in it.
    """
    actor = actor_for(request.user)
    now = timezone.now()
    context = {"to_invite": [], "to_hold": [], "open_results": [], "draft_minutes": []}
    if actor.is_office:
        body_ids = _office_body_ids(actor)
        for meeting in meetings_to_invite(body_ids):
            deadline = invitation_deadline(meeting)
            context["to_invite"].append(
                {
                    "meeting": meeting,
                    "deadline": deadline,
                    "late": deadline < now,
                    "due_soon": now <= deadline <= now + datetime.timedelta(days=DUE_SOON_DAYS),
                }
            )
        context["to_hold"] = list(meetings_to_hold(body_ids))
        context["open_results"] = list(meetings_with_open_results(body_ids))
        context["draft_minutes"] = list(meetings_with_draft_minutes(body_ids))
    context["to_cosign"] = list(papers_awaiting_cosignature(request.user)) if actor.is_head else []
    context["to_release"] = list(papers_to_release(actor.unit_ids)) if actor.is_head and actor.unit_ids else []
    context["returned"] = (
        list(papers_returned(actor.unit_ids)) if (actor.is_clerk or actor.is_head) and actor.unit_ids else []
    )
    context["next_meetings"] = (
        list(Meeting.objects.upcoming().filter(organizations__in=actor.organization_ids).distinct()[:5])
        if actor.organization_ids
        else []
    )
    context["nothing"] = not any(context[key] for key in context)
    return render(request, "resolutions/desk.html", context)
