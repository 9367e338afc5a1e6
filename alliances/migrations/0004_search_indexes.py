"""GIN indexes for the full-text search of alliances and their aims, on PostgreSQL only.

Built by `council.search.search_index` from the same expressions `alliances.search`
queries; the field lists are written out so the migration keeps its meaning. The models'
state is not touched: `makemigrations --check` stays clean on every database.
"""

from django.db import migrations

from council.search import search_index

INDEXES = [
    (
        "Alliance",
        "alliance_search_gin",
        [("name", "A"), ("short_name", "A"), ("founded_at", "B"), ("founding_note", "C")],
    ),
    ("AllianceAim", "allianceaim_text_gin", [("text", "C")]),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.add_index(apps.get_model("alliances", model_name), search_index(name, fields))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.remove_index(apps.get_model("alliances", model_name), search_index(name, fields))


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0003_membership_exit_paper"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
