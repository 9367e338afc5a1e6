from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OparlConfig(AppConfig):
    name = "oparl"
    verbose_name = _("OParl")

    def ready(self):
        # The API's bookkeeping of objects that left the public record watches the served
        # models through signals; oparl/tombstones.py says why signals here.
        from . import tombstones

        tombstones.connect()
