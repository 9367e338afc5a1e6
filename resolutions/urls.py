"""Pages of Vorlagen: reading, drafting, the path through co-signing and release, history."""

from django.urls import path, register_converter

from resolutions.views import agenda, documents, drafting, meeting_documents, reading, workflow


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
    # reading
    path("vorlagen/", reading.paper_list, name="paper_list"),
    path("vorlagen/<ksd:reference>/", reading.paper_detail, name="paper_detail"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/", reading.attachment_download, name="attachment_download"),
    path("vorlagen/<ksd:reference>/pdf/", documents.paper_pdf, name="paper_pdf"),
    # drafting
    path("vorlagen/neu/", drafting.paper_create, name="paper_create"),
    path("vorlagen/<ksd:reference>/bearbeiten/", drafting.paper_update, name="paper_update"),
    path("vorlagen/<ksd:reference>/anlagen/", drafting.attachment_list, name="attachment_list"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/ersetzen/", drafting.attachment_replace, name="attachment_replace"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/entfernen/", drafting.attachment_remove, name="attachment_remove"),
    # the path of a Vorlage and its history
    path("vorlagen/entwuerfe/", workflow.my_drafts, name="paper_my_drafts"),
    path("vorlagen/<ksd:reference>/schritte/<slug:transition>/", workflow.paper_transition, name="paper_transition"),
    path("vorlagen/<ksd:reference>/versionen/", workflow.paper_history, name="paper_history"),
    # the council office's agenda work and results (the meeting pages themselves are council's)
    path("sitzungen/<int:pk>/tagesordnung/", agenda.agenda_edit, name="agenda_edit"),
    path("sitzungen/<int:pk>/top/<int:item>/ergebnis/", agenda.decision_record, name="decision_record"),
    # a meeting's documents: the invitation, the Niederschrift and finalising it
    path("sitzungen/<int:pk>/einladung.pdf", meeting_documents.invitation_pdf, name="meeting_invitation_pdf"),
    path("sitzungen/<int:pk>/niederschrift.pdf", meeting_documents.minutes_pdf, name="meeting_minutes_pdf"),
    path(
        "sitzungen/<int:pk>/niederschrift/abschliessen/",
        meeting_documents.minutes_finalise,
        name="meeting_minutes_finalise",
    ),
]
