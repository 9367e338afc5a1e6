"""Writing and editing a draft Vorlage, its Beratungsfolge and its attachments.

Who may do what:

- not logged in: every page here sends to the login page;
- `/vorlagen/neu/`: clerks (and administrators); anyone else logged in gets 403;
- a Vorlage the user may not read is a 404, as on the reading pages;
- a Vorlage the user may read but not change (another role, or no longer a draft): the
  change is refused with the reason as an error message and a redirect to the page the
  user may read (the Vorlage, or its attachments), so nobody lands on a dead end.

Each view parses its form, calls one service and turns the service's ValidationError
into form errors; the input stays in the form, so nothing a clerk typed is lost.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelChoiceField
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from resolutions import services
from resolutions.attachments import FILE_ERROR_CODES
from resolutions.forms.drafting import (
    FILE_NOT_KEPT_NOTE,
    AttachmentForm,
    AttachmentReplaceForm,
    PaperForm,
    StepFormSet,
    draftable_units,
    step_initial,
    step_organizations,
)
from resolutions.models import Attachment, Consultation, Paper
from resolutions.workflow import edit_refusal, may_draft_for, paper_steps

DRAFT_SAVED_MESSAGE = _("Draft %(reference)s saved.")
CREATE_FORBIDDEN_MESSAGE = _(
    "Only clerks (Sachbearbeitung) of an administrative unit may draft a Vorlage. Ask the administrator to give "
    "you the role if you need it."
)
ATTACHMENT_ADDED_MESSAGE = _("Attachment “%(name)s” added to Vorlage %(reference)s.")
ATTACHMENT_REPLACED_MESSAGE = _("The file of attachment “%(name)s” was replaced.")
ATTACHMENT_REMOVED_MESSAGE = _("Attachment “%(name)s” removed from Vorlage %(reference)s.")

STEPS_PREFIX = "steps"
# Codes of resolutions.workflow.validate_beratungsfolge: shown above the steps, not the text.
STEP_ERROR_CODES = frozenset(
    {
        "no_steps",
        "no_authoritative",
        "many_authoritative",
        "other_body",
        "not_committee",
        "duplicate_organization",
        "step_role",
    }
)
# Codes of resolutions.workflow.edit_refusal: the Vorlage cannot be changed by this user now.
EDIT_REFUSAL_CODES = frozenset({"not_draft", "not_allowed"})


# --- helpers --------------------------------------------------------------------------
def _visible_paper(request, reference: str) -> Paper:
    papers = Paper.objects.visible_to(request.user).select_related("body", "under_direction_of")
    return get_object_or_404(papers, reference=reference)


def _codes(error: ValidationError) -> set:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def _add_errors(form, error: ValidationError, *, field_for_code=None, formset=None) -> None:
    """Put a service's ValidationError on the form fields it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        if formset is not None and item.code in STEP_ERROR_CODES:
            formset.add_error(item)
        else:
            form.add_error(field_for_code.get(item.code) if field_for_code else None, item)


def _refuse(request, error: ValidationError, to: str):
    messages.error(request, " ".join(error.messages))
    return redirect(to)


def _data(request):
    return request.POST if request.method == "POST" else None


def _step_forms(request, *, body, organizations, initial=None):
    return StepFormSet(_data(request), initial=initial, prefix=STEPS_PREFIX, body=body, organizations=organizations)


def _preview(form, formset) -> dict | None:
    """What the preview panel shows: the unsaved Vorlage as the form has it, and its steps."""
    if form.errors:
        return None
    return {
        "paper": form.instance,
        "consultations": formset.preview_consultations() if formset.is_valid() else None,
    }


def _show(form, name: str, value) -> str:
    """A value as a person reads it, for the comparison with the current version."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    field = form.fields[name]
    if getattr(field, "choices", None) and not isinstance(field, ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _show_steps(steps: list[dict]) -> str:
    lines = []
    for number, step in enumerate(steps, start=1):
        decides = f", {gettext('decides')}" if step["authoritative"] else ""
        role = Consultation.Role(step["role"]).label
        lines.append(f"{number}. {step['organization'].name} ({role}{decides})")
    return "\n".join(lines) or "—"


def _step_key(steps: list[dict]) -> list[tuple]:
    return [(step["organization"].pk, step["role"], bool(step["authoritative"])) for step in steps]


def _differences(form, formset, current: Paper) -> list[dict]:
    """Each field where the clerk's input and the saved current version differ, with both values."""
    rows = []
    for name, yours in form.paper_fields().items():
        theirs = getattr(current, name)
        if _normalized(yours) != _normalized(theirs):
            rows.append(
                {
                    "label": form.fields[name].label,
                    "yours": _show(form, name, yours),
                    "current": _show(form, name, theirs),
                }
            )
    current_steps = paper_steps(current)
    if _step_key(formset.steps) != _step_key(current_steps):
        rows.append(
            {
                "label": gettext("Beratungsfolge"),
                "yours": _show_steps(formset.steps),
                "current": _show_steps(current_steps),
            }
        )
    return rows


def _normalized(value):
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _is_stale(error: ValidationError) -> bool:
    return "stale_edit" in _codes(error)


# --- the Vorlage ----------------------------------------------------------------------
@login_required
def paper_create(request):
    """Draft a new Vorlage with its Beratungsfolge; preview it; save it under a new KSD number.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Consultation`

    **Template:** :template:`resolutions/paper_form.html`

    **Context:**

    ``form``
        The :class:`~resolutions.forms.drafting.PaperForm`, offering the units the user drafts for.
    ``formset``
        The Beratungsfolge, a :class:`~resolutions.forms.drafting.StepFormSet`.
    ``paper``
        None: the Vorlage does not exist yet.
    ``preview``
        After "Vorschau": the unsaved ``paper`` and its ``consultations``; None otherwise.
    ``stale``
        Always None here (there is no earlier version to collide with).
    """
    units = draftable_units(request.user).select_related("body")
    unit_list = list(units)
    if not unit_list:
        raise PermissionDenied(CREATE_FORBIDDEN_MESSAGE)
    bodies = {unit.body for unit in unit_list}
    # One body for a clerk; an administrator of a multi-body installation gets the service's check.
    body = next(iter(bodies)) if len(bodies) == 1 else None
    organizations = step_organizations(bodies=bodies)
    form = PaperForm(_data(request), units=units)
    formset = _step_forms(request, body=body, organizations=organizations)
    preview = None
    if request.method == "POST":
        valid = [form.is_valid(), formset.is_valid()]  # both, so that every error shows at once
        if "preview" in request.POST:
            preview = _preview(form, formset)
        elif all(valid):
            fields = form.paper_fields()
            unit = fields.pop("under_direction_of")
            try:
                paper = services.paper_draft_create(
                    by=request.user, body=unit.body, under_direction_of=unit, steps=formset.steps, **fields
                )
            except ValidationError as error:
                _add_errors(form, error, formset=formset)
            else:
                messages.success(request, DRAFT_SAVED_MESSAGE % {"reference": paper.reference})
                return redirect(paper)
    context = {"form": form, "formset": formset, "paper": None, "preview": preview, "stale": None}
    return render(request, "resolutions/paper_form.html", context)


@login_required
def paper_update(request, reference):
    """Edit a draft's text and Beratungsfolge together; preview it; save it unless it went stale.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Consultation`

    **Template:** :template:`resolutions/paper_form.html`

    **Context:**

    ``form``
        The :class:`~resolutions.forms.drafting.PaperForm`, carrying the version it is based on.
    ``formset``
        The Beratungsfolge, a :class:`~resolutions.forms.drafting.StepFormSet`.
    ``paper``
        The :model:`resolutions.Paper` being edited (404 if the user may not read it; a
        redirect to it with the reason if the user may not change it).
    ``preview``
        After "Vorschau": the unsaved ``paper`` and its ``consultations``; None otherwise.
    ``stale``
        When someone else saved meanwhile: the ``current`` :model:`resolutions.Paper` and the
        ``differences`` (label, yours, current) between the input and it; None otherwise.
        The hidden version stays the old one; the button "Save my version over the current
        one" sends the current version, so only a conscious decision overwrites.

    A clerk of the unit whose draft was submitted while they typed gets the form back
    with their input and the reason, instead of a redirect that would drop what they wrote.
    """
    paper = _visible_paper(request, reference)
    refusal = edit_refusal(paper, request.user)
    keeps_input = request.method == "POST" and may_draft_for(paper.under_direction_of, request.user)
    if refusal is not None and not keeps_input:
        return _refuse(request, refusal, paper.get_absolute_url())
    consultations = list(paper.consultations.select_related("organization").order_by("order"))
    organizations = step_organizations(
        bodies=[paper.body_id], current_ids=[consultation.organization_id for consultation in consultations]
    )
    form = PaperForm(_data(request), instance=paper, initial={"version": paper.version})
    formset = _step_forms(request, body=paper.body, organizations=organizations, initial=step_initial(consultations))
    preview = stale = None
    if request.method == "POST":
        valid = [form.is_valid(), formset.is_valid()]
        if refusal is not None:
            form.add_error(None, refusal)
        elif "preview" in request.POST:
            preview = _preview(form, formset)
        elif all(valid):
            try:
                saved = services.paper_save_draft(
                    paper=paper,
                    by=request.user,
                    expected_version=form.expected_version,
                    steps=formset.steps,
                    **form.paper_fields(),
                )
            except ValidationError as error:
                if _is_stale(error):
                    current = Paper.objects.get(pk=paper.pk)
                    stale = {
                        "message": error.messages[0],
                        "current": current,
                        "differences": _differences(form, formset, current),
                    }
                else:
                    _add_errors(form, error, formset=formset)
            else:
                messages.success(request, DRAFT_SAVED_MESSAGE % {"reference": saved.reference})
                return redirect(saved)
    context = {"form": form, "formset": formset, "paper": paper, "preview": preview, "stale": stale}
    return render(request, "resolutions/paper_form.html", context)


# --- attachments ----------------------------------------------------------------------
def _attachment_list_url(paper: Paper) -> str:
    return reverse("resolutions:attachment_list", kwargs={"reference": paper.reference})


def _replace_form(attachment: Attachment, data=None, files=None) -> AttachmentReplaceForm:
    # Every row has its own form; distinct ids keep the labels tied to their own input.
    return AttachmentReplaceForm(data, files, auto_id=f"id_replace_{attachment.pk}_%s")


def _render_attachments(request, paper: Paper, *, upload_form=None, replaced=None, replace_form=None):
    editable = edit_refusal(paper, request.user) is None
    attachments = Attachment.objects.visible_to(request.user).filter(paper=paper).order_by("order", "pk")
    rows = [
        {
            "attachment": attachment,
            "replace_form": replace_form if replaced == attachment.pk else _replace_form(attachment),
        }
        for attachment in attachments
    ]
    errors = (upload_form is not None and upload_form.errors) or (replace_form is not None and replace_form.errors)
    context = {
        "paper": paper,
        "rows": rows,
        "editable": editable,
        "upload_form": upload_form or AttachmentForm(),
        "file_not_kept_note": FILE_NOT_KEPT_NOTE if errors else "",
    }
    return render(request, "resolutions/attachment_list.html", context)


def _file_errors(form, error: ValidationError) -> None:
    _add_errors(form, error, field_for_code=dict.fromkeys(FILE_ERROR_CODES, "file"))


@login_required
def attachment_list(request, reference):
    """List a Vorlage's attachments; on a draft, its clerks upload, replace and remove them here.

    A POST uploads a new attachment (one at a time; the page comes back empty for the next).

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Attachment`

    **Template:** :template:`resolutions/attachment_list.html`

    **Context:**

    ``paper``
        The :model:`resolutions.Paper` (404 if the user may not read it).
    ``rows``
        One dict a visible attachment: ``attachment`` and its ``replace_form``.
    ``editable``
        Whether the user may change the attachments now (a clerk of the unit, on a draft).
    ``upload_form``
        The :class:`~resolutions.forms.drafting.AttachmentForm` for a new attachment.
    ``file_not_kept_note``
        After a refused upload: that the browser could not keep the chosen file.
    """
    paper = _visible_paper(request, reference)
    if request.method != "POST":
        return _render_attachments(request, paper)
    refusal = edit_refusal(paper, request.user)
    if refusal is not None:
        return _refuse(request, refusal, _attachment_list_url(paper))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                paper=paper,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                attachment_type=form.cleaned_data["attachment_type"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as error:
            if _codes(error) & EDIT_REFUSAL_CODES:
                return _refuse(request, error, _attachment_list_url(paper))
            _file_errors(form, error)
        else:
            messages.success(
                request, ATTACHMENT_ADDED_MESSAGE % {"name": attachment.name, "reference": paper.reference}
            )
            return redirect(_attachment_list_url(paper))
    return _render_attachments(request, paper, upload_form=form)


@require_POST
@login_required
def attachment_replace(request, reference, pk):
    """Put a new file in place of an attachment's file (POST only).

    **Model:** :model:`resolutions.Attachment`

    **Template:** :template:`resolutions/attachment_list.html` when the file is refused, with
    the same context as ``attachment_list``; otherwise a redirect to that page.
    """
    paper = _visible_paper(request, reference)
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user).filter(paper=paper), pk=pk)
    refusal = edit_refusal(paper, request.user)
    if refusal is not None:
        return _refuse(request, refusal, _attachment_list_url(paper))
    form = _replace_form(attachment, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_replace(attachment=attachment, by=request.user, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            if _codes(error) & EDIT_REFUSAL_CODES:
                return _refuse(request, error, _attachment_list_url(paper))
            _file_errors(form, error)
        else:
            messages.success(request, ATTACHMENT_REPLACED_MESSAGE % {"name": attachment.name})
            return redirect(_attachment_list_url(paper))
    return _render_attachments(request, paper, replaced=attachment.pk, replace_form=form)


@require_POST
@login_required
def attachment_remove(request, reference, pk):
    """Remove an attachment from a draft (POST only), then go back to the list.

    **Model:** :model:`resolutions.Attachment`

    **Response:** a redirect to ``attachment_list`` with a message saying what happened.
    """
    paper = _visible_paper(request, reference)
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user).filter(paper=paper), pk=pk)
    try:
        services.attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as error:
        return _refuse(request, error, _attachment_list_url(paper))
    messages.success(request, ATTACHMENT_REMOVED_MESSAGE % {"name": attachment.name, "reference": paper.reference})
    return redirect(_attachment_list_url(paper))
