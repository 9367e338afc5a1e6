from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Council")

    def ready(self):
        from council.collation import register_on_sqlite

        # Infrastructure, not business logic: SQLite learns the German collation per connection.
        connection_created.connect(register_on_sqlite, dispatch_uid="ratsbuch_german_collation")
        # The same for the search: SQLite learns to compute lexemes, and its FTS5 tables are kept
        # installed after every migrate (see council.search.fts).
        from django.db.models.signals import post_migrate

        from council.search import fts

        connection_created.connect(fts.register_on_sqlite, dispatch_uid="ratsbuch_search_lexemes")
        post_migrate.connect(fts.ensure_installed, dispatch_uid="ratsbuch_search_tables")

        from django.contrib.auth.signals import user_logged_in

        from council.security import start_staff_session

        # Infrastructure too: a staff login's inactivity clock starts with the login itself.
        user_logged_in.connect(start_staff_session, dispatch_uid="ratsbuch_staff_session_start")
