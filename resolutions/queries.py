"""Reads about where Vorlagen stand on their Beratungsfolge: the pending step and the pool.

A step (Consultation) is pending while it has no decision, or while its latest decision
is "vertagt" (deferred) or "verwiesen" (referred): both send the same step back to the
same organization, which deliberates it again at a later meeting. The paper's next
pending step is its pending step of the lowest order. Only Vorlagen that are released or
in consultation have one: once the authoritative step decides, the Vorlage is decided
and any later step (say, a Kenntnisnahme) is not put on an agenda by the office's pool.

An agenda item is open while its meeting is not cancelled and no decision has been
recorded for it; a Vorlage on an open item is scheduled and not in any pool.
"""

import functools
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from council.models import AgendaItem, Body, Meeting, Organization, Person
from council.roles import actor_for

from .models import (
    Attachment,
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    Paper,
    PaperEvent,
    ProgressReport,
    Tracking,
)

# Results after which the same step is deliberated again.
REOPENING_RESULTS = (Decision.Result.DEFERRED, Decision.Result.REFERRED)
# The states in which a Vorlage moves along its Beratungsfolge.
CONSULTABLE_STATES = (Paper.State.RELEASED, Paper.State.IN_CONSULTATION)


def pending_consultations() -> QuerySet[Consultation]:
    """Steps that still wait for a result: none yet, or their latest one sends them back."""
    latest_result = Decision.objects.filter(consultation=OuterRef("pk")).order_by("-pk").values("result")[:1]
    return Consultation.objects.annotate(latest_result=Subquery(latest_result)).filter(
        Q(latest_result__isnull=True) | Q(latest_result__in=REOPENING_RESULTS)
    )


def next_pending_consultation(paper: Paper) -> Consultation | None:
    """The step of the paper that comes next on an agenda, or None (one query)."""
    if paper.state not in CONSULTABLE_STATES:
        return None
    return pending_consultations().filter(paper=paper).select_related("organization").order_by("order").first()


def open_agenda_items() -> QuerySet[AgendaItem]:
    """Agenda items still waiting for their result: meeting not cancelled, no decision recorded."""
    return AgendaItem.objects.filter(decision__isnull=True).exclude(meeting__state=Meeting.State.CANCELLED)


def open_agenda_item_of(paper: Paper) -> AgendaItem | None:
    """The open agenda item the paper is on, if it is scheduled (one query)."""
    return (
        open_agenda_items()
        .filter(consultations__paper=paper)
        .select_related("meeting")
        .order_by("meeting__start", "order")
        .first()
    )


def consultation_of(item: AgendaItem) -> Consultation | None:
    """The step of the Beratungsfolge an agenda item deliberates; None for a free item."""
    return item.consultations.select_related("paper", "organization").order_by("pk").first()


def with_pending_step(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Annotate each paper with its next pending step and whether it is on an open agenda item.

    Adds `pending_consultation_id`, `pending_organization_id`, `pending_role` and
    `scheduled`; all are subqueries, so the queryset stays one query however many papers.
    """
    first_pending = pending_consultations().filter(paper=OuterRef("pk")).order_by("order")
    return papers.annotate(
        pending_consultation_id=Subquery(first_pending.values("pk")[:1]),
        pending_organization_id=Subquery(first_pending.values("organization_id")[:1]),
        pending_role=Subquery(first_pending.values("role")[:1]),
        scheduled=Exists(open_agenda_items().filter(consultations__paper=OuterRef("pk"))),
    )


def pool_for_meeting(meeting: Meeting) -> QuerySet[Paper]:
    """The Vorlagen the office may put on this meeting's agenda, oldest first (one query).

    Released or in consultation, with the next pending step at one of the meeting's
    organizations, and not on an open agenda item already.
    """
    return (
        with_pending_step(Paper.objects.filter(body_id=meeting.body_id, state__in=CONSULTABLE_STATES))
        .filter(pending_organization_id__in=meeting.organizations.values("pk"), scheduled=False)
        .select_related("under_direction_of")
        .order_by("date", "reference")
    )


# --- the timeline ---------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineEntry:
    """One event of a Vorlage's path as one reader may see it."""

    event: PaperEvent
    note: str  # the meeting, TOP and result the event concerns, worded now; "" when there is none to show
    url: str  # where the note points: the item on its meeting page, or the meeting


def visible_item_ids(items, user) -> set[int]:
    """The pks of the agenda items among `items` that the user may see (one query at most).

    The set form of `AgendaItem.objects.visible_to` for items already loaded: the office sees
    them all and the public the public ones without asking the database; only a council
    member's non-public items need a look at the meetings they sit in.
    """
    items = [item for item in items if item is not None]
    actor = actor_for(user)
    if actor.is_office:
        return {item.pk for item in items}
    public = {item.pk for item in items if item.public}
    closed = {item.pk for item in items if not item.public}
    if not closed or not actor.organization_ids:
        return public
    return public | set(AgendaItem.objects.visible_to(user).filter(pk__in=closed).values_list("pk", flat=True))


def beratungsfolge_of(paper: Paper, user) -> list[Consultation]:
    """The steps of the paper's Beratungsfolge in order, as `user` may read them (four queries).

    Each step carries its decisions the user may read (``Decision.objects.visible_to``,
    with their votes by Fraktion) and ``item_visible``: whether the user may see its agenda
    item. A step at a non-public item names its meeting only: the item's number, and
    whether and how it was decided, stay with those who may see the item. The page and
    the PDF Vorlage read the same rows.
    """
    decisions = (
        Decision.objects.visible_to(user)
        .order_by("date", "pk")
        .select_related("tracking")
        .prefetch_related(
            Prefetch("faction_votes", queryset=FactionVote.objects.select_related("faction")),
            # The Beschlusskontrolle of a decision the user may read (resolutions.tracking).
            Prefetch("tracking__reports", queryset=ProgressReport.objects.order_by("date", "pk")),
        )
    )
    steps = list(
        paper.consultations.select_related("organization", "agenda_item__meeting")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("order", "pk")
    )
    visible_items = visible_item_ids([step.agenda_item for step in steps], user)
    for step in steps:
        step.item_visible = step.agenda_item_id in visible_items
    return steps


def recommendations_for(consultation: Consultation, user) -> list[Decision]:
    """The results the earlier steps of the same Vorlage recorded, as `user` may read them.

    What the committees recommended, in the order of the Beratungsfolge, for the step that
    decides: its result form shows them and offers their wording. Deferrals and referrals
    recommend nothing and are left out.
    """
    return list(
        Decision.objects.visible_to(user)
        .filter(consultation__paper_id=consultation.paper_id, consultation__order__lt=consultation.order)
        .exclude(result__in=REOPENING_RESULTS)
        .select_related("consultation__organization", "agenda_item__meeting")
        .prefetch_related(Prefetch("faction_votes", queryset=FactionVote.objects.select_related("faction")))
        .order_by("consultation__order", "date", "pk")
    )


def _meetings_entered(meeting_ids: set[int], user) -> set[int]:
    """The meetings among `meeting_ids` whose non-public part the user may see (one query at most)."""
    actor = actor_for(user)
    if actor.is_office:
        return meeting_ids
    if not actor.organization_ids or not meeting_ids:
        return set()
    entered = Meeting.objects.filter(pk__in=meeting_ids, organizations__in=actor.organization_ids)
    return set(entered.values_list("pk", flat=True))


def _entry(event: PaperEvent, shown: bool) -> TimelineEntry:
    if not shown:
        return TimelineEntry(event=event, note="", url="")
    meeting, item, decision = event.meeting, event.agenda_item, event.decision
    if decision is not None:
        item = item or decision.agenda_item
        meeting = meeting or (item.meeting if item else None)
    # The item's number as it is now, and only while the item is on the meeting the event
    # names: a deferred item moves on to another meeting, and the old event keeps its own.
    if item is not None and meeting is not None and item.meeting_id != meeting.pk:
        item = None
    where = ""
    if meeting is not None:
        where = (
            gettext("%(meeting)s, TOP %(number)s") % {"meeting": meeting.name, "number": item.number}
            if item is not None
            else meeting.name
        )
    url = item.get_absolute_url() if item is not None else (meeting.get_absolute_url() if meeting else "")
    action = PaperEvent.Action
    if decision is not None:
        note = gettext("%(organization)s: %(result)s") % {
            "organization": decision.consultation.organization.name,
            "result": decision.get_result_display(),
        }
        note = f"{note} ({where})" if where else note
    elif event.action == action.DEFERRED and where:
        note = gettext("Deferred to %(item)s") % {"item": where}
    elif event.action == action.UNSCHEDULED and where:
        note = gettext("Taken off the agenda of %(meeting)s") % {"meeting": meeting.name}
    else:
        note = where
    return TimelineEntry(event=event, note=note, url=url)


def timeline_of(paper: Paper, user, *, insider: bool) -> list[TimelineEntry]:
    """The paper's events, oldest first, each worded for this reader (four queries at most).

    Outsiders (see `resolutions.workflow.can_view_draft`) see the events from the release
    on. An event names its meeting, TOP and result only to a reader who may see them: the
    item by `AgendaItem.objects.visible_to`, the result by `Decision.objects.visible_to`, a
    meeting whose item is gone by its members. Otherwise it shows only its change of the
    Vorlage's state, which the page shows anyway, and an event that changes no state (a
    recommendation recorded behind closed doors) is left out.
    """
    events = (
        PaperEvent.objects.filter(paper=paper)
        .select_related(
            "actor__person",
            "meeting",
            "agenda_item__meeting",
            "decision__consultation__organization",
            "decision__agenda_item__meeting",
        )
        .order_by("created", "pk")
    )
    if not insider:
        # Before its release a Vorlage is the administration's internal work: who drafted,
        # returned or co-signed it, and why, stays inside.
        events = events.filter(created__gte=paper.released_at) if paper.released_at else events.none()
    events = list(events)
    decision_ids = {event.decision_id for event in events if event.decision_id}
    bare_meeting_ids = {event.meeting_id for event in events if event.meeting_id and not event.agenda_item_id}
    visible_items = visible_item_ids([event.agenda_item for event in events], user)
    visible_decisions = (
        set(Decision.objects.visible_to(user).filter(pk__in=decision_ids).values_list("pk", flat=True))
        if decision_ids
        else set()
    )
    entered = _meetings_entered(bare_meeting_ids, user)
    entries = []
    for event in events:
        if event.decision_id:
            shown = event.decision_id in visible_decisions and (
                not event.agenda_item_id or event.agenda_item_id in visible_items
            )
        elif event.agenda_item_id:
            shown = event.agenda_item_id in visible_items
        elif event.meeting_id:
            shown = event.meeting_id in entered
        else:
            shown = True
        if not shown and event.from_state == event.to_state:
            continue
        entries.append(_entry(event, shown))
    return entries


# --- what waits for whom (the desk) ----------------------------------------------------
def meetings_to_invite(body_ids) -> QuerySet[Meeting]:
    """Meetings still to come whose invitations have not gone out, soonest first."""
    return (
        Meeting.objects.filter(body_id__in=body_ids, state=Meeting.State.SCHEDULED, start__gte=timezone.now())
        .select_related("body", "location")
        .order_by("start", "pk")
    )


def meetings_to_hold(body_ids) -> QuerySet[Meeting]:
    """Meetings that have started but are not yet marked as held (or cancelled)."""
    return (
        Meeting.objects.filter(
            body_id__in=body_ids, state__in=[Meeting.State.SCHEDULED, Meeting.State.INVITED], start__lt=timezone.now()
        )
        .select_related("body")
        .order_by("start", "pk")
    )


def meetings_with_open_results(body_ids) -> QuerySet[Meeting]:
    """Held meetings with a Vorlage on an item that has no result yet, each with `open_items` counted."""
    open_items = AgendaItem.objects.filter(
        meeting=OuterRef("pk"), consultations__isnull=False, decision__isnull=True
    ).values("meeting")
    count = open_items.annotate(total=Count("pk", distinct=True)).values("total")
    return (
        Meeting.objects.filter(body_id__in=body_ids, state=Meeting.State.HELD)
        .annotate(open_items=Subquery(count[:1]))
        .filter(open_items__gt=0)
        .order_by("start", "pk")
    )


def meetings_with_draft_minutes(body_ids) -> QuerySet[Meeting]:
    """Held meetings whose Niederschrift has not been finalised, oldest first."""
    return Meeting.objects.filter(body_id__in=body_ids, state=Meeting.State.HELD, minutes__isnull=True).order_by(
        "start", "pk"
    )


def papers_awaiting_cosignature(user) -> QuerySet[Paper]:
    """Vorlagen in co-signing that wait for this head's signature."""
    waiting = Cosignature.objects.filter(signer=user, signed_at__isnull=True).values("paper_id")
    return Paper.objects.filter(state=Paper.State.COSIGNING, pk__in=waiting).order_by("date", "reference")


def papers_to_release(unit_ids) -> QuerySet[Paper]:
    """Vorlagen of these units in co-signing whose every co-signer has signed: ready for the head's release."""
    unsigned = Cosignature.objects.filter(paper=OuterRef("pk"), signed_at__isnull=True)
    return (
        Paper.objects.filter(under_direction_of_id__in=unit_ids, state=Paper.State.COSIGNING)
        .exclude(Exists(unsigned))
        .order_by("date", "reference")
    )


def papers_returned(unit_ids) -> QuerySet[Paper]:
    """Drafts of these units whose latest step was a return by a head, with `return_comment`."""
    latest = PaperEvent.objects.filter(paper=OuterRef("pk")).order_by("-created", "-pk")
    return (
        Paper.objects.filter(under_direction_of_id__in=unit_ids, state=Paper.State.DRAFT)
        .annotate(
            latest_action=Subquery(latest.values("action")[:1]), return_comment=Subquery(latest.values("comment")[:1])
        )
        .filter(latest_action=PaperEvent.Action.RETURNED)
        .order_by("-modified", "-pk")
    )


# --- the version of what a Vorlage's public page shows, for the page cache ----------------
def _newest(queryset: QuerySet, field: str = "modified") -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


class _Counted(Subquery):
    """The number of rows of a query set, as a subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _counted(queryset: QuerySet) -> Subquery:
    return _Counted(queryset.order_by().values("pk"))


def public_paper_version(reference: str) -> tuple | None:
    """(pk, version) of a public Vorlage, or None when it is not public (one query).

    The version holds the `modified` stamp and the number of rows of everything its page and
    PDF show to the public: the Vorlage, its unit and originators, attachments, events,
    steps with their organizations, items, meetings, results and votes, Beschlusskontrolle,
    alliance memberships, and the bodies (the site's header). Every write service saves
    `modified`, and a row removed changes a count, so any change the public could see gives
    a new version.

    The query is compiled once per process (`_public_paper_version_sql`): building two dozen
    subqueries through the ORM costs more than running them.
    """
    sql, params, position = _public_paper_version_sql()
    params = [*params]
    params[position] = reference
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], tuple(row)


# A reference no Vorlage has, to find its place among the compiled query's parameters.
_REFERENCE_SENTINEL = "\x00reference\x00"


@functools.cache
def _public_paper_version_sql() -> tuple[str, tuple, int]:
    alliance_membership = apps.get_model("alliances", "AllianceMembership")
    alliance = apps.get_model("alliances", "Alliance")
    paper = OuterRef("pk")
    through_persons = Paper.originator_persons.through.objects.filter(paper_id=paper)
    through_organizations = Paper.originator_organizations.through.objects.filter(paper_id=paper)
    tracked = Q(paper=paper) | Q(decision__consultation__paper=paper)
    reported = Q(tracking__paper=paper) | Q(tracking__decision__consultation__paper=paper)
    memberships = alliance_membership.objects.filter(Q(paper=paper) | Q(exit_paper=paper))
    parts = {
        "v_unit": F("under_direction_of__modified"),
        "v_bodies": _newest(Body.objects.all()),
        "v_bodies_n": _counted(Body.objects.all()),
        "v_persons": _newest(Person.objects.filter(pk__in=through_persons.values("person_id"))),
        "v_persons_n": _counted(through_persons),
        "v_originators": _newest(Organization.objects.filter(pk__in=through_organizations.values("organization_id"))),
        "v_originators_n": _counted(through_organizations),
        "v_attachments": _newest(Attachment.objects.filter(paper=paper)),
        "v_attachments_n": _counted(Attachment.objects.filter(paper=paper)),
        "v_events": _newest(PaperEvent.objects.filter(paper=paper), "created"),
        "v_events_n": _counted(PaperEvent.objects.filter(paper=paper)),
        "v_steps": _newest(Consultation.objects.filter(paper=paper)),
        "v_steps_n": _counted(Consultation.objects.filter(paper=paper)),
        "v_organizations": _newest(Organization.objects.filter(consultations__paper=paper)),
        "v_items": _newest(AgendaItem.objects.filter(consultations__paper=paper)),
        "v_meetings": _newest(Meeting.objects.filter(agenda_items__consultations__paper=paper)),
        "v_decisions": _newest(Decision.objects.filter(consultation__paper=paper)),
        "v_decisions_n": _counted(Decision.objects.filter(consultation__paper=paper)),
        "v_votes": _newest(FactionVote.objects.filter(decision__consultation__paper=paper)),
        "v_votes_n": _counted(FactionVote.objects.filter(decision__consultation__paper=paper)),
        "v_trackings": _newest(Tracking.objects.filter(tracked)),
        "v_trackings_n": _counted(Tracking.objects.filter(tracked)),
        "v_reports": _newest(ProgressReport.objects.filter(reported)),
        "v_reports_n": _counted(ProgressReport.objects.filter(reported)),
        "v_alliances": _newest(alliance.objects.filter(memberships__in=memberships.values("pk"))),
        "v_memberships": _newest(memberships),
        "v_memberships_n": _counted(memberships),
    }
    query = (
        Paper.objects.visible_to(AnonymousUser())
        .filter(reference=_REFERENCE_SENTINEL)
        .annotate(**parts)
        .order_by()
        .values_list("pk", "modified", "version", *parts)[:1]
    )
    sql, params = query.query.sql_with_params()
    return sql, tuple(params), list(params).index(_REFERENCE_SENTINEL)
