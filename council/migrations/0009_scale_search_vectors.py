"""The stored tsvector of agenda items, on PostgreSQL only (see `council.search.stored_vector_operation`).

A city has hundreds of thousands of agenda items: the generated column replaces the
expression index of 0003 under the same name. The field list is
`council.search_sources.AGENDA_ITEM_FIELDS`, written out.
"""

from django.db import migrations

from council.search import stored_vector_operation

VECTORS = [("AgendaItem", "search_vector", "agendaitem_search_gin", [("name", "A")])]


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0008_tracking_faction_office_group"),
    ]

    operations = [
        stored_vector_operation("council", VECTORS),
    ]
