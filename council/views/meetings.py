"""Meetings as the public and council members see them: list, calendar, agenda, iCal, Meine Sitzungen.

A meeting's non-public part (its non-public agenda items with their Vorlagen, attachments
and results) is shown only to the council office and to members of one of the meeting's
organizations (`council.queries.is_insider`); everyone else sees the public part alone,
without a trace of the rest: no title, no gap in the numbers, no count. The iCal feeds are
shared and cached, so they carry the public agenda only, whoever asks.

Vorlagen, attachments and decisions are read through their `visible_to` query sets, so a
meeting page never shows more than the Vorlage page, the download URL or the decision would.
"""

import datetime

import icalendar
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council import queries
from council.meetings import attendance_rows
from council.models import AgendaItem, Body, Meeting, Organization
from council.roles import actor_for
from council.views.office import meeting_office_actions
from resolutions.models import Attachment, Consultation, Decision, FactionVote, ItemDocument, Paper

PAST_MEETINGS_PER_PAGE = 25
# The feeds carry the meetings of the last year and everything ahead: calendar apps poll
# them often, and an archive of every meeting since the first would only grow.
FEED_DAYS_BACK = 365
ICAL_PRODID = "-//Ratsbuch//Ratsinformationssystem//DE"


# --- reads shared by the pages ---------------------------------------------------------
def _selected_gremium(request, body: Body | None) -> Organization | None:
    """The Gremium named by ?organization=<pk>, or None; 404 for anything but one of the body's Gremien."""
    value = request.GET.get("organization", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_object_or_404(queries.gremien_of(body), pk=int(value))


def _agenda_items(user, *, public_only: bool) -> QuerySet[AgendaItem]:
    """Agenda items in order, each with what `user` may see of its Vorlage, attachments and result.

    Adds `visible_consultations` (the steps whose Vorlage the user may read, each paper with
    `visible_attachments`), `visible_decision` (the result, or None) and `visible_documents`
    (a free item's documents). A fixed number of
    queries, however many items and meetings.
    """
    attachments = Attachment.objects.visible_to(user).order_by("order", "pk")
    consultations = (
        Consultation.objects.filter(paper__in=Paper.objects.visible_to(user).values("pk"))
        .select_related("paper")
        .prefetch_related(Prefetch("paper__attachments", queryset=attachments, to_attr="visible_attachments"))
        .order_by("pk")
    )
    # With its tracking (Beschlusskontrolle) and the reports that close one, for the partial _decision.html.
    decisions = (
        Decision.objects.visible_to(user)
        .select_related("tracking")
        .prefetch_related(
            Prefetch("faction_votes", queryset=FactionVote.objects.select_related("faction")), "tracking__reports"
        )
    )
    # A free item's documents are as public as the item, which the caller has already chosen.
    items = AgendaItem.objects.order_by("order").prefetch_related(
        Prefetch("consultations", queryset=consultations, to_attr="visible_consultations"),
        Prefetch("decision", queryset=decisions, to_attr="visible_decision"),
        Prefetch("documents", queryset=ItemDocument.objects.order_by("pk"), to_attr="visible_documents"),
    )
    return items.public() if public_only else items


def _parts(items) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """The public and the non-public items, each in agenda order."""
    items = list(items)
    return [item for item in items if item.public], [item for item in items if not item.public]


def _with_agendas(meetings: list[Meeting], user) -> list[Meeting]:
    """Give each meeting `public_items` and `non_public_items`, the whole agenda, in one query per relation.

    Not a nested Prefetch: Django evaluates a nested prefetch's own lookups twice, and the
    second pass reads the reverse one-to-one `decision` of every item once more.
    """
    items = _agenda_items(user, public_only=False).filter(meeting__in=[meeting.pk for meeting in meetings])
    by_meeting: dict[int, list[AgendaItem]] = {meeting.pk: [] for meeting in meetings}
    for item in items:
        by_meeting[item.meeting_id].append(item)
    for meeting in meetings:
        meeting.public_items, meeting.non_public_items = _parts(by_meeting[meeting.pk])
    return meetings


# --- pages -----------------------------------------------------------------------------
def meeting_list(request):
    """List the body's meetings: those ahead soonest first, those past latest first and a page at a time.

    **Models:** :model:`council.Meeting`, :model:`council.Organization`

    **Template:** :template:`council/meeting_list.html`

    **Context:**

    ``upcoming``
        The meetings that have not started yet, cancelled ones included (shown struck through).
    ``page_obj``
        The current :class:`~django.core.paginator.Page` of past meetings, 25 a page.
    ``past``
        The past meetings on that page.
    ``gremien``
        The body's Gremien for the filter.
    ``organization``
        The Gremium of ``?organization=<pk>``, or None (an unknown one is a 404).
    ``body``
        The body of the installation.
    """
    body = queries.installation_body()
    organization = _selected_gremium(request, body)
    meetings = queries.meetings_of(body, organization)
    page_obj = Paginator(queries.behind(meetings), PAST_MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "upcoming": queries.ahead(meetings),
        "page_obj": page_obj,
        "past": page_obj.object_list,
        "gremien": queries.gremien_of(body),
        "organization": organization,
        "body": body,
    }
    return render(request, "council/meeting_list.html", context)


def meeting_calendar(request):
    """Show a month of meetings as a grid of weeks from Monday, each day with its meetings.

    **Models:** :model:`council.Meeting`, :model:`council.Organization`

    **Template:** :template:`council/meeting_calendar.html`

    **Context:**

    ``month``
        The first day of the month shown: ``?month=YYYY-MM``, the current month when missing or invalid.
    ``previous_month``, ``next_month``
        The neighbouring months as YYYY-MM, for the links.
    ``weeks``
        The grid: lists of seven :class:`~council.queries.CalendarDay` (date, in_month,
        is_today, meetings), padded with the days of the months around it.
    ``weekdays``
        The seven days of the first week, for the column headings.
    ``gremien``, ``organization``, ``body``
        As on the list.
    """
    body = queries.installation_body()
    organization = _selected_gremium(request, body)
    today = timezone.localdate()
    month = queries.month_from(request.GET.get("month"), today)
    grid = queries.month_grid(month)
    meetings = queries.on_days(queries.meetings_of(body, organization), grid[0][0], grid[-1][-1])
    context = {
        "month": month,
        "previous_month": f"{queries.previous_month(month):%Y-%m}",
        "next_month": f"{queries.next_month(month):%Y-%m}",
        "weeks": queries.month_weeks(month, meetings, today),
        "weekdays": grid[0],
        "gremien": queries.gremien_of(body),
        "organization": organization,
        "body": body,
    }
    return render(request, "council/meeting_calendar.html", context)


def meeting_detail(request, pk):
    """Show a meeting with its agenda: the public part, and the non-public part to insiders.

    Insiders are the council office and members of one of the meeting's organizations
    (:func:`council.queries.is_insider`); to everyone else the non-public items do not exist.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`, :model:`council.Attendance`,
    :model:`resolutions.Paper`, :model:`resolutions.Attachment`, :model:`resolutions.Decision`

    **Template:** :template:`council/meeting_detail.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`, with location and organizations.
    ``insider``
        Whether the user sees the non-public part.
    ``public_items``
        The public agenda items in order, each with ``visible_consultations`` (their Vorlage,
        if the user may read it, with ``visible_attachments``) and ``visible_decision``.
    ``non_public_items``
        The same for the non-public items; empty unless ``insider``.
    ``present``, ``excused``, ``absent``
        Of a held meeting (empty before), :class:`~council.meetings.AttendanceRow` rows
        (``person``, ``attendance``: whom a deputy stood in for, late arrival, early
        departure), by name; see :func:`council.meetings.attendance_rows`.
    ``office_actions``
        For the council office, what ``council/_meeting_office_actions.html`` needs (see
        :func:`council.views.office.meeting_office_actions`); None for everyone else.
    """
    meeting = get_object_or_404(
        Meeting.objects.select_related("location", "body").prefetch_related("organizations"), pk=pk
    )
    actor = actor_for(request.user)
    insider = queries.is_insider(meeting, actor)
    items = _agenda_items(request.user, public_only=not insider).filter(meeting=meeting)
    public_items, non_public_items = _parts(items)
    present, excused, absent = attendance_rows(meeting) if meeting.state == Meeting.State.HELD else ([], [], [])
    context = {
        "meeting": meeting,
        "insider": insider,
        "public_items": public_items,
        "non_public_items": non_public_items,
        "present": present,
        "excused": excused,
        "absent": absent,
        "office_actions": meeting_office_actions(meeting, request.user) if actor.is_office else None,
    }
    return render(request, "council/meeting_detail.html", context)


@login_required
def my_meetings(request):
    """Show the upcoming meetings of the user's organizations, each with its full agenda and documents.

    The council office sees every upcoming meeting. Cancelled meetings are left out.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`, :model:`resolutions.Paper`,
    :model:`resolutions.Attachment`, :model:`resolutions.Decision`

    **Template:** :template:`council/meeting_my.html`

    **Context:**

    ``meetings``
        The meetings, soonest first, each with ``public_items`` and ``non_public_items`` as on
        the meeting page (the non-public part included: the user sits in the organization).
    ``has_memberships``
        Whether the user belongs to any organization (or is the office): which empty state to show.
    """
    actor = actor_for(request.user)
    meetings = Meeting.objects.upcoming()
    if not actor.is_office:
        mine = Meeting.objects.filter(organizations__in=actor.organization_ids).values("pk")
        meetings = meetings.filter(pk__in=mine) if actor.organization_ids else meetings.none()
    meetings = _with_agendas(list(meetings.select_related("location").prefetch_related("organizations")), request.user)
    context = {"meetings": meetings, "has_memberships": actor.is_office or bool(actor.organization_ids)}
    return render(request, "council/meeting_my.html", context)


# --- iCalendar -------------------------------------------------------------------------
def _ical_location(meeting: Meeting) -> str:
    location = meeting.location
    if location is None:
        return ""
    room = location.room if location.room and location.room not in location.description else ""
    town = " ".join(part for part in (location.postal_code, location.locality) if part)
    return ", ".join(part for part in (location.description, room, location.street_address, town) if part)


def _ical_event(meeting: Meeting, url: str) -> icalendar.Event:
    """One meeting as a VEVENT, its description the public agenda alone."""
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@ratsbuch")
    event.add("dtstamp", meeting.modified.astimezone(datetime.UTC))
    event.add("last-modified", meeting.modified.astimezone(datetime.UTC))
    event.add("dtstart", meeting.start.astimezone(datetime.UTC))
    if meeting.end:
        event.add("dtend", meeting.end.astimezone(datetime.UTC))
    event.add("summary", meeting.name)
    if location := _ical_location(meeting):
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    organizations = [organization.name for organization in meeting.organizations.all()]
    if organizations:
        event.add("categories", organizations)
    # Only the items prefetched as public: a non-public item's name must never reach a feed.
    agenda = "\n".join(f"{item.number}. {item.name}" for item in meeting.public_agenda)
    if agenda:
        event.add("description", agenda)
    return event


def meeting_ical(request, organization=None):
    """Send the meetings of the last year and all ahead as an iCalendar feed, of one Gremium if given.

    Each event's description is the public agenda only, whoever asks: feeds are shared.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`

    **Response:** ``text/calendar; charset=utf-8``; 404 for an organization that is not one
    of the body's Gremien.
    """
    body = queries.installation_body()
    gremium = get_object_or_404(queries.gremien_of(body), pk=organization) if organization is not None else None
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    meetings = (
        queries.meetings_of(body, gremium)
        .filter(start__gte=since)
        .order_by("start", "pk")
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.public(), to_attr="public_agenda"))
    )
    title = gremium.name if gremium else (body.name if body else "Ratsbuch")
    feed = icalendar.Calendar()
    feed.add("prodid", ICAL_PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", _("Meetings: %(name)s") % {"name": title})
    feed.add("x-wr-timezone", "Europe/Berlin")
    for meeting in meetings:
        url = request.build_absolute_uri(reverse("council:meeting_detail", kwargs={"pk": meeting.pk}))
        feed.add_component(_ical_event(meeting, url))
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = f"sitzungen-{gremium.pk}.ics" if gremium else "sitzungen.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
