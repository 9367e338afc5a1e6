"""Reads of the meeting pages: which meetings, in which window, and who sees a meeting's non-public part.

Nothing here imports the other apps: the views join the Vorlagen, attachments and decisions
of `resolutions` to these reads (see `council.views.meetings`).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from .models import Body, Meeting, Organization
from .roles import Actor

# The oldest and newest year the calendar pages accept in ?month=; outside this a council
# has no meetings, and the first and last month of Python's calendar cannot go back or on.
FIRST_CALENDAR_YEAR = 1900
LAST_CALENDAR_YEAR = 2200
MONTH_PARAMETER = re.compile(r"^(\d{4})-(\d{2})$")
# Calendar weeks start on Monday (DIN 1355 / ISO 8601), as German calendars print them.
WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


def installation_body() -> Body | None:
    """The body this installation serves: the first by name, as `council.context_processors` has it."""
    return Body.objects.order_by("name").first()


def gremien_of(body: Body | None) -> QuerySet[Organization]:
    """The body's Gremien (council and committees) by name: what the meeting pages filter by."""
    return Organization.objects.committees().filter(body=body).order_by("name")


def meetings_of(body: Body | None, organization: Organization | None = None) -> QuerySet[Meeting]:
    """The body's meetings (of one organization, if given), with location and organizations for a listing."""
    meetings = Meeting.objects.filter(body=body).select_related("location").prefetch_related("organizations")
    if organization is not None:
        meetings = meetings.filter(organizations=organization)
    return meetings


def ahead(meetings: QuerySet[Meeting], now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have not started yet, soonest first; unlike `upcoming()`, cancelled ones stay in.

    A public list keeps a cancelled meeting (struck through) so that nobody comes in vain.
    """
    return meetings.filter(start__gte=now or timezone.now()).order_by("start", "pk")


def behind(meetings: QuerySet[Meeting], now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have started, latest first."""
    return meetings.filter(start__lt=now or timezone.now()).order_by("-start", "-pk")


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a local calendar day, as an aware moment."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def on_days(meetings: QuerySet[Meeting], first: datetime.date, last: datetime.date) -> QuerySet[Meeting]:
    """Meetings starting on the local days from `first` to `last` (both included), in order."""
    return meetings.filter(
        start__gte=day_start(first), start__lt=day_start(last + datetime.timedelta(days=1))
    ).order_by("start", "pk")


def is_insider(meeting: Meeting, actor: Actor) -> bool:
    """Whether the actor may see the meeting's non-public part.

    The council office (and administrators) always; a council member when they sit today in
    one of the meeting's organizations. Uses prefetched organizations when there are any.
    """
    if actor.is_office:
        return True
    if not actor.organization_ids:
        return False
    return any(organization.pk in actor.organization_ids for organization in meeting.organizations.all())


# --- the month calendar ----------------------------------------------------------------
def month_from(value: str | None, today: datetime.date) -> datetime.date:
    """The first day of the month named as YYYY-MM; today's month when missing or not a month."""
    match = MONTH_PARAMETER.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_CALENDAR_YEAR <= year <= LAST_CALENDAR_YEAR and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    return today.replace(day=1)


def previous_month(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=31)).replace(day=1)


@dataclass
class CalendarDay:
    """One cell of the month grid."""

    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)


def month_grid(first: datetime.date) -> list[list[datetime.date]]:
    """The weeks of the month as seven days each, Monday first, padded with the days around it."""
    return WEEKS.monthdatescalendar(first.year, first.month)


def month_weeks(first: datetime.date, meetings, today: datetime.date) -> list[list[CalendarDay]]:
    """The month grid with each day's meetings (given in order) placed on their local day."""
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localdate(meeting.start), []).append(meeting)
    return [
        [
            CalendarDay(day, in_month=day.month == first.month, is_today=day == today, meetings=by_day.get(day, []))
            for day in week
        ]
        for week in month_grid(first)
    ]
