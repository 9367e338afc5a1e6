"""Pages of alliances: the public list and detail page, and the council office's management.

Who may: alliances are public, so anyone reads the list and the detail page; a Vorlage,
a decision or a declaration on them is shown only if the user may read it (the
`visible_to` query sets). Managing is the council office's (administrators count): not
logged in, the login page; logged in without the role, 403; an unknown alliance, 404.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from council.models import Person
from council.roles import actor_for, office_required
from council.views.office import office_body
from resolutions.models import Attachment, Decision, Paper

from . import services
from .forms import (
    AimFormSet,
    AllianceForm,
    MembershipAddForm,
    MembershipExitForm,
    MembershipProposeForm,
    RepresentationForm,
)
from .models import Alliance, AllianceMembership, Representation

ALLIANCE_CREATED_MESSAGE = _("The alliance “%(alliance)s” was recorded.")
ALLIANCE_UPDATED_MESSAGE = _("The alliance “%(alliance)s” was saved.")
AIMS_SAVED_MESSAGE = _("The aims of “%(alliance)s” were saved.")
MEMBERSHIP_ADDED_MESSAGE = _("%(member)s was recorded as %(role)s of “%(alliance)s”.")
MEMBERSHIP_PROPOSED_MESSAGE = _(
    "The membership of %(member)s in “%(alliance)s” is proposed; Vorlage %(reference)s decides it."
)
EXIT_PROPOSED_MESSAGE = _("Vorlage %(reference)s decides the exit of %(member)s from “%(alliance)s”.")
REPRESENTATION_ADDED_MESSAGE = _("The seat in the %(group)s was added.")
REPRESENTATION_REMOVED_MESSAGE = _("The seat in the %(group)s was removed.")


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: at its field if the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _ids(queryset, ids) -> set[int]:
    ids = {pk for pk in ids if pk is not None}
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def alliance_list(request):
    """List the alliances, each with the state of its own body's membership.

    **Model:** :model:`alliances.Alliance`

    **Template:** :template:`alliances/alliance_list.html`

    **Context:** ``alliances`` (annotated ``own_state``, ``own_joined_on``), ``may_manage``.
    """
    alliances = Alliance.objects.with_own_membership().select_related("body").order_by("name")
    state_labels = dict(AllianceMembership.State.choices)
    alliances = list(alliances)
    for alliance in alliances:
        alliance.own_state_label = state_labels.get(alliance.own_state)
    context = {"alliances": alliances, "may_manage": actor_for(request.user).is_office}
    return render(request, "alliances/alliance_list.html", context)


def alliance_detail(request, slug):
    """Show an alliance: founding, aims, initiators, members with their decisions, seats, history.

    **Models:** :model:`alliances.Alliance`, :model:`alliances.AllianceAim`,
    :model:`alliances.AllianceMembership`, :model:`alliances.Representation`

    **Template:** :template:`alliances/alliance_detail.html`

    **Context:**

    ``alliance``
        The alliance, with ``aims`` prefetched.
    ``founding_declaration``
        The founding declaration, if the user may download it, else None.
    ``initiators``, ``partners``, ``members``
        The memberships by role; each carries ``visible_paper``, ``visible_exit_paper``,
        ``visible_decision`` and ``visible_declaration`` (None where the user may not see them).
    ``groups``
        (group, [representations]) pairs, by group name.
    ``history``
        The historical rows of the memberships, newest first, each with ``visible_decision``.
    ``may_manage``
        Whether to offer the office's buttons.
    """
    alliance = get_object_or_404(
        Alliance.objects.select_related("body", "founding_declaration__paper").prefetch_related("aims"), slug=slug
    )
    representations = (
        Representation.objects.select_related("person")
        .annotate(person_is_public=Exists(Person.objects.public().filter(pk=OuterRef("person_id"))))
        .order_by("group", "pk")
    )
    memberships = list(
        alliance.memberships.select_related(
            "member_body",
            "member_organization",
            "paper",
            "exit_paper",
            "decision",
            "accession_declaration__paper",
        )
        .prefetch_related(Prefetch("representations", queryset=representations))
        .order_by("joined_on", "pk")
    )
    history = list(
        AllianceMembership.history.filter(alliance_id=alliance.pk)
        .select_related("member_body", "member_organization", "decision", "history_user")
        .order_by("-history_date", "-history_id")
    )
    user = request.user
    visible_papers = _ids(
        Paper.objects.visible_to(user), [m.paper_id for m in memberships] + [m.exit_paper_id for m in memberships]
    )
    decision_ids = [m.decision_id for m in memberships] + [row.decision_id for row in history]
    visible_decisions = _ids(Decision.objects.visible_to(user), decision_ids)
    declaration_ids = [m.accession_declaration_id for m in memberships] + [alliance.founding_declaration_id]
    visible_declarations = _ids(Attachment.objects.visible_to(user), declaration_ids)

    for membership in memberships:
        membership.visible_paper = membership.paper if membership.paper_id in visible_papers else None
        membership.visible_exit_paper = membership.exit_paper if membership.exit_paper_id in visible_papers else None
        membership.visible_decision = membership.decision if membership.decision_id in visible_decisions else None
        declaration_id = membership.accession_declaration_id
        membership.visible_declaration = (
            membership.accession_declaration if declaration_id in visible_declarations else None
        )
    for row in history:
        row.visible_decision = row.decision if row.decision_id in visible_decisions else None

    seats = sorted(
        ((seat, membership) for membership in memberships for seat in membership.representations.all()),
        key=lambda pair: (pair[0].group, pair[1].role != AllianceMembership.Role.MEMBER, pair[0].pk),
    )
    groups = [(group, list(pairs)) for group, pairs in groupby(seats, key=lambda pair: pair[0].group)]
    Role = AllianceMembership.Role
    context = {
        "alliance": alliance,
        "founding_declaration": (
            alliance.founding_declaration if alliance.founding_declaration_id in visible_declarations else None
        ),
        "initiators": [m for m in memberships if m.role == Role.INITIATOR],
        "partners": [m for m in memberships if m.role == Role.PARTNER],
        "members": [m for m in memberships if m.role == Role.MEMBER],
        "groups": groups,
        "history": history,
        "may_manage": actor_for(user).is_office,
    }
    return render(request, "alliances/alliance_detail.html", context)


# --- the office's management ----------------------------------------------------------
def _alliance_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in AllianceForm.Meta.fields}


@office_required
def alliance_create(request):
    """Record a new alliance of the office's body.

    **Template:** :template:`alliances/alliance_form.html`; **Context:** ``form``.
    """
    body = office_body(request)
    form = AllianceForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        fields = _alliance_fields(form)
        try:
            alliance = services.alliance_create(
                by=request.user, body=body, name=fields.pop("name"), slug=fields.pop("slug"), **fields
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, ALLIANCE_CREATED_MESSAGE % {"alliance": alliance.name})
            return redirect(alliance)
    return render(request, "alliances/alliance_form.html", {"form": form})


@office_required
def alliance_update(request, slug):
    """Change an alliance's founding data.

    **Template:** :template:`alliances/alliance_form.html`; **Context:** ``form``, ``alliance``.
    """
    alliance = get_object_or_404(Alliance.objects.select_related("body"), slug=slug)
    form = AllianceForm(request.POST or None, instance=alliance, body=alliance.body)
    if request.method == "POST" and form.is_valid():
        try:
            alliance = services.alliance_update(alliance=alliance, by=request.user, **_alliance_fields(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, ALLIANCE_UPDATED_MESSAGE % {"alliance": alliance.name})
            return redirect(alliance)
    # A refused slug must not become the address the form posts back to.
    alliance = Alliance.objects.get(pk=alliance.pk)
    return render(request, "alliances/alliance_form.html", {"form": form, "alliance": alliance})


@office_required
def alliance_aims(request, slug):
    """Edit the alliance's aims: their texts and order.

    **Template:** :template:`alliances/alliance_aims.html`; **Context:** ``formset``, ``alliance``.
    """
    alliance = get_object_or_404(Alliance, slug=slug)
    initial = [{"text": aim.text, "ORDER": aim.order} for aim in alliance.aims.order_by("order")]
    formset = AimFormSet(request.POST or None, initial=initial, prefix="aims")
    if request.method == "POST" and formset.is_valid():
        texts = [form.cleaned_data.get("text", "") for form in formset.ordered_forms]
        try:
            services.alliance_aims_replace(alliance=alliance, by=request.user, texts=texts)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, AIMS_SAVED_MESSAGE % {"alliance": alliance.name})
            return redirect(alliance)
    return render(request, "alliances/alliance_aims.html", {"formset": formset, "alliance": alliance})


@office_required
def membership_add(request, slug):
    """Record an initiator or partner organization.

    **Template:** :template:`alliances/membership_add.html`; **Context:** ``form``, ``alliance``.
    """
    alliance = get_object_or_404(Alliance, slug=slug)
    form = MembershipAddForm(request.POST or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(alliance=alliance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            params = {"member": membership.member, "role": membership.get_role_display(), "alliance": alliance.name}
            messages.success(request, MEMBERSHIP_ADDED_MESSAGE % params)
            return redirect(alliance)
    return render(request, "alliances/membership_add.html", {"form": form, "alliance": alliance})


@office_required
def membership_propose(request, slug):
    """Propose a membership by linking the Vorlage that decides it.

    **Template:** :template:`alliances/membership_propose.html`; **Context:** ``form``, ``alliance``.
    """
    alliance = get_object_or_404(Alliance, slug=slug)
    form = MembershipProposeForm(request.POST or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_propose(alliance=alliance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            params = {"member": membership.member, "alliance": alliance.name, "reference": membership.paper.reference}
            messages.success(request, MEMBERSHIP_PROPOSED_MESSAGE % params)
            return redirect(alliance)
    return render(request, "alliances/membership_propose.html", {"form": form, "alliance": alliance})


@office_required
def membership_exit(request, slug, pk):
    """Link the Vorlage that decides a member's exit.

    **Template:** :template:`alliances/membership_exit.html`; **Context:** ``form``, ``alliance``, ``membership``.
    """
    alliance = get_object_or_404(Alliance, slug=slug)
    membership = get_object_or_404(alliance.memberships.select_related("member_body", "member_organization"), pk=pk)
    form = MembershipExitForm(request.POST or None, alliance=alliance)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_propose_exit(membership=membership, by=request.user, paper=form.cleaned_data["paper"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            params = {
                "member": membership.member,
                "alliance": alliance.name,
                "reference": form.cleaned_data["paper"].reference,
            }
            messages.success(request, EXIT_PROPOSED_MESSAGE % params)
            return redirect(alliance)
    context = {"form": form, "alliance": alliance, "membership": membership}
    return render(request, "alliances/membership_exit.html", context)


@office_required
def representation_add(request, slug, pk):
    """Give a member a seat in one of the alliance's groups.

    **Template:** :template:`alliances/representation_form.html`; **Context:** ``form``, ``alliance``,
    ``membership``.
    """
    alliance = get_object_or_404(Alliance, slug=slug)
    membership = get_object_or_404(
        alliance.memberships.select_related("alliance", "member_body", "member_organization"), pk=pk
    )
    form = RepresentationForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            representation = services.representation_add(membership=membership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, REPRESENTATION_ADDED_MESSAGE % {"group": representation.group})
            return redirect(alliance)
    context = {"form": form, "alliance": alliance, "membership": membership}
    return render(request, "alliances/representation_form.html", context)


@office_required
@require_POST
def representation_remove(request, slug, pk):
    """Remove a seat (POST only); back to the alliance page."""
    alliance = get_object_or_404(Alliance, slug=slug)
    representation = get_object_or_404(Representation, pk=pk, membership__alliance=alliance)
    try:
        services.representation_remove(representation=representation, by=request.user, alliance=alliance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, REPRESENTATION_REMOVED_MESSAGE % {"group": representation.group})
    return redirect(alliance)
