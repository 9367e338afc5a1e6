"""PDF documents of Vorlagen: the Vorlage as the printed paper.

The PDF is rendered from the same data and with the same visibility rules as the page
(`Paper.objects.visible_to`): what a user may not read is a 404 here too.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from resolutions.models import Attachment, Paper
from resolutions.pdf import cached_render_pdf
from resolutions.queries import beratungsfolge_of


def paper_pdf(request, reference):
    """Send the Vorlage as a PDF/A document laid out like the printed paper.

    **Models:** :model:`resolutions.Paper`, :model:`resolutions.Attachment`

    **Template:** :template:`pdf/paper.html` (extending :template:`pdf/base.html`)

    **Context:**

    ``paper``
        The :model:`resolutions.Paper`, if the user may read it (404 otherwise).
    ``attachments``
        The attachments the user may download, listed by name.
    ``consultations``
        The Beratungsfolge as the page shows it to this user
        (:func:`resolutions.queries.beratungsfolge_of`): a result taken in a non-public
        item stays out of the PDF for whoever may not see it there.

    **Response:** ``application/pdf``, inline, named ``Vorlage-<KSD>.pdf``; the same content
    gives the same bytes and is served from the PDF cache after the first request.
    """
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("body", "under_direction_of"), reference=reference
    )
    attachments = Attachment.objects.visible_to(request.user).filter(paper=paper).order_by("order", "pk")
    data = cached_render_pdf(
        "pdf/paper.html",
        {
            "paper": paper,
            "attachments": list(attachments),
            "consultations": beratungsfolge_of(paper, request.user),
        },
        title=f"KSD {paper.reference} – {paper.name}",
        # The paper's last change, not the clock: the same content gives the same bytes.
        created=paper.modified,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Vorlage-{paper.reference.replace("/", "-")}.pdf"'
    # Who may read a Vorlage can change (a draft, a non-public paper); shared caches keep no copy.
    patch_cache_control(response, private=True)
    return response
