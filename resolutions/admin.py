"""The admin for Vorlagen, their Beratungsfolge, attachments, decisions and votes.

The workflow fields of a Vorlage (KSD number, state, version, release time) are read-only
here: numbers come from the numbering service, states from the workflow services. The
counters and the event log cannot be edited at all, because they are the record.
"""

import uuid

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from .attachments import inspect_upload
from .models import (
    Attachment,
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    Minutes,
    Paper,
    PaperEvent,
    ReferenceCounter,
    ResultWording,
)
from .services import paper_allocate_reference
from .services.drafting import checked_file_text_enqueue

# Derived from the uploaded content by resolutions.attachments, never typed in.
ATTACHMENT_DERIVED_FIELDS = ["file_name", "mime_type", "size", "sha512"]


class AttachmentAdminForm(forms.ModelForm):
    """Check an uploaded file like the clerks' form does, and describe it from its content."""

    class Meta:
        model = Attachment
        fields = ["paper", "attachment_type", "name", "public", "file", "order"]

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            try:
                inspected = inspect_upload(upload)
            except ValidationError as error:
                self.add_error("file", error)
                return cleaned_data
            # Stored under a random name, as resolutions.services stores uploads; the
            # clean name is the one offered for download.
            upload.name = f"{uuid.uuid4().hex[:16]}-{inspected.file_name}"
            self.instance.file_name = inspected.file_name
            self.instance.mime_type = inspected.mime_type
            self.instance.size = inspected.size
            self.instance.sha512 = inspected.sha512
            self.instance.checked = True
            self.instance.text = ""
            self.instance.text_state = Attachment.TextState.PENDING if inspected.has_text else Attachment.TextState.NONE
        return cleaned_data

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if instance.text_state == Attachment.TextState.PENDING:
            # The text is taken in the background once the row is saved, as after a clerk's upload.
            transaction.on_commit(lambda: checked_file_text_enqueue(instance))
        return instance


class ConsultationInline(admin.TabularInline):
    model = Consultation
    fields = ["order", "organization", "role", "authoritative", "agenda_item"]
    autocomplete_fields = ["organization", "agenda_item"]
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentAdminForm
    fields = ["order", "name", "attachment_type", "public", "file", *ATTACHMENT_DERIVED_FIELDS]
    readonly_fields = ATTACHMENT_DERIVED_FIELDS
    extra = 0


class CosignatureInline(admin.TabularInline):
    model = Cosignature
    fields = ["signer", "signed_at"]
    autocomplete_fields = ["signer"]
    extra = 0


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "name", "paper_type", "state", "date", "public", "under_direction_of", "body"]
    list_display_links = ["reference", "name"]
    list_filter = ["state", "paper_type", "public", "body"]
    list_select_related = ["under_direction_of", "body"]
    search_fields = ["reference", "name", "subject_line"]
    autocomplete_fields = ["under_direction_of", "originator_persons", "originator_organizations"]
    date_hierarchy = "date"
    readonly_fields = ["reference", "state", "version", "released_at", "created", "modified"]
    inlines = [ConsultationInline, AttachmentInline, CosignatureInline]

    def get_readonly_fields(self, request, obj=None):
        # The KSD number is unique per body: moving a numbered Vorlage to another body
        # could collide with a number there.
        if obj is not None:
            return [*self.readonly_fields, "body"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            # Count the edit, so that a clerk's form based on the previous version is
            # refused by the optimistic lock instead of overwriting this change.
            obj.version += 1
            super().save_model(request, obj, form, change)
            return
        # The admin's change view runs in a transaction, so a failure further on
        # gives the number back, as in resolutions.services.paper_create.
        obj.reference = paper_allocate_reference(body=obj.body, year=obj.date.year)
        super().save_model(request, obj, form, change)
        PaperEvent.objects.create(
            paper=obj, action=PaperEvent.Action.CREATED, from_state="", to_state=obj.state, actor=request.user
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    # Editing a counter by hand could hand out a KSD number twice or leave a gap.
    list_display = ["body", "year", "last_number"]
    list_filter = ["body", "year"]
    list_select_related = ["body"]


@admin.register(PaperEvent)
class PaperEventAdmin(ReadOnlyAdmin):
    list_display = ["paper", "action", "from_state", "to_state", "actor", "created"]
    list_filter = ["action", "to_state"]
    list_select_related = ["paper", "actor"]
    search_fields = ["paper__reference", "paper__name", "comment"]
    date_hierarchy = "created"


@admin.register(Cosignature)
class CosignatureAdmin(admin.ModelAdmin):
    list_display = ["paper", "signer", "signed_at"]
    list_select_related = ["paper", "signer"]
    search_fields = ["paper__reference", "paper__name", "signer__username"]
    autocomplete_fields = ["paper", "signer"]
    date_hierarchy = "signed_at"
    readonly_fields = ["created", "modified"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["paper", "order", "organization", "role", "authoritative", "agenda_item"]
    list_filter = ["role", "authoritative"]
    list_select_related = ["paper", "organization", "agenda_item"]
    search_fields = ["paper__reference", "paper__name", "organization__name"]
    autocomplete_fields = ["paper", "organization", "agenda_item"]
    readonly_fields = ["created", "modified"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    form = AttachmentAdminForm
    fields = ["paper", "attachment_type", "name", "public", "order", "file", *ATTACHMENT_DERIVED_FIELDS]
    list_display = ["name", "paper", "attachment_type", "public", "file_name", "mime_type", "size"]
    list_filter = ["attachment_type", "public", "mime_type"]
    list_select_related = ["paper"]
    search_fields = ["name", "file_name", "paper__reference", "paper__name"]
    autocomplete_fields = ["paper"]
    readonly_fields = [*ATTACHMENT_DERIVED_FIELDS, "created", "modified"]


class FactionVoteInline(admin.TabularInline):
    model = FactionVote
    fields = ["faction", "votes_yes", "votes_no", "votes_abstain", "votes_biased"]
    autocomplete_fields = ["faction"]
    extra = 0


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = [
        "consultation",
        "result",
        "result_wording",
        "date",
        "votes_yes",
        "votes_no",
        "votes_abstain",
        "unanimous",
    ]
    list_filter = ["result", "unanimous"]
    list_select_related = ["consultation__paper", "consultation__organization"]
    search_fields = ["consultation__paper__reference", "consultation__paper__name", "resolution_text"]
    autocomplete_fields = ["consultation", "agenda_item"]
    date_hierarchy = "date"
    readonly_fields = ["created", "modified"]
    inlines = [FactionVoteInline]


@admin.register(ResultWording)
class ResultWordingAdmin(admin.ModelAdmin):
    list_display = ["wording", "result"]
    list_filter = ["result"]
    search_fields = ["wording"]


@admin.register(FactionVote)
class FactionVoteAdmin(admin.ModelAdmin):
    list_display = ["decision", "faction", "votes_yes", "votes_no", "votes_abstain", "votes_biased"]
    list_filter = [("faction", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["decision__consultation__paper", "faction"]
    search_fields = ["decision__consultation__paper__reference", "faction__name"]
    autocomplete_fields = ["decision", "faction"]
    readonly_fields = ["created", "modified"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    """Finalised minutes are the record: listed and readable, never added, changed or deleted here."""

    list_display = ["meeting", "finalised_at", "finalised_by", "rendered_at"]
    list_select_related = ["meeting", "finalised_by"]
    search_fields = ["meeting__name", "sha512", "public_sha512"]
    date_hierarchy = "finalised_at"
    fields = [
        "meeting",
        "file",
        "sha512",
        "public_file",
        "public_sha512",
        "finalised_at",
        "finalised_by",
        "rendered_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from resolutions.tracking import admin as tracking_admin  # noqa: E402, F401  (registers the Beschlusskontrolle)
