"""What alliances makes searchable: the Bündnisse, with their aims.

Registered in `settings.RATSBUCH_SEARCH_SOURCES`; the engine is `council.search`. The
fields are the ones the migration `…_search_indexes` indexes on PostgreSQL: change both
together.
"""

from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance, AllianceAim
from council.search import RelatedText, SearchSource

ALLIANCE_FIELDS = (("name", "A"), ("short_name", "A"), ("founded_at", "B"), ("founding_note", "C"))
AIM_FIELDS = (("text", "C"),)


def _aims(user):
    return AllianceAim.objects.all()  # alliances and their aims are public


class AllianceSource(SearchSource):
    kind = "alliance"
    label = _("Alliance")
    model = Alliance
    fields = ALLIANCE_FIELDS
    snippet_fields = ("founding_note",)
    related = (RelatedText(rows=_aims, link="alliance", field="text", weight="C"),)
    date_field = "founded_on"

    def visible(self, user):
        return Alliance.objects.all()

    def context(self, obj):
        return obj.founded_at
