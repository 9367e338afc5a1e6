"""The path of a Vorlage (submit, co-sign, return, release, withdraw), its history, Meine Entwürfe.

Who may take which step is the TRANSITIONS table's answer (resolutions.workflow); the views
only ask it which page to show and leave the decision to the one service of each step.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from council.roles import actor_for
from resolutions import services
from resolutions.forms.drafting import StepFormSet, step_initial, step_organizations
from resolutions.forms.workflow import PaperSubmitForm, PaperTransitionForm, VersionCompareForm
from resolutions.history import compare_versions
from resolutions.models import Cosignature, Paper, PaperEvent
from resolutions.views.drafting import STEP_ERROR_CODES
from resolutions.workflow import TRANSITIONS_BY_NAME, can_view_draft, transition_refusal, user_label

# The one service of each step, by the name it has in TRANSITIONS.
TRANSITION_SERVICES = {
    "submit": services.paper_submit,
    "cosign": services.paper_cosign,
    "return": services.paper_return,
    "release": services.paper_release,
    "receive": services.paper_receive,
    "withdraw": services.paper_withdraw,
}

# What the confirmation page says will happen, so nobody presses a button blindly.
TRANSITION_DESCRIPTIONS = {
    "submit": _(
        "The Vorlage goes to the department heads chosen below for co-signing (Mitzeichnung). While they sign, it "
        "cannot be changed; a co-signer can return it to you with a comment."
    ),
    "cosign": _(
        "Your co-signature is recorded with the date and time. Once every co-signer has signed, a head of the "
        "originating unit can release the Vorlage."
    ),
    "return": _(
        "The Vorlage goes back to its clerk as a draft. Co-signatures given so far are cleared, because the text "
        "will change; your reason stays in the history."
    ),
    "release": _(
        "The Vorlage leaves the administration: the council office can put it on an agenda, and if it is public, "
        "anyone can read it. It can no longer be changed."
    ),
    "receive": _(
        "The council office receives the Fraktion's Antrag or Anfrage: it gets its KSD number and is released, the "
        "office decides its Beratungsfolge below (the Fraktion's proposal is filled in) and can put it on an agenda "
        "along it, and if it is public, anyone can read it. It can no longer be changed."
    ),
    "withdraw": _("The Vorlage is withdrawn and ends its path here. This cannot be undone; your reason is recorded."),
}

TRANSITION_SUCCESS_MESSAGES = {
    "submit": _("KSD %(reference)s was submitted for co-signing to %(cosigners)s."),
    "cosign": _("You co-signed KSD %(reference)s."),
    "return": _("KSD %(reference)s was returned to its clerk as a draft."),
    "release": _("KSD %(reference)s was released; the council office can now put it on an agenda."),
    "receive": _("The paper was received as KSD %(reference)s; it can now be put on an agenda."),
    "withdraw": _("KSD %(reference)s was withdrawn."),
}

DRAFT_STATES = (Paper.State.DRAFT, Paper.State.COSIGNING)


def _add_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        form.add_error("comment" if item.code == "comment_required" else None, item)


@login_required
def paper_transition(request, reference, transition):
    """Confirm one step on the path of a Vorlage and take it through its service.

    GET shows what the step does and a form (a comment; co-signers for ``submit``), or,
    if the user may not take the step now, why not. POST calls the step's one service; a
    refusal re-renders the form with the reason and the input kept, success redirects to
    the Vorlage with a message. Unknown steps and Vorlagen the user may not read are 404.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Cosignature`,
    :model:`resolutions.PaperEvent`

    **Template:** :template:`resolutions/paper_transition_form.html`

    **Context:**

    ``paper``
        The :model:`resolutions.Paper`.
    ``transition``
        The :class:`~resolutions.workflow.Transition` asked for.
    ``description``
        What the step will do.
    ``form``
        The :class:`~resolutions.forms.workflow.PaperTransitionForm` (or ``PaperSubmitForm``),
        or None when the step is refused on GET.
    ``refusal``
        The messages saying why the step cannot be taken now (GET only), else empty.
    ``cosignatures``
        For ``cosign`` and ``release``: the co-signers and whether each has signed.
    ``formset``
        For ``receive``: the Beratungsfolge the office decides
        (:class:`~resolutions.forms.drafting.StepFormSet`), else None.
    """
    step = TRANSITIONS_BY_NAME.get(transition)
    if step is None or not step.by_hand:
        raise Http404
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("under_direction_of", "body"), reference=reference
    )

    def make_form(data=None):
        if step.name == "submit":
            return PaperSubmitForm(data, transition=step, paper=paper, submitter=request.user)
        return PaperTransitionForm(data, transition=step)

    def make_formset(data=None):
        # On receipt the office decides the Beratungsfolge, starting from the Fraktion's proposal.
        if step.name != "receive":
            return None
        consultations = list(paper.consultations.order_by("order"))
        organizations = step_organizations(
            bodies=[paper.body], current_ids=[consultation.organization_id for consultation in consultations]
        )
        return StepFormSet(
            data, initial=step_initial(consultations), prefix="steps", body=paper.body, organizations=organizations
        )

    refusal = []
    formset = None
    if request.method == "POST":
        form, formset = make_form(request.POST), make_formset(request.POST)
        valid = [form.is_valid(), formset is None or formset.is_valid()]  # both, so that every error shows
        if all(valid):
            arguments = {"paper": paper, "by": request.user, "comment": form.cleaned_data["comment"]}
            if step.name == "submit":
                arguments["cosigners"] = list(form.cleaned_data["cosigners"])
            if formset is not None:
                arguments["steps"] = formset.steps
            try:
                moved = TRANSITION_SERVICES[step.name](**arguments)
            except ValidationError as error:
                if formset is not None and not hasattr(error, "error_dict"):
                    for item in error.error_list:
                        if item.code in STEP_ERROR_CODES:
                            formset.add_error(item)
                        else:
                            _add_service_error(form, item)
                else:
                    _add_service_error(form, error)
            else:
                cosigners = ", ".join(user_label(user) for user in arguments.get("cosigners", []))
                messages.success(
                    request,
                    TRANSITION_SUCCESS_MESSAGES[step.name] % {"reference": moved.reference, "cosigners": cosigners},
                )
                return redirect(moved)
    else:
        error = transition_refusal(paper, step.name, by=request.user)
        if error is not None:
            refusal = error.messages
        form = None if refusal else make_form()
        formset = None if refusal else make_formset()

    cosignatures = []
    if step.name in ("cosign", "release"):
        cosignatures = paper.cosignatures.select_related("signer__person").order_by("pk")
    context = {
        "paper": paper,
        "transition": step,
        "description": TRANSITION_DESCRIPTIONS[step.name],
        "form": form,
        "refusal": refusal,
        "cosignatures": cosignatures,
        "formset": formset,
    }
    return render(request, "resolutions/paper_transition_form.html", context)


@login_required
def my_drafts(request):
    """List the drafts of the user's units and the Vorlagen awaiting the user's co-signature.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Cosignature`,
    :model:`resolutions.PaperEvent`

    **Template:** :template:`resolutions/paper_my_drafts.html`

    **Context:**

    ``has_units``
        Whether the user works for an administrative unit as clerk or head, or for a Fraktion.
    ``unit_papers``
        Drafts (including returned ones) and Vorlagen in co-signing of the user's units,
        last changed first, each annotated with ``cosigners_total``, ``cosigners_signed``,
        ``last_action`` and ``last_comment`` (of its latest event).
    ``awaiting_cosignature``
        For department heads and the members of a Fraktion: Vorlagen in co-signing that wait
        for the user's signature.
    ``may_draft``
        Whether to offer "Neue Vorlage".
    """
    actor = actor_for(request.user)
    latest_event = PaperEvent.objects.filter(paper=OuterRef("pk")).order_by("-created", "-pk")
    papers = (
        Paper.objects.visible_to(request.user)
        .select_related("under_direction_of")
        .annotate(
            cosigners_total=Count("cosignatures", distinct=True),
            cosigners_signed=Count("cosignatures", filter=Q(cosignatures__signed_at__isnull=False), distinct=True),
            last_action=Subquery(latest_event.values("action")[:1]),
            last_comment=Subquery(latest_event.values("comment")[:1]),
        )
        .order_by("-modified", "-pk")
    )
    # The units of clerks and heads, and the Fraktionen of their council members and Geschäftsstelle.
    own_units = set(actor.unit_ids) if actor.is_clerk or actor.is_head else set()
    own_units |= actor.faction_ids
    has_units = bool(own_units)
    unit_papers = papers.filter(under_direction_of_id__in=own_units, state__in=DRAFT_STATES) if has_units else []
    awaiting = []
    if actor.is_head or actor.faction_ids:
        mine = Cosignature.objects.filter(signer=request.user, signed_at__isnull=True).values("paper_id")
        awaiting = papers.filter(state=Paper.State.COSIGNING, pk__in=mine)
    context = {
        "has_units": has_units,
        "unit_papers": unit_papers,
        "awaiting_cosignature": awaiting,
        "may_draft": actor.is_admin or (actor.is_clerk and bool(actor.unit_ids)) or bool(actor.faction_ids),
        "returned_action": PaperEvent.Action.RETURNED,
    }
    return render(request, "resolutions/paper_my_drafts.html", context)


def _reads_non_public(paper: Paper, user) -> bool:
    """Whether a user outside the administration reads this Vorlage even when it is not public."""
    actor = actor_for(user)
    return (
        bool(actor.organization_ids) and paper.consultations.filter(organization_id__in=actor.organization_ids).exists()
    )


def paper_history(request, reference):
    """List the saved versions of a Vorlage and show what changed between two of them.

    Insiders (see :func:`resolutions.workflow.can_view_draft`) see every version and who
    saved it. Everyone else sees the versions from the release on, and only public ones
    unless they may read the Vorlage as non-public: the drafts' intermediate texts are the
    administration's internal work.

    **Model:** :model:`resolutions.Paper` (its ``history``, django-simple-history)

    **Template:** :template:`resolutions/paper_history.html`

    **Context:**

    ``paper``
        The :model:`resolutions.Paper`, if the user may read it (404 otherwise).
    ``versions``
        The historical rows the user may see, newest first.
    ``form``
        The :class:`~resolutions.forms.workflow.VersionCompareForm` (``a``, ``b``).
    ``older``, ``newer``
        The two versions compared (``a`` and ``b``), or None.
    ``changes``
        The :class:`~resolutions.history.FieldChange` list from ``older`` to ``newer``.
    ``insider``
        Whether to show who saved each version.
    """
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("under_direction_of"), reference=reference
    )
    insider = can_view_draft(paper, request.user)
    versions = paper.history.select_related("history_user__person").order_by("-history_date", "-history_id")
    if not insider:
        versions = versions.filter(released_at__isnull=False)
        if not _reads_non_public(paper, request.user):
            versions = versions.filter(public=True)
    versions = list(versions)
    by_id = {version.history_id: version for version in versions}

    older = newer = None
    if "a" in request.GET or "b" in request.GET:
        form = VersionCompareForm(request.GET, versions=versions)
        if form.is_valid():
            older, newer = by_id[form.cleaned_data["a"]], by_id[form.cleaned_data["b"]]
    else:
        if len(versions) >= 2:
            newer, older = versions[0], versions[1]
        initial = {"a": older.history_id, "b": newer.history_id} if older else {}
        form = VersionCompareForm(initial=initial, versions=versions)
    context = {
        "paper": paper,
        "versions": versions,
        "form": form,
        "older": older,
        "newer": newer,
        "changes": compare_versions(older, newer) if older and newer else [],
        "insider": insider,
    }
    return render(request, "resolutions/paper_history.html", context)
