from django.utils.functional import SimpleLazyObject

from council.models import Body
from council.roles import actor_for


def ratsbuch(request):
    """Put the user's Actor and the installation's body into every template.

    `body` is the first body by name: one installation usually serves one municipality.
    The query runs only when a template uses `body`.
    """
    return {
        "actor": actor_for(getattr(request, "user", None)),
        "body": SimpleLazyObject(lambda: Body.objects.order_by("name").first()),
    }
