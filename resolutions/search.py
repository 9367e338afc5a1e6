"""What resolutions makes searchable: the Vorlagen, with the extracted text of their attachments.

Registered in `settings.RATSBUCH_SEARCH_SOURCES`; the engine is `council.search`. The
fields are the ones the migrations `…_search_indexes` and `0006_scale_search_vectors` index and
store on PostgreSQL: change them together.
"""

from django.utils.translation import gettext_lazy as _

from council.search import RelatedText, SearchSource
from resolutions.models import Attachment, Paper

# Title A, subject line B, Sachverhalt and Beschlussvorschlag C; the attachments' text D.
PAPER_FIELDS = (("name", "A"), ("subject_line", "B"), ("explanation", "C"), ("proposal", "C"))
ATTACHMENT_FIELDS = (("text", "D"),)


class PaperSource(SearchSource):
    kind = "paper"
    label = _("Vorlage")
    model = Paper
    fields = PAPER_FIELDS
    snippet_fields = ("explanation", "proposal")
    # Only the attachments the user may download find a Vorlage: a non-public annex's
    # text must not reveal that the Vorlage mentions it.
    related = (
        RelatedText(
            rows=Attachment.objects.visible_to, link="paper", field="text", weight="D", vector_column="search_vector"
        ),
    )
    date_field = "date"
    state_field = "state"
    states = Paper.State
    organization_paths = ("under_direction_of", "consultations__organization")
    vector_column = "search_vector"  # migration 0011_scale_search_vectors, on PostgreSQL
    title_vector_column = "search_title_vector"  # migration 0015_paper_title_search_vector

    def visible(self, user):
        return Paper.objects.visible_to(user)

    def page_queryset(self, queryset):
        return queryset.select_related("under_direction_of")

    def title(self, obj):
        return f"{obj.reference} {obj.name}"

    def context(self, obj):
        return " · ".join(
            part
            for part in (obj.get_paper_type_display(), obj.get_state_display(), obj.under_direction_of.name)
            if part
        )
