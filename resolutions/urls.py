"""Pages of Vorlagen: the list, one Vorlage, and its attachments."""

from django.urls import path, register_converter

from resolutions import views


class ReferenceConverter:
    """A KSD number: eight digits, the year and a four-digit serial number."""

    regex = "[0-9]{8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(ReferenceConverter, "ksd")

app_name = "resolutions"

urlpatterns = [
    path("vorlagen/", views.paper_list, name="paper_list"),
    path("vorlagen/<ksd:reference>/", views.paper_detail, name="paper_detail"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/", views.attachment_download, name="attachment_download"),
]
