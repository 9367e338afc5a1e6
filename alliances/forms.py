"""Forms of the office's alliance pages; each parses input for one service of `alliances.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from council.models import Body, Organization, Person
from resolutions.models import Attachment, Paper

from .models import Alliance, AllianceMembership
from .services import MEMBER_MISSING_ERROR, SETTLED_PAPER_STATES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _paper_label(paper: Paper) -> str:
    return f"{paper.reference} – {paper.name}"


class AllianceForm(forms.ModelForm):
    """The founding data of an alliance; the founding declaration comes from the body's Vorlagen."""

    website = forms.URLField(
        label=Alliance._meta.get_field("website").verbose_name,
        help_text=Alliance._meta.get_field("website").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Alliance
        fields = [
            "name",
            "slug",
            "short_name",
            "founded_on",
            "founded_at",
            "founding_note",
            "membership_fee",
            "website",
            "founding_declaration",
        ]
        widgets = {"founded_on": DateInput(), "founding_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        declarations = (
            Attachment.objects.filter(paper__body=body)
            .select_related("paper")
            .order_by("-paper__date", "paper__reference", "order", "pk")
        )
        field = self.fields["founding_declaration"]
        field.queryset = declarations
        field.label_from_instance = lambda attachment: f"{attachment.paper.reference}: {attachment.name}"

    def _post_clean(self):
        # The service validates the model (and the body's rules); the form only parses.
        pass


class AimForm(forms.Form):
    text = forms.CharField(label=_("aim"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


AimFormSet = forms.formset_factory(AimForm, extra=2, can_delete=True, can_order=True)


class MembershipAddForm(forms.Form):
    """An initiator or partner organization, joined at the founding or on a given day."""

    role = forms.ChoiceField(
        label=_("role"),
        choices=[
            (AllianceMembership.Role.INITIATOR, AllianceMembership.Role.INITIATOR.label),
            (AllianceMembership.Role.PARTNER, AllianceMembership.Role.PARTNER.label),
        ],
    )
    member_organization = forms.ModelChoiceField(label=_("organization"), queryset=Organization.objects.none())
    joined_on = forms.DateField(
        label=_("joined on"), required=False, widget=DateInput(), help_text=_("Empty: the day of the founding.")
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_organization"].queryset = Organization.objects.filter(body=alliance.body_id).order_by(
            "name"
        )


class MembershipProposeForm(forms.Form):
    """A member (municipality or organization) whose joining a Vorlage proposes."""

    member_body = forms.ModelChoiceField(label=_("municipality"), queryset=Body.objects.all(), required=False)
    member_organization = forms.ModelChoiceField(
        label=_("organization"), queryset=Organization.objects.none(), required=False
    )
    paper = forms.ModelChoiceField(
        label=_("deciding Vorlage"), queryset=Paper.objects.none(), to_field_name="reference"
    )
    accession_declaration = forms.ModelChoiceField(
        label=_("accession declaration"),
        queryset=Attachment.objects.none(),
        required=False,
        help_text=_("An attachment of the deciding Vorlage."),
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_organization"].queryset = Organization.objects.filter(body=alliance.body_id).order_by(
            "name"
        )
        papers = Paper.objects.filter(body=alliance.body_id).exclude(state__in=SETTLED_PAPER_STATES)
        self.fields["paper"].queryset = papers.order_by("-date", "-reference")
        self.fields["paper"].label_from_instance = _paper_label
        declarations = (
            Attachment.objects.filter(paper__in=papers)
            .select_related("paper")
            .order_by("paper__reference", "order", "pk")
        )
        self.fields["accession_declaration"].queryset = declarations
        self.fields["accession_declaration"].label_from_instance = lambda a: f"{a.paper.reference}: {a.name}"
        self.initial.setdefault("member_body", alliance.body_id)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("member_body")) == bool(cleaned.get("member_organization")):
            raise forms.ValidationError(MEMBER_MISSING_ERROR, code="member_missing")
        return cleaned


class MembershipExitForm(forms.Form):
    """The Vorlage whose decision ends a membership."""

    paper = forms.ModelChoiceField(label=_("exit Vorlage"), queryset=Paper.objects.none(), to_field_name="reference")

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        papers = Paper.objects.filter(body=alliance.body_id).exclude(state__in=SETTLED_PAPER_STATES)
        self.fields["paper"].queryset = papers.order_by("-date", "-reference")
        self.fields["paper"].label_from_instance = _paper_label


class RepresentationForm(forms.Form):
    """A seat of a member in one of the alliance's groups."""

    group = forms.CharField(label=_("group"), max_length=200, help_text=_("E.g. Steuerungsgruppe."))
    person = forms.ModelChoiceField(label=_("person"), queryset=Person.objects.none(), required=False)
    description = forms.CharField(
        label=_("description"),
        max_length=300,
        required=False,
        help_text=_("Who fills the seat, where no person is recorded, e.g. Bereichsleiterin 5-11."),
    )
    start_date = forms.DateField(label=_("start date"), required=False, widget=DateInput())

    def __init__(self, *args, membership: AllianceMembership, **kwargs):
        super().__init__(*args, **kwargs)
        # All people of the alliance's body are offered; the service checks that the person is the member's.
        self.fields["person"].queryset = Person.objects.filter(body=membership.alliance.body_id)
