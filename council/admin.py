"""The admin for the council's reference data: bodies, terms, places, organizations, people, meetings."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessibilityFeedback,
    AgendaItem,
    Attendance,
    Body,
    InvitationDispatch,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
    Subscription,
)

admin.site.site_header = _("Ratsbuch")
admin.site.site_title = _("Ratsbuch")
admin.site.index_title = _("Administration")

# Official websites are served over HTTPS; Django 6 makes this the default anyway.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", "ags", "classification", "notice_period_days"]
    search_fields = ["name", "short_name", "ags"]
    readonly_fields = ["created", "modified"]


@admin.register(LegislativeTerm)
class LegislativeTermAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "start_date", "end_date"]
    list_filter = ["body"]
    list_select_related = ["body"]
    search_fields = ["name"]
    date_hierarchy = "start_date"
    readonly_fields = ["created", "modified"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["description", "room", "street_address", "postal_code", "locality", "body"]
    list_filter = ["body", "locality"]
    list_select_related = ["body"]
    search_fields = ["description", "room", "street_address", "locality"]
    readonly_fields = ["created", "modified"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "short_name", "organization_type", "parent", "start_date", "end_date", "body"]
    list_filter = ["organization_type", "body"]
    list_select_related = ["parent", "body"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "location"]
    readonly_fields = ["created", "modified"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "title", "email", "user", "body"]
    list_filter = ["body", "gender"]
    list_select_related = ["user", "body"]
    search_fields = ["family_name", "given_name", "email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created", "modified"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "role", "voting_right", "on_behalf_of", "start_date", "end_date"]
    list_filter = [
        "voting_right",
        "organization__organization_type",
        ("organization", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["person", "organization", "on_behalf_of"]
    search_fields = ["person__family_name", "person__given_name", "organization__name", "role"]
    autocomplete_fields = ["person", "organization", "on_behalf_of"]
    readonly_fields = ["created", "modified"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["person"]
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "number", "name", "public"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end", "state", "location", "body"]
    list_filter = ["state", "body", ("organizations", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["location", "body"]
    search_fields = ["name"]
    autocomplete_fields = ["organizations", "location"]
    date_hierarchy = "start"
    readonly_fields = ["created", "modified"]
    inlines = [AgendaItemInline, AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "status"]
    list_filter = ["status"]
    list_select_related = ["person", "meeting"]
    search_fields = ["person__family_name", "person__given_name", "meeting__name"]
    autocomplete_fields = ["meeting", "person"]
    date_hierarchy = "meeting__start"
    readonly_fields = ["created", "modified"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "meeting", "order", "public"]
    list_display_links = ["number", "name"]
    list_filter = ["public"]
    list_select_related = ["meeting"]
    search_fields = ["name", "number", "meeting__name"]
    autocomplete_fields = ["meeting"]
    date_hierarchy = "meeting__start"
    readonly_fields = ["created", "modified"]


@admin.register(InvitationDispatch)
class InvitationDispatchAdmin(admin.ModelAdmin):
    """The proof of the invitations: shown, never added, changed or deleted by hand."""

    list_display = ["meeting", "recipient_name", "address", "kind", "state", "sent_at", "agenda_version"]
    list_filter = ["state", "kind"]
    list_select_related = ["meeting"]
    search_fields = ["recipient_name", "address", "message_id", "meeting__name"]
    date_hierarchy = "created"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Followers by e-mail; deleting a row is what a DSGVO erasure request asks for."""

    list_display = ["email", "target", "organization", "key", "confirmed_at", "last_digest_at"]
    list_filter = ["target", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organization"]
    search_fields = ["email", "key"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["created", "last_digest_at"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created", "message", "page", "email"]
    search_fields = ["message", "page", "email", "name"]
    readonly_fields = ["created"]
