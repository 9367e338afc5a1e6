"""Pages of the council itself: the start page."""

from django.shortcuts import render

from council.models import Meeting
from resolutions.models import Paper

UPCOMING_MEETINGS_SHOWN = 5
RECENT_PAPERS_SHOWN = 10


def home(request):
    """Show the next meetings and the Vorlagen released most recently.

    **Models:** :model:`council.Meeting`, :model:`resolutions.Paper`

    **Template:** :template:`council/home.html`

    **Context:**

    ``meetings``
        The next upcoming meetings, soonest first, with organizations and location.
    ``papers``
        The most recently released Vorlagen the user may read.
    """
    meetings = (
        Meeting.objects.upcoming()
        .select_related("location")
        .prefetch_related("organizations")[:UPCOMING_MEETINGS_SHOWN]
    )
    papers = (
        Paper.objects.visible_to(request.user)
        .released()
        .select_related("under_direction_of")
        .order_by("-released_at", "-reference")[:RECENT_PAPERS_SHOWN]
    )
    return render(request, "council/home.html", {"meetings": meetings, "papers": papers})
