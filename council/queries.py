"""Reads of the meeting pages: which meetings, in which window, and who sees a meeting's non-public part.

Nothing here imports the other apps: the views join the Vorlagen, attachments and decisions
of `resolutions` to these reads (see `council.views.meetings`).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .collation import german, sort_key  # noqa: F401  (sort_key: read here by other modules too)
from .models import Body, Meeting, Membership, Organization, Person
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
    return Organization.objects.committees().filter(body=body).order_by(german("name"))


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


# --- the directory: organizations and people ---------------------------------------------
# The order of the sections of the organization list: those that meet and decide first, the
# political groups next, the bodies outside the council after, the administration last.
ORGANIZATION_TYPE_ORDER = [
    Organization.Type.COMMITTEE,
    Organization.Type.FACTION,
    Organization.Type.PARTY,
    Organization.Type.EXTERNAL_COMMITTEE,
    Organization.Type.INSTITUTION,
    Organization.Type.OTHER,
    Organization.Type.ADMINISTRATIVE_UNIT,
]
# Roles are free text as the body records them; these parts of a role put its holder at the
# top of a member list, chairs before their deputies (matched in lower case).
CHAIR_ROLE_PARTS = ("oberbürgermeister", "bürgermeister", "vorsitz")
DEPUTY_ROLE_PARTS = ("stellv",)
# The classification OParl's examples give the council itself, which heads the list of Gremien.
MAIN_ORGAN_CLASSIFICATION = "hauptorgan"


def organization_types(values: list[str] | None = None) -> list[tuple[str, str]]:
    """(value, label) of the organization types in the order of the list, optionally only `values`."""
    return [(kind.value, kind.label) for kind in ORGANIZATION_TYPE_ORDER if values is None or kind.value in values]


def organizations_in_directory(body: Body | None, today: datetime.date | None = None) -> QuerySet[Organization]:
    """The body's organizations with `current_members` (public seats held today) and the next meeting.

    `next_meeting_id` and `next_meeting_start` name the first meeting ahead that is not
    cancelled, or None. Each is a subquery, so the list costs one query however long it is.
    """
    today = today or timezone.localdate()
    seats = (
        Membership.objects.public()
        .active(today)
        .filter(organization=OuterRef("pk"))
        .values("organization")
        .annotate(count=Count("person", distinct=True))
        .values("count")
    )
    next_meetings = (
        Meeting.objects.filter(organizations=OuterRef("pk"), start__gte=timezone.now())
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("start", "pk")
    )
    return (
        Organization.objects.filter(body=body)
        .select_related("parent")
        .annotate(
            current_members=Coalesce(Subquery(seats), 0),
            next_meeting_id=Subquery(next_meetings.values("pk")[:1]),
            next_meeting_start=Subquery(next_meetings.values("start")[:1]),
        )
        .order_by(german("name"), "pk")
    )


def is_dissolved(organization: Organization, today: datetime.date | None = None) -> bool:
    """Whether the organization ended before today."""
    return organization.end_date is not None and organization.end_date < (today or timezone.localdate())


def directory_sections(organizations, today: datetime.date | None = None) -> tuple[list, list]:
    """Split organizations into ([(type value, label, [current])], [dissolved]), types in list order.

    Within a type by name, the council itself (classification Hauptorgan) first.
    """
    today = today or timezone.localdate()
    by_type: dict[str, list[Organization]] = {}
    dissolved = []
    for organization in organizations:
        if is_dissolved(organization, today):
            dissolved.append(organization)
        else:
            by_type.setdefault(organization.organization_type, []).append(organization)
    for organizations_of_type in by_type.values():
        organizations_of_type.sort(
            key=lambda o: (o.classification.casefold() != MAIN_ORGAN_CLASSIFICATION, sort_key(o.name), o.pk)
        )
    dissolved.sort(key=lambda o: (sort_key(o.name), o.pk))
    sections = [(value, label, by_type[value]) for value, label in organization_types() if value in by_type]
    return sections, dissolved


def role_rank(membership: Membership) -> int:
    """Where a seat goes in a member list: chairs, deputy chairs, voting members, then advisory seats."""
    role = membership.role.lower()
    if any(part in role for part in CHAIR_ROLE_PARTS):
        return 1 if any(part in role for part in DEPUTY_ROLE_PARTS) else 0
    return 2 if membership.voting_right else 3


def by_role_and_name(memberships) -> list[Membership]:
    """Seats sorted by role (chairs first, see `role_rank`), then role, then the person's name."""
    return sorted(
        memberships,
        key=lambda m: (
            role_rank(m),
            sort_key(m.role),
            sort_key(m.person.family_name),
            sort_key(m.person.given_name),
            m.pk,
        ),
    )


def public_seats(organization: Organization) -> QuerySet[Membership]:
    """The organization's public memberships with person and Fraktion; none for a Verwaltungsbereich."""
    return Membership.objects.public().filter(organization=organization).select_related("person", "on_behalf_of")


def current_and_former_seats(
    organization: Organization, today: datetime.date | None = None
) -> tuple[list[Membership], list[Membership]]:
    """The seats held today (by role and name) and the seats of people who have left (latest first).

    Someone who still sits in the organization is not a former member, whatever roles they
    held before; seats that begin in the future are in neither list.
    """
    today = today or timezone.localdate()
    current = by_role_and_name(public_seats(organization).active(today))
    former = (
        public_seats(organization)
        .filter(end_date__lt=today)
        .exclude(person__in=[membership.person_id for membership in current])
        .order_by("-end_date", german("person__family_name"), german("person__given_name"), "pk")
    )
    return current, list(former)


def people_in_directory(
    body: Body | None, *, query: str = "", faction: Organization | None = None, today: datetime.date | None = None
) -> QuerySet[Person]:
    """The body's public people by name, each with `current_seats`: their public seats held today.

    `query` keeps those whose name contains every word of it; `faction` those sitting today in
    that Fraktion or for it (on its behalf) in another organization.
    """
    today = today or timezone.localdate()
    people = Person.objects.public().filter(body=body)
    for word in query.split():
        people = people.filter(
            Q(family_name__icontains=word) | Q(given_name__icontains=word) | Q(title__icontains=word)
        )
    if faction is not None:
        sitting = Membership.objects.public().active(today).filter(Q(organization=faction) | Q(on_behalf_of=faction))
        people = people.filter(pk__in=sitting.values("person_id"))
    seats = (
        Membership.objects.public().active(today).select_related("organization").order_by(german("organization__name"))
    )
    return people.prefetch_related(Prefetch("memberships", queryset=seats, to_attr="current_seats")).order_by(
        german("family_name"), german("given_name"), "pk"
    )


def factions_of(body: Body | None) -> QuerySet[Organization]:
    """The body's Fraktionen by name: what the people list filters by."""
    return Organization.objects.filter(body=body, organization_type=Organization.Type.FACTION).order_by(german("name"))


def seats_of(person: Person, today: datetime.date | None = None) -> tuple[list[Membership], list[Membership]]:
    """A person's public seats: those held today (Gremien first, by type and name) and former ones (latest first)."""
    today = today or timezone.localdate()
    rank = {kind: index for index, kind in enumerate(ORGANIZATION_TYPE_ORDER)}
    seats = person.memberships.public().select_related("organization", "on_behalf_of")
    current = sorted(
        seats.active(today),
        key=lambda m: (rank.get(m.organization.organization_type, len(rank)), m.organization.name, m.pk),
    )
    former = seats.filter(end_date__lt=today).order_by("-end_date", "-start_date", "pk")
    return current, list(former)
