"""The Atom feed of the Beschlusskontrolle's changes of state and the iCal feed of due dates.

Like every feed of Ratsbuch, they show what the public sees, whoever asks: feed URLs are
shared and polled without a session. So only the trackings of public decisions
(`Tracking.objects.public()`), and of each only what its public page shows.
"""

import datetime

import icalendar
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from council.models import Organization
from resolutions.feeds import plain_text
from resolutions.models import ProgressReport, Tracking

FEED_ITEMS = 50
ICAL_PRODID = "-//Ratsbuch//Beschlusskontrolle//DE"


def selected_unit(request) -> Organization | None:
    """The unit of ?einheit=<pk>, or None; 404 for anything but an administrative unit."""
    value = request.GET.get("einheit", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_object_or_404(
        Organization.objects.filter(organization_type=Organization.Type.ADMINISTRATIVE_UNIT), pk=int(value)
    )


class TrackingAtomFeed(Feed):
    """The latest progress reports on public decisions: each a change of state, newest first."""

    feed_type = Atom1Feed

    def title(self):
        return _("Beschlusskontrolle: changes of state")

    def link(self):
        return reverse("resolutions:tracking_list")

    def subtitle(self):
        return _("Progress reports on the council's public decisions.")

    def items(self):
        public = Tracking.objects.public().values("pk")
        return (
            ProgressReport.objects.filter(tracking__in=public)
            .select_related("tracking__paper")
            .order_by("-created", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        paper = item.tracking.paper
        return f"KSD {paper.reference} – {paper.name}: {item.get_state_display()}"

    def item_description(self, item):
        return plain_text(item.text)

    def item_link(self, item):
        return item.tracking.get_absolute_url()

    def item_guid(self, item):
        return f"progress-report-{item.pk}"

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.modified


def _event(tracking: Tracking, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"tracking-{tracking.pk}@ratsbuch")
    event.add("dtstamp", tracking.modified.astimezone(datetime.UTC))
    event.add("last-modified", tracking.modified.astimezone(datetime.UTC))
    event.add("dtstart", tracking.target_date)
    event.add("dtend", tracking.target_date + datetime.timedelta(days=1))
    event.add(
        "summary",
        _("Due: KSD %(reference)s – %(name)s")
        % {
            "reference": tracking.paper.reference,
            "name": tracking.paper.name,
        },
    )
    event.add("description", f"{tracking.responsible_unit_label}: {tracking.get_state_display()}")
    event.add("url", url)
    if tracking.responsible_unit is not None:
        event.add("categories", [tracking.responsible_unit.name])
    return event


def tracking_ical(request):
    """Send the due dates of the open public decisions as iCalendar, of one unit if ?einheit=<pk>.

    **Model:** :model:`resolutions.Tracking`

    **Response:** ``text/calendar; charset=utf-8``; 404 for ?einheit that is not an administrative unit.
    """
    unit = selected_unit(request)
    trackings = Tracking.objects.public().open().select_related("paper", "responsible_unit").by_due_date()
    if unit is not None:
        trackings = trackings.filter(responsible_unit=unit)
    feed = icalendar.Calendar()
    feed.add("prodid", ICAL_PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", _("Due decisions: %(name)s") % {"name": unit.name if unit else "Ratsbuch"})
    for tracking in trackings:
        feed.add_component(_event(tracking, request.build_absolute_uri(tracking.get_absolute_url())))
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = f"beschluesse-{unit.pk}.ics" if unit else "beschluesse.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
