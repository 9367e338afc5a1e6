"""The root URLconf of Ratsbuch, and the council app's own pages under the `council` namespace."""

from django.contrib import admin
from django.urls import include, path

from council import views

council_patterns = [
    path("", views.home, name="home"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("resolutions.urls")),
    path("", include((council_patterns, "council"))),
]
