"""The path of a Vorlage: one table of who may move it from where to where.

`TRANSITIONS` is the single source of truth. The services in `resolutions.services` ask it
(through `ensure_transition`) under the row lock before they write; templates ask it
(through `allowed_transitions`) which buttons to show. Nothing in this module writes.

Checks run in a fixed order, so that a refusal names the first thing to fix: the state
(wrong for this transition whoever asks), then the role, then the paper's own
preconditions (a valid Beratungsfolge, all co-signatures), then the comment.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from council.models import Body, Organization
from council.roles import Actor, actor_for

from .models import Consultation, Paper, PaperEvent

# --- messages -------------------------------------------------------------------------
# State errors: the Vorlage is in the wrong place on its path, whoever asks.
SUBMIT_STATE_ERROR = _(
    "This Vorlage is no longer a draft (it is “%(state)s”); it can no longer be submitted for co-signing."
)
COSIGN_STATE_ERROR = _(
    "This Vorlage is not in co-signing (it is “%(state)s”); it can be co-signed only after its clerk has "
    "submitted it and before it is released."
)
RETURN_STATE_ERROR = _(
    "This Vorlage is not in co-signing (it is “%(state)s”); only a Vorlage in co-signing can be returned to its clerk."
)
RELEASE_STATE_ERROR = _(
    "This Vorlage is not in co-signing (it is “%(state)s”); only a submitted Vorlage can be released."
)
RECEIVE_STATE_ERROR = _(
    "This Vorlage is not in co-signing (it is “%(state)s”); the council office receives a Fraktion's Antrag or "
    "Anfrage once its members have co-signed it."
)
WITHDRAW_STATE_ERROR = _("This Vorlage is “%(state)s”; a decided or withdrawn Vorlage can no longer be withdrawn.")
# Role errors: the state is right, the user is not the one who may do it.
SUBMIT_ROLE_ERROR = _("Only a clerk of %(unit)s may submit this Vorlage; ask one of them to submit it.")
COSIGN_ROLE_ERROR = _(
    "Only a department head named as co-signer of this Vorlage, who has not signed it yet, may co-sign it."
)
RETURN_ROLE_ERROR = _(
    "Only a department head named as co-signer or the council office may return this Vorlage to %(unit)s."
)
RELEASE_ROLE_ERROR = _("Only a department head of %(unit)s may release this Vorlage; ask one of them to release it.")
RECEIVE_ROLE_ERROR = _("Only the council office receives the Anträge and Anfragen of a Fraktion.")
WITHDRAW_ROLE_ERROR = _("Only a clerk or department head of %(unit)s or the council office may withdraw this Vorlage.")
# Preconditions on the paper itself.
COSIGNATURES_MISSING_ERROR = _(
    "This Vorlage can be released once every co-signer has signed; still missing: %(missing)s."
)
COMMENT_REQUIRED_ERROR = _(
    "Please write a comment saying why; the clerk reads it and it stays in the Vorlage's history."
)
# Moves along the agenda, made by the council office's meeting services.
AGENDA_ROLE_ERROR = _("Only the council office may build agendas and record results.")
PAPER_CLOSED_ERROR = _(
    "This Vorlage is “%(state)s”; it is no longer in consultation, so nothing more is recorded on its way through "
    "the committees."
)
NOT_RELEASED_ERROR = _(
    "This Vorlage is “%(state)s”; only a released Vorlage, or one in consultation, can be put on an agenda."
)
UNKNOWN_TRANSITION_ERROR = "There is no transition named %r in resolutions.workflow.TRANSITIONS."
# Editing a draft (fields, Beratungsfolge, attachments).
EDIT_NOT_DRAFT_ERROR = _(
    "Only a draft can be changed, and this Vorlage is “%(state)s”. If it is in co-signing and needs changes, ask "
    "a co-signer to return it to the draft."
)
EDIT_ROLE_ERROR = _("Only a clerk of %(unit)s may change this Vorlage.")
# The Beratungsfolge as a whole.
NO_STEPS_ERROR = _("The Beratungsfolge needs at least one step: add the committee or council that decides.")
NO_AUTHORITATIVE_ERROR = _(
    "Exactly one step of the Beratungsfolge must decide the Vorlage; mark the committee or council that decides."
)
MANY_AUTHORITATIVE_ERROR = _(
    "Only one step of the Beratungsfolge may decide the Vorlage, but %(count)s are marked; keep the mark on the "
    "one that decides."
)
OTHER_BODY_ERROR = _("%(organization)s belongs to another municipality; choose a committee of %(body)s.")
NOT_COMMITTEE_ERROR = _(
    "%(organization)s is not a committee or council (Gremium); only a Gremium can deliberate a Vorlage."
)
DUPLICATE_ORGANIZATION_ERROR = _(
    "%(organization)s appears more than once in the Beratungsfolge; list each committee once."
)
STEP_ROLE_ERROR = _(
    "“%(role)s” is not a role of a Beratungsfolge step; choose Vorberatung, Entscheidung, Kenntnisnahme or Anhörung."
)


# --- who is who -----------------------------------------------------------------------
def unit_label(organization: Organization) -> str:
    """Name a unit the way people say it, e.g. "Bereich Stadtentwicklung (5-11)"."""
    if organization.short_name and organization.short_name not in organization.name:
        return f"{organization.name} ({organization.short_name})"
    return organization.name


def user_label(user) -> str:
    """Name a user by their person's name where there is one."""
    person = getattr(user, "person", None) if user.pk else None
    return person.name if person else (user.get_full_name() or user.get_username())


def _acts_for(unit_id: int, actor: Actor) -> bool:
    # Administrators act for every unit: they may do everything the roles may.
    return actor.is_admin or unit_id in actor.unit_ids


def _acts_for_unit(paper: Paper, actor: Actor) -> bool:
    return _acts_for(paper.under_direction_of_id, actor)


def may_draft_for(unit: Organization, user) -> bool:
    """Whether `user` may draft a Vorlage for `unit`: a clerk working for it, or for a Fraktion one of its people."""
    actor = actor_for(user)
    if unit.organization_type == Organization.Type.FACTION:
        return actor.is_authenticated and unit.pk in actor.faction_ids
    return actor.is_clerk and _acts_for(unit.pk, actor)


def is_faction_paper(paper: Paper) -> bool:
    """Whether a Fraktion moves the paper (an Antrag or Anfrage drafted by the Fraktion itself)."""
    return paper.under_direction_of.organization_type == Organization.Type.FACTION


def _is_faction_drafter(paper: Paper, actor: Actor) -> bool:
    # Its council members and its Geschäftsstelle: a membership in the Fraktion today.
    return actor.is_authenticated and paper.under_direction_of_id in actor.faction_ids and is_faction_paper(paper)


def is_faction_cosigner(paper: Paper, user) -> bool:
    """Whether `user` may be asked to co-sign a Fraktion's paper: one of its council members, not its staff."""
    actor = actor_for(user)
    return _is_faction_drafter(paper, actor) and not actor.is_faction_office


def _is_unit_clerk(paper: Paper, actor: Actor) -> bool:
    return actor.is_clerk and _acts_for_unit(paper, actor)


def _is_unit_head(paper: Paper, actor: Actor) -> bool:
    return actor.is_head and _acts_for_unit(paper, actor)


def _is_named_cosigner(paper: Paper, actor: Actor, *, unsigned_only: bool = False) -> bool:
    # A signature is personal: even an administrator signs only where named. The administration's
    # Vorlagen are co-signed by department heads, a Fraktion's by its council members.
    if not (actor.is_authenticated and (actor.is_head or is_faction_paper(paper))):
        return False
    cosignatures = paper.cosignatures.filter(signer=actor.user)
    if unsigned_only:
        cosignatures = cosignatures.filter(signed_at__isnull=True)
    return cosignatures.exists()


def _may_submit(paper: Paper, actor: Actor) -> bool:
    return _is_unit_clerk(paper, actor) or _is_faction_drafter(paper, actor)


def _may_cosign(paper: Paper, actor: Actor) -> bool:
    return _is_named_cosigner(paper, actor, unsigned_only=True)


def _may_return(paper: Paper, actor: Actor) -> bool:
    return actor.is_office or _is_named_cosigner(paper, actor)


def _may_release(paper: Paper, actor: Actor) -> bool:
    return not is_faction_paper(paper) and _is_unit_head(paper, actor)


def _may_receive(paper: Paper, actor: Actor) -> bool:
    # A Fraktion's Antrag or Anfrage goes to the council office, not through a department head.
    return actor.is_office and is_faction_paper(paper)


def _may_withdraw(paper: Paper, actor: Actor) -> bool:
    return (
        actor.is_office
        or _is_unit_clerk(paper, actor)
        or _is_unit_head(paper, actor)
        or _is_faction_drafter(paper, actor)
    )


# --- the Beratungsfolge ---------------------------------------------------------------
def _may_work_the_agenda(paper: Paper, actor: Actor) -> bool:
    return actor.is_office


def validate_beratungsfolge(*, body: Body, steps: Sequence[dict]) -> None:
    """Check a Beratungsfolge as a whole and raise one ValidationError listing every problem.

    Each step is a dict with `organization` (an Organization), `role` (a Consultation.Role)
    and `authoritative` (bool).
    """
    errors = []
    if not steps:
        errors.append(ValidationError(NO_STEPS_ERROR, code="no_steps"))
    seen = set()
    for step in steps:
        organization = step["organization"]
        params = {"organization": organization.name}
        if organization.body_id != body.pk:
            params["body"] = body.name
            errors.append(ValidationError(OTHER_BODY_ERROR, code="other_body", params=params))
        elif organization.organization_type != Organization.Type.COMMITTEE:
            errors.append(ValidationError(NOT_COMMITTEE_ERROR, code="not_committee", params=params))
        if organization.pk in seen:
            errors.append(ValidationError(DUPLICATE_ORGANIZATION_ERROR, code="duplicate_organization", params=params))
        seen.add(organization.pk)
        if step["role"] not in Consultation.Role.values:
            errors.append(ValidationError(STEP_ROLE_ERROR, code="step_role", params={"role": step["role"]}))
    authoritative = sum(1 for step in steps if step.get("authoritative"))
    if steps and authoritative == 0:
        errors.append(ValidationError(NO_AUTHORITATIVE_ERROR, code="no_authoritative"))
    elif authoritative > 1:
        errors.append(
            ValidationError(MANY_AUTHORITATIVE_ERROR, code="many_authoritative", params={"count": authoritative})
        )
    if errors:
        raise ValidationError(errors)


def paper_steps(paper: Paper) -> list[dict]:
    """The stored Beratungsfolge of a paper in the shape `validate_beratungsfolge` takes."""
    return [
        {"organization": c.organization, "role": c.role, "authoritative": c.authoritative}
        for c in paper.consultations.select_related("organization").order_by("order")
    ]


# --- preconditions on the paper -------------------------------------------------------
def _beratungsfolge_valid(paper: Paper) -> ValidationError | None:
    try:
        validate_beratungsfolge(body=paper.body, steps=paper_steps(paper))
    except ValidationError as error:
        return error
    return None


def _all_cosigned(paper: Paper) -> ValidationError | None:
    missing = [c.signer for c in paper.cosignatures.filter(signed_at__isnull=True).select_related("signer")]
    if missing:
        return ValidationError(
            COSIGNATURES_MISSING_ERROR,
            code="cosignatures_missing",
            params={"missing": ", ".join(user_label(user) for user in missing)},
        )
    return None


# --- the table ------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    """One row of the table: a named move of a paper, who may make it and what it needs."""

    name: str
    label: Promise  # the button's text
    action: str  # PaperEvent.Action recorded
    sources: frozenset[str]  # Paper.State values it starts from
    target: str  # Paper.State value it ends in
    permits: Callable[[Paper, Actor], bool]
    state_error: Promise
    role_error: Promise
    guard: Callable[[Paper], ValidationError | None] | None = None
    needs_comment: bool = False
    # False for the moves the meeting services make (agenda, results): no button on the
    # Vorlage page and no /schritte/ URL, but the same table, checks and events.
    by_hand: bool = True


S, A = Paper.State, PaperEvent.Action


def _office_move(name: str, label: Promise, action: str, sources: set[str], target: str) -> Transition:
    """A row for a move the council office makes through the meeting services, not by a button."""
    return Transition(
        name=name,
        label=label,
        action=action,
        sources=frozenset(sources),
        target=target,
        permits=_may_work_the_agenda,
        # Only "schedule" starts from released; the others need a Vorlage still in consultation.
        state_error=NOT_RELEASED_ERROR if S.RELEASED in sources else PAPER_CLOSED_ERROR,
        role_error=AGENDA_ROLE_ERROR,
        by_hand=False,
    )


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="submit",
        label=_("Submit for co-signing"),
        action=PaperEvent.Action.SUBMITTED,
        sources=frozenset({S.DRAFT}),
        target=S.COSIGNING,
        permits=_may_submit,
        state_error=SUBMIT_STATE_ERROR,
        role_error=SUBMIT_ROLE_ERROR,
        guard=_beratungsfolge_valid,
    ),
    Transition(
        name="cosign",
        label=_("Co-sign"),
        action=PaperEvent.Action.COSIGNED,
        sources=frozenset({S.COSIGNING}),
        target=S.COSIGNING,
        permits=_may_cosign,
        state_error=COSIGN_STATE_ERROR,
        role_error=COSIGN_ROLE_ERROR,
    ),
    Transition(
        name="return",
        label=_("Return to the clerk"),
        action=PaperEvent.Action.RETURNED,
        sources=frozenset({S.COSIGNING}),
        target=S.DRAFT,
        permits=_may_return,
        state_error=RETURN_STATE_ERROR,
        role_error=RETURN_ROLE_ERROR,
        needs_comment=True,
    ),
    Transition(
        name="release",
        label=_("Release"),
        action=PaperEvent.Action.RELEASED,
        sources=frozenset({S.COSIGNING}),
        target=S.RELEASED,
        permits=_may_release,
        state_error=RELEASE_STATE_ERROR,
        role_error=RELEASE_ROLE_ERROR,
        guard=_all_cosigned,
    ),
    Transition(
        name="receive",
        label=_("Receive"),
        action=PaperEvent.Action.RELEASED,
        sources=frozenset({S.COSIGNING}),
        target=S.RELEASED,
        permits=_may_receive,
        state_error=RECEIVE_STATE_ERROR,
        role_error=RECEIVE_ROLE_ERROR,
        guard=_all_cosigned,
    ),
    Transition(
        name="withdraw",
        label=_("Withdraw"),
        action=PaperEvent.Action.WITHDRAWN,
        sources=frozenset({S.DRAFT, S.COSIGNING, S.RELEASED, S.IN_CONSULTATION}),
        target=S.WITHDRAWN,
        permits=_may_withdraw,
        state_error=WITHDRAW_STATE_ERROR,
        role_error=WITHDRAW_ROLE_ERROR,
        needs_comment=True,
    ),
    # --- moves made by the meeting services (resolutions.services.consultation) ---
    _office_move("schedule", _("Put on an agenda"), A.SCHEDULED, {S.RELEASED, S.IN_CONSULTATION}, S.IN_CONSULTATION),
    _office_move("unschedule", _("Take off the agenda"), A.UNSCHEDULED, {S.IN_CONSULTATION}, S.RELEASED),
    _office_move("defer", _("Defer to a later meeting"), A.DEFERRED, {S.IN_CONSULTATION}, S.IN_CONSULTATION),
    _office_move("advance", _("Record the recommendation"), A.ADVANCED, {S.IN_CONSULTATION}, S.IN_CONSULTATION),
    _office_move("decide", _("Record the decision"), A.DECIDED, {S.IN_CONSULTATION}, S.DECIDED),
)

TRANSITIONS_BY_NAME: dict[str, Transition] = {transition.name: transition for transition in TRANSITIONS}


def get_transition(name: str) -> Transition:
    try:
        return TRANSITIONS_BY_NAME[name]
    except KeyError:
        raise ValueError(UNKNOWN_TRANSITION_ERROR % name) from None


def transition_refusal(paper: Paper, name: str, *, by, comment: str | None = None) -> ValidationError | None:
    """Say why `by` may not make the transition now, or None if they may.

    `comment=None` leaves the comment out of the check (for showing buttons); the services
    pass the comment they were given.
    """
    transition = get_transition(name)
    if paper.state not in transition.sources:
        return ValidationError(transition.state_error, code="wrong_state", params={"state": paper.get_state_display()})
    if not transition.permits(paper, actor_for(by)):
        return ValidationError(
            transition.role_error, code="not_allowed", params={"unit": unit_label(paper.under_direction_of)}
        )
    if transition.guard is not None and (error := transition.guard(paper)) is not None:
        return error
    if comment is not None and transition.needs_comment and not comment.strip():
        return ValidationError(COMMENT_REQUIRED_ERROR, code="comment_required")
    return None


def ensure_transition(paper: Paper, name: str, *, by, comment: str | None = None) -> Transition:
    """Return the transition if `by` may make it now; raise ValidationError saying why not."""
    error = transition_refusal(paper, name, by=by, comment=comment)
    if error is not None:
        raise error
    return get_transition(name)


def allowed_transitions(paper: Paper, user) -> list[Transition]:
    """The transitions `user` may make by hand now, in table order: the buttons to show."""
    return [t for t in TRANSITIONS if t.by_hand and transition_refusal(paper, t.name, by=user) is None]


# --- editing and reading drafts -------------------------------------------------------
def edit_refusal(paper: Paper, user) -> ValidationError | None:
    """Say why `user` may not change the paper's text, steps or attachments, or None."""
    if not paper.is_draft:
        return ValidationError(EDIT_NOT_DRAFT_ERROR, code="not_draft", params={"state": paper.get_state_display()})
    actor = actor_for(user)
    if not (_is_unit_clerk(paper, actor) or _is_faction_drafter(paper, actor)):
        return ValidationError(
            EDIT_ROLE_ERROR, code="not_allowed", params={"unit": unit_label(paper.under_direction_of)}
        )
    return None


def ensure_editable(paper: Paper, *, by) -> None:
    error = edit_refusal(paper, by)
    if error is not None:
        raise error


def can_edit(paper: Paper, user) -> bool:
    """Whether `user` may change the paper: a clerk of its unit, while it is a draft."""
    return edit_refusal(paper, user) is None


def can_view_draft(paper: Paper, user) -> bool:
    """Whether `user` may read the paper before its release.

    The office, the clerks and heads of the originating unit, and the department heads
    named as co-signers (who may sit in another unit, e.g. the Kämmerei).
    """
    actor = actor_for(user)
    if actor.is_office:
        return True
    if (actor.is_clerk or actor.is_head) and _acts_for_unit(paper, actor):
        return True
    if _is_faction_drafter(paper, actor):
        return True
    return _is_named_cosigner(paper, actor)
