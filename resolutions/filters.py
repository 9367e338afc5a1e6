"""Filters of the list of Vorlagen (django-filter), applied after `Paper.objects.visible_to`."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from council.collation import german
from council.models import Organization
from council.roles import actor_for
from council.search import matching
from resolutions.models import Paper
from resolutions.search import PaperSource

QUERY_MAX_LENGTH = 200
# A plausible range of years: keeps `date__year` away from dates Python cannot build.
YEAR_MIN, YEAR_MAX = 1900, 2999
# States a reader outside the administration never sees: offering them would only ever find nothing.
DRAFT_STATES = frozenset({Paper.State.DRAFT, Paper.State.COSIGNING})


class YearFilter(django_filters.Filter):
    """A whole year; django-filter's NumberFilter would accept 2013.5."""

    field_class = forms.IntegerField


def may_see_drafts(user) -> bool:
    """Whether any draft can show up in the user's list (see `PaperQuerySet.visible_to`)."""
    actor = actor_for(user)
    return actor.is_office or actor.is_head or (actor.is_clerk and bool(actor.unit_ids))


class PaperFilter(django_filters.FilterSet):
    """Narrow the Vorlagen by state, type, originating organization, year and a text query."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=QUERY_MAX_LENGTH,
        help_text=_(
            "KSD number or words from the title, subject line, Sachverhalt, Beschlussvorschlag or attachments."
        ),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Paper.State.choices, empty_label=_("any state"))
    paper_type = django_filters.ChoiceFilter(label=_("Type"), choices=Paper.Type.choices, empty_label=_("any type"))
    organization = django_filters.ModelChoiceFilter(
        label=_("Originating organization"),
        queryset=Organization.objects.none(),
        method="filter_organization",
        empty_label=_("any organization"),
    )
    year = YearFilter(
        label=_("Year"),
        field_name="date",
        lookup_expr="year",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.NumberInput(attrs={"placeholder": "2013", "min": YEAR_MIN, "max": YEAR_MAX}),
    )

    class Meta:
        model = Paper
        fields = ["q", "state", "paper_type", "organization", "year"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user if request is not None else None
        if not may_see_drafts(user):
            state = self.filters["state"]
            state.extra["choices"] = [(v, label) for v, label in Paper.State.choices if v not in DRAFT_STATES]
        # The units that write Vorlagen and the Fraktionen and parties that move Anträge.
        self.filters["organization"].queryset = Organization.objects.filter(
            organization_type__in=[
                Organization.Type.ADMINISTRATIVE_UNIT,
                Organization.Type.FACTION,
                Organization.Type.PARTY,
            ]
        ).order_by(german("name"))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # The search's engine (GIN indexes on PostgreSQL), so that the list and /suche/ find
        # the same Vorlagen; a KSD number, or part of one, is matched as text.
        user = self.request.user if self.request is not None else None
        found = matching(PaperSource(), value, user=user)
        return queryset.filter(Q(reference__icontains=value) | Q(pk__in=found))

    def filter_organization(self, queryset, name, value):
        # The unit that wrote it or, for an Antrag, a Fraktion that moved it. A subquery,
        # not a join, so a Vorlage moved by two Fraktionen stays one row.
        moved_by = Paper.originator_organizations.through.objects.filter(organization=value).values("paper_id")
        return queryset.filter(Q(under_direction_of=value) | Q(pk__in=moved_by))
