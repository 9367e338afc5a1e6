"""GIN indexes for the full-text search of Vorlagen and their attachments, on PostgreSQL only.

Built by `council.search.search_index` from the same expressions `resolutions.search`
queries; the field lists are written out so the migration keeps its meaning. The models'
state is not touched: `makemigrations --check` stays clean on every database.
"""

from django.db import migrations

from council.search import search_index_operation

INDEXES = [
    (
        "Paper",
        "paper_search_gin",
        [("name", "A"), ("subject_line", "B"), ("explanation", "C"), ("proposal", "C")],
    ),
    ("Attachment", "attachment_text_gin", [("text", "D")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0004_reference_as_given"),
    ]

    operations = [
        search_index_operation("resolutions", INDEXES),
    ]
