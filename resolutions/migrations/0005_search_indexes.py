"""GIN indexes for the full-text search of Vorlagen and their attachments, on PostgreSQL only.

Built by `council.search.search_index` from the same expressions `resolutions.search`
queries; the field lists are written out so the migration keeps its meaning. The models'
state is not touched: `makemigrations --check` stays clean on every database.
"""

from django.db import migrations

from council.search import search_index

INDEXES = [
    (
        "Paper",
        "paper_search_gin",
        [("name", "A"), ("subject_line", "B"), ("explanation", "C"), ("proposal", "C")],
    ),
    ("Attachment", "attachment_text_gin", [("text", "D")]),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.add_index(apps.get_model("resolutions", model_name), search_index(name, fields))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name, fields in INDEXES:
        schema_editor.remove_index(apps.get_model("resolutions", model_name), search_index(name, fields))


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0004_reference_as_given"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
