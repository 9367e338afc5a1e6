"""Error pages that say what happened and what the reader can do about it."""

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render


def bad_request(request, exception=None):
    """Answer a request Django refused (400), saying so plainly when a form was too large.

    **Template:** :template:`400.html`

    **Context:**

    ``too_big``
        Whether the browser sent more form data than `DATA_UPLOAD_MAX_MEMORY_SIZE`.

    The limit itself comes as ``max_form_mb`` from the context processor.
    """
    context = {"too_big": isinstance(exception, RequestDataTooBig)}
    return render(request, "400.html", context, status=400)
