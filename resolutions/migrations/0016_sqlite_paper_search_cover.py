"""A covering index of the columns the search counts and orders Vorlagen by, on SQLite only.

SQLite stores a row's columns in order, and the Sachverhalt comes before the state, the
public flag and the release: reading those for thousands of hits walked every row's
overflow pages. The index holds them (with the date and the unit), so that counting and
faceting the hits of `council.search` reads the index alone. PostgreSQL reads them from
its heap and has no need of it. The models' state is not touched.
"""

from django.db import migrations

INDEX = "paper_search_cover"
COLUMNS = "id, public, released_at, date, state, under_direction_of_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON resolutions_paper ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0015_paper_title_search_vector"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
