"""GIN indexes for the full-text search of alliances and their aims, on PostgreSQL only.

Built by `council.search.search_index` from the same expressions `alliances.search`
queries; the field lists are written out so the migration keeps its meaning. The models'
state is not touched: `makemigrations --check` stays clean on every database.
"""

from django.db import migrations

from council.search import search_index_operation

INDEXES = [
    (
        "Alliance",
        "alliance_search_gin",
        [("name", "A"), ("short_name", "A"), ("founded_at", "B"), ("founding_note", "C")],
    ),
    ("AllianceAim", "allianceaim_text_gin", [("text", "C")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0003_membership_exit_paper"),
    ]

    operations = [
        search_index_operation("alliances", INDEXES),
    ]
