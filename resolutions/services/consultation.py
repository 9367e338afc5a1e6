"""Agendas and decisions: putting Vorlagen before the committees and recording what they resolved.

Only the council office (and administrators) build agendas and record results. Every
service locks the meeting row first, then the paper's, so that two offices working on the
same agenda queue instead of colliding on the item numbers.

The agenda of a meeting has a public part and, after it, a non-public part. Items are
numbered by position: "1", "2", … across both parts, until the invitation goes out: from then
on the numbers it printed stay (an item taken off leaves a gap, a new item is a Nachtrag
with a number of its own, and renumbering is refused). An item whose number has a dot
("10.1") is a sub-item of the numbered item above it in the same part, and keeps being
one: renumbering gives it the main number above it and a running sub-number ("3.1",
"3.2"). A number given explicitly when an item is added is kept as given (and the other
items keep theirs) until the agenda is renumbered; every other change of the agenda
renumbers it. Numbers and orders are unique per meeting, so the agenda is written in two
passes (temporary values first), which neither PostgreSQL nor SQLite refuse.

How a result moves the Vorlage: a non-authoritative step's result is a recommendation
(the paper stays in consultation, its next step becomes pending; event ADVANCED); the
authoritative step's result decides it (event DECIDED); "zurückgezogen" withdraws it;
"vertagt" and "verwiesen" leave it in consultation with the same step pending again, so
it returns to the office's pool (see `resolutions.queries`).
"""

import re
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from council.meetings import meeting_day, voting_members_present, voting_members_present_without_faction
from council.models import AgendaItem, AgendaTemplate, Meeting, Organization
from council.roles import actor_for
from resolutions.attachments import inspect_upload
from resolutions.models import Consultation, Decision, FactionVote, ItemDocument, Paper, PaperEvent
from resolutions.queries import REOPENING_RESULTS, consultation_of, next_pending_consultation, open_agenda_item_of
from resolutions.services.drafting import checked_file_save, checked_file_set
from resolutions.workflow import AGENDA_ROLE_ERROR as ROLE_ERROR
from resolutions.workflow import PAPER_CLOSED_ERROR, Transition, ensure_transition

# --- messages -------------------------------------------------------------------------
MEETING_CLOSED_ERROR = _("This meeting is “%(state)s”; its agenda can no longer be changed.")
MEETING_NOT_HELD_ERROR = _("Record results only for a meeting that has been held; mark the meeting as held first.")
NO_PENDING_STEP_ERROR = _(
    "Every step of this Vorlage's Beratungsfolge has been dealt with; there is nothing left to put on an agenda."
)
NOT_NEXT_STEP_ERROR = _(
    "The next step of this Vorlage's Beratungsfolge is with %(organization)s, which does not meet here; put it on "
    "an agenda of %(organization)s."
)
ALREADY_SCHEDULED_ERROR = _(
    "This Vorlage is already on the agenda of %(meeting)s (item %(number)s); record the result there or take it "
    "off that agenda first."
)
NUMBER_FORMAT_ERROR = _("An agenda number is a number, with sub-numbers after dots if needed, e.g. 5 or 10.1.")
NUMBER_TAKEN_ERROR = _("Number %(number)s is already used on this agenda; choose another one.")
ITEMS_MISMATCH_ERROR = _(
    "The new order must list every item of this agenda exactly once; reload the agenda and arrange it again."
)
PUBLIC_AFTER_NONPUBLIC_ERROR = _(
    "The public part comes first: “%(item)s” is public but placed after a non-public item."
)
DOCUMENT_ON_VORLAGE_ERROR = _(
    "This item carries a Vorlage; its documents are the Vorlage's attachments, added by its unit."
)
NOT_A_FREE_ITEM_ERROR = _("This item carries a Vorlage and is named by it; change the Vorlage's title instead.")
TEMPLATE_OTHER_BODY_ERROR = _("The agenda template “%(template)s” belongs to another municipality.")
NUMBERS_PRINTED_ERROR = _(
    "The invitation has gone out with these numbers, so they stay: items can still be taken in another order, "
    "added as a Nachtrag or taken off, but not numbered anew or moved to the other part."
)
PAPER_NOT_PUBLIC_ERROR = _("The Vorlage of this item is not public, so the item stays in the non-public part.")
FREE_ITEM_ERROR = _(
    "This agenda item carries no Vorlage, so there is no result to record and no step to move; note what happened "
    "in the minutes."
)
LATER_MEETING_ERROR = _(
    "Choose a later meeting of %(organization)s that has been neither held nor cancelled; “%(meeting)s” is not one."
)
ALREADY_DECIDED_ERROR = _("The result of this item has already been recorded (“%(result)s”); it is recorded once.")
VOTES_EXCEED_PRESENT_ERROR = _(
    "%(votes)s votes are recorded (yes, no, abstentions and excluded together), but only %(present)s voting members "
    "are present; check the counts and the attendance."
)
UNANIMOUS_DISSENT_ERROR = _("A unanimous vote has no votes against; remove either the mark or the votes against.")
NOT_A_FACTION_ERROR = _("%(organization)s is not a Fraktion of %(body)s.")
FACTION_TWICE_ERROR = _("%(organization)s is listed more than once in the votes by Fraktion.")
FACTION_SUM_ERROR = _(
    "The votes by Fraktion do not add up in the column “%(column)s”: they make %(sum)s, the total is %(total)s."
)
FACTION_GAP_ERROR = _(
    "The votes by Fraktion leave %(gap)s votes to members who sit for no Fraktion, but only %(unaffiliated)s such "
    "voting members are present; check the rows by Fraktion."
)
AMENDED_TEXT_ERROR = _(
    "The resolution text differs from the Beschlussvorschlag; record the result as “geändert beschlossen”, or keep "
    "the Beschlussvorschlag."
)
AMENDED_TEXT_MISSING_ERROR = _(
    "“geändert beschlossen” needs the wording as resolved; enter the amended text, which differs from the "
    "Beschlussvorschlag."
)

NUMBER_PATTERN = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$")
# The columns of a vote: the key of a row of votes by Fraktion and the field it adds up to.
VOTE_COLUMNS = (("yes", "votes_yes"), ("no", "votes_no"), ("abstain", "votes_abstain"), ("biased", "votes_biased"))


# --- the Vorlage's moves along the agenda ---------------------------------------------
# The rows "schedule", "unschedule", "defer", "advance" and "decide" of
# resolutions.workflow.TRANSITIONS say who may move the paper from where.


def _move(
    paper: Paper,
    transition: Transition,
    *,
    by,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    decision: Decision | None = None,
    comment: str = "",
) -> Paper:
    """Write the transition's state, a new version and the event, in the caller's transaction.

    The event points at the meeting, item and decision concerned instead of describing
    them: the timeline words them when shown, for the reader's eyes only (see
    `resolutions.queries.timeline_of`). `comment` is for words a person gave.
    """
    from_state = paper.state
    paper.state = transition.target
    paper.version += 1
    if by is not None and by.is_authenticated:
        paper._history_user = by  # simple_history records who made the change
    paper.full_clean()
    paper.save(update_fields=["state", "version", "modified"])
    event = PaperEvent(
        paper=paper,
        action=transition.action,
        from_state=from_state,
        to_state=paper.state,
        actor=by,
        comment=comment,
        meeting=meeting,
        agenda_item=agenda_item,
        decision=decision,
    )
    event.full_clean()
    event.save()
    return paper


# --- locks and common checks ----------------------------------------------------------
def _ensure_office(by) -> None:
    if not actor_for(by).is_office:
        raise ValidationError(ROLE_ERROR, code="not_allowed")


def _lock_meeting(meeting_pk: int) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting_pk)


def _lock_paper(paper_pk: int) -> Paper:
    return Paper.objects.select_for_update().get(pk=paper_pk)


def _lock_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the item's meeting, then the item; the meeting first, as everywhere here."""
    meeting = _lock_meeting(item.meeting_id)
    return meeting, AgendaItem.objects.select_for_update().get(pk=item.pk)


def _ensure_not_cancelled(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.CANCELLED:
        params = {"state": meeting.get_state_display()}
        raise ValidationError(MEETING_CLOSED_ERROR, code="meeting_closed", params=params)


def _ensure_open(meeting: Meeting) -> None:
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        raise ValidationError(
            MEETING_CLOSED_ERROR, code="meeting_closed", params={"state": meeting.get_state_display()}
        )


def agenda_title(paper: Paper) -> str:
    """How a Vorlage is listed on an agenda: its subject line, then its title."""
    title = f"{paper.subject_line} – {paper.name}" if paper.subject_line else paper.name
    limit = AgendaItem._meta.get_field("name").max_length
    return title if len(title) <= limit else title[: limit - 1] + "…"


# --- the agenda's layout --------------------------------------------------------------
def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))


def _check_number(number: str) -> None:
    if not NUMBER_PATTERN.match(number):
        raise ValidationError({"number": ValidationError(NUMBER_FORMAT_ERROR, code="number_format")})


def _numbered(items: Sequence[AgendaItem], subs: Sequence[bool]) -> list[str]:
    """Number items by position; a sub-item follows the main item above it in the same part."""
    numbers, main, sub, part = [], 0, 0, None
    for item, is_sub in zip(items, subs, strict=True):
        if is_sub and main and item.public == part:
            sub += 1
            numbers.append(f"{main}.{sub}")
        else:
            main, sub = main + 1, 0
            numbers.append(str(main))
        part = item.public
    return numbers


def _check_parts(items: Sequence[AgendaItem]) -> None:
    seen_nonpublic = False
    for item in items:
        if item.public and seen_nonpublic:
            raise ValidationError(
                PUBLIC_AFTER_NONPUBLIC_ERROR, code="public_after_nonpublic", params={"item": item.name}
            )
        seen_nonpublic = seen_nonpublic or not item.public


def _write_agenda(meeting: Meeting, items: list[AgendaItem], numbers: Sequence[str] | None = None) -> list[AgendaItem]:
    """Store `items` in this order, with `numbers` (renumbered by position if None).

    Two passes: first every item to a temporary order above any stored one and a temporary
    number no real number looks like, then to the final values. A single UPDATE that swaps
    two numbers would trip the unique constraints, which both databases check row by row.
    """
    _check_parts(items)
    if numbers is None and _invited(meeting):
        # The invitation printed these numbers: they stay whatever moves (see the module).
        numbers = [item.number for item in items]
    if numbers is None:
        numbers = _numbered(items, ["." in item.number for item in items])
    numbers = list(numbers)
    if [(item.order, item.number) for item in items] == [(p, n) for p, n in enumerate(numbers, start=1)]:
        return items
    stored_max = AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("order"))["top"] or 0
    base = max(stored_max, len(items)) + 1
    now = timezone.now()
    for offset, item in enumerate(items):
        item.order, item.number, item.modified = base + offset, f"#{item.pk}", now
    AgendaItem.objects.bulk_update(items, ["order", "number", "modified"])
    for position, (item, number) in enumerate(zip(items, numbers, strict=True), start=1):
        item.order, item.number = position, number
    AgendaItem.objects.bulk_update(items, ["order", "number"])
    return items


def _placed(items: list[AgendaItem], item: AgendaItem) -> list[AgendaItem]:
    """`items` with `item` appended at the end of its part (public part first).

    In the public part that is before its closing items ("Mitteilungen und Anfragen"),
    unless the item is a closing item itself.
    """
    others = [other for other in items if other.pk != item.pk]
    public = [other for other in others if other.public]
    nonpublic = [other for other in others if not other.public]
    if not item.public:
        return [*public, *nonpublic, item]
    if item.closing:
        return [*public, item, *nonpublic]
    body = [other for other in public if not other.closing]
    closing = [other for other in public if other.closing]
    return [*body, item, *closing, *nonpublic]


def _invited(meeting: Meeting) -> bool:
    return meeting.state == Meeting.State.INVITED


def _addendum_number(items: Sequence[AgendaItem], public: bool) -> str:
    """The number of an item added after the invitation, which shifts no printed number.

    At the end of the non-public part (or of a public part nothing follows) it takes the
    next main number; in a public part followed by the non-public one, the next sub-number
    of the part's last main number ("4.1").
    """

    def main(number: str) -> int:
        head = number.split(".")[0]
        return int(head) if head.isdigit() else 0

    taken = {other.number for other in items}
    follows = public and any(not other.public for other in items)
    if not follows:
        return str(max((main(other.number) for other in items), default=0) + 1)
    base = max((main(other.number) for other in items if other.public), default=0)
    sub = 1
    while f"{base}.{sub}" in taken:
        sub += 1
    return f"{base}.{sub}"


def _insert(meeting: Meeting, item: AgendaItem, *, number: str | None) -> AgendaItem:
    """Save a new item at the end of its part and number the agenda around it.

    After the invitation the item is a Nachtrag: it gets a number of its own that shifts
    none of the printed ones.
    """
    items = _items(meeting)
    if number is None and _invited(meeting):
        item.addendum = True
        number = _addendum_number(items, item.public)
    if number is not None and any(other.number == number for other in items):
        raise ValidationError(
            {"number": ValidationError(NUMBER_TAKEN_ERROR, code="number_taken", params={"number": number})}
        )
    stored_max = max((other.order for other in items), default=0)
    item.meeting = meeting
    item.order = max(stored_max, len(items)) + 1
    item.number = number or "#new"
    item.full_clean()
    item.save()
    layout = _placed(items, item)
    # An explicit number is kept, and so are the others; otherwise the agenda is renumbered.
    _write_agenda(meeting, layout, None if number is None else [other.number for other in layout])
    return item


# --- agenda services ------------------------------------------------------------------
@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    by: AbstractBaseUser,
    name: str | None = None,
    public: bool = True,
    number: str | None = None,
    paper: Paper | None = None,
) -> AgendaItem:
    """Put an item on the agenda: a free one (Eröffnung, Mitteilungen) or a Vorlage's next step.

    A Vorlage goes on the agenda of a meeting of the organization of its next pending
    step; the step is linked to the new item and the Vorlage is in consultation from then
    on. A non-public Vorlage makes a non-public item; the name defaults to the Vorlage's
    subject line and title.
    """
    _ensure_office(by)
    locked = _lock_meeting(meeting.pk)
    _ensure_open(locked)
    if number is not None:
        _check_number(number)
    if paper is None:
        return _insert(locked, AgendaItem(name=name or "", public=public), number=number)

    paper = _lock_paper(paper.pk)
    transition = ensure_transition(paper, "schedule", by=by)
    consultation = next_pending_consultation(paper)
    if consultation is None:
        raise ValidationError(NO_PENDING_STEP_ERROR, code="no_pending_step")
    if not locked.organizations.filter(pk=consultation.organization_id).exists():
        raise ValidationError(
            NOT_NEXT_STEP_ERROR, code="not_next_step", params={"organization": consultation.organization.name}
        )
    if (current := open_agenda_item_of(paper)) is not None:
        raise ValidationError(
            ALREADY_SCHEDULED_ERROR,
            code="already_scheduled",
            params={"meeting": current.meeting.name, "number": current.number},
        )
    item = _insert(locked, AgendaItem(name=name or agenda_title(paper), public=public and paper.public), number=number)
    consultation.agenda_item = item
    consultation.full_clean()
    consultation.save(update_fields=["agenda_item", "modified"])
    _move(paper, transition, by=by, meeting=locked, agenda_item=item)
    return item


@transaction.atomic
def agenda_template_apply(*, meeting: Meeting, by: AbstractBaseUser, template: AgendaTemplate) -> list[AgendaItem]:
    """Put a template's standing items on the agenda: its opening items first, its closing items at the end
    of the public part, each once (an item of the same name already on the agenda is not added again).

    Returns the items added. Before the invitation the agenda is numbered anew; after it the
    items are a Nachtrag like any other addition.
    """
    _ensure_office(by)
    locked = _lock_meeting(meeting.pk)
    _ensure_open(locked)
    if template.body_id != locked.body_id:
        raise ValidationError(TEMPLATE_OTHER_BODY_ERROR, code="other_body", params={"template": template.name})
    present = {item.name for item in _items(locked)}
    added = []
    lines = [(name, False) for name in AgendaTemplate.lines(template.opening_items)]
    lines += [(name, True) for name in AgendaTemplate.lines(template.closing_items)]
    for name, closing in lines:
        if name not in present:
            added.append(_insert(locked, AgendaItem(name=name, public=True, closing=closing), number=None))
            present.add(name)
    opening = set(AgendaTemplate.lines(template.opening_items))
    if opening and not _invited(locked):
        items = _items(locked)
        first = [item for item in items if item.public and item.name in opening]
        first.sort(key=lambda item: AgendaTemplate.lines(template.opening_items).index(item.name))
        rest = [item for item in items if item not in first]
        _write_agenda(locked, [*first, *rest])
    return added


@transaction.atomic
def agenda_item_rename(*, item: AgendaItem, by: AbstractBaseUser, name: str) -> AgendaItem:
    """Give a free item (one without a Vorlage) a new name; a Vorlage's item is named by its Vorlage."""
    _ensure_office(by)
    meeting, locked = _lock_item(item)
    _ensure_open(meeting)
    if consultation_of(locked) is not None:
        raise ValidationError(NOT_A_FREE_ITEM_ERROR, code="not_free")
    locked.name = name.strip()
    locked.full_clean()
    locked.save(update_fields=["name", "modified"])
    return locked


@transaction.atomic
def item_document_add(
    *, item: AgendaItem, by: AbstractBaseUser, uploaded_file: UploadedFile, name: str
) -> ItemDocument:
    """Attach a checked document to a free item (a Vorlage's item has the Vorlage's attachments).

    Also after the meeting (a presentation shown, a report handed out), but not to the
    agenda of a cancelled one. The document is as public as its item.
    """
    _ensure_office(by)
    meeting, locked = _lock_item(item)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(
            MEETING_CLOSED_ERROR, code="meeting_closed", params={"state": meeting.get_state_display()}
        )
    if consultation_of(locked) is not None:
        raise ValidationError(DOCUMENT_ON_VORLAGE_ERROR, code="not_free")
    inspected = inspect_upload(uploaded_file)
    document = ItemDocument(agenda_item=locked, name=name.strip() or inspected.file_name)
    checked_file_set(document, inspected, uploaded_file)
    document.full_clean()
    checked_file_save(document)
    return document


@transaction.atomic
def item_document_remove(*, document: ItemDocument, by: AbstractBaseUser) -> None:
    """Take a document off its item; the file goes once this commits."""
    _ensure_office(by)
    meeting, _locked = _lock_item(document.agenda_item)
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(
            MEETING_CLOSED_ERROR, code="meeting_closed", params={"state": meeting.get_state_display()}
        )
    stored = ItemDocument.objects.select_for_update().get(pk=document.pk)
    name, storage = stored.file.name, stored.file.storage
    stored.delete()
    transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def agenda_renumber(*, meeting: Meeting, by: AbstractBaseUser) -> list[AgendaItem]:
    """Number the agenda by position again, sub-items kept under the item above them."""
    _ensure_office(by)
    locked = _lock_meeting(meeting.pk)
    _ensure_open(locked)
    if _invited(locked):
        raise ValidationError(NUMBERS_PRINTED_ERROR, code="numbers_printed")
    return _write_agenda(locked, _items(locked))


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, by: AbstractBaseUser, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Arrange the agenda in the order of `item_ids` (every item once, public part first) and renumber it."""
    _ensure_office(by)
    locked = _lock_meeting(meeting.pk)
    _ensure_open(locked)
    by_pk = {item.pk: item for item in _items(locked)}
    item_ids = list(item_ids)
    if len(item_ids) != len(by_pk) or set(item_ids) != set(by_pk):
        raise ValidationError(ITEMS_MISMATCH_ERROR, code="items_mismatch")
    return _write_agenda(locked, [by_pk[pk] for pk in item_ids])


@transaction.atomic
def agenda_item_set_public(*, item: AgendaItem, by: AbstractBaseUser, public: bool) -> AgendaItem:
    """Move an item to the public or the non-public part (at its end) and renumber the agenda."""
    _ensure_office(by)
    meeting, locked = _lock_item(item)
    _ensure_open(meeting)
    if locked.public == public:
        return locked
    if _invited(meeting):
        raise ValidationError(NUMBERS_PRINTED_ERROR, code="numbers_printed")
    consultation = consultation_of(locked)
    if public and consultation is not None and not consultation.paper.public:
        raise ValidationError(PAPER_NOT_PUBLIC_ERROR, code="paper_not_public")
    locked.public = public
    locked.full_clean()
    locked.save(update_fields=["public", "modified"])
    _write_agenda(meeting, _placed(_items(meeting), locked))
    return locked


def _unlink(consultation: Consultation) -> None:
    """Point the step back to where it was last on an agenda (a deferral's item), or nowhere."""
    last = consultation.decisions.exclude(agenda_item=None).order_by("-pk").values_list("agenda_item", flat=True)
    consultation.agenda_item_id = last.first()
    consultation.full_clean()
    consultation.save(update_fields=["agenda_item", "modified"])


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: AbstractBaseUser) -> None:
    """Take an item off the agenda of a meeting not yet held, and renumber the rest.

    A Vorlage that has no result on any step yet goes back to released; one further along
    its Beratungsfolge stays in consultation. Either way it is back in the pool.
    """
    _ensure_office(by)
    meeting, locked = _lock_item(item)
    _ensure_open(meeting)
    consultation = consultation_of(locked)
    if consultation is not None:
        paper = _lock_paper(consultation.paper_id)
        _unlink(consultation)
        untouched = not Decision.objects.filter(consultation__paper=paper).exists()
        if paper.state == Paper.State.IN_CONSULTATION and untouched and open_agenda_item_of(paper) is None:
            transition = ensure_transition(paper, "unschedule", by=by)
            _move(paper, transition, by=by, meeting=meeting)
    locked.delete()
    _write_agenda(meeting, _items(meeting))


@transaction.atomic
def agenda_item_defer(*, item: AgendaItem, by: AbstractBaseUser, to_meeting: Meeting) -> AgendaItem:
    """Defer a Vorlage's item (vertagen) to a later meeting of the same organization; return the new item.

    If the meeting was held, the old item keeps a decision "vertagt" and a new item is put
    on the later agenda; if it was cancelled, its agenda stays as printed and a new item is
    put on the later one; if it is still to come, the item itself moves.
    """
    _ensure_office(by)
    # Both meetings, in the order of their keys: two deferrals in opposite directions queue
    # instead of deadlocking.
    meetings = Meeting.objects.select_for_update(of=("self",)).select_related("body").order_by("pk")
    meetings = {m.pk: m for m in meetings.filter(pk__in=[item.meeting_id, to_meeting.pk])}
    meeting, target = meetings[item.meeting_id], meetings[to_meeting.pk]
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    consultation = consultation_of(locked)
    if consultation is None:
        raise ValidationError(FREE_ITEM_ERROR, code="free_item")
    if (decision := Decision.objects.filter(agenda_item=locked).first()) is not None:
        raise ValidationError(
            ALREADY_DECIDED_ERROR, code="already_decided", params={"result": decision.get_result_display()}
        )
    if (
        target.pk == meeting.pk
        or target.start <= meeting.start
        or target.state in (Meeting.State.HELD, Meeting.State.CANCELLED)
        or not target.organizations.filter(pk=consultation.organization_id).exists()
    ):
        raise ValidationError(
            LATER_MEETING_ERROR,
            code="not_a_later_meeting",
            params={"organization": consultation.organization.name, "meeting": target.name},
        )
    paper = _lock_paper(consultation.paper_id)
    transition = ensure_transition(paper, "defer", by=by)
    if meeting.state in (Meeting.State.HELD, Meeting.State.CANCELLED):
        # The old agenda stays as it was printed; a held meeting records the deferral.
        if meeting.state == Meeting.State.HELD:
            _record(
                meeting=meeting,
                item=locked,
                consultation=consultation,
                result=Decision.Result.DEFERRED,
                resolution_text=paper.proposal,
            )
        moved = _insert(target, AgendaItem(name=locked.name, public=locked.public), number=None)
    else:
        # Off the old agenda first (to a number no agenda uses), then onto the end of its part on the new one.
        locked.meeting, locked.number = target, f"#{locked.pk}"
        locked.order = max((other.order for other in _items(target)), default=0) + 1
        locked.full_clean()
        locked.save(update_fields=["meeting", "order", "number", "modified"])
        _write_agenda(meeting, _items(meeting))
        moved = locked
        _write_agenda(target, _placed(_items(target), moved))
    consultation.agenda_item = moved
    consultation.full_clean()
    consultation.save(update_fields=["agenda_item", "modified"])
    _move(paper, transition, by=by, meeting=target, agenda_item=moved)
    return moved


# --- decisions ------------------------------------------------------------------------
def _normalized(text: str) -> str:
    # Forms send CRLF; a text differs only if its words do.
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def wording_differs(text: str, proposal: str) -> bool:
    """Whether a resolution text says something else than the Beschlussvorschlag (not just other line ends)."""
    return _normalized(text) != _normalized(proposal)


def _record(
    *, meeting: Meeting, item: AgendaItem, consultation: Consultation, result: str, resolution_text: str, **votes
) -> Decision:
    decision = Decision(
        consultation=consultation,
        agenda_item=item,
        result=result,
        resolution_text=resolution_text,
        date=meeting_day(meeting),
        **votes,
    )
    decision.full_clean()
    decision.save()
    return decision


def _check_text(paper: Paper, result: str, resolution_text: str | None) -> str:
    proposal = paper.proposal
    if result == Decision.Result.ADOPTED_AMENDED:
        if resolution_text is None or _normalized(resolution_text) == _normalized(proposal):
            raise ValidationError(
                {"resolution_text": ValidationError(AMENDED_TEXT_MISSING_ERROR, code="amended_text_missing")}
            )
        return resolution_text.strip()
    if resolution_text is not None and _normalized(resolution_text) != _normalized(proposal):
        raise ValidationError({"resolution_text": ValidationError(AMENDED_TEXT_ERROR, code="amended_text")})
    return proposal


def _check_votes(meeting: Meeting, item: AgendaItem, decision: Decision) -> None:
    if decision.unanimous and decision.votes_no:
        raise ValidationError({"unanimous": ValidationError(UNANIMOUS_DISSENT_ERROR, code="unanimous_dissent")})
    votes = decision.votes_cast + decision.votes_biased
    # Who was there for this item: late arrivals, early departures and recusals count.
    present = voting_members_present(meeting, item)
    if votes > present:
        raise ValidationError(
            VOTES_EXCEED_PRESENT_ERROR, code="votes_exceed_present", params={"votes": votes, "present": present}
        )


def _faction_votes(meeting: Meeting, item: AgendaItem, decision: Decision, rows: Sequence[dict]) -> list[FactionVote]:
    """Check the votes by Fraktion against the body and the totals; return them unsaved.

    No rows is fine: many councils record only the totals.
    """
    if not rows:
        return []
    errors, seen, faction_votes = [], set(), []
    for row in rows:
        faction = row["faction"]
        params = {"organization": faction.name, "body": meeting.body.name}
        if faction.body_id != meeting.body_id or faction.organization_type != Organization.Type.FACTION:
            errors.append(ValidationError(NOT_A_FACTION_ERROR, code="not_a_faction", params=params))
        elif faction.pk in seen:
            errors.append(ValidationError(FACTION_TWICE_ERROR, code="faction_twice", params=params))
        seen.add(faction.pk)
        faction_votes.append(
            FactionVote(decision=decision, faction=faction, **{field: row.get(key, 0) for key, field in VOTE_COLUMNS})
        )
    if errors:
        raise ValidationError({"faction_votes": errors})
    for faction_vote in faction_votes:
        faction_vote.full_clean(exclude=["decision"], validate_unique=False, validate_constraints=False)
    # Members who sit for no Fraktion (the Oberbürgermeisterin, say) vote too: the rows may
    # leave exactly as many votes to them as such members are present, and no more.
    unaffiliated = voting_members_present_without_faction(meeting, item)
    gap = 0
    for _key, field in VOTE_COLUMNS:
        total, added = getattr(decision, field), sum(getattr(vote, field) for vote in faction_votes)
        if added > total or (added < total and not unaffiliated):
            column = Decision._meta.get_field(field).verbose_name
            errors.append(
                ValidationError(
                    FACTION_SUM_ERROR, code="faction_sum", params={"column": column, "sum": added, "total": total}
                )
            )
        gap += max(total - added, 0)
    if not errors and gap > unaffiliated:
        errors.append(
            ValidationError(FACTION_GAP_ERROR, code="faction_gap", params={"gap": gap, "unaffiliated": unaffiliated})
        )
    if errors:
        raise ValidationError({"faction_votes": errors})
    return faction_votes


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    by: AbstractBaseUser,
    result: str,
    resolution_text: str | None = None,
    votes_yes: int = 0,
    votes_no: int = 0,
    votes_abstain: int = 0,
    votes_biased: int = 0,
    unanimous: bool = False,
    faction_votes: Sequence[dict] = (),
) -> Decision:
    """Record what was resolved on a Vorlage's item of a held meeting, and move the Vorlage on.

    `faction_votes` are dicts with `faction` (a Fraktion of the body) and the counts `yes`,
    `no`, `abstain`, `biased`; given, they must add up to the totals. The resolution text is
    the Beschlussvorschlag unless the result is "geändert beschlossen". A result is recorded
    once per item.
    """
    _ensure_office(by)
    meeting, locked = _lock_item(item)
    if meeting.state != Meeting.State.HELD:
        raise ValidationError(MEETING_NOT_HELD_ERROR, code="meeting_not_held")
    consultation = consultation_of(locked)
    if consultation is None:
        raise ValidationError(FREE_ITEM_ERROR, code="free_item")
    if (earlier := Decision.objects.filter(agenda_item=locked).first()) is not None:
        raise ValidationError(
            ALREADY_DECIDED_ERROR, code="already_decided", params={"result": earlier.get_result_display()}
        )
    paper = _lock_paper(consultation.paper_id)
    if paper.state != Paper.State.IN_CONSULTATION:
        raise ValidationError(PAPER_CLOSED_ERROR, code="wrong_state", params={"state": paper.get_state_display()})

    decision = Decision(
        consultation=consultation,
        agenda_item=locked,
        result=result,
        date=meeting_day(meeting),
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
        votes_biased=votes_biased,
        unanimous=unanimous,
    )
    # Field checks (a known result, no negative counts) before the sums make sense.
    decision.full_clean(exclude=["resolution_text"], validate_unique=False, validate_constraints=False)
    # The wording, the totals and the rows by Fraktion are checked each on their own, and
    # refused together: the form shows everything to correct at once.
    refusals: list[ValidationError] = []
    rows: list[FactionVote] = []
    try:
        decision.resolution_text = _check_text(paper, result, resolution_text)
    except ValidationError as error:
        refusals.append(error)
    try:
        _check_votes(meeting, locked, decision)
    except ValidationError as error:
        refusals.append(error)
    try:
        rows = _faction_votes(meeting, locked, decision, faction_votes)
    except ValidationError as error:
        refusals.append(error)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        errors: dict = {}
        for error in refusals:
            errors = error.update_error_dict(errors)
        raise ValidationError(errors)
    if result in REOPENING_RESULTS:
        # The same step is pending again and the Vorlage back in the pool; its state stays.
        transition = None
    elif result == Decision.Result.WITHDRAWN:
        # The decision is the reason: the event points at it instead of asking for a comment.
        transition = ensure_transition(paper, "withdraw", by=by)
    elif consultation.authoritative:
        transition = ensure_transition(paper, "decide", by=by)
    else:
        transition = ensure_transition(paper, "advance", by=by)
    decision.full_clean()
    decision.save()
    for row in rows:
        row.decision = decision
        row.full_clean()
        row.save()
    if transition is not None:
        _move(paper, transition, by=by, meeting=meeting, agenda_item=locked, decision=decision)
    if consultation.authoritative or result == Decision.Result.WITHDRAWN:
        # The apps that follow the council (alliances: memberships decided by this Vorlage)
        # move in this transaction, without signals and without resolutions importing them.
        for path in settings.RATSBUCH_DECISION_FOLLOWERS:
            import_string(path)(decision=decision, by=by)
    return decision
