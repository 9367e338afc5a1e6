"""`manage.py load_demo`: the demo data with the seed Vorlage KSD 20135317 and users for every role.

The command lives in `alliances` because dependencies point council ← resolutions ←
alliances, and only alliances may import all three apps' demo modules.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from alliances.demo import load_alliance_demo
from council.demo import DEMO_PASSWORD, load_council_demo
from council.roles import Role
from resolutions.demo import load_resolutions_demo

LOGINS = [
    ("clerk", Role.CLERK.label),
    ("head", Role.HEAD.label),
    ("office", Role.OFFICE.label),
    ("member", "council member (Mandatsträger)"),
    ("admin", "administrator"),
]


class Command(BaseCommand):
    help = (
        "Load the demo data: Stadt Ludwigshafen am Rhein with the seed Vorlage KSD 20135317, its meetings and "
        "decisions, the Bündnis it joins, and a login for every role. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            council = load_council_demo()
            resolutions = load_resolutions_demo(council)
            alliance = load_alliance_demo(council, resolutions)
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data of {council.body.name} loaded: {len(resolutions.papers)} Vorlagen "
                f"(seed KSD {resolutions.seed.reference}), {len(resolutions.meetings)} meetings, "
                f"alliance “{alliance.name}” with {alliance.memberships.count()} members."
            )
        )
        self.stdout.write(f"Logins (password “{DEMO_PASSWORD}”):")
        for username, role in LOGINS:
            self.stdout.write(f"  {username:<8} {role}")
