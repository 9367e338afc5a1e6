"""Who a user is in the council's work: the roles of DESIGN.md and the units they act for.

Roles are Django groups (so an administrator assigns them in the admin); the unit a clerk
or head works for and the organizations a council member sits in come from the memberships
of the person linked to the user. Every permission check in the project starts here.
"""

from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The values are the names of the Django groups.
    CLERK = "Sachbearbeitung", _("clerk (Sachbearbeitung)")
    HEAD = "Bereichsleitung", _("department head (Bereichsleitung)")
    OFFICE = "Ratsbüro", _("council office (Ratsbüro)")
    # Staff of a Fraktion (a membership in it): drafts its Anträge and Anfragen, does not co-sign them.
    FACTION_OFFICE = "Fraktionsgeschäftsstelle", _("office of a Fraktion (Fraktionsgeschäftsstelle)")


class Actor:
    """A user seen through the council's eyes: roles, units and organizations, computed once."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)

    @cached_property
    def is_admin(self) -> bool:
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.user.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_admin or role in self.roles

    @property
    def is_office(self) -> bool:
        return self.has_role(Role.OFFICE)

    @property
    def is_clerk(self) -> bool:
        return self.has_role(Role.CLERK)

    @property
    def is_head(self) -> bool:
        return self.has_role(Role.HEAD)

    @property
    def is_faction_office(self) -> bool:
        return self.is_authenticated and Role.FACTION_OFFICE in self.roles

    @cached_property
    def _organization_types(self) -> dict[int, str]:
        """The organization type of each organization the user belongs to, in one query for all roles."""
        from council.models import Organization

        if not self.organization_ids:
            return {}
        return dict(Organization.objects.filter(pk__in=self.organization_ids).values_list("pk", "organization_type"))

    @cached_property
    def faction_ids(self) -> frozenset[int]:
        """The Fraktionen the user's person belongs to today: as a council member or in its Geschäftsstelle."""
        from council.models import Organization

        return frozenset(pk for pk, kind in self._organization_types.items() if kind == Organization.Type.FACTION)

    @cached_property
    def person(self):
        if not self.is_authenticated:
            return None
        from council.models import Person

        return Person.objects.filter(user=self.user).first()

    @cached_property
    def organization_ids(self) -> frozenset[int]:
        """Every organization the user's person belongs to today."""
        if self.person is None:
            return frozenset()
        return frozenset(self.person.memberships.active(timezone.localdate()).values_list("organization_id", flat=True))

    @cached_property
    def unit_ids(self) -> frozenset[int]:
        """The administrative units the user works for, with the units below them.

        A Dezernent heads the Dezernat and so acts for every Bereich under it.
        """
        from council.models import Organization

        units = {pk for pk, kind in self._organization_types.items() if kind == Organization.Type.ADMINISTRATIVE_UNIT}
        frontier = set(units)
        while frontier:
            frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - units
            units |= frontier
        return frozenset(units)


def actor_for(user) -> Actor:
    """Return the Actor of a user, cached on the user object for the length of a request."""
    if user is None:
        return Actor(None)
    actor = getattr(user, "_ratsbuch_actor", None)
    if actor is None:
        actor = Actor(user)
        user._ratsbuch_actor = actor
    return actor


OFFICE_ONLY_MESSAGE = _("Only the council office and administrators may use this page.")


def office_required(view):
    """Let only the council office (and administrators) into a view: anonymous users log in, others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not actor_for(request.user).is_office:
            raise PermissionDenied(OFFICE_ONLY_MESSAGE)
        return view(request, *args, **kwargs)

    return wrapped
