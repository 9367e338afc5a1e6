"""What the OParl side must remember: objects that left the public record, and what an import made of whose object.

Nothing else in the project imports `oparl`; it reads `council`, `resolutions` and
`alliances` and keeps these records of its own.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Tombstone(models.Model):
    """An object the API served once and serves no longer: deleted, or no longer public.

    OParl asks a server to report such objects as `deleted: true` to clients that sync with
    `modified_since`; without this record they would simply vanish from the lists.
    """

    # The OParl type name without its schema URL, e.g. "Paper" or "AgendaItem".
    object_type = models.CharField(_("OParl type"), max_length=30, help_text=_("E.g. Paper, Meeting, File."))
    object_id = models.PositiveBigIntegerField(_("object id"), help_text=_("The primary key the object had here."))
    # A plain number, not a foreign key: the body may itself be gone, and its tombstone stays.
    body_id = models.PositiveBigIntegerField(
        _("body id"), null=True, blank=True, help_text=_("The body whose lists the object appeared in.")
    )
    created = models.DateTimeField(_("created"), help_text=_("When the object itself was created."))
    deleted = models.DateTimeField(
        _("deleted"), help_text=_("When it left the public record; served as its `modified`.")
    )
    # OParl 1.1 asks that an object which held the departed one embedded (a Paper its
    # Consultation or File, a Meeting its AgendaItem, a Person its Membership, a Body its
    # LegislativeTerm) count as modified at that moment: the API reads this pair for it.
    parent_type = models.CharField(
        _("embedded in (type)"), max_length=30, blank=True, help_text=_("E.g. Paper for a Consultation.")
    )
    parent_id = models.PositiveBigIntegerField(
        _("embedded in (id)"), null=True, blank=True, help_text=_("The primary key of that object.")
    )

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        ordering = ["deleted", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="tombstone_once_per_object"),
        ]
        indexes = [
            models.Index(fields=["object_type", "body_id", "deleted"], name="tombstone_type_body_deleted"),
            models.Index(fields=["parent_type", "parent_id"], name="tombstone_parent"),
            models.Index(fields=["parent_type", "deleted"], name="tombstone_parent_deleted"),
        ]

    def __str__(self):
        return f"{self.object_type} {self.object_id}"


class ImportedObject(models.Model):
    """Which object here an OParl object of another system became, so that the next import updates it."""

    oparl_id = models.URLField(_("OParl id"), max_length=1000, unique=True, help_text=_("The object's id there."))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind"), on_delete=models.CASCADE, help_text=_("What it became here.")
    )
    object_id = models.PositiveBigIntegerField(_("object id"), help_text=_("Its primary key here."))
    # The source's `modified` as last imported: an unchanged object is skipped next time.
    source_modified = models.DateTimeField(
        _("modified there"), null=True, blank=True, help_text=_("The `modified` the source gave at the last import.")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True, help_text=_("When it was last imported."))

    class Meta:
        verbose_name = _("imported object")
        verbose_name_plural = _("imported objects")
        ordering = ["oparl_id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="importedobject_target")]

    def __str__(self):
        return self.oparl_id


class ImportRun(models.Model):
    """One run of `import_oparl` against an endpoint: when, how much, and what went wrong."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    system_url = models.URLField(_("endpoint"), max_length=1000, help_text=_("The OParl System object read."))
    started_at = models.DateTimeField(
        _("started at"), help_text=_("When the run began; the next run's modified_since.")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, help_text=_("Empty while running."))
    modified_since = models.DateTimeField(
        _("modified since"), null=True, blank=True, help_text=_("Empty for a full import.")
    )
    counts = models.JSONField(
        _("counts"), default=dict, blank=True, help_text=_("Objects created and updated by type.")
    )
    problems = models.JSONField(
        _("problems"),
        default=list,
        blank=True,
        help_text=_("What could not be imported or was repaired, and why (the first 10,000)."),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=State.choices,
        default=State.RUNNING,
        help_text=_("Queued (started from the admin, waiting for a worker), running, finished or failed."),
    )
    # {"type": "Paper", "done": 500, "total": 4000, "rate": 231.5, "left": 15}: the type being written,
    # the rate of the whole run in objects a second, the seconds left for the type.
    progress = models.JSONField(
        _("progress"), default=dict, blank=True, help_text=_("The type being written, how far, how fast.")
    )
    heartbeat = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, help_text=_("When the run last reported its progress.")
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why the run stopped, if it failed."))
    # {"total": n, "groups": [{"type", "kind", "count", "examples": [{"id", "reason"}]}], "failed_files": [...]}
    report = models.JSONField(
        _("report"),
        default=dict,
        blank=True,
        help_text=_("The problems grouped by kind, with counts and examples, and the files that could not be fetched."),
    )

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="importrun_finished_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.system_url} ({self.started_at:%Y-%m-%d %H:%M})"
