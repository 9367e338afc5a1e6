"""German alphabetical order, the same on SQLite and PostgreSQL.

Names are sorted as a German reader expects (DIN 5007-1): umlauts with their base letter,
ß as ss, case ignored, so Bäcker comes before Brückl, Märkl before Meier and Öztürk
before Zimmermann. Both databases get a collation of one name: PostgreSQL an ICU collation
created by a migration (`collation_operation`), SQLite a Python function registered on
every new connection (`register_on_sqlite`, connected in `council.apps`). Queries order
by `german("family_name")` or by models whose `Meta.ordering` uses it.
"""

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

GERMAN = "ratsbuch_german"
# The ICU root order with German tailoring; deterministic, so equal-looking names still
# compare by their bytes last and every sort is stable.
ICU_LOCALE = "de-u-ks-level3"


def german(field: str) -> Collate:
    """An ORDER BY expression for `field` in German alphabetical order."""
    return Collate(F(field), GERMAN)


def sort_key(text: str) -> str:
    """A key that sorts names in German order in Python: Bäcker before Brückl, Groß next to Gross."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _compare(left: str, right: str) -> int:
    a, b = (sort_key(left), left), (sort_key(right), right)
    return (a > b) - (a < b)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """Teach each new SQLite connection the German collation (a `connection_created` receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(GERMAN, _compare)


def collation_operation():
    """The migration operation that creates the collation on PostgreSQL (SQLite needs none)."""
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE COLLATION IF NOT EXISTS \"{GERMAN}\" (provider = icu, locale = '{ICU_LOCALE}')"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP COLLATION IF EXISTS "{GERMAN}"')

    return migrations.RunPython(create, drop, elidable=False)
