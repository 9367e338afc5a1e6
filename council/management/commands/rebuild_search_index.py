"""`manage.py rebuild_search_index`: build the search index again from the rows.

On SQLite the FTS5 tables and their triggers are dropped, created and filled again
(`council.search.fts.install`), e.g. after the German analysis changed or after rows were
written with the triggers missing. On PostgreSQL the vectors are generated columns that
PostgreSQL keeps itself: the command only refreshes the planner's statistics of the
searched tables.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from council.search import fts, sources


class Command(BaseCommand):
    help = "Rebuild the full-text search index: SQLite's FTS5 tables; on PostgreSQL, ANALYZE the searched tables."

    def handle(self, *args, **options):
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with transaction.atomic():
                installed = fts.install(connection)
            message = f"Rebuilt {installed} FTS5 tables"
        elif connection.vendor == "postgresql":
            tables = sorted({source.model._meta.db_table for source in sources()})
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            message = f"PostgreSQL keeps its search vectors itself; analysed {len(tables)} tables"
        else:
            message = "This database has no search index: the search reads the rows"
        if options["verbosity"] >= 1:
            self.stdout.write(f"{message} in {time.monotonic() - started:.1f} s.")
