"""The OParl records in the admin, read-only: the API and the importer write them, nobody by hand.

The one thing done here: the office starts an import run, which a background task carries out.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from council.roles import OFFICE_ONLY_MESSAGE, actor_for

from .forms import ImportStartForm
from .models import ImportedObject, ImportRun, Tombstone
from .services import active_run, import_run_enqueue


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


# While a run is queued or at work its pages reload themselves this often (seconds).
REFRESH_SECONDS = 5


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """The runs, read-only; the office (and administrators) start one from here, as a background task."""

    list_display = ["system_url", "state", "started_at", "finished_at", "progress_line", "problem_count"]
    list_filter = ["state"]
    fields = [
        "system_url",
        "state",
        "progress_line",
        "heartbeat",
        "error",
        "started_at",
        "finished_at",
        "modified_since",
        "counts_table",
        "report_table",
    ]
    readonly_fields = fields
    change_list_template = "admin/oparl/importrun/change_list.html"
    change_form_template = "admin/oparl/importrun/change_form.html"

    def get_urls(self):
        start = path("start/", self.admin_site.admin_view(self.start_view), name="oparl_importrun_start")
        return [start, *super().get_urls()]

    def start_view(self, request):
        """Start an import (the office and administrators): the form, then the run's page."""
        if not actor_for(request.user).is_office:
            raise PermissionDenied(OFFICE_ONLY_MESSAGE)
        form = ImportStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = import_run_enqueue(
                    url=form.cleaned_data["url"],
                    body=form.cleaned_data["body"],
                    full=form.cleaned_data["full"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Import run %d is queued; this page shows how far it is.") % run.pk)
                return redirect("admin:oparl_importrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Start an OParl import"),
            "form": form,
            "running": active_run(),
        }
        return TemplateResponse(request, "admin/oparl/importrun/start.html", context)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "may_start": actor_for(request.user).is_office,
            "refresh": REFRESH_SECONDS if active_run() is not None else None,
        }
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        active = run is not None and run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING)
        extra = {"refresh": REFRESH_SECONDS if active else None}
        return super().change_view(request, object_id, form_url, extra_context={**extra, **(extra_context or {})})

    @admin.display(description=_("progress"))
    def progress_line(self, run):
        progress = run.progress or {}
        if not progress.get("type"):
            return "–"
        left = int(progress.get("left") or 0)
        return _("%(type)s %(done)d of %(total)d, %(rate).0f objects/s, %(left)s left") % {
            "type": progress["type"],
            "done": progress.get("done", 0),
            "total": progress.get("total", 0),
            "rate": progress.get("rate") or 0,
            "left": f"{left // 60}:{left % 60:02d}",
        }

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
