"""The OParl records in the admin, read-only: the API and the importer write them, nobody by hand."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

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
    list_display = ["system_url", "started_at", "finished_at", "modified_since", "problem_count"]
    fields = ["system_url", "started_at", "finished_at", "modified_since", "counts_table", "report_table"]
    readonly_fields = fields

    @admin.display(description=_("problems"))
    def problem_count(self, run):
        return (run.report or {}).get("total", len(run.problems or []))

    @admin.display(description=_("counts"))
    def counts_table(self, run):
        columns = sorted({column for row in (run.counts or {}).values() for column in row})
        head = format_html_join("", "<th>{}</th>", ((column,) for column in columns))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (kind, format_html_join("", "<td>{}</td>", ((row.get(column, 0),) for column in columns)))
                for kind, row in (run.counts or {}).items()
            ),
        )
        return format_html("<table><tr><th></th>{}</tr>{}</table>", head, rows)

    @admin.display(description=_("report"))
    def report_table(self, run):
        """The problems by kind, largest group first, with a few examples; then the files not fetched."""
        report = run.report or {}
        groups = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    group["count"],
                    group["type"],
                    group["kind"],
                    format_html_join("", "<div>{}: {}</div>", ((e["id"], e["reason"]) for e in group["examples"])),
                )
                for group in report.get("groups", [])
            ),
        )
        files = format_html_join(
            "", "<li>{}: {}</li>", ((f["url"], f["reason"]) for f in report.get("failed_files", []))
        )
        return format_html(
            '<table class="import-report"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>'
            "<p>{}</p><ul>{}</ul>",
            _("count"),
            _("type"),
            _("kind"),
            _("examples"),
            groups,
            _("Files that could not be fetched: %d") % len(report.get("failed_files", [])),
            files,
        )
