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
