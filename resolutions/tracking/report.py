"""The Beschlusskontrolle report of an organization: which decisions it lists, as Markdown tables and as PDF.

A report as of a day lists the organization's tracked decisions taken up to that day that
are open, and those closed since its previous report was made (or all closed ones, for its
first): a closed decision is listed once more and then leaves the report. The public part holds
what the public may read; everything else goes into the non-public part.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.translation import gettext as _

from council.models import Organization
from resolutions.pdf import cached_render_pdf

from .models import ProgressReport, Tracking, TrackingReport


def previous_report(organization: Organization, as_of: datetime.date) -> TrackingReport | None:
    return TrackingReport.objects.filter(organization=organization, as_of__lt=as_of).order_by("-as_of").first()


def report_trackings(organization: Organization, as_of: datetime.date) -> tuple[list[Tracking], list[Tracking]]:
    """The public and the non-public rows of the report, by due date, each with its reports."""
    previous = previous_report(organization, as_of)
    closed_since = Q(closed_on__lte=as_of)
    if previous is not None:
        # Closed after the day of the previous report, or on that day but after it was made.
        closed_since &= Q(closed_on__gt=previous.as_of) | Q(closed_on=previous.as_of, modified__gt=previous.created)
    reports = ProgressReport.objects.filter(date__lte=as_of).order_by("date", "pk")
    rows = list(
        Tracking.objects.filter(decision__consultation__organization=organization, decision__date__lte=as_of)
        .filter(Q(state__in=Tracking.OPEN_STATES) | closed_since)
        .with_light(as_of)
        .select_related("paper", "decision", "responsible_unit")
        .prefetch_related(Prefetch("reports", queryset=reports))
        .order_by("target_date", "paper__reference", "pk")
    )
    public = set(
        Tracking.objects.visible_to(AnonymousUser()).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
    )
    return [r for r in rows if r.pk in public], [r for r in rows if r.pk not in public]


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, no pipes."""
    return " ".join(text.replace("|", "/").split())


def _latest(tracking: Tracking) -> str:
    reports = list(tracking.reports.all())
    return reports[-1].text if reports else "–"


def report_markdown(rows: list[Tracking], *, as_of: datetime.date) -> str:
    """The rows as a Markdown table, in the council's language (the Mitteilung is the council's document)."""
    with translation.override(settings.LANGUAGE_CODE):
        if not rows:
            return _("No decision is open or was closed since the last report.")
        head = [
            _("KSD"),
            _("Decision"),
            _("Decided on"),
            _("Responsible unit"),
            _("Target date"),
            _("State"),
            _("Progress"),
        ]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for tracking in rows:
            state = tracking.get_state_display()
            if tracking.is_open:
                state = f"{state} ({tracking.light_label})"
            cells = [
                tracking.paper.reference,
                tracking.paper.name,
                tracking.decision.date.strftime("%d.%m.%Y"),
                (tracking.responsible_unit.short_name or tracking.responsible_unit.name)
                if tracking.responsible_unit
                else "–",
                tracking.target_date.strftime("%d.%m.%Y"),
                state,
                _latest(tracking),
            ]
            lines.append("| " + " | ".join(_cell(str(cell)) for cell in cells) + " |")
        intro = _("Stand of the decisions as of %(date)s.") % {"date": as_of.strftime("%d.%m.%Y")}
        return intro + "\n\n" + "\n".join(lines)


def report_title(organization: Organization, as_of: datetime.date, *, nonpublic: bool = False) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        params = {"organization": organization.name, "date": as_of.strftime("%d.%m.%Y")}
        if nonpublic:
            return _("Beschlusskontrolle %(organization)s, as of %(date)s – non-public part") % params
        return _("Beschlusskontrolle %(organization)s, as of %(date)s") % params


def report_pdf(report: TrackingReport, *, insider: bool) -> bytes:
    """The report as PDF/A: the public part, and for insiders the non-public part after it.

    Rendered from the Mitteilungen's stored tables, so the document says what went onto the
    agenda; dated with the report's day, so the same report gives the same bytes.
    """
    context = {
        "report": report,
        "body": report.paper.body,
        "paper": report.paper,
        "nonpublic_paper": report.nonpublic_paper if insider else None,
    }
    created = datetime.datetime.combine(report.as_of, datetime.time(12), tzinfo=datetime.UTC)
    with translation.override(settings.LANGUAGE_CODE):
        return cached_render_pdf(
            "pdf/tracking_report.html", context, title=report_title(report.organization, report.as_of), created=created
        )
