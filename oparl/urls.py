"""URLs of the OParl 1.1 API under /oparl/v1.1/ (namespace `oparl`); see oparl/README.md."""

from django.urls import path, register_converter

from oparl import views
from oparl.serializers import BODY_LISTS, OBJECT_URL_NAMES


class BodyListConverter:
    """The name of one of a body's external lists, e.g. `papers` or `agenda-items`."""

    regex = "|".join(sorted(BODY_LISTS.values()))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(BodyListConverter, "oparl_list")

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("bodies/", views.body_list, name="body_list"),
    path("body/<int:pk>/<oparl_list:kind>/", views.body_objects, name="body_objects"),
    path("organization/<int:pk>/meetings/", views.organization_meetings, name="organization_meetings"),
    path("organization/<int:pk>/consultations/", views.organization_consultations, name="organization_consultations"),
    # the bytes of a File
    path("file/<int:pk>/access/", views.file_access, name="file_access"),
    path("file/<int:pk>/download/", views.file_download, name="file_download"),
    # the site's own PDFs as Files: a meeting's invitation and Niederschrift, the Vorlage
    path("meeting/<int:pk>/invitation/", views.invitation, name="meeting_invitation"),
    path("meeting/<int:pk>/invitation/access/", views.invitation_access, name="meeting_invitation_access"),
    path("meeting/<int:pk>/invitation/download/", views.invitation_download, name="meeting_invitation_download"),
    path("meeting/<int:pk>/results-protocol/", views.results_protocol, name="meeting_results_protocol"),
    path(
        "meeting/<int:pk>/results-protocol/access/",
        views.results_protocol_access,
        name="meeting_results_protocol_access",
    ),
    path(
        "meeting/<int:pk>/results-protocol/download/",
        views.results_protocol_download,
        name="meeting_results_protocol_download",
    ),
    path("paper/<int:pk>/main-file/", views.main_file, name="paper_main_file"),
    path("paper/<int:pk>/main-file/access/", views.main_file_access, name="paper_main_file_access"),
    path("paper/<int:pk>/main-file/download/", views.main_file_download, name="paper_main_file_download"),
    # one object of each type at its id, e.g. /oparl/v1.1/paper/12/ (name oparl:paper)
    *[
        path(f"{name}/<int:pk>/", views.object_detail, {"kind": kind}, name=name)
        for kind, name in OBJECT_URL_NAMES.items()
    ],
]
