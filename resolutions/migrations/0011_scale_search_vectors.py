"""Stored tsvectors of Vorlagen and attachments, on PostgreSQL only (see `council.search.stored_vector_operation`).

The generated columns replace the expression indexes of 0005 under the same names:
matching, counting and ranking read the stored vector instead of parsing every hit's
text. The field lists are written out so the migration keeps its meaning; they are
`resolutions.search.PAPER_FIELDS` and `ATTACHMENT_FIELDS`.
"""

from django.db import migrations

from council.search import stored_vector_operation

VECTORS = [
    (
        "Paper",
        "search_vector",
        "paper_search_gin",
        [("name", "A"), ("subject_line", "B"), ("explanation", "C"), ("proposal", "C")],
    ),
    ("Attachment", "search_vector", "attachment_text_gin", [("text", "D")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0010_tracking_beschlusskontrolle"),
    ]

    operations = [
        stored_vector_operation("resolutions", VECTORS),
    ]
