"""The stored tsvector of a Vorlage's title, on PostgreSQL only (see `council.search.stored_vector_operation`).

The order of the hits puts title matches first (`council.search.sql`): on 100k Vorlagen that
tier is read on its own GIN index, not by reading every hit's vector. The fields are those
of weight A in `resolutions.search.PAPER_FIELDS`, written out.
"""

from django.db import migrations

from council.search import stored_vector_operation

VECTORS = [("Paper", "search_title_vector", "paper_title_search_gin", [("name", "A")])]


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0014_checked_files_text_state"),
    ]

    operations = [
        stored_vector_operation("resolutions", VECTORS, replaces_index=False),
    ]
