"""Forms of the Beschlusskontrolle: the list's filters, a progress report, the office's changes.

They only parse input; the services decide who may and whether dates and texts fit, so a
refusal comes in the service's words with the input kept.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.models import LegislativeTerm, Organization, Person
from resolutions.filters import QUERY_MAX_LENGTH, YEAR_MAX, YEAR_MIN, YearFilter
from resolutions.models import Tracking

from .models import Light

SORT_CHOICES = (
    ("due", _("due date, earliest first")),
    ("-due", _("due date, latest first")),
    ("-decided", _("decision, newest first")),
)
SORT_ORDER = {"due": ("target_date", "pk"), "-due": ("-target_date", "-pk"), "-decided": ("-decision__date", "-pk")}


class TrackingFilter(django_filters.FilterSet):
    """Narrow the tracked decisions by organization, unit, state, light, year, Wahlperiode and text."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=QUERY_MAX_LENGTH,
        help_text=_("KSD number or words from the title or the resolution text."),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Decided by"),
        field_name="decision__consultation__organization",
        queryset=Organization.objects.committees().order_by("name"),
        empty_label=_("any organization"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Responsible unit"),
        field_name="responsible_unit",
        queryset=Organization.objects.filter(organization_type=Organization.Type.ADMINISTRATIVE_UNIT).order_by("name"),
        empty_label=_("any unit"),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Tracking.State.choices, empty_label=_("any state"))
    light = django_filters.ChoiceFilter(
        label=_("Traffic light"), choices=Light.choices, method="filter_light", empty_label=_("any")
    )
    year = YearFilter(
        label=_("Year of the decision"),
        field_name="decision__date",
        lookup_expr="year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"placeholder": "2013", "min": YEAR_MIN, "max": YEAR_MAX}),
    )
    term = django_filters.ModelChoiceFilter(
        label=_("Wahlperiode"),
        queryset=LegislativeTerm.objects.order_by("-start_date"),
        method="filter_term",
        empty_label=_("any Wahlperiode"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, null_label=None
    )

    class Meta:
        model = Tracking
        fields = ["q", "organization", "unit", "state", "light", "year", "term", "sort"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(paper__reference__icontains=value)
            | Q(paper__name__icontains=value)
            | Q(paper__subject_line__icontains=value)
            | Q(decision__resolution_text__icontains=value)
        )

    def filter_light(self, queryset, name, value):
        # The list's query set carries the `light` annotation (TrackingQuerySet.with_light).
        return queryset.filter(light=value)

    def filter_term(self, queryset, name, value):
        within = Q(decision__date__gte=value.start_date)
        if value.end_date:
            within &= Q(decision__date__lte=value.end_date)
        return queryset.filter(within)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER["due"]))


class ProgressReportForm(forms.Form):
    """A Sachstand: the day, what was done, and the state it leads to."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the report describes; not before the decision, not after today."),
    )
    state = forms.ChoiceField(
        label=_("New state"),
        choices=Tracking.State.choices,
        help_text=_("Done, not feasible and obsolete close the decision; the text is then the closing report."),
    )
    text = forms.CharField(
        label=_("Report"),
        required=False,  # the service says why an empty text is refused, closing report or not
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What has been done and what is left, in Markdown."),
    )

    def __init__(self, *args, tracking: Tracking, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate(), "state": tracking.state})
        super().__init__(*args, **kwargs)


class TrackingUpdateForm(forms.Form):
    """The office's changes: who answers for the decision and by when."""

    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Organization.objects.none(),
        help_text=_("The Verwaltungsbereich that carries the decision out."),
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Someone of that unit, if one person answers for it."),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("By when the decision is to be carried out."),
    )

    def __init__(self, *args, tracking: Tracking, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "responsible_unit": tracking.responsible_unit_id,
                "responsible_person": tracking.responsible_person_id,
                "target_date": tracking.target_date,
            },
        )
        super().__init__(*args, **kwargs)
        body = tracking.paper.body
        # Any unit and any person of the body: the service says why a choice does not fit.
        self.fields["responsible_unit"].queryset = Organization.objects.filter(
            body=body, organization_type=Organization.Type.ADMINISTRATIVE_UNIT
        ).order_by("name")
        self.fields["responsible_person"].queryset = Person.objects.filter(
            body=body, memberships__organization__organization_type=Organization.Type.ADMINISTRATIVE_UNIT
        ).distinct()


class ReportCorrectForm(forms.Form):
    """The office corrects a report's date or text."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    text = forms.CharField(label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ReportGenerateForm(forms.Form):
    """The office generates the report of a committee as of a day."""

    organization = forms.ModelChoiceField(
        label=_("Committee or council"),
        queryset=Organization.objects.none(),
        help_text=_("Whose decisions the report lists; it goes before them for Kenntnisnahme."),
    )
    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the report describes, usually today."),
    )
    unit = forms.ModelChoiceField(
        label=_("Issuing unit"),
        queryset=Organization.objects.none(),
        help_text=_("The unit the Mitteilung comes from, e.g. the Ratsbüro."),
    )

    def __init__(self, *args, user=None, **kwargs):
        from council.roles import actor_for

        actor = actor_for(user)
        own_unit = (
            Organization.objects.filter(
                pk__in=actor.organization_ids, organization_type=Organization.Type.ADMINISTRATIVE_UNIT
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        kwargs.setdefault("initial", {"as_of": timezone.localdate(), "unit": own_unit})
        super().__init__(*args, **kwargs)
        # Any organization of any kind: the service says why one does not fit.
        self.fields["organization"].queryset = Organization.objects.committees().order_by("name")
        self.fields["unit"].queryset = Organization.objects.filter(
            organization_type=Organization.Type.ADMINISTRATIVE_UNIT
        ).order_by("name")


class InquiryAssignForm(forms.Form):
    """The office gives an Anfrage to a unit to answer by a date."""

    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Organization.objects.none(),
        help_text=_("The Verwaltungsbereich that answers the Anfrage."),
    )
    target_date = forms.DateField(
        label=_("Answer due on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("By when the administration answers."),
    )

    def __init__(self, *args, paper, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Organization.objects.filter(
            body=paper.body, organization_type=Organization.Type.ADMINISTRATIVE_UNIT
        ).order_by("name")
