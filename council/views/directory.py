"""The directory: the body's organizations and the people in the public record.

Organizations (Gremien, Fraktionen, parties, external bodies, institutions and the
Verwaltungsbereiche) are all public. People are public when they hold or held a seat outside
the administration (`Person.objects.public()`); the staff of a Verwaltungsbereich are not,
so a unit's page lists no members and a staff member's page is a 404 for everyone but the
council office. Seats are read through `Membership.objects.public()` only, and no page shows
an e-mail address or a phone number: there is no record of consent to publish them.

Like the other council views these read Vorlagen of `resolutions` to list them, always through
`Paper.objects.visible_to(user)`.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from council import queries
from council.models import Organization, Person
from council.roles import actor_for
from resolutions.models import Paper

PEOPLE_PER_PAGE = 60
MEETINGS_SHOWN = 5
PAPERS_SHOWN = 10
# Whose page lists the meetings: those that meet. The meeting list filters by Gremien only.
MEETING_TYPES = {Organization.Type.COMMITTEE}
# Whose Vorlagen the Vorlagen list can filter by (see `resolutions.filters.PaperFilter`).
# Who moves Anträge (OParl originatorOrganization) rather than deliberating them.
MOVING_TYPES = {Organization.Type.FACTION, Organization.Type.PARTY}
PAPER_FILTER_TYPES = {Organization.Type.ADMINISTRATIVE_UNIT, Organization.Type.FACTION, Organization.Type.PARTY}


def _pk_parameter(request, name: str) -> int | None:
    """The primary key in ?name=, None when empty; 404 for anything but digits."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return int(value)


def organization_list(request):
    """List the body's organizations by type, Gremien first and the administration last; dissolved ones apart.

    **Models:** :model:`council.Organization`, :model:`council.Membership`, :model:`council.Meeting`

    **Template:** :template:`council/organization_list.html`

    **Context:**

    ``sections``
        (type value, type label, [organizations]) in list order, only the types that have
        current organizations (and only the type of ``?type=``, if given). Each organization
        has ``current_members`` (public seats held today), ``next_meeting_id`` and
        ``next_meeting_start`` (the next meeting that is not cancelled, or None).
    ``dissolved``
        The organizations (of the type selected) that ended before today, by name.
    ``types``
        (value, label) of every type the body has, for the filter.
    ``selected_type``
        The value of ``?type=``, or "" (an unknown type shows everything).
    ``unit_type``
        The type value of the Verwaltungsbereiche, whose section lists parents instead of members.
    ``body``
        The body of the installation.
    """
    body = queries.installation_body()
    organizations = list(queries.organizations_in_directory(body))
    present = {organization.organization_type for organization in organizations}
    selected_type = request.GET.get("type", "")
    if selected_type not in present:
        selected_type = ""
    if selected_type:
        organizations = [o for o in organizations if o.organization_type == selected_type]
    sections, dissolved = queries.directory_sections(organizations)
    context = {
        "sections": sections,
        "dissolved": dissolved,
        "types": queries.organization_types(list(present)),
        "selected_type": selected_type,
        "unit_type": Organization.Type.ADMINISTRATIVE_UNIT,
        "body": body,
    }
    return render(request, "council/organization_list.html", context)


def organization_detail(request, pk):
    """Show an organization: its facts, parent and sub-organizations, members, meetings and Vorlagen.

    A Verwaltungsbereich lists no members (staff are not public). Meetings are shown for
    Gremien; the Vorlagen it deliberates, moves or (a unit) writes, as far as the user may read them.

    **Models:** :model:`council.Organization`, :model:`council.Membership`, :model:`council.Meeting`,
    :model:`resolutions.Paper`

    **Template:** :template:`council/organization_detail.html`

    **Context:**

    ``organization``
        The :model:`council.Organization`, with parent and location.
    ``children``
        Its sub-organizations by name (e.g. the Bereiche of a Dezernat).
    ``is_unit``
        Whether it is a Verwaltungsbereich.
    ``dissolved``
        Whether it ended before today.
    ``members``
        The public seats held today, chairs first, then by role and name, with person and Fraktion.
    ``former_members``
        The public seats of people who no longer sit here, latest end first.
    ``show_factions``, ``show_voting``
        Whether the member tables need the Fraktion and the voting-right columns.
    ``meets``
        Whether it is a Gremium: whether the meeting sections, list link and feed apply.
    ``upcoming``, ``recent``
        The next and the latest meetings (five each), for a Gremium; empty otherwise.
    ``papers``
        The latest ten Vorlagen the user may read that it wrote (a unit), moved (a Fraktion or
        party) or has in its Beratungsfolge (any other organization).
    ``papers_kind``
        Which of these: "written", "moved" or "deliberated".
    ``papers_filterable``
        Whether the Vorlagen list can filter by this organization.
    """
    organization = get_object_or_404(Organization.objects.select_related("parent", "location", "body"), pk=pk)
    is_unit = organization.organization_type == Organization.Type.ADMINISTRATIVE_UNIT
    members, former_members = ([], []) if is_unit else queries.current_and_former_seats(organization)
    meets = organization.organization_type in MEETING_TYPES
    upcoming, recent = [], []
    if meets:
        # The page names the organization once; its meetings need no list of organizations each.
        meetings = queries.meetings_of(organization.body, organization).prefetch_related(None)
        upcoming = list(queries.ahead(meetings)[:MEETINGS_SHOWN])
        recent = list(queries.behind(meetings)[:MEETINGS_SHOWN])
    papers = Paper.objects.visible_to(request.user).order_by("-date", "-reference")
    if is_unit:
        papers_kind, papers = "written", papers.filter(under_direction_of=organization)
    elif organization.organization_type in MOVING_TYPES:
        papers_kind, papers = "moved", papers.filter(pk__in=organization.papers_originated.values("pk"))
    else:
        papers_kind, papers = "deliberated", papers.filter(pk__in=organization.consultations.values("paper_id"))
    context = {
        "organization": organization,
        "children": organization.children.order_by("name", "pk"),
        "is_unit": is_unit,
        "dissolved": queries.is_dissolved(organization),
        "members": members,
        "former_members": former_members,
        "show_factions": any(seat.on_behalf_of_id for seat in members + former_members),
        "show_voting": meets or any(not seat.voting_right for seat in members),
        "meets": meets,
        "upcoming": upcoming,
        "recent": recent,
        "papers": papers[:PAPERS_SHOWN],
        "papers_kind": papers_kind,
        "papers_filterable": organization.organization_type in PAPER_FILTER_TYPES,
    }
    return render(request, "council/organization_detail.html", context)


def person_list(request):
    """List the public people by name, 60 a page; search by name (``?q=``) and filter by Fraktion (``?faction=``).

    **Models:** :model:`council.Person`, :model:`council.Membership`, :model:`council.Organization`

    **Template:** :template:`council/person_list.html`

    **Context:**

    ``page_obj``
        The current :class:`~django.core.paginator.Page` of people.
    ``persons``
        The people on that page, each with ``current_seats`` (their public seats held today,
        with organization).
    ``query``
        The search text of ``?q=``.
    ``factions``
        The body's Fraktionen, for the filter.
    ``faction``
        The Fraktion of ``?faction=<pk>``, or None (an unknown one is a 404).
    ``faction_type``
        The type value of Fraktionen: their seats go in the Fraktion column.
    ``body``
        The body of the installation.
    """
    body = queries.installation_body()
    factions = queries.factions_of(body)
    faction_pk = _pk_parameter(request, "faction")
    faction = get_object_or_404(factions, pk=faction_pk) if faction_pk is not None else None
    query = request.GET.get("q", "").strip()
    people = queries.people_in_directory(body, query=query, faction=faction)
    page_obj = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "persons": page_obj.object_list,
        "query": query,
        "factions": factions,
        "faction": faction,
        "faction_type": Organization.Type.FACTION,
        "body": body,
    }
    return render(request, "council/person_list.html", context)


def person_detail(request, pk):
    """Show a person and their public seats, current and former; no contact details.

    A person outside the public record (staff of the administration only) is a 404 for
    everyone but the council office.

    **Models:** :model:`council.Person`, :model:`council.Membership`, :model:`council.Organization`

    **Template:** :template:`council/person_detail.html`

    **Context:**

    ``person``
        The :model:`council.Person`.
    ``is_public``
        Whether the person is in the public record (False only ever for the office).
    ``current_seats``
        The public seats held today with organization and Fraktion, Gremien first.
    ``former_seats``
        The public seats that ended, latest first.
    ``faction_type``
        The type value of Fraktionen: a current one is named under the person's name.
    """
    public = Person.objects.public()
    if actor_for(request.user).is_office:
        person = get_object_or_404(Person, pk=pk)
        is_public = public.filter(pk=person.pk).exists()
    else:
        person = get_object_or_404(public, pk=pk)
        is_public = True
    current_seats, former_seats = queries.seats_of(person)
    context = {
        "person": person,
        "is_public": is_public,
        "current_seats": current_seats,
        "former_seats": former_seats,
        "faction_type": Organization.Type.FACTION,
    }
    return render(request, "council/person_detail.html", context)
