"""Pages of Vorlagen: the list, one Vorlage as the document reads, and its attachments.

Every read starts from the `visible_to` query sets, so a page, a link and a file URL all
answer the same question of who may see what; what a user may not see is a 404, never a
403 that would tell them it exists.
"""

import logging

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from council import page_cache
from council.roles import actor_for
from resolutions.downloads import checked_file_response
from resolutions.filters import PaperFilter
from resolutions.models import Attachment, Paper, ProgressReport, Tracking
from resolutions.queries import beratungsfolge_of, public_paper_version, timeline_of
from resolutions.workflow import allowed_transitions, can_edit, can_view_draft

logger = logging.getLogger(__name__)

PAPERS_PER_PAGE = 25


def paper_list(request):
    """List the Vorlagen the user may read, newest first, filtered, a page at a time.

    **Model:** :model:`resolutions.Paper`

    **Template:** :template:`resolutions/paper_list.html`

    **Context:**

    ``filter``
        The :class:`~resolutions.filters.PaperFilter` with its form (state, type,
        originating organization, year, text query ``q``).
    ``filtered``
        Whether any filter narrows the list (an empty list then says so).
    ``page_obj``
        The current :class:`~django.core.paginator.Page` of Vorlagen; empty while the
        filter form has errors.
    ``papers``
        The Vorlagen on that page.
    ``may_draft``
        Whether to offer "Neue Vorlage": the user is a clerk of a unit (or an administrator).
    ``has_drafts``
        Whether to offer "Meine Entwürfe": the user is a clerk or a department head.
    """
    visible = (
        Paper.objects.visible_to(request.user)
        .select_related("under_direction_of")
        .order_by("-date", "-reference", "-pk")
    )
    paper_filter = PaperFilter(request.GET or None, queryset=visible, request=request)
    invalid = paper_filter.is_bound and not paper_filter.is_valid()
    # A filter the user mistyped is not silently dropped: the form says what is wrong and
    # the list stays empty rather than showing Vorlagen that do not match the request.
    papers = visible.none() if invalid else paper_filter.qs
    filtered = (
        paper_filter.is_bound
        and not invalid
        and any(value not in (None, "") for value in paper_filter.form.cleaned_data.values())
    )
    page_obj = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    actor = actor_for(request.user)
    context = {
        "filter": paper_filter,
        "filtered": filtered,
        "page_obj": page_obj,
        "papers": page_obj.object_list,
        "may_draft": actor.is_admin or (actor.is_clerk and bool(actor.unit_ids)) or bool(actor.faction_ids),
        "has_drafts": actor.is_authenticated and (actor.is_clerk or actor.is_head or bool(actor.faction_ids)),
    }
    return render(request, "resolutions/paper_list.html", context)


def paper_detail(request, reference):
    """Show one Vorlage laid out like the printed document, with its Beratungsfolge.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Consultation`,
    :model:`resolutions.Decision`, :model:`resolutions.Attachment`,
    :model:`alliances.AllianceMembership`

    **Template:** :template:`resolutions/paper_detail.html`

    **Context:**

    ``paper``
        The :model:`resolutions.Paper`, if the user may read it (404 otherwise).
    ``consultations``
        The steps of the Beratungsfolge in order, each with the decisions the user may read
        and ``item_visible``: whether the user may see its agenda item.
    ``attachments``
        The attachments the user may download.
    ``alliance_exits``
        The alliance memberships whose exit this Vorlage decides.
    ``alliance_memberships``
        The alliance memberships this Vorlage decides.
    ``insider``
        Whether the user may see the draft side of the Vorlage (see
        :func:`resolutions.workflow.can_view_draft`): the whole timeline, who acted, the
        co-signers.
    ``events``
        The timeline as :class:`~resolutions.queries.TimelineEntry` rows, oldest first,
        worded for this reader (see :func:`resolutions.queries.timeline_of`): outsiders see
        the events from the release on, and only the results and items they may see.
    ``cosignatures``
        The co-signers and whether each has signed (insiders only, else empty).
    ``transitions``
        The :class:`~resolutions.workflow.Transition` steps the user may take now: the buttons.
    ``may_edit``
        Whether to offer "Edit" and "Attachments": the user may change this draft.

    An anonymous reader's page comes from the page cache (:mod:`council.page_cache`) under
    the Vorlage's public version (:func:`resolutions.queries.public_paper_version`).
    """
    version = public_paper_version(reference) if page_cache.is_cacheable(request) else None
    return page_cache.cached_page(
        request,
        "paper_detail",
        version[1] if version else None,
        lambda extra: _paper_detail(request, reference, extra),
    )


def _paper_detail(request, reference, extra: dict):
    # Looked up by name so that resolutions does not import alliances, which depends on it.
    alliance_membership_model = apps.get_model("alliances", "AllianceMembership")
    papers = (
        Paper.objects.visible_to(request.user)
        .select_related("under_direction_of", "body")
        .prefetch_related(
            "originator_persons",
            "originator_organizations",
            Prefetch(
                "alliance_memberships",
                queryset=alliance_membership_model.objects.select_related(
                    "alliance", "member_body", "member_organization"
                ),
            ),
            Prefetch(
                "alliance_exits",
                queryset=alliance_membership_model.objects.select_related(
                    "alliance", "member_body", "member_organization"
                ),
            ),
        )
    )
    paper = get_object_or_404(papers, reference=reference)
    attachments = Attachment.objects.visible_to(request.user).filter(paper=paper)
    insider = can_view_draft(paper, request.user)
    events = timeline_of(paper, request.user, insider=insider)
    cosignatures = paper.cosignatures.select_related("signer__person").order_by("pk") if insider else []
    consultations = beratungsfolge_of(paper, request.user)
    answer = None
    if paper.paper_type == Paper.Type.INQUIRY:
        # The administration's answer to an Anfrage, tracked like a decision (resolutions.tracking).
        answer = (
            Tracking.objects.visible_to(request.user)
            .filter(paper=paper, decision__isnull=True)
            .select_related("responsible_unit")
            .prefetch_related(Prefetch("reports", queryset=ProgressReport.objects.order_by("date", "pk")))
            .first()
        )
    actor = actor_for(request.user)
    context = {
        "answer": answer,
        "may_assign_inquiry": (
            actor.is_office
            and paper.paper_type == Paper.Type.INQUIRY
            and paper.released_at is not None
            and paper.state != Paper.State.WITHDRAWN
            and not Tracking.objects.filter(paper=paper, decision__isnull=True).exists()
        ),
        "paper": paper,
        "consultations": consultations,
        "attachments": attachments,
        "alliance_memberships": paper.alliance_memberships.all(),
        "alliance_exits": paper.alliance_exits.all(),
        "insider": insider,
        "events": events,
        "cosignatures": cosignatures,
        "transitions": allowed_transitions(paper, request.user),
        "may_edit": can_edit(paper, request.user),
        **extra,
    }
    return render(request, "resolutions/paper_detail.html", context)


def attachment_download(request, reference, pk):
    """Send an attachment's file, if the user may download it and it belongs to that Vorlage.

    **Model:** :model:`resolutions.Attachment`

    **Response:** the file as a download under its sanitised file name, with the type
    detected at upload, `nosniff` and a sandbox policy; or 404.
    """
    attachment = get_object_or_404(
        Attachment.objects.visible_to(request.user).select_related("paper"), pk=pk, paper__reference=reference
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of attachment %s (%s) is missing from storage.", attachment.pk, attachment.file.name)
        raise Http404 from None
    # Sent as a download with the detected type, sandboxed, never in a shared cache (resolutions.downloads).
    return checked_file_response(attachment, handle)
