"""Writes on alliances: founding data, aims, members, seats, and memberships that follow the council.

Only the council office (and administrators) manage alliances. A municipality's membership
is never set by hand: it is proposed by linking a Vorlage, and the council's decision on
that Vorlage settles it. `resolutions.services.decision_record` calls
`membership_follow_decision` in the decision's own transaction, by the dotted path in
`settings.RATSBUCH_DECISION_FOLLOWERS`, so that resolutions never imports alliances.

What a result does to a membership linked to the decided Vorlage:

| Vorlage linked as | beschlossen / geändert beschlossen | abgelehnt, zurückgezogen | vertagt, verwiesen, … |
|---|---|---|---|
| `paper` of a proposed membership | joined, on the decision's date | rejected | unchanged |
| `exit_paper` of a joined membership | left, on the decision's date | stays joined, exit unlinked | unchanged |

A withdrawn Vorlage (zurückgezogen) rejects the membership rather than leaving it proposed:
no council will ever decide that Vorlage, and a rejected membership may be proposed again
with a new Vorlage, while a proposed one would block the member for good.
"""

import datetime
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from council.models import Body, Membership, Organization, Person
from council.roles import actor_for
from resolutions.models import Attachment, Decision, Paper

from .models import Alliance, AllianceAim, AllianceMembership, Representation

# --- messages -------------------------------------------------------------------------
ROLE_ERROR = _("Only the council office and administrators manage alliances.")
RESERVED_SLUG_ERROR = _("“%(slug)s” is part of the alliances' own addresses; choose another slug.")
FOUNDING_DECLARATION_ERROR = _(
    "The founding declaration must be an attachment of a Vorlage of %(body)s; “%(attachment)s” is not."
)
MEMBER_MISSING_ERROR = _("Name the member: either a municipality or an organization, not both.")
MEMBER_ORGANIZATION_ERROR = _("%(organization)s is not an organization of %(body)s.")
MEMBERSHIP_TWICE_ERROR = _(
    "%(member)s already has a membership in %(alliance)s (“%(state)s”); a membership is proposed once."
)
PAPER_OTHER_BODY_ERROR = _(
    "Vorlage %(reference)s is a Vorlage of %(paper_body)s; only a Vorlage of %(body)s, whose records hold this "
    "alliance, decides its memberships."
)
PAPER_CLOSED_ERROR = _(
    "Vorlage %(reference)s is already “%(state)s”; link a Vorlage that the council has still to decide."
)
DECLARATION_NOT_OF_PAPER_ERROR = _(
    "The accession declaration must be an attachment of Vorlage %(reference)s; “%(attachment)s” is not."
)
NOT_INITIATOR_ROLE_ERROR = _("Add initiators and partners here; a member joins through a Vorlage.")
JOINED_ON_MISSING_ERROR = _("Give the day the member joined; the alliance has no founding date to assume.")
REPRESENTATIVE_NOT_OF_MEMBER_ERROR = _(
    "%(person)s is not a person of %(member)s; choose someone of the member or describe the seat instead."
)
REPRESENTATION_OTHER_ALLIANCE_ERROR = _("This seat does not belong to %(alliance)s.")
EXIT_NOT_JOINED_ERROR = _(
    "Only a joined membership can be left; the membership of %(member)s in %(alliance)s is “%(state)s”."
)
LEAVE_BEFORE_JOIN_ERROR = _(
    "The exit of %(member)s from %(alliance)s would be decided on %(date)s, before the join on %(joined_on)s; "
    "check the date of the meeting and of the join."
)

# Paths under /buendnisse/ that a slug must not take.
RESERVED_SLUGS = frozenset({"neu"})
SETTLED_PAPER_STATES = (Paper.State.DECIDED, Paper.State.WITHDRAWN)
NEGATIVE_RESULTS = (Decision.Result.REJECTED, Decision.Result.WITHDRAWN)
ALLIANCE_FIELDS = (
    "name",
    "slug",
    "short_name",
    "founded_on",
    "founded_at",
    "founding_note",
    "membership_fee",
    "website",
    "founding_declaration",
)


# --- common checks --------------------------------------------------------------------
def _ensure_office(by) -> None:
    if not actor_for(by).is_office:
        raise ValidationError(ROLE_ERROR, code="not_allowed")


def _saved(instance, by, update_fields: Sequence[str] | None = None):
    if by is not None and by.is_authenticated and hasattr(instance, "history"):
        instance._history_user = by  # simple_history records who made the change
    instance.full_clean()
    if update_fields is None:
        instance.save()
    else:
        instance.save(update_fields=[*update_fields, "modified"])
    return instance


def _check_alliance(alliance: Alliance) -> None:
    if alliance.slug in RESERVED_SLUGS:
        raise ValidationError(
            {"slug": ValidationError(RESERVED_SLUG_ERROR, code="reserved_slug", params={"slug": alliance.slug})}
        )
    declaration = alliance.founding_declaration
    if declaration is not None and declaration.paper.body_id != alliance.body_id:
        raise ValidationError(
            {
                "founding_declaration": ValidationError(
                    FOUNDING_DECLARATION_ERROR,
                    code="founding_declaration",
                    params={"body": alliance.body.name, "attachment": declaration.name},
                )
            }
        )


def _check_member(alliance: Alliance, member_body: Body | None, member_organization: Organization | None) -> None:
    if (member_body is None) == (member_organization is None):
        raise ValidationError(MEMBER_MISSING_ERROR, code="member_missing")
    if member_organization is not None and member_organization.body_id != alliance.body_id:
        raise ValidationError(
            {
                "member_organization": ValidationError(
                    MEMBER_ORGANIZATION_ERROR,
                    code="member_organization",
                    params={"organization": member_organization.name, "body": alliance.body.name},
                )
            }
        )


def _check_paper(alliance: Alliance, paper: Paper, field: str = "paper") -> None:
    if paper.body_id != alliance.body_id:
        raise ValidationError(
            {
                field: ValidationError(
                    PAPER_OTHER_BODY_ERROR,
                    code="paper_other_body",
                    params={"reference": paper.reference, "paper_body": paper.body.name, "body": alliance.body.name},
                )
            }
        )
    if paper.state in SETTLED_PAPER_STATES:
        raise ValidationError(
            {
                field: ValidationError(
                    PAPER_CLOSED_ERROR,
                    code="paper_closed",
                    params={"reference": paper.reference, "state": paper.get_state_display()},
                )
            }
        )


def _existing(alliance: Alliance, member_body: Body | None, member_organization: Organization | None):
    """The alliance's membership of this member, locked, or None."""
    memberships = AllianceMembership.objects.select_for_update().filter(alliance=alliance)
    if member_body is not None:
        return memberships.filter(member_body=member_body).first()
    return memberships.filter(member_organization=member_organization).first()


def _twice(membership: AllianceMembership) -> ValidationError:
    return ValidationError(
        MEMBERSHIP_TWICE_ERROR,
        code="membership_twice",
        params={
            "member": str(membership.member),
            "alliance": membership.alliance.name,
            "state": membership.get_state_display(),
        },
    )


# --- the alliance itself --------------------------------------------------------------
@transaction.atomic
def alliance_create(*, by: AbstractBaseUser, body: Body, name: str, slug: str, **fields) -> Alliance:
    """Record an alliance of `body`; `fields` are further fields of ALLIANCE_FIELDS."""
    _ensure_office(by)
    alliance = Alliance(body=body, name=name, slug=slug)
    for field, value in fields.items():
        if field not in ALLIANCE_FIELDS:
            raise TypeError(f"alliance_create() got an unexpected field {field!r}")
        setattr(alliance, field, value)
    _check_alliance(alliance)
    return _saved(alliance, by)


@transaction.atomic
def alliance_update(*, alliance: Alliance, by: AbstractBaseUser, **fields) -> Alliance:
    """Change the founding data of an alliance; `fields` are fields of ALLIANCE_FIELDS."""
    _ensure_office(by)
    locked = Alliance.objects.select_for_update().select_related("body").get(pk=alliance.pk)
    for field, value in fields.items():
        if field not in ALLIANCE_FIELDS:
            raise TypeError(f"alliance_update() got an unexpected field {field!r}")
        setattr(locked, field, value)
    _check_alliance(locked)
    return _saved(locked, by, update_fields=list(fields))


@transaction.atomic
def alliance_aims_replace(*, alliance: Alliance, by: AbstractBaseUser, texts: Sequence[str]) -> list[AllianceAim]:
    """Make `texts` the alliance's aims, in this order (empty texts dropped)."""
    _ensure_office(by)
    locked = Alliance.objects.select_for_update().get(pk=alliance.pk)
    locked.aims.all().delete()
    aims = []
    for order, text in enumerate((text.strip() for text in texts if text.strip()), start=1):
        aims.append(_saved(AllianceAim(alliance=locked, order=order, text=text), by))
    return aims


# --- members that joined at the founding ----------------------------------------------
@transaction.atomic
def membership_add(
    *,
    alliance: Alliance,
    by: AbstractBaseUser,
    role: str,
    member_organization: Organization | None = None,
    member_body: Body | None = None,
    joined_on: datetime.date | None = None,
) -> AllianceMembership:
    """Record an initiator or partner, joined on `joined_on` (the founding day by default).

    Initiators and partners joined by their own decision, which is not in this body's
    records; a member that joins by this council's decision is proposed instead.
    """
    _ensure_office(by)
    alliance = Alliance.objects.select_for_update().select_related("body").get(pk=alliance.pk)
    if role not in (AllianceMembership.Role.INITIATOR, AllianceMembership.Role.PARTNER):
        raise ValidationError({"role": ValidationError(NOT_INITIATOR_ROLE_ERROR, code="not_initiator_role")})
    _check_member(alliance, member_body, member_organization)
    if (existing := _existing(alliance, member_body, member_organization)) is not None:
        raise _twice(existing)
    joined_on = joined_on or alliance.founded_on
    if joined_on is None:
        raise ValidationError({"joined_on": ValidationError(JOINED_ON_MISSING_ERROR, code="joined_on_missing")})
    membership = AllianceMembership(
        alliance=alliance,
        member_body=member_body,
        member_organization=member_organization,
        role=role,
        state=AllianceMembership.State.JOINED,
        joined_on=joined_on,
    )
    return _saved(membership, by)


# --- memberships the council decides --------------------------------------------------
@transaction.atomic
def membership_propose(
    *,
    alliance: Alliance,
    by: AbstractBaseUser,
    paper: Paper,
    member_body: Body | None = None,
    member_organization: Organization | None = None,
    accession_declaration: Attachment | None = None,
) -> AllianceMembership:
    """Propose a membership to be decided by the council on `paper`; it stays proposed until then.

    A membership that was rejected (or whose Vorlage was withdrawn) may be proposed again
    with a new Vorlage; any other existing membership of the member is refused.
    """
    _ensure_office(by)
    alliance = Alliance.objects.select_for_update().select_related("body").get(pk=alliance.pk)
    _check_member(alliance, member_body, member_organization)
    paper = Paper.objects.select_related("body").get(pk=paper.pk)
    _check_paper(alliance, paper)
    if accession_declaration is not None and accession_declaration.paper_id != paper.pk:
        raise ValidationError(
            {
                "accession_declaration": ValidationError(
                    DECLARATION_NOT_OF_PAPER_ERROR,
                    code="declaration_not_of_paper",
                    params={"reference": paper.reference, "attachment": accession_declaration.name},
                )
            }
        )
    membership = _existing(alliance, member_body, member_organization)
    if membership is None:
        membership = AllianceMembership(
            alliance=alliance, member_body=member_body, member_organization=member_organization
        )
    elif membership.state != AllianceMembership.State.REJECTED:
        raise _twice(membership)
    membership.role = AllianceMembership.Role.MEMBER
    membership.state = AllianceMembership.State.PROPOSED
    membership.paper = paper
    membership.decision = None
    membership.accession_declaration = accession_declaration
    membership.proposed_on = paper.date
    return _saved(membership, by)


@transaction.atomic
def membership_propose_exit(
    *, membership: AllianceMembership, by: AbstractBaseUser, paper: Paper
) -> AllianceMembership:
    """Link the Vorlage whose positive decision ends a joined membership."""
    _ensure_office(by)
    locked = (
        AllianceMembership.objects.select_for_update(of=("self",))
        .select_related("alliance__body", "member_body", "member_organization")
        .get(pk=membership.pk)
    )
    if locked.state != AllianceMembership.State.JOINED:
        raise ValidationError(
            EXIT_NOT_JOINED_ERROR,
            code="exit_not_joined",
            params={
                "member": str(locked.member),
                "alliance": locked.alliance.name,
                "state": locked.get_state_display(),
            },
        )
    paper = Paper.objects.select_related("body").get(pk=paper.pk)
    _check_paper(locked.alliance, paper)
    locked.exit_paper = paper
    return _saved(locked, by, update_fields=["exit_paper"])


def membership_follow_decision(*, decision: Decision, by: AbstractBaseUser) -> list[AllianceMembership]:
    """Move the memberships a decided Vorlage settles; return those that changed.

    Called by `resolutions.services.decision_record` inside its transaction (see the
    module's table); it has no transaction of its own for that reason, and refuses a
    leave before the join, which rolls the whole decision back.
    """
    paper_id = decision.consultation.paper_id
    result = decision.result
    positive = result in (Decision.Result.ADOPTED, Decision.Result.ADOPTED_AMENDED)
    if not positive and result not in NEGATIVE_RESULTS:
        return []
    changed = []
    joining = AllianceMembership.objects.select_for_update(of=("self",)).filter(
        paper_id=paper_id, state=AllianceMembership.State.PROPOSED
    )
    for membership in joining.select_related("alliance"):
        membership.decision = decision
        if positive:
            membership.state, membership.joined_on = AllianceMembership.State.JOINED, decision.date
        else:
            membership.state = AllianceMembership.State.REJECTED
        changed.append(_saved(membership, by, update_fields=["state", "decision", "joined_on"]))
    leaving = AllianceMembership.objects.select_for_update(of=("self",)).filter(
        exit_paper_id=paper_id, state=AllianceMembership.State.JOINED
    )
    for membership in leaving.select_related("alliance", "member_body", "member_organization"):
        if positive:
            if membership.joined_on > decision.date:
                raise ValidationError(
                    LEAVE_BEFORE_JOIN_ERROR,
                    code="leave_before_join",
                    params={
                        "member": str(membership.member),
                        "alliance": membership.alliance.name,
                        "date": decision.date.strftime("%d.%m.%Y"),
                        "joined_on": membership.joined_on.strftime("%d.%m.%Y"),
                    },
                )
            membership.state, membership.left_on = AllianceMembership.State.LEFT, decision.date
        else:
            membership.exit_paper = None
        changed.append(_saved(membership, by, update_fields=["state", "left_on", "exit_paper"]))
    return changed


# --- seats in the alliance's groups ---------------------------------------------------
def _is_person_of(person: Person, membership: AllianceMembership) -> bool:
    if membership.member_body_id is not None:
        return person.body_id == membership.member_body_id
    return Membership.objects.filter(person=person, organization_id=membership.member_organization_id).exists()


@transaction.atomic
def representation_add(
    *,
    membership: AllianceMembership,
    by: AbstractBaseUser,
    group: str,
    person: Person | None = None,
    description: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Representation:
    """Give a member a seat in one of the alliance's groups, filled by one of its people or described."""
    _ensure_office(by)
    membership = AllianceMembership.objects.select_related("member_body", "member_organization").get(pk=membership.pk)
    if person is not None and not _is_person_of(person, membership):
        raise ValidationError(
            {
                "person": ValidationError(
                    REPRESENTATIVE_NOT_OF_MEMBER_ERROR,
                    code="representative_not_of_member",
                    params={"person": person.name, "member": str(membership.member)},
                )
            }
        )
    representation = Representation(
        membership=membership,
        group=group.strip(),
        person=person,
        description=description.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    return _saved(representation, by)


@transaction.atomic
def representation_remove(*, representation: Representation, by: AbstractBaseUser, alliance: Alliance) -> None:
    """Take a seat away from a member of `alliance` (the seat must be one of its)."""
    _ensure_office(by)
    locked = Representation.objects.select_for_update().select_related("membership").get(pk=representation.pk)
    if locked.membership.alliance_id != alliance.pk:
        raise ValidationError(
            REPRESENTATION_OTHER_ALLIANCE_ERROR, code="other_alliance", params={"alliance": alliance.name}
        )
    locked.delete()
