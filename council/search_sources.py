"""What the council makes searchable: meetings, agenda items, organizations and people.

Registered in `settings.RATSBUCH_SEARCH_SOURCES`; the engine is `council.search`. The
fields of each source are the ones the `council` migration `0003_search_indexes` indexes
on PostgreSQL: change both together.
"""

from django.utils.translation import gettext_lazy as _

from council.models import AgendaItem, Meeting, Membership, Organization, Person
from council.roles import actor_for
from council.search import SearchSource

MEETING_FIELDS = (("name", "A"),)
AGENDA_ITEM_FIELDS = (("name", "A"),)
ORGANIZATION_FIELDS = (("name", "A"), ("short_name", "A"), ("classification", "B"))
PERSON_FIELDS = (("family_name", "A"), ("given_name", "A"), ("title", "B"), ("affix", "B"))


class MeetingSource(SearchSource):
    kind = "meeting"
    label = _("Meeting")
    model = Meeting
    fields = MEETING_FIELDS
    snippet_fields = ("name",)
    date_field = "start"
    organization_paths = ("organizations",)

    def visible(self, user):
        return Meeting.objects.all()  # meetings are public; their non-public items are not in the name

    def page_queryset(self, queryset):
        return queryset.select_related("location").prefetch_related("organizations")

    def context(self, obj):
        return ", ".join(organization.name for organization in obj.organizations.all())


class AgendaItemSource(SearchSource):
    kind = "agendaitem"
    label = _("Agenda item")
    model = AgendaItem
    fields = AGENDA_ITEM_FIELDS
    vector_column = "search_vector"  # migration 0004_scale_search_vectors, on PostgreSQL
    snippet_fields = ("name",)
    date_field = "meeting__start"
    organization_paths = ("meeting__organizations",)

    def visible(self, user):
        return AgendaItem.objects.visible_to(user)

    def page_queryset(self, queryset):
        return queryset.select_related("meeting")

    def title(self, obj):
        return _("TOP %(number)s: %(name)s") % {"number": obj.number, "name": obj.name}

    def context(self, obj):
        return obj.meeting.name


class OrganizationSource(SearchSource):
    kind = "organization"
    label = _("Organization")
    model = Organization
    fields = ORGANIZATION_FIELDS
    snippet_fields = ("classification",)
    date_field = "start_date"
    organization_paths = ("pk",)

    def visible(self, user):
        return Organization.objects.all()

    def title(self, obj):
        return f"{obj.name} ({obj.short_name})" if obj.short_name and obj.short_name != obj.name else obj.name

    def context(self, obj):
        return obj.get_organization_type_display()


class PersonSource(SearchSource):
    kind = "person"
    label = _("Person")
    model = Person
    fields = PERSON_FIELDS

    def visible(self, user):
        # The staff of the administration appear to the council office only.
        return Person.objects.all() if actor_for(user).is_office else Person.objects.public()

    def title(self, obj):
        return obj.name

    def organization_pairs(self, pks):
        seats = Membership.objects.public().filter(person__in=pks).order_by()
        return seats.values_list("person_id", "organization_id").distinct()
