from django.conf import settings
from django.utils.functional import SimpleLazyObject

from council.models import Body
from council.roles import actor_for


def ratsbuch(request):
    """Put the user's Actor and the installation's body into every template.

    `body` is the first body by name: one installation usually serves one municipality.
    The query runs only when a template uses `body`. `max_form_bytes` (and in MB,
    `max_form_mb`) is the largest form the server takes, so that a page can check before
    sending instead of losing the input to a refusal.
    """
    return {
        "actor": actor_for(getattr(request, "user", None)),
        "body": SimpleLazyObject(lambda: Body.objects.order_by("name").first()),
        "max_form_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        "max_form_mb": max(1, round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024))),
    }
