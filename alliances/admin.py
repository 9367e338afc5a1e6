"""The admin for alliances, their aims, members and representatives."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from council.admin import HTTPS_URLS

from .models import Alliance, AllianceAim, AllianceMembership, Representation


class AllianceAimInline(admin.TabularInline):
    model = AllianceAim
    fields = ["order", "text"]
    extra = 0


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", "founded_on", "founded_at", "body"]
    list_filter = ["body"]
    list_select_related = ["body"]
    search_fields = ["name", "short_name", "founded_at"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["founding_declaration"]
    date_hierarchy = "founded_on"
    readonly_fields = ["created", "modified"]
    inlines = [AllianceAimInline]


@admin.register(AllianceAim)
class AllianceAimAdmin(admin.ModelAdmin):
    list_display = ["alliance", "order", "text"]
    list_filter = ["alliance"]
    list_select_related = ["alliance"]
    search_fields = ["text", "alliance__name"]
    autocomplete_fields = ["alliance"]
    readonly_fields = ["created", "modified"]


class RepresentationInline(admin.TabularInline):
    model = Representation
    fields = ["group", "person", "description", "start_date", "end_date"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["alliance", "member_name", "role", "state", "proposed_on", "joined_on", "left_on"]
    list_filter = ["state", "role", "alliance"]
    list_select_related = ["alliance", "member_body", "member_organization"]
    search_fields = ["alliance__name", "member_body__name", "member_organization__name"]
    autocomplete_fields = [
        "alliance",
        "member_body",
        "member_organization",
        "paper",
        "decision",
        "accession_declaration",
    ]
    date_hierarchy = "joined_on"
    readonly_fields = ["created", "modified"]
    inlines = [RepresentationInline]

    @admin.display(description=_("member"), ordering="member_body__name")
    def member_name(self, membership):
        return str(membership.member)


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["membership", "group", "person", "description", "start_date", "end_date"]
    list_filter = ["group"]
    list_select_related = [
        "membership__alliance",
        "membership__member_body",
        "membership__member_organization",
        "person",
    ]
    search_fields = ["group", "description", "person__family_name", "membership__alliance__name"]
    autocomplete_fields = ["membership", "person"]
    readonly_fields = ["created", "modified"]
