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

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from council.models import AgendaItem, Meeting

from .models import Consultation, Decision, Paper

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
