"""Pages of the Beschlusskontrolle: the list of tracked decisions, one decision's tracking, Meine Beschlüsse.

Who may: every read starts from `Tracking.objects.visible_to`, so the public sees the
tracking of public decisions only and a tracking the user may not read is a 404. Reports
are written by the clerks and heads of the responsible unit and by the office (403 for
others who may read it); the office alone changes unit, person and target date.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from council.roles import actor_for, office_required
from resolutions.forms.agenda import add_service_error
from resolutions.models import Paper, ProgressReport, Tracking, TrackingReport

from . import services
from .forms import (
    InquiryAssignForm,
    ProgressReportForm,
    ReportCorrectForm,
    ReportGenerateForm,
    TrackingFilter,
    TrackingUpdateForm,
)
from .report import report_pdf

TRACKINGS_PER_PAGE = 25
REPORT_SAVED_MESSAGE = _("The progress report was saved; the decision is now “%(state)s”.")
TRACKING_SAVED_MESSAGE = _("Responsible unit, person and target date were saved.")
REPORT_CORRECTED_MESSAGE = _("The report was corrected; the history keeps the earlier text.")
MY_TRACKINGS_ROLE_MESSAGE = _("Meine Beschlüsse lists the decisions of your unit; it is for clerks and heads.")
REPORT_GENERATED_MESSAGE = _(
    "The Beschlusskontrolle report was generated as Mitteilung %(reference)s; put it on the next agenda of "
    "%(organization)s."
)
REPORT_ROLE_MESSAGE = _("Only the responsible unit and the council office write progress reports.")


def _listed(user):
    return (
        Tracking.objects.visible_to(user)
        .with_light(timezone.localdate())
        .select_related("paper", "decision__consultation__organization", "responsible_unit")
    )


def committee_bars(trackings) -> list[dict]:
    """Open, overdue and done decisions per deciding organization, for the small bar picture."""
    today = timezone.localdate()
    is_open = Q(state__in=Tracking.OPEN_STATES)
    rows = (
        trackings.filter(decision__isnull=False)
        .order_by()
        .values("decision__consultation__organization__name")
        .annotate(
            open=Count("pk", filter=is_open & Q(target_date__gte=today)),
            overdue=Count("pk", filter=is_open & Q(target_date__lt=today)),
            done=Count("pk", filter=Q(state=Tracking.State.DONE)),
        )
        .order_by("decision__consultation__organization__name")
    )
    bars = [
        {"name": row["decision__consultation__organization__name"], **{k: row[k] for k in ("open", "overdue", "done")}}
        for row in rows
    ]
    widest = max((bar["open"] + bar["overdue"] + bar["done"] for bar in bars), default=0) or 1
    for bar in bars:
        for key in ("open", "overdue", "done"):
            bar[f"{key}_width"] = round(100 * bar[key] / widest)
    return bars


def tracking_list(request):
    """List the tracked decisions the user may read, by due date, filtered, with a bar picture per committee.

    **Model:** :model:`resolutions.Tracking`

    **Template:** :template:`resolutions/tracking_list.html`

    **Context:** ``filter`` (TrackingFilter), ``filtered``, ``page_obj``, ``trackings``,
    ``bars`` (per deciding organization: open, overdue, done, and their widths in percent),
    ``has_mine`` (offer "Meine Beschlüsse").
    """
    visible = _listed(request.user).by_due_date()
    tracking_filter = TrackingFilter(request.GET or None, queryset=visible, request=request)
    invalid = tracking_filter.is_bound and not tracking_filter.is_valid()
    trackings = visible.none() if invalid else tracking_filter.qs
    filtered = (
        tracking_filter.is_bound
        and not invalid
        and any(value not in (None, "") for key, value in tracking_filter.form.cleaned_data.items() if key != "sort")
    )
    page_obj = Paginator(trackings, TRACKINGS_PER_PAGE).get_page(request.GET.get("page"))
    actor = actor_for(request.user)
    context = {
        "filter": tracking_filter,
        "filtered": filtered,
        "page_obj": page_obj,
        "trackings": page_obj.object_list,
        "bars": committee_bars(Tracking.objects.visible_to(request.user)),
        "has_mine": actor.is_authenticated and (actor.is_clerk or actor.is_head),
        "may_generate": actor.is_office,
        "reports": visible_reports(request.user)[:10],
    }
    return render(request, "resolutions/tracking_list.html", context)


def visible_reports(user):
    """The reports whose public Mitteilung the user may read, newest first."""
    return (
        TrackingReport.objects.filter(paper__in=Paper.objects.visible_to(user).values("pk"))
        .select_related("organization", "paper")
        .order_by("-as_of", "-pk")
    )


def _detail_context(request, tracking: Tracking, **forms) -> dict:
    actor = actor_for(request.user)
    may_report = services.may_report(tracking, request.user)
    may_manage = services.may_manage(request.user)
    insider = may_report or actor.is_office
    context = {
        "tracking": tracking,
        "paper": tracking.paper,
        "decision": tracking.decision,
        "reports": tracking.reports.all(),
        "insider": insider,
        "history": tracking.history.select_related("history_user").order_by("-history_date")[:50] if insider else [],
        "may_report": may_report and tracking.is_open,
        # A refused report (another unit's) is shown again with its input and the reason.
        "show_report_form": (may_report and tracking.is_open) or bool(forms.get("report_form")),
        "may_manage": may_manage,
        "report_form": forms.get("report_form") or ProgressReportForm(tracking=tracking),
        "update_form": forms.get("update_form") or (TrackingUpdateForm(tracking=tracking) if may_manage else None),
    }
    return context


def _get_tracking(request, pk) -> Tracking:
    reports = ProgressReport.objects.select_related("author__person").order_by("date", "pk")
    trackings = (
        _listed(request.user)
        .select_related("responsible_person", "paper__body")
        .prefetch_related(Prefetch("reports", queryset=reports))
    )
    return get_object_or_404(trackings, pk=pk)


def tracking_detail(request, pk):
    """One decision's tracking: the decision, who answers for it, its light, the reports, the forms.

    **Models:** :model:`resolutions.Tracking`, :model:`resolutions.ProgressReport`

    **Template:** :template:`resolutions/tracking_detail.html`

    **Context:** ``tracking``, ``paper``, ``decision``, ``reports`` (oldest first),
    ``insider`` (the unit and the office: authors and the history of changes),
    ``history``, ``may_report``, ``may_manage``, ``report_form``, ``update_form``.
    """
    tracking = _get_tracking(request, pk)
    return render(request, "resolutions/tracking_detail.html", _detail_context(request, tracking))


@login_required
@require_POST
def tracking_report(request, pk):
    """Write a progress report (POST); an invalid one shows the tracking page again with the input kept."""
    tracking = _get_tracking(request, pk)
    allowed = services.may_report(tracking, request.user)
    form = ProgressReportForm(request.POST, tracking=tracking)
    if form.is_valid():
        try:
            # Someone of another unit is refused by the service, in its words, with the input kept.
            services.tracking_report(tracking=tracking, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, REPORT_SAVED_MESSAGE % {"state": tracking.get_state_display()})
            return redirect(tracking)
    elif not allowed:
        raise PermissionDenied(REPORT_ROLE_MESSAGE)
    context = _detail_context(request, tracking, report_form=form)
    return render(request, "resolutions/tracking_detail.html", context, status=400 if allowed else 403)


@office_required
def tracking_update(request, pk):
    """The office sets responsible unit, person and target date.

    **Template:** :template:`resolutions/tracking_form.html`
    """
    tracking = _get_tracking(request, pk)
    form = TrackingUpdateForm(request.POST or None, tracking=tracking)
    if request.method == "POST" and form.is_valid():
        try:
            services.tracking_update(tracking=tracking, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, TRACKING_SAVED_MESSAGE)
            return redirect(tracking)
    status = 400 if request.method == "POST" else 200
    return render(request, "resolutions/tracking_form.html", {"tracking": tracking, "form": form}, status=status)


@office_required
def report_correct(request, pk, report):
    """The office corrects a report's date and text.

    **Template:** :template:`resolutions/tracking_report_form.html`
    """
    tracking = _get_tracking(request, pk)
    report = get_object_or_404(ProgressReport, pk=report, tracking=tracking)
    form = ReportCorrectForm(request.POST or None, initial={"date": report.date, "text": report.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.tracking_report_correct(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, REPORT_CORRECTED_MESSAGE)
            return redirect(tracking)
    status = 400 if request.method == "POST" else 200
    context = {"tracking": tracking, "report": report, "form": form}
    return render(request, "resolutions/tracking_report_form.html", context, status=status)


@login_required
def my_trackings(request):
    """Meine Beschlüsse: the open decisions the user's units answer for, by due date, and those closed lately.

    **Template:** :template:`resolutions/tracking_my.html`

    **Context:** ``page_obj`` and ``open_trackings`` (a page of the open ones), ``closed_trackings``
    (the last 20 closed).
    """
    actor = actor_for(request.user)
    if not (actor.is_clerk or actor.is_head):
        raise PermissionDenied(MY_TRACKINGS_ROLE_MESSAGE)
    mine = _listed(request.user).filter(responsible_unit_id__in=actor.unit_ids)
    page_obj = Paginator(mine.open().by_due_date(), TRACKINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "open_trackings": page_obj.object_list,
        "closed_trackings": mine.closed().order_by("-closed_on", "-pk")[:20],
    }
    return render(request, "resolutions/tracking_my.html", context)


@office_required
def report_generate(request):
    """The office generates the Beschlusskontrolle report of a committee as of a day.

    **Template:** :template:`resolutions/tracking_report_generate.html`
    """
    form = ReportGenerateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.tracking_report_generate(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                REPORT_GENERATED_MESSAGE % {"reference": report.paper.reference, "organization": report.organization},
            )
            return redirect(report.paper)
    status = 400 if request.method == "POST" else 200
    return render(request, "resolutions/tracking_report_generate.html", {"form": form}, status=status)


def report_download(request, pk):
    """Send the report as PDF/A: the public part to everyone, the non-public part also to insiders.

    Insiders are those who may read the non-public Mitteilung (members of the organization,
    the office). 404 for a report whose public Mitteilung the user may not read.
    """
    report = get_object_or_404(visible_reports(request.user).select_related("paper__body", "nonpublic_paper"), pk=pk)
    insider = (
        report.nonpublic_paper_id is not None
        and Paper.objects.visible_to(request.user).filter(pk=report.nonpublic_paper_id).exists()
    )
    response = HttpResponse(report_pdf(report, insider=insider), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Beschlusskontrolle-{report.paper.reference}.pdf"'
    # The bytes depend on who asks (the non-public part); shared caches must never keep a copy.
    patch_cache_control(response, private=True)
    return response


INQUIRY_ASSIGNED_MESSAGE = _("The Anfrage went to %(unit)s, to be answered by %(date)s.")


@office_required
def inquiry_assign(request, reference):
    """The office gives a received Anfrage to a unit of the administration to answer by a date.

    **Template:** :template:`resolutions/tracking_inquiry_form.html`
    """
    paper = get_object_or_404(Paper.objects.select_related("body"), reference=reference)
    form = InquiryAssignForm(request.POST or None, paper=paper)
    if request.method == "POST" and form.is_valid():
        try:
            tracking = services.inquiry_assign(paper=paper, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                INQUIRY_ASSIGNED_MESSAGE
                % {"unit": tracking.responsible_unit.name, "date": tracking.target_date.strftime("%d.%m.%Y")},
            )
            return redirect(tracking)
    status = 400 if request.method == "POST" else 200
    return render(request, "resolutions/tracking_inquiry_form.html", {"paper": paper, "form": form}, status=status)
