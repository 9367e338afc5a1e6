"""The tracking of a decision (Beschlusskontrolle) and its progress reports (Sachstand).

Imported by `resolutions.models`, so the models belong to the `resolutions` app.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from council.models import Organization, Person, TimeStampedModel
from council.roles import actor_for


def amber_days() -> int:
    """How many days before its target date a tracking turns amber."""
    return settings.RATSBUCH_TRACKING_AMBER_DAYS


UNIT_MISSING_LABEL = _("not yet named by the council office")


class Light(models.TextChoices):
    """The traffic light of a tracking: derived from state and target date, never stored."""

    GREEN = "green", _("on track")
    AMBER = "amber", _("due soon")
    RED = "red", _("overdue")
    CLOSED = "closed", _("closed")


class TrackingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trackings the user may read.

        Those whose Vorlage and decision the user may read (the public: released public
        Vorlagen decided in public; members: also the non-public ones of their
        organizations), and for clerks and heads every tracking their units answer for.
        """
        from resolutions.models import Decision, Paper

        actor = actor_for(user)
        if actor.is_office:
            return self.all()
        # EXISTS on the row's own keys rather than IN over every readable row: inside a
        # correlated subquery (OParl's modified of a Paper) PostgreSQL would build the IN set
        # again for each outer row.
        readable = Exists(Paper.objects.visible_to(user).filter(pk=OuterRef("paper_id"))) & (
            Q(decision__isnull=True) | Exists(Decision.objects.visible_to(user).filter(pk=OuterRef("decision_id")))
        )
        if actor.unit_ids and (actor.is_clerk or actor.is_head):
            readable |= Q(responsible_unit_id__in=actor.unit_ids)
        return self.filter(readable)

    def public(self):
        """What anyone may read, whoever asks: the feeds and OParl use this."""
        from django.contrib.auth.models import AnonymousUser

        return self.visible_to(AnonymousUser())

    def open(self):
        return self.filter(state__in=Tracking.OPEN_STATES)

    def closed(self):
        return self.exclude(state__in=Tracking.OPEN_STATES)

    def with_light(self, today: datetime.date | None = None):
        """Annotate `light` (a Light value), the same rule as `Tracking.light`, for filters and counts."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=amber_days())
        return self.annotate(
            light=Case(
                When(~Q(state__in=Tracking.OPEN_STATES), then=Value(Light.CLOSED)),
                When(target_date__lt=today, then=Value(Light.RED)),
                When(target_date__lte=soon, then=Value(Light.AMBER)),
                default=Value(Light.GREEN),
                output_field=models.CharField(),
            )
        )

    def by_due_date(self):
        return self.order_by(F("target_date").asc(), "pk")


class Tracking(TimeStampedModel):
    """What became of a decision: who carries it out, by when, and how far they are."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_FEASIBLE = "not_feasible", _("not feasible")
        OBSOLETE = "obsolete", _("obsolete")

    OPEN_STATES = (State.OPEN, State.IN_PROGRESS)

    # Empty for an Anfrage: the administration's answer is tracked like a decision, without one.
    decision = models.OneToOneField(
        "resolutions.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tracking",
        help_text=_("The decision being carried out; empty for the answer to an Anfrage."),
    )
    # The decision's Vorlage, kept here so that lists filter and check visibility without two joins.
    paper = models.ForeignKey(
        "resolutions.Paper",
        verbose_name=_("Vorlage"),
        on_delete=models.CASCADE,
        related_name="trackings",
        help_text=_("The Vorlage decided."),
    )
    # Empty until the office names one: a Fraktion's Antrag has no unit of the administration behind it.
    responsible_unit = models.ForeignKey(
        Organization,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trackings",
        help_text=_("The Verwaltungsbereich that carries the decision out; at first the Vorlage's unit."),
    )
    responsible_person = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trackings",
        help_text=_("Who in that unit answers for it, if named."),
    )
    target_date = models.DateField(_("target date"), help_text=_("By when the decision is to be carried out."))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.OPEN,
        editable=False,  # only the services move a tracking, with a progress report
        help_text=_("How far the decision has been carried out."),
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the report that closed it (done, not feasible or obsolete)."),
    )

    history = HistoricalRecords(excluded_fields=["modified"])
    objects = TrackingQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision tracking")
        verbose_name_plural = _("decision trackings")
        ordering = ["target_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "in_progress"], closed_on__isnull=True)
                | (~Q(state__in=["open", "in_progress"]) & Q(closed_on__isnull=False)),
                name="tracking_closed_on_iff_closed",
            ),
        ]
        indexes = [models.Index(fields=["state", "target_date"], name="tracking_state_due")]

    def __str__(self):
        return f"{self.paper.reference}: {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("resolutions:tracking_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_answer(self) -> bool:
        """Whether this tracks the administration's answer to an Anfrage rather than a decision."""
        return self.decision_id is None

    @property
    def responsible_unit_label(self) -> str:
        """The responsible unit as people name it, e.g. "Bereich Stadtentwicklung (5-11)", or that none is named yet."""
        unit = self.responsible_unit
        if unit is None:
            return str(UNIT_MISSING_LABEL)
        return f"{unit.name} ({unit.short_name})" if unit.short_name and unit.short_name not in unit.name else unit.name

    @property
    def start_date(self) -> datetime.date:
        """Since when there is something to do: the decision's day, or the day the Anfrage was received."""
        if self.decision_id is not None:
            return self.decision.date
        return timezone.localdate(self.paper.released_at) if self.paper.released_at else self.paper.date

    def light_on(self, today: datetime.date) -> str:
        if not self.is_open:
            return Light.CLOSED
        if self.target_date < today:
            return Light.RED
        if self.target_date <= today + datetime.timedelta(days=amber_days()):
            return Light.AMBER
        return Light.GREEN

    @property
    def light(self) -> str:
        """The traffic light today (an annotation of `with_light` takes precedence)."""
        return self.__dict__.get("light") or self.light_on(timezone.localdate())

    @light.setter
    def light(self, value):
        # `TrackingQuerySet.with_light` annotates the value computed by the database.
        self.__dict__["light"] = value

    @property
    def light_label(self) -> str:
        return Light(self.light).label

    @property
    def closing_report(self):
        """The report that closed the tracking, if closed."""
        if self.is_open:
            return None
        # Over `all()`, so that a prefetch of the reports spares the query.
        closing = [report for report in self.reports.all() if report.state == self.state]
        return max(closing, key=lambda report: (report.date, report.pk), default=None)


class ProgressReport(TimeStampedModel):
    """A Sachstand: what the responsible unit reports, on which day, and the state it leads to."""

    tracking = models.ForeignKey(
        Tracking,
        verbose_name=_("tracking"),
        on_delete=models.CASCADE,
        related_name="reports",
        help_text=_("Which decision's tracking."),
    )
    date = models.DateField(_("date"), help_text=_("The day the report describes."))
    text = models.TextField(_("report"), help_text=_("What has been done and what is left, in Markdown."))
    state = models.CharField(
        _("new state"), max_length=20, choices=Tracking.State.choices, help_text=_("The state after this report.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who wrote the report."),
    )

    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["tracking", "date", "pk"]

    def __str__(self):
        return f"{self.tracking.paper.reference}, {self.date:%d.%m.%Y}: {self.get_state_display()}"


class TrackingReport(TimeStampedModel):
    """The Beschlusskontrolle report of an organization as of a day: a Mitteilung for its next agenda.

    The public part is a public Mitteilung; the decisions the public may not read go into a
    second, non-public Mitteilung, so the two parts never share a document.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="tracking_reports",
        help_text=_("The committee or council whose decisions the report lists."),
    )
    as_of = models.DateField(_("as of"), help_text=_("The day the report describes."))
    paper = models.OneToOneField(
        "resolutions.Paper",
        verbose_name=_("Mitteilung"),
        on_delete=models.PROTECT,
        related_name="tracking_report",
        help_text=_("The public Mitteilung with the public part of the table."),
    )
    nonpublic_paper = models.OneToOneField(
        "resolutions.Paper",
        verbose_name=_("non-public Mitteilung"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tracking_report_nonpublic",
        help_text=_("The non-public Mitteilung with the non-public decisions, if there are any."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who in the council office generated it."),
    )

    class Meta:
        verbose_name = _("Beschlusskontrolle report")
        verbose_name_plural = _("Beschlusskontrolle reports")
        ordering = ["organization", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "as_of"], name="trackingreport_once_per_day"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.as_of:%d.%m.%Y}"


class TrackingReminder(TimeStampedModel):
    """A reminder mailed about a tracking that falls due or is overdue: written once, so it is never sent twice.

    One per tracking, kind and target date: moving the target date (the office's change)
    starts the reminders of the new date afresh.
    """

    class Kind(models.TextChoices):
        DUE = "due", _("due soon")
        OVERDUE = "overdue", _("overdue")

    tracking = models.ForeignKey(
        Tracking,
        verbose_name=_("tracking"),
        on_delete=models.CASCADE,
        related_name="reminders",
        help_text=_("Which decision's tracking."),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, help_text=_("Due within the next days, or overdue.")
    )
    target_date = models.DateField(_("target date"), help_text=_("The target date the reminder was about."))
    recipients = models.JSONField(
        _("recipients"), default=list, blank=True, help_text=_("The addresses the reminder was mailed to.")
    )

    class Meta:
        verbose_name = _("tracking reminder")
        verbose_name_plural = _("tracking reminders")
        ordering = ["tracking", "created", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracking", "kind", "target_date"], name="trackingreminder_once_per_kind_and_date"
            ),
        ]

    def __str__(self):
        return f"{self.tracking}: {self.get_kind_display()} ({self.target_date:%d.%m.%Y})"
