"""Pages of Vorlagen: reading, drafting, the path through co-signing and release, history."""

from django.urls import path, register_converter

from resolutions.feeds import PaperAtomFeed, PaperRssFeed
from resolutions.models import REFERENCE_PATTERN
from resolutions.tracking import views as tracking
from resolutions.tracking.feeds import TrackingAtomFeed, tracking_ical
from resolutions.views import agenda, desk, documents, drafting, meeting_documents, reading, workflow


class ReferenceConverter:
    """A Vorlage's reference: our eight-digit KSD number, or one imported as given (e.g. VO/2013/0123).

    The same shape as the `paper_reference_format` constraint. It may contain slashes, so every
    `vorlagen/<ksd>/<suffix>/` pattern comes before the bare detail pattern.
    """

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(ReferenceConverter, "ksd")

app_name = "resolutions"

urlpatterns = [
    # what waits for the logged-in user; where a login lands
    path("aufgaben/", desk.desk, name="desk"),
    # the feeds first: "feed" must never be taken for a KSD number, whatever the converter allows
    path("vorlagen/feed/rss/", PaperRssFeed(), name="paper_feed_rss"),
    path("vorlagen/feed/atom/", PaperAtomFeed(), name="paper_feed_atom"),
    # A reference may contain slashes (imported as given, e.g. VO/2013/0123): the fixed paths and
    # every vorlagen/<ksd>/<suffix>/ come before the bare detail path, which would swallow a suffix.
    path("vorlagen/", reading.paper_list, name="paper_list"),
    path("vorlagen/neu/", drafting.paper_create, name="paper_create"),
    path("vorlagen/entwuerfe/", workflow.my_drafts, name="paper_my_drafts"),
    # reading
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/", reading.attachment_download, name="attachment_download"),
    path("vorlagen/<ksd:reference>/pdf/", documents.paper_pdf, name="paper_pdf"),
    # drafting
    path("vorlagen/<ksd:reference>/bearbeiten/", drafting.paper_update, name="paper_update"),
    path("vorlagen/<ksd:reference>/anlagen/", drafting.attachment_list, name="attachment_list"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/ersetzen/", drafting.attachment_replace, name="attachment_replace"),
    path("vorlagen/<ksd:reference>/anlagen/<int:pk>/entfernen/", drafting.attachment_remove, name="attachment_remove"),
    # the path of a Vorlage and its history
    path("vorlagen/<ksd:reference>/schritte/<slug:transition>/", workflow.paper_transition, name="paper_transition"),
    path("vorlagen/<ksd:reference>/versionen/", workflow.paper_history, name="paper_history"),
    # last: the detail page
    path("vorlagen/<ksd:reference>/", reading.paper_detail, name="paper_detail"),
    # the Beschlusskontrolle: tracked decisions until they are carried out (resolutions/tracking/)
    path("beschluesse/", tracking.tracking_list, name="tracking_list"),
    path("beschluesse/meine/", tracking.my_trackings, name="tracking_my"),
    path("beschluesse/feed/atom/", TrackingAtomFeed(), name="tracking_feed_atom"),
    path("beschluesse/ical/", tracking_ical, name="tracking_ical"),
    path("beschluesse/berichte/neu/", tracking.report_generate, name="tracking_report_generate"),
    path("beschluesse/berichte/<int:pk>.pdf", tracking.report_download, name="tracking_report_pdf"),
    path("beschluesse/anfragen/<ksd:reference>/zuweisen/", tracking.inquiry_assign, name="tracking_inquiry_assign"),
    path("beschluesse/<int:pk>/", tracking.tracking_detail, name="tracking_detail"),
    path("beschluesse/<int:pk>/sachstand/", tracking.tracking_report, name="tracking_report"),
    path("beschluesse/<int:pk>/bearbeiten/", tracking.tracking_update, name="tracking_update"),
    path(
        "beschluesse/<int:pk>/sachstand/<int:report>/korrigieren/",
        tracking.report_correct,
        name="tracking_report_correct",
    ),
    # the council office's agenda work and results (the meeting pages themselves are council's)
    path("sitzungen/<int:pk>/tagesordnung/", agenda.agenda_edit, name="agenda_edit"),
    path("sitzungen/<int:pk>/top/<int:item>/ergebnis/", agenda.decision_record, name="decision_record"),
    path(
        "sitzungen/<int:pk>/top/<int:item>/dokumente/<int:document>/",
        meeting_documents.item_document_download,
        name="item_document_download",
    ),
    # a meeting's documents: the invitation, the Niederschrift and finalising it
    path("sitzungen/<int:pk>/einladung.pdf", meeting_documents.invitation_pdf, name="meeting_invitation_pdf"),
    path("sitzungen/<int:pk>/niederschrift.pdf", meeting_documents.minutes_pdf, name="meeting_minutes_pdf"),
    path("sitzungen/<int:pk>/niederschrift/", meeting_documents.minutes_edit, name="meeting_minutes_edit"),
    path(
        "sitzungen/<int:pk>/niederschrift/abschliessen/",
        meeting_documents.minutes_finalise,
        name="meeting_minutes_finalise",
    ),
    path("sitzungen/<int:pk>/niederschrift/versenden/", meeting_documents.minutes_mail, name="meeting_minutes_mail"),
]
