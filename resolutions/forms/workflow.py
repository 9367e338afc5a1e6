"""Forms of the path of a Vorlage and of its version history.

The forms only parse input; whether a step is allowed, and whether a comment or co-signers
are missing, is decided by the services and the TRANSITIONS table behind them, so that the
browser and every other caller get the same answer and the same message.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from council.models import Membership, Organization
from council.roles import Role
from resolutions.models import Paper
from resolutions.workflow import Transition, is_faction_paper, unit_label, user_label

COMMENT_MAX_LENGTH = 5000


class PaperTransitionForm(forms.Form):
    """Confirm one step on the path of a Vorlage, with a comment for its history."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Stays in the Vorlage's history, visible to everyone who may read the history."),
    )

    def __init__(self, *args, transition: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_comment:
            # Not `required=True`: the workflow checks the comment and says why it is needed,
            # in the same words for every caller. The browser is only asked to insist.
            comment = self.fields["comment"]
            comment.label = _("Reason")
            comment.help_text = _("Required. The clerk reads it, and it stays in the Vorlage's history.")
            comment.widget.attrs.update({"required": True, "aria-required": "true"})


class CosignerChoiceField(forms.ModelMultipleChoiceField):
    """Department heads, each named with the units they work for."""

    def label_from_instance(self, obj):
        units = [unit_label(membership.organization) for membership in obj.person.memberships.all()]
        name = user_label(obj)
        return f"{name} – {', '.join(units)}" if units else name


def cosigner_queryset(paper: Paper, *, submitter):
    """Who may be asked to co-sign: active department heads of the paper's body, not the submitter.

    For a Fraktion's Antrag or Anfrage: its council members (not its Geschäftsstelle).
    """
    if is_faction_paper(paper):
        members = (
            Membership.objects.active().filter(organization=paper.under_direction_of).select_related("organization")
        )
        return (
            get_user_model()
            .objects.filter(is_active=True, person__in=members.values("person_id"))
            .exclude(groups__name=Role.FACTION_OFFICE)
            .exclude(pk=submitter.pk)
            .select_related("person")
            .prefetch_related(Prefetch("person__memberships", queryset=members))
            .order_by("person__family_name", "person__given_name", "username")
        )
    units = (
        Membership.objects.active()
        .filter(organization__organization_type=Organization.Type.ADMINISTRATIVE_UNIT)
        .select_related("organization")
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.HEAD, person__body_id=paper.body_id)
        .exclude(pk=submitter.pk)
        .select_related("person")
        .prefetch_related(Prefetch("person__memberships", queryset=units))
        .order_by("person__family_name", "person__given_name", "username")
    )


def unit_head_ids(paper: Paper) -> set[int]:
    """The users heading the paper's unit or a unit above it (a Dezernent heads the Bereiche below)."""
    chain, organization = [], paper.under_direction_of
    while organization is not None and organization.pk not in chain:
        chain.append(organization.pk)
        organization = organization.parent
    return set(
        Membership.objects.active()
        .filter(organization_id__in=chain, person__user__groups__name=Role.HEAD, person__user__is_active=True)
        .values_list("person__user_id", flat=True)
    )


class PaperSubmitForm(PaperTransitionForm):
    """Submit a draft for co-signing to the department heads chosen here."""

    cosigners = CosignerChoiceField(
        label=_("Co-signers"),
        queryset=get_user_model().objects.none(),
        required=False,  # the service names what is missing: NO_COSIGNERS_ERROR
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The department heads who co-sign this Vorlage (Mitzeichnung). The heads of the originating unit "
            "are preselected; add the Kämmerei if the Vorlage costs money."
        ),
    )

    field_order = ["cosigners", "comment"]

    def __init__(self, *args, paper: Paper, submitter, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cosigners"]
        field.queryset = cosigner_queryset(paper, submitter=submitter)
        if not self.is_bound:
            # After a return, ask the same heads again; the first time, the unit's own heads.
            previous = set(paper.cosignatures.values_list("signer_id", flat=True))
            if is_faction_paper(paper):
                field.help_text = _("The members of the Fraktion who co-sign its Antrag or Anfrage.")
                self.initial["cosigners"] = sorted(previous - {submitter.pk})
            else:
                self.initial["cosigners"] = sorted((previous or unit_head_ids(paper)) - {submitter.pk})


def version_label(record) -> str:
    return _("Version %(version)s of %(date)s") % {
        "version": record.version,
        "date": date_format(localtime(record.history_date), "SHORT_DATETIME_FORMAT"),
    }


class VersionCompareForm(forms.Form):
    """Choose two saved versions of a Vorlage to compare (`?a=<history_id>&b=<history_id>`)."""

    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(record.history_id, version_label(record)) for record in versions]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
