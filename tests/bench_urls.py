"""The project's URLs plus a bare view: the yardstick of `tests.bench_scale`'s throughput ratios."""

from django.http import HttpResponse
from django.urls import path

from council.urls import urlpatterns as project_urlpatterns


def bare(request):
    """The least a Django view can do on this server: the same middleware, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-bare/", bare), *project_urlpatterns]
