from django.contrib import admin

from .models import ImportedObject, ImportRun, Tombstone


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    list_display = ["object_type", "object_id", "body_id", "deleted"]
    list_filter = ["object_type"]


@admin.register(ImportedObject)
class ImportedObjectAdmin(admin.ModelAdmin):
    list_display = ["oparl_id", "content_type", "object_id", "source_modified", "imported_at"]
    list_filter = ["content_type"]
    search_fields = ["oparl_id"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["system_url", "started_at", "finished_at", "modified_since"]
    readonly_fields = ["system_url", "started_at", "finished_at", "modified_since", "counts", "problems"]
