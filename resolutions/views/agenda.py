"""The council office builds a meeting's agenda from the pool and records results and votes.

Who may: the council office (administrators count). Not logged in: the login page; logged
in without the role: 403; an unknown meeting or an item of another meeting: 404.

The agenda builder is one page with one form per action; the POST field ``action`` names
it, and each action calls exactly one service of `resolutions.services.consultation`.
Input typed into a form (a number, a free item, a deferral) comes back with the service's
refusal on the form; a refused button (move, toggle, remove) says why in a message.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from council.collation import german
from council.meetings import voters, voting_members_present
from council.models import AgendaItem, AgendaTemplate, Meeting, Organization
from council.roles import office_required
from resolutions import services
from resolutions.forms.agenda import (
    FREE_ITEM_SUGGESTIONS,
    FREE_ITEM_SUGGESTIONS_ID,
    AgendaDeferForm,
    AgendaFreeItemForm,
    AgendaItemForm,
    AgendaMoveForm,
    AgendaPaperForm,
    AgendaRenameForm,
    AgendaReorderForm,
    AgendaSetPublicForm,
    AgendaTemplateForm,
    DecisionForm,
    FactionVoteFormSet,
    ItemDocumentForm,
    ItemDocumentRemoveForm,
    add_service_error,
    decision_error_summary,
)
from resolutions.models import Consultation, Decision
from resolutions.queries import consultation_of, pool_for_meeting, recommendations_for

PAPER_ADDED_MESSAGE = _("KSD %(reference)s is on the agenda as item %(number)s.")
ITEM_ADDED_MESSAGE = _("Item %(number)s “%(name)s” was added to the agenda.")
AGENDA_REORDERED_MESSAGE = _("The agenda was rearranged and numbered anew.")
ITEM_MADE_PUBLIC_MESSAGE = _("“%(name)s” moved to the public part.")
ITEM_MADE_NONPUBLIC_MESSAGE = _("“%(name)s” moved to the non-public part.")
ITEM_REMOVED_MESSAGE = _("“%(name)s” was taken off the agenda.")
ITEM_DEFERRED_MESSAGE = _("“%(name)s” was deferred to “%(meeting)s”, as item %(number)s.")
AGENDA_RENUMBERED_MESSAGE = _("The agenda was numbered anew by position.")
TEMPLATE_APPLIED_MESSAGE = _("The standing items of “%(template)s” are on the agenda (%(count)d added).")
ITEM_RENAMED_MESSAGE = _("Item %(number)s is now called “%(name)s”.")
DOCUMENT_ADDED_MESSAGE = _("“%(name)s” is attached to item %(number)s.")
DOCUMENT_REMOVED_MESSAGE = _("“%(name)s” was taken off its item.")
UNKNOWN_ACTION_MESSAGE = _("The page sent an action this agenda does not know; reload it and try again.")
DECISION_RECORDED_MESSAGE = _("Result of item %(number)s recorded: %(result)s.")
FREE_ITEM_NOTE = _("This item carries no Vorlage, so there is no result to record; note what happened in the minutes.")

OPEN_STATES = (Meeting.State.SCHEDULED, Meeting.State.INVITED)
DEFERRABLE_STATES = (Meeting.State.SCHEDULED, Meeting.State.INVITED, Meeting.State.HELD, Meeting.State.CANCELLED)


def _agenda_url(meeting: Meeting) -> str:
    return reverse("resolutions:agenda_edit", kwargs={"pk": meeting.pk})


def _meeting(pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("body", "location").prefetch_related("organizations"), pk=pk
    )


def _refused(request, meeting: Meeting, error: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect(_agenda_url(meeting))


def _invalid(request, meeting: Meeting, form) -> HttpResponse:
    """A button's form that does not parse: an item gone meanwhile, or a tampered page."""
    errors = [error for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(dict.fromkeys(errors)))
    return redirect(_agenda_url(meeting))


def _items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, each item with its decision, its Vorlage's step and its documents (three queries)."""
    steps = Consultation.objects.select_related("paper", "organization").order_by("pk")
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("decision")
        .prefetch_related(Prefetch("consultations", queryset=steps), "documents")
        .order_by("order")
    )


# --- the actions, one service each ----------------------------------------------------
def _add_paper(request, meeting: Meeting):
    form = AgendaPaperForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            item = services.agenda_item_add(meeting=meeting, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            paper = form.cleaned_data["paper"]
            messages.success(request, PAPER_ADDED_MESSAGE % {"reference": paper.reference, "number": item.number})
            return redirect(_agenda_url(meeting))
    return {"paper_form": form}


def _add_item(request, meeting: Meeting):
    form = AgendaFreeItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.agenda_item_add(meeting=meeting, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, ITEM_ADDED_MESSAGE % {"number": item.number, "name": item.name})
            return redirect(_agenda_url(meeting))
    return {"free_form": form}


def _reorder(request, meeting: Meeting):
    form = AgendaReorderForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    try:
        services.agenda_reorder(meeting=meeting, by=request.user, item_ids=form.cleaned_data["item_ids"])
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, AGENDA_REORDERED_MESSAGE)
    return redirect(_agenda_url(meeting))


def _move(request, meeting: Meeting):
    form = AgendaMoveForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    order = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    try:
        services.agenda_reorder(meeting=meeting, by=request.user, item_ids=form.item_ids(order))
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, AGENDA_REORDERED_MESSAGE)
    return redirect(_agenda_url(meeting))


def _set_public(request, meeting: Meeting):
    form = AgendaSetPublicForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    item, public = form.cleaned_data["item"], form.cleaned_data["public"]
    try:
        services.agenda_item_set_public(item=item, by=request.user, public=public)
    except ValidationError as error:
        return _refused(request, meeting, error)
    message = ITEM_MADE_PUBLIC_MESSAGE if public else ITEM_MADE_NONPUBLIC_MESSAGE
    messages.success(request, message % {"name": item.name})
    return redirect(_agenda_url(meeting))


def _remove(request, meeting: Meeting):
    form = AgendaItemForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    item = form.cleaned_data["item"]
    try:
        services.agenda_item_remove(item=item, by=request.user)
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, ITEM_REMOVED_MESSAGE % {"name": item.name})
    return redirect(_agenda_url(meeting))


def _defer(request, meeting: Meeting):
    form = AgendaDeferForm(request.POST, meeting=meeting)
    if "item" in form.errors:
        return _invalid(request, meeting, form)
    if form.is_valid():
        item, target = form.cleaned_data["item"], form.cleaned_data["to_meeting"]
        try:
            moved = services.agenda_item_defer(item=item, by=request.user, to_meeting=target)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            params = {"name": item.name, "meeting": target.name, "number": moved.number}
            messages.success(request, ITEM_DEFERRED_MESSAGE % params)
            return redirect(_agenda_url(meeting))
    return {"defer_form": form}


def _renumber(request, meeting: Meeting):
    try:
        services.agenda_renumber(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, AGENDA_RENUMBERED_MESSAGE)
    return redirect(_agenda_url(meeting))


def _apply_template(request, meeting: Meeting):
    form = AgendaTemplateForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    template = form.cleaned_data["template"]
    try:
        added = services.agenda_template_apply(meeting=meeting, by=request.user, template=template)
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, TEMPLATE_APPLIED_MESSAGE % {"template": template.name, "count": len(added)})
    return redirect(_agenda_url(meeting))


def _rename(request, meeting: Meeting):
    form = AgendaRenameForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    try:
        item = services.agenda_item_rename(
            item=form.cleaned_data["item"], by=request.user, name=form.cleaned_data["name"]
        )
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, ITEM_RENAMED_MESSAGE % {"number": item.number, "name": item.name})
    return redirect(_agenda_url(meeting))


def _add_document(request, meeting: Meeting):
    form = ItemDocumentForm(request.POST, request.FILES, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    try:
        document = services.item_document_add(
            item=form.cleaned_data["item"],
            by=request.user,
            uploaded_file=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
        )
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, DOCUMENT_ADDED_MESSAGE % {"name": document.name, "number": document.agenda_item.number})
    return redirect(_agenda_url(meeting))


def _remove_document(request, meeting: Meeting):
    form = ItemDocumentRemoveForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    document = form.cleaned_data["document"]
    try:
        services.item_document_remove(document=document, by=request.user)
    except ValidationError as error:
        return _refused(request, meeting, error)
    messages.success(request, DOCUMENT_REMOVED_MESSAGE % {"name": document.name})
    return redirect(_agenda_url(meeting))


AGENDA_ACTIONS = {
    "add_document": _add_document,
    "remove_document": _remove_document,
    "apply_template": _apply_template,
    "rename": _rename,
    "add_paper": _add_paper,
    "add_item": _add_item,
    "reorder": _reorder,
    "move": _move,
    "set_public": _set_public,
    "remove": _remove,
    "defer": _defer,
    "renumber": _renumber,
}


# --- the page -------------------------------------------------------------------------
def _later_meetings(meeting: Meeting) -> list[Meeting]:
    """Meetings an item may be deferred to: later, not held or cancelled, sharing an organization."""
    return list(
        Meeting.objects.filter(
            body_id=meeting.body_id,
            state__in=OPEN_STATES,
            start__gt=meeting.start,
            organizations__in=[organization.pk for organization in meeting.organizations.all()],
        )
        .distinct()
        .prefetch_related("organizations")
        .order_by("start", "pk")
    )


def _rows(meeting: Meeting, items: list[AgendaItem], *, defer_form=None) -> list[dict]:
    """One dict an agenda item, with what the page may offer on it."""
    later = _later_meetings(meeting) if meeting.state in DEFERRABLE_STATES else []
    rows = []
    for index, item in enumerate(items):
        consultations = list(item.consultations.all())
        consultation = consultations[0] if consultations else None
        decision = getattr(item, "decision", None)
        above = items[index - 1] if index > 0 else None
        below = items[index + 1] if index + 1 < len(items) else None
        row = {
            "item": item,
            "consultation": consultation,
            "paper": consultation.paper if consultation else None,
            "decision": decision,
            "may_move_up": above is not None and above.public == item.public,
            "may_move_down": below is not None and below.public == item.public,
            "defer_form": None,
        }
        failed_here = defer_form is not None and str(defer_form["item"].value()) == str(item.pk)
        if consultation is not None and decision is None and (later or failed_here):
            targets = [m for m in later if any(o.pk == consultation.organization_id for o in m.organizations.all())]
            if failed_here:
                form = defer_form
                form.offer(targets)
            else:
                form = AgendaDeferForm(meeting=meeting, later_meetings=targets, initial={"item": item.pk})
            form.auto_id = f"id_defer_{item.pk}_%s"
            row["defer_form"] = form if targets or failed_here else None
        rows.append(row)
    return rows


def _pool(meeting: Meeting, paper_form=None) -> tuple[list[dict], AgendaPaperForm | None]:
    """The pool's Vorlagen, each with its form; and the failed form if its Vorlage is not in the pool."""
    failed_pk = str(paper_form["paper"].value()) if paper_form is not None else None
    organizations = {organization.pk: organization for organization in meeting.organizations.all()}
    rows, placed = [], False
    for paper in pool_for_meeting(meeting):
        if failed_pk == str(paper.pk):
            form, placed = paper_form, True
        else:
            form = AgendaPaperForm(meeting=meeting, initial={"paper": paper.pk})
        form.auto_id = f"id_pool_{paper.pk}_%s"
        rows.append({"paper": paper, "organization": organizations.get(paper.pending_organization_id), "form": form})
    return rows, (paper_form if paper_form is not None and not placed else None)


@office_required
def agenda_edit(request, pk):
    """Build a meeting's agenda: the items in their parts, the pool of Vorlagen, free items.

    GET shows the agenda (public part, then non-public part) with, per item, its number,
    name and Vorlage, buttons to move it, switch its part, take it off or defer it, and a
    link to its result once the meeting is held; below, the pool of released Vorlagen whose
    next step is with this meeting's organizations, and the form for a free item. POST
    carries ``action`` (add_paper, add_item, apply_template, rename, add_document,
    remove_document, reorder, move, set_public, remove, defer, renumber) and calls that
    action's one service.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`,
    :model:`resolutions.Paper`, :model:`resolutions.Consultation`, :model:`resolutions.Decision`

    **Template:** :template:`resolutions/agenda_edit.html`

    **Context:**

    ``meeting``
        The :model:`council.Meeting`, with its organizations.
    ``editable``
        Whether the agenda can still change (the meeting is scheduled or invited).
    ``public_rows``, ``nonpublic_rows``
        One dict an item: ``item``, ``consultation``, ``paper``, ``decision``,
        ``may_move_up``, ``may_move_down`` and ``defer_form`` (an
        :class:`~resolutions.forms.agenda.AgendaDeferForm`, or None).
    ``item_ids``
        The ids of the items in order, for the reorder form.
    ``pool``
        One dict a Vorlage of the pool: ``paper`` (annotated with ``pending_role``), the
        ``organization`` of its next step and its :class:`~resolutions.forms.agenda.AgendaPaperForm`.
    ``pool_form``
        A refused :class:`~resolutions.forms.agenda.AgendaPaperForm` whose Vorlage is not in
        the pool (say, one that is not released), shown above the pool; else None.
    ``free_form``
        The :class:`~resolutions.forms.agenda.AgendaFreeItemForm`.
    ``templates``
        The body's :model:`council.AgendaTemplate` rows to offer, while the agenda can change.
    ``invited``
        Whether the invitation has gone out: the numbers stay, additions are a Nachtrag.
    ``free_item_suggestions``, ``free_item_suggestions_id``
        The usual free items, offered as a datalist.
    """
    meeting = _meeting(pk)
    failed = {}
    if request.method == "POST":
        action = AGENDA_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, UNKNOWN_ACTION_MESSAGE)
            return redirect(_agenda_url(meeting))
        outcome = action(request, meeting)
        if isinstance(outcome, HttpResponse):
            return outcome
        failed = outcome
    editable = meeting.state in OPEN_STATES
    if not editable:
        # A page loaded before the meeting was held or cancelled: its forms are gone now,
        # so the service's refusal is said in a message.
        for form in (failed.get("paper_form"), failed.get("free_form")):
            for error in form.non_field_errors() if form is not None else []:
                messages.error(request, error)
    items = _items(meeting)
    rows = _rows(meeting, items, defer_form=failed.get("defer_form"))
    pool, pool_form = _pool(meeting, failed.get("paper_form")) if editable else ([], None)
    context = {
        "meeting": meeting,
        "editable": editable,
        "public_rows": [row for row in rows if row["item"].public],
        "nonpublic_rows": [row for row in rows if not row["item"].public],
        "item_ids": [item.pk for item in items],
        "pool": pool,
        "pool_form": pool_form,
        "free_form": failed.get("free_form") or AgendaFreeItemForm(),
        "templates": list(AgendaTemplate.objects.filter(body_id=meeting.body_id)) if editable else [],
        "invited": meeting.state == Meeting.State.INVITED,
        "free_item_suggestions": FREE_ITEM_SUGGESTIONS,
        "free_item_suggestions_id": FREE_ITEM_SUGGESTIONS_ID,
    }
    return render(request, "resolutions/agenda_edit.html", context)


# --- the result of an item ------------------------------------------------------------
def _faction_presence(meeting: Meeting, item: AgendaItem) -> tuple[dict[int, int], int]:
    """Who could vote on the item by Fraktion, and how many of them sit for none (see `council.meetings.voters`).

    Deputies count for the Fraktion of the member they stand in for; late arrivals, early
    departures and recusals as the service counts them.
    """
    found = voters(meeting, item)
    counts = Counter(voter.faction_id for voter in found if voter.faction_id is not None)
    return dict(counts), sum(1 for voter in found if voter.faction_id is None)


@office_required
def decision_record(request, pk, item):
    """Record the result of a Vorlage's item: result, resolution text, votes and votes by Fraktion.

    The text is prefilled with the Beschlussvorschlag; the service takes a changed text
    only with "geändert beschlossen". One row a Fraktion with voting members present is
    prefilled; rows left empty are not recorded. POST calls ``decision_record`` once; a
    refusal shows the reason with every input kept, success returns to the agenda. GET on
    an item without a Vorlage, or on one whose result is recorded, shows that instead of
    the form; a POST on an item decided meanwhile gets the service's refusal on the form.

    **Models:** :model:`council.Meeting`, :model:`council.AgendaItem`,
    :model:`council.Attendance`, :model:`resolutions.Consultation`,
    :model:`resolutions.Decision`, :model:`resolutions.FactionVote`

    **Template:** :template:`resolutions/decision_form.html`

    **Context:**

    ``meeting``, ``item``
        The :model:`council.Meeting` and its :model:`council.AgendaItem`.
    ``consultation``, ``paper``
        The step of the Beratungsfolge the item deliberates, and its Vorlage; None for a
        free item.
    ``decision``
        The recorded :model:`resolutions.Decision`, if there is one (then no form).
    ``free_item_note``
        For an item without a Vorlage: why there is nothing to record.
    ``form``
        The :class:`~resolutions.forms.agenda.DecisionForm`, or None.
    ``formset``
        The :class:`~resolutions.forms.agenda.FactionVoteFormSet`, or None.
    ``voting_present``
        How many voting members are recorded present (``voting_members_present``).
    ``without_faction``
        How many of them sit for no Fraktion.
    ``recommendations``
        The results of the earlier steps of the same Vorlage (the committees'
        recommendations, :func:`resolutions.queries.recommendations_for`), each with
        ``offer_wording`` and the result (``fill_result``) its "Take this wording" button sets.
    ``error_summary``
        After a refused POST: every error of the form and its rows as (message, anchor id),
        shown together above the form, each linking to its field.
    """
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    agenda_item = get_object_or_404(AgendaItem.objects.select_related("decision"), pk=item, meeting=meeting)
    consultation = consultation_of(agenda_item)
    decision = getattr(agenda_item, "decision", None)
    context = {
        "meeting": meeting,
        "item": agenda_item,
        "consultation": consultation,
        "paper": consultation.paper if consultation else None,
        "decision": decision,
        "free_item_note": FREE_ITEM_NOTE if consultation is None else None,
        "form": None,
        "formset": None,
    }
    if consultation is None or (decision is not None and request.method != "POST"):
        if decision is not None:
            context["faction_votes"] = list(decision.faction_votes.select_related("faction"))
        return render(request, "resolutions/decision_form.html", context)
    # A POST on an item decided meanwhile still goes to the service: its refusal comes
    # back on the form, with what this user typed.
    context["decision"] = None

    present, without_faction = _faction_presence(meeting, agenda_item)
    factions = {
        faction.pk: faction
        for faction in Organization.objects.filter(
            body_id=meeting.body_id, organization_type=Organization.Type.FACTION
        ).order_by(german("name"))
    }
    data = request.POST if request.method == "POST" else None
    form = DecisionForm(data, consultation=consultation)
    formset = FactionVoteFormSet(
        data,
        prefix="factions",
        initial=[{"faction": pk} for pk in factions if present.get(pk)],
        factions=factions,
        present=present,
    )
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        try:
            recorded = services.decision_record(
                item=agenda_item,
                by=request.user,
                faction_votes=formset.rows(),
                **form.service_arguments(text_sent="resolution_text" in request.POST),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "faction_votes" in error.error_dict:
                for faction_error in error.error_dict.pop("faction_votes"):
                    formset.add_error(faction_error)
            add_service_error(form, error)
        else:
            params = {"number": agenda_item.number, "result": recorded.get_result_display()}
            messages.success(request, DECISION_RECORDED_MESSAGE % params)
            return redirect(_agenda_url(meeting))
    recommendations = recommendations_for(consultation, request.user)
    for recommendation in recommendations:
        # The button takes the recommended wording, and with it the result that fits it.
        recommendation.offer_wording = recommendation.is_positive and bool(recommendation.resolution_text)
        recommendation.fill_result = (
            DecisionForm.AMENDED
            if services.wording_differs(recommendation.resolution_text, consultation.paper.proposal)
            else Decision.Result.ADOPTED
        )
    context.update(
        {
            "form": form,
            "formset": formset,
            "recommendations": recommendations,
            "error_summary": decision_error_summary(form, formset) if request.method == "POST" else [],
            "voting_present": voting_members_present(meeting, agenda_item),
            "without_faction": without_faction,
            "amended_result": DecisionForm.AMENDED,
        }
    )
    return render(request, "resolutions/decision_form.html", context)
