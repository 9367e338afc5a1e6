"""PDF documents of Vorlagen: the Vorlage as the printed paper.

The PDF is rendered from the same data and with the same visibility rules as the page
(`Paper.objects.visible_to`): what a user may not read is a 404 here too.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_cache_control

from resolutions.models import Attachment, Paper
from resolutions.pdf import cached_render_pdf, render_pdf, versioned_pdf
from resolutions.queries import beratungsfolge_of, public_paper_version


def stored_pdf_response(name: str, filename: str) -> HttpResponse:
    """A PDF kept in storage, inline, after the caller's permission check: never through Python's memory.

    With RATSBUCH_X_ACCEL_REDIRECT set, nginx sends the file from its internal location (see
    README); otherwise Django streams it from storage.
    """
    if settings.RATSBUCH_X_ACCEL_REDIRECT:
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = settings.RATSBUCH_X_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    else:
        try:
            handle = default_storage.open(name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Who may read a document can change (a draft, a non-public paper); shared caches keep no copy.
    patch_cache_control(response, private=True)
    return response


def _paper_context(paper: Paper, user) -> dict:
    attachments = Attachment.objects.visible_to(user).filter(paper=paper).order_by("order", "pk")
    return {
        "paper": paper,
        "attachments": list(attachments),
        "consultations": beratungsfolge_of(paper, user),
    }


def _render(paper: Paper, context: dict) -> bytes:
    return render_pdf(
        "pdf/paper.html",
        context,
        title=f"KSD {paper.reference} – {paper.name}",
        # The paper's last change, not the clock: the same content gives the same bytes.
        created=paper.modified,
    )


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
    gives the same bytes and is served from the PDF cache after the first request. An
    anonymous reader's file is found by the Vorlage's public version
    (:func:`resolutions.queries.public_paper_version`) without rendering anything, and handed
    over by :func:`stored_pdf_response`.
    """
    filename = f"Vorlage-{reference.replace('/', '-')}.pdf"
    if not request.user.is_authenticated:
        version = public_paper_version(reference)
        if version is None:
            raise Http404

        def render() -> bytes:
            paper = Paper.objects.select_related("body", "under_direction_of").get(pk=version[0])
            return _render(paper, _paper_context(paper, request.user))

        name = versioned_pdf(("paper", "public", translation.get_language(), *version[1]), render)
        return stored_pdf_response(name, filename)
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("body", "under_direction_of"), reference=reference
    )
    data = cached_render_pdf(
        "pdf/paper.html",
        _paper_context(paper, request.user),
        title=f"KSD {paper.reference} – {paper.name}",
        created=paper.modified,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Who may read a Vorlage can change (a draft, a non-public paper); shared caches keep no copy.
    patch_cache_control(response, private=True)
    return response
