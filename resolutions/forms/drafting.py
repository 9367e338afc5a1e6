"""Forms for drafting a Vorlage: its text, its Beratungsfolge and its attachments.

The forms only parse and check input; the services in `resolutions.services` write. The
Beratungsfolge is a formset on the same page as the text, so a clerk saves both at once.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from council.collation import german
from council.models import Organization
from council.roles import actor_for
from resolutions.models import Attachment, Consultation, Paper
from resolutions.workflow import validate_beratungsfolge

MARKDOWN_HELP = _(
    "Markdown: leave an empty line between paragraphs; start each list item on its own line with “- ”; "
    "write *emphasis* between asterisks."
)
PROPOSAL_HELP = _("The text the council is asked to resolve; Markdown as in the Sachverhalt.")
PAPER_TYPE_HELP = _("A Beschlussvorlage asks for a decision; an Informationsvorlage only informs.")
STEP_ORGANIZATION_CHOICE_ERROR = _(
    "This organization cannot deliberate this Vorlage: choose one of the committees or the council of the list."
)
UNIT_CHOICE_ERROR = _("You may not draft a Vorlage for this unit; choose one of the units you work for.")
NO_STEP_ERROR = _("Add at least one step to the Beratungsfolge: the committee or council that decides.")
FILE_NOT_KEPT_NOTE = _(
    "Your other input is kept, but browsers cannot keep a chosen file: choose the file again before you upload."
)
TEXT_TOO_LONG_ERROR = _(
    "This text has %(length)s characters; a field of a Vorlage takes at most %(limit)s. Your text is kept here: "
    "shorten it, or move long parts (tables, reports, expert opinions) into an attachment."
)
MAX_STEPS = 30
# The fields whose length only the clerk's material limits.
LONG_TEXT_FIELDS = ("explanation", "proposal", "financial_impact")


def draftable_units(user):
    """The units `user` may draft a Vorlage for (see workflow.may_draft_for).

    A clerk's administrative units; for the people of a Fraktion (its council members and its
    Geschäftsstelle), the Fraktion, which moves Anträge and asks Anfragen.
    """
    actor = actor_for(user)
    units = Organization.objects.filter(organization_type=Organization.Type.ADMINISTRATIVE_UNIT)
    if actor.is_admin:
        return units.order_by("body__name", "name")
    allowed = Q(pk__in=actor.faction_ids, organization_type=Organization.Type.FACTION)
    if actor.is_clerk:
        allowed |= Q(pk__in=actor.unit_ids, organization_type=Organization.Type.ADMINISTRATIVE_UNIT)
    return Organization.objects.filter(allowed).order_by("body__name", "name")


def step_organizations(*, bodies, current_ids=()) -> list[Organization]:
    """The Gremien a Beratungsfolge may name: those of the bodies that exist today.

    A dissolved committee already named in the steps stays on offer, so that loading and
    saving a draft never silently drops a step.
    """
    return list(
        Organization.objects.committees()
        .filter(body__in=bodies)
        .filter(Q(pk__in=Organization.objects.active().values("pk")) | Q(pk__in=list(current_ids)))
        .order_by(german("name"))
    )


class PaperForm(forms.ModelForm):
    """The text of a Vorlage, with the version it is based on when it is edited."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # Set by the button "Save my version over the current one", which the page offers only
    # after showing what changed: the version the clerk has consciously taken over.
    overwrite_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Paper
        fields = [
            "under_direction_of",
            "paper_type",
            "subject_line",
            "name",
            "date",
            "explanation",
            "proposal_addressee",
            "proposal",
            "financial_impact",
            "public",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "explanation": forms.Textarea(attrs={"rows": 12}),
            "proposal": forms.Textarea(attrs={"rows": 5}),
            "financial_impact": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units=None, **kwargs):
        """`units`: the units the user may draft for, on a new Vorlage; None when editing one."""
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["under_direction_of"]
        else:
            field = self.fields["under_direction_of"]
            field.queryset = units
            field.error_messages["invalid_choice"] = UNIT_CHOICE_ERROR
            unit_list = list(units)
            if len(unit_list) == 1:
                field.empty_label = None
                field.initial = unit_list[0].pk
            del self.fields["version"]
            del self.fields["overwrite_version"]
            self.fields["date"].initial = timezone.localdate()
        self.fields["explanation"].help_text = MARKDOWN_HELP
        self.fields["proposal"].help_text = PROPOSAL_HELP
        self.fields["paper_type"].help_text = PAPER_TYPE_HELP
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        head = ["paper_type", "date"]
        if "under_direction_of" in self.fields:
            head.insert(0, "under_direction_of")
        hidden = [Field(name) for name in ("version",) if name in self.fields]
        helper.layout = Layout(
            *hidden,
            Fieldset(
                _("The Vorlage"),
                Div(*[Div(name, css_class="col-md") for name in head], css_class="row"),
                "subject_line",
                "name",
                "explanation",
            ),
            Fieldset(_("ANTRAG"), "proposal_addressee", "proposal"),
            Fieldset(_("Further details"), "financial_impact", "public"),
        )
        return helper

    @property
    def expected_version(self) -> int | None:
        """The version the save is based on: the one taken over, else the one the form was loaded with."""
        return self.cleaned_data.get("overwrite_version") or self.cleaned_data.get("version")

    def clean(self):
        cleaned_data = super().clean()
        limit = settings.RATSBUCH_MAX_TEXT_CHARS
        for name in LONG_TEXT_FIELDS:
            length = len(cleaned_data.get(name) or "")
            if length > limit:
                params = {
                    "length": number_format(length, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
                self.add_error(name, ValidationError(TEXT_TOO_LONG_ERROR, code="too_long", params=params))
        if "version" in self.fields and not cleaned_data.get("version"):
            # Only a tampered or truncated page lacks it; saving without it would skip the lock.
            raise ValidationError(_("The form is incomplete; reload the page and enter your changes again."))
        return cleaned_data

    def paper_fields(self) -> dict:
        """The cleaned values the services take as `**fields` (the unit goes separately)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class StepForm(forms.Form):
    """One step of the Beratungsfolge: which Gremium, in which role, whether it decides."""

    organization = forms.TypedChoiceField(label=_("Committee or council"), coerce=int, empty_value=None)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Consultation.Role.choices,
        initial=Consultation.Role.PRELIMINARY,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    authoritative = forms.BooleanField(
        label=_("Decides"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, organizations: dict[int, Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        field = self.fields["organization"]
        # A plain choice field over a list computed once: a ModelChoiceField would query
        # the committees again for every row of the formset.
        field.choices = [("", "---------"), *((pk, org.name) for pk, org in organizations.items())]
        field.error_messages["invalid_choice"] = STEP_ORGANIZATION_CHOICE_ERROR
        field.widget.attrs["class"] = "form-select form-select-sm"

    def clean_organization(self):
        pk = self.cleaned_data["organization"]
        try:
            return self.organizations[pk]
        except KeyError:
            raise ValidationError(STEP_ORGANIZATION_CHOICE_ERROR, code="invalid_choice") from None

    def has_changed(self) -> bool:
        # Moving rows renumbers every row's order field; an empty extra row stays empty.
        return any(name not in ("ORDER", "DELETE") for name in self.changed_data)


class BaseStepFormSet(forms.BaseFormSet):
    """The Beratungsfolge as a whole: at least one step, exactly one that decides, one body."""

    # A text box three digits wide: a number input would take a column of its own.
    ordering_widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 3, "autocomplete": "off"})

    def __init__(self, *args, body=None, organizations: list[Organization], **kwargs):
        self.body = body
        by_pk = {org.pk: org for org in organizations}
        super().__init__(*args, form_kwargs={"organizations": by_pk}, **kwargs)
        self.steps: list[dict] = []

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("No.")
            form.fields["ORDER"].widget.attrs["class"] = "form-control form-control-sm w-auto step-order"
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input step-delete"

    def clean(self):
        if any(self.errors):
            return
        self.steps = [
            {
                "organization": form.cleaned_data["organization"],
                "role": form.cleaned_data["role"],
                "authoritative": form.cleaned_data["authoritative"],
            }
            for form in self.ordered_forms
        ]
        if not self.steps:
            raise ValidationError(NO_STEP_ERROR, code="no_steps")
        if self.body is not None:
            # The same rules the service checks again under the lock; checked here too so that
            # the preview already says what is wrong.
            validate_beratungsfolge(body=self.body, steps=self.steps)

    def add_error(self, error: ValidationError) -> None:
        """Show an error the service found in the Beratungsfolge above the steps."""
        self.non_form_errors()  # computes the error list if it has not been yet
        self._non_form_errors.extend(error.messages)

    def preview_consultations(self) -> list[Consultation]:
        """The cleaned steps as unsaved consultations, for the preview."""
        return [
            Consultation(
                organization=step["organization"],
                role=step["role"],
                authoritative=step["authoritative"],
                order=number,
            )
            for number, step in enumerate(self.steps, start=1)
        ]


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_STEPS,
    validate_max=True,
)


def step_initial(consultations) -> list[dict]:
    """The stored steps as the formset's initial data."""
    return [
        {"organization": c.organization_id, "role": c.role, "authoritative": c.authoritative} for c in consultations
    ]


class AttachmentForm(forms.Form):
    """A new attachment: the file and how it is listed."""

    file = forms.FileField(
        label=_("File"),
        # Empty files reach the service, which explains the refusal in its own words.
        allow_empty_file=True,
        help_text=_("PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG; the type is checked from the content."),
    )
    attachment_type = forms.ChoiceField(label=_("Type"), choices=Attachment.Type.choices, initial=Attachment.Type.ANNEX)
    name = forms.CharField(
        label=_("Name"), max_length=300, help_text=_("How the attachment is listed, e.g. Beitrittserklärung.")
    )
    public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Non-public attachments are never shown to the public."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class AttachmentReplaceForm(forms.Form):
    """A new file for an existing attachment."""

    file = forms.FileField(label=_("New file"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
