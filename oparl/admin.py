"""The OParl records in the admin, read-only: the API and the importer write them, nobody by hand."""

from django.contrib import admin
from django.db import models

from .models import ImportedObject, ImportRun, Tombstone


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never add, edit or delete: a tombstone gone by hand is a deletion a client never hears of."""

    # The view page still builds a form; its URL fields read schemeless input as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ["object_type", "object_id", "body_id", "deleted"]
    list_filter = ["object_type"]


@admin.register(ImportedObject)
class ImportedObjectAdmin(ReadOnlyAdmin):
    list_display = ["oparl_id", "content_type", "object_id", "source_modified", "imported_at"]
    list_filter = ["content_type"]
    search_fields = ["oparl_id"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["system_url", "started_at", "finished_at", "modified_since"]
