"""GIN indexes for the full-text search, on PostgreSQL only (SQLite has none; see council.search).

Each index is built by `council.search.search_index` from the same expression the search
queries, so PostgreSQL can use it; the field lists are written out here so that the
migration keeps meaning what it meant when written. The models' state is not touched:
`makemigrations --check` stays clean on every database.
"""

from django.db import migrations

from council.search import search_index_operation

INDEXES = [
    ("Meeting", "meeting_search_gin", [("name", "A")]),
    ("AgendaItem", "agendaitem_search_gin", [("name", "A")]),
    ("Organization", "organization_search_gin", [("name", "A"), ("short_name", "A"), ("classification", "B")]),
    ("Person", "person_search_gin", [("family_name", "A"), ("given_name", "A"), ("title", "B"), ("affix", "B")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0002_role_groups"),
    ]

    operations = [
        search_index_operation("council", INDEXES),
    ]
