"""The path of a Vorlage: every allowed and refused transition of resolutions.workflow.

Each transition is driven through its service, so that the state, the version, the
event and the co-signatures are checked together with the table's verdict.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from resolutions import services
from resolutions.models import Cosignature, Paper, PaperEvent
from resolutions.services import COSIGNER_IS_SUBMITTER_ERROR, COSIGNER_NOT_HEAD_ERROR, NO_COSIGNERS_ERROR
from resolutions.workflow import (
    COMMENT_REQUIRED_ERROR,
    COSIGN_ROLE_ERROR,
    COSIGN_STATE_ERROR,
    COSIGNATURES_MISSING_ERROR,
    NO_AUTHORITATIVE_ERROR,
    NO_STEPS_ERROR,
    RELEASE_ROLE_ERROR,
    RELEASE_STATE_ERROR,
    RETURN_ROLE_ERROR,
    RETURN_STATE_ERROR,
    SUBMIT_ROLE_ERROR,
    SUBMIT_STATE_ERROR,
    TRANSITIONS,
    WITHDRAW_ROLE_ERROR,
    WITHDRAW_STATE_ERROR,
    allowed_transitions,
    can_edit,
    can_view_draft,
    ensure_transition,
)
from tests.factories import ConsultationFactory, PaperFactory
from tests.resolutions.conftest import messages_of, rendered

S = Paper.State
A = PaperEvent.Action


def _user(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


def _snapshot(paper: Paper) -> tuple:
    paper = Paper.objects.get(pk=paper.pk)
    signatures = sorted(Cosignature.objects.filter(paper=paper).values_list("signer_id", "signed_at"))
    return paper.state, paper.version, paper.released_at, paper.events.count(), signatures


def _refused(call, paper: Paper, message) -> ValidationError:
    """Run a service that must refuse with `message` and leave the paper as it was."""
    before = _snapshot(paper)
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert messages_of(excinfo.value) == [message]
    assert _snapshot(paper) == before
    return excinfo.value


def _last_event(paper: Paper) -> PaperEvent:
    return PaperEvent.objects.filter(paper=paper).order_by("-pk").first()


# --- submit ---------------------------------------------------------------------------
def test_clerk_submits_draft_for_cosigning(draft, clerk, head, finance_head):
    paper = services.paper_submit(paper=draft, by=clerk, cosigners=[head, finance_head], comment="Bitte mitzeichnen.")

    paper.refresh_from_db()
    assert paper.state == S.COSIGNING
    assert paper.version == draft.version + 1
    assert {(c.signer, c.signed_at) for c in paper.cosignatures.all()} == {(head, None), (finance_head, None)}
    event = _last_event(paper)
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        A.SUBMITTED,
        S.DRAFT,
        S.COSIGNING,
        clerk,
        "Bitte mitzeichnen.",
    )


def test_admin_may_submit_for_any_unit(draft, admin_user, head):
    assert services.paper_submit(paper=draft, by=admin_user, cosigners=[head]).state == S.COSIGNING


def test_submit_names_each_cosigner_once(draft, clerk, head):
    paper = services.paper_submit(paper=draft, by=clerk, cosigners=[head, head])
    assert paper.cosignatures.count() == 1


@pytest.mark.parametrize("who", ["head", "other_clerk", "office", "member", "finance_head", "anonymous"])
def test_submit_refused_to_all_but_clerks_of_the_unit(request, draft, head, who):
    by = _user(request, who)
    error = _refused(lambda: services.paper_submit(paper=draft, by=by, cosigners=[head]), draft, SUBMIT_ROLE_ERROR)
    assert "Bereich Stadtentwicklung (5-11)" in rendered(error)


@pytest.mark.parametrize("state", ["cosigning", "released", "in_consultation", "decided", "withdrawn"])
def test_submit_refused_unless_draft(paper_in, state, clerk, head):
    paper = paper_in(state)
    error = _refused(lambda: services.paper_submit(paper=paper, by=clerk, cosigners=[head]), paper, SUBMIT_STATE_ERROR)
    assert paper.get_state_display() in rendered(error)


def test_state_is_checked_before_role(released, member, head):
    _refused(lambda: services.paper_submit(paper=released, by=member, cosigners=[head]), released, SUBMIT_STATE_ERROR)


def test_submit_requires_a_cosigner(draft, clerk):
    _refused(lambda: services.paper_submit(paper=draft, by=clerk, cosigners=[]), draft, NO_COSIGNERS_ERROR)


def test_submit_refuses_a_cosigner_who_is_no_department_head(draft, clerk, head, other_clerk):
    error = _refused(
        lambda: services.paper_submit(paper=draft, by=clerk, cosigners=[head, other_clerk]),
        draft,
        COSIGNER_NOT_HEAD_ERROR,
    )
    assert "Eva Otherclerk" in rendered(error)


def test_submit_refuses_an_inactive_head(draft, clerk, head):
    head.is_active = False
    head.save()
    _refused(lambda: services.paper_submit(paper=draft, by=clerk, cosigners=[head]), draft, COSIGNER_NOT_HEAD_ERROR)


def test_submit_refuses_the_submitter_as_cosigner(draft, admin_user):
    _refused(
        lambda: services.paper_submit(paper=draft, by=admin_user, cosigners=[admin_user]),
        draft,
        COSIGNER_IS_SUBMITTER_ERROR,
    )


def test_submit_requires_a_beratungsfolge(body, unit, clerk, head):
    paper = PaperFactory(body=body, under_direction_of=unit)
    _refused(lambda: services.paper_submit(paper=paper, by=clerk, cosigners=[head]), paper, NO_STEPS_ERROR)


def test_submit_requires_a_deciding_step(body, unit, clerk, head):
    paper = PaperFactory(body=body, under_direction_of=unit)
    ConsultationFactory(paper=paper, authoritative=False)
    _refused(lambda: services.paper_submit(paper=paper, by=clerk, cosigners=[head]), paper, NO_AUTHORITATIVE_ERROR)


def test_resubmission_asks_the_new_cosigners_afresh(cosigning, clerk, head, finance_head):
    services.paper_cosign(paper=cosigning, by=head)
    services.paper_return(paper=cosigning, by=finance_head, comment="Finanzierung fehlt.")

    paper = services.paper_submit(paper=cosigning, by=clerk, cosigners=[finance_head])

    assert [(c.signer, c.signed_at) for c in paper.cosignatures.all()] == [(finance_head, None)]


# --- cosign ---------------------------------------------------------------------------
def test_named_head_cosigns(cosigning, head, finance_head):
    paper = services.paper_cosign(paper=cosigning, by=head, comment="Einverstanden.")

    assert paper.state == S.COSIGNING
    assert paper.version == cosigning.version + 1
    assert paper.cosignatures.get(signer=head).signed_at is not None
    assert paper.cosignatures.get(signer=finance_head).signed_at is None
    event = _last_event(paper)
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        A.COSIGNED,
        S.COSIGNING,
        S.COSIGNING,
        head,
        "Einverstanden.",
    )


@pytest.mark.parametrize("who", ["clerk", "office", "other_head", "admin_user", "member", "anonymous"])
def test_cosign_refused_to_all_but_named_heads(request, cosigning, who):
    by = _user(request, who)
    _refused(lambda: services.paper_cosign(paper=cosigning, by=by), cosigning, COSIGN_ROLE_ERROR)


def test_cosign_refused_twice(cosigning, head):
    services.paper_cosign(paper=cosigning, by=head)
    _refused(lambda: services.paper_cosign(paper=cosigning, by=head), cosigning, COSIGN_ROLE_ERROR)


@pytest.mark.parametrize("state", ["draft", "released", "withdrawn"])
def test_cosign_refused_unless_in_cosigning(paper_in, state, head):
    paper = paper_in(state)
    _refused(lambda: services.paper_cosign(paper=paper, by=head), paper, COSIGN_STATE_ERROR)


# --- return ---------------------------------------------------------------------------
def test_named_cosigner_returns_with_a_comment(cosigning, head, finance_head):
    services.paper_cosign(paper=cosigning, by=head)

    paper = services.paper_return(paper=cosigning, by=finance_head, comment="Die Finanzierung fehlt.")

    assert paper.state == S.DRAFT
    assert paper.version == cosigning.version + 2
    # The signatures were for the old text; a resubmission asks again.
    assert not paper.cosignatures.filter(signed_at__isnull=False).exists()
    event = _last_event(paper)
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        A.RETURNED,
        S.COSIGNING,
        S.DRAFT,
        finance_head,
        "Die Finanzierung fehlt.",
    )


@pytest.mark.parametrize("who", ["office", "admin_user"])
def test_office_may_return(request, cosigning, who):
    assert services.paper_return(paper=cosigning, by=_user(request, who), comment="Unvollständig.").state == S.DRAFT


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_return_requires_a_comment(cosigning, head, comment):
    _refused(
        lambda: services.paper_return(paper=cosigning, by=head, comment=comment), cosigning, COMMENT_REQUIRED_ERROR
    )


@pytest.mark.parametrize("who", ["clerk", "other_head", "other_clerk", "member", "anonymous"])
def test_return_refused_to_all_but_cosigners_and_office(request, cosigning, who):
    by = _user(request, who)
    _refused(lambda: services.paper_return(paper=cosigning, by=by, comment="Nein."), cosigning, RETURN_ROLE_ERROR)


@pytest.mark.parametrize("state", ["draft", "released", "withdrawn"])
def test_return_refused_unless_in_cosigning(paper_in, state, office):
    paper = paper_in(state)
    _refused(lambda: services.paper_return(paper=paper, by=office, comment="Nein."), paper, RETURN_STATE_ERROR)


# --- release --------------------------------------------------------------------------
def test_head_releases_when_all_cosigners_signed(cosigned, head):
    paper = services.paper_release(paper=cosigned, by=head)

    paper.refresh_from_db()
    assert paper.state == S.RELEASED
    assert paper.released_at is not None
    assert paper.version == cosigned.version + 1
    event = _last_event(paper)
    assert (event.action, event.from_state, event.to_state, event.actor) == (A.RELEASED, S.COSIGNING, S.RELEASED, head)
    assert Paper.objects.released().filter(pk=paper.pk).exists()


def test_admin_may_release(cosigned, admin_user):
    assert services.paper_release(paper=cosigned, by=admin_user).state == S.RELEASED


def test_release_requires_every_cosignature(cosigning, head):
    services.paper_cosign(paper=cosigning, by=head)
    error = _refused(lambda: services.paper_release(paper=cosigning, by=head), cosigning, COSIGNATURES_MISSING_ERROR)
    assert "Karl Kämmerer" in rendered(error)
    assert Paper.objects.get(pk=cosigning.pk).released_at is None


@pytest.mark.parametrize("who", ["finance_head", "clerk", "office", "other_head", "member", "anonymous"])
def test_release_refused_to_all_but_heads_of_the_unit(request, cosigned, who):
    by = _user(request, who)
    _refused(lambda: services.paper_release(paper=cosigned, by=by), cosigned, RELEASE_ROLE_ERROR)


@pytest.mark.parametrize("state", ["draft", "released", "withdrawn"])
def test_release_refused_unless_in_cosigning(paper_in, state, head):
    paper = paper_in(state)
    _refused(lambda: services.paper_release(paper=paper, by=head), paper, RELEASE_STATE_ERROR)


# --- withdraw -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "who"),
    [
        ("draft", "clerk"),
        ("cosigning", "head"),
        ("released", "office"),
        ("released", "clerk"),
        ("in_consultation", "admin_user"),
    ],
)
def test_withdraw_from_every_open_state(request, paper_in, state, who):
    paper = paper_in(state)
    by = _user(request, who)

    withdrawn = services.paper_withdraw(paper=paper, by=by, comment="Hat sich erledigt.")

    assert withdrawn.state == S.WITHDRAWN
    assert withdrawn.version == paper.version + 1
    event = _last_event(withdrawn)
    assert (event.action, event.from_state, event.to_state, event.actor, event.comment) == (
        A.WITHDRAWN,
        state,
        S.WITHDRAWN,
        by,
        "Hat sich erledigt.",
    )


def test_withdraw_requires_a_comment(released, clerk):
    _refused(lambda: services.paper_withdraw(paper=released, by=clerk, comment=" "), released, COMMENT_REQUIRED_ERROR)


@pytest.mark.parametrize("who", ["other_clerk", "other_head", "finance_head", "member", "anonymous"])
def test_withdraw_refused_to_outsiders(request, released, who):
    by = _user(request, who)
    _refused(lambda: services.paper_withdraw(paper=released, by=by, comment="Weg."), released, WITHDRAW_ROLE_ERROR)


@pytest.mark.parametrize("state", ["decided", "withdrawn"])
def test_withdraw_refused_once_closed(paper_in, state, office):
    paper = paper_in(state)
    _refused(lambda: services.paper_withdraw(paper=paper, by=office, comment="Weg."), paper, WITHDRAW_STATE_ERROR)


# --- the table, buttons, history ------------------------------------------------------
def test_table_declares_each_transition_once_with_valid_states():
    names = [t.name for t in TRANSITIONS]
    assert len(names) == len(set(names)) == 11
    assert [t.name for t in TRANSITIONS if t.by_hand] == [
        "submit",
        "cosign",
        "return",
        "release",
        "receive",
        "withdraw",
    ]
    for transition in TRANSITIONS:
        assert transition.sources <= set(S.values)
        assert transition.target in S.values
        assert transition.action in PaperEvent.Action.values


def test_unknown_transition_is_a_programming_error(draft, clerk):
    with pytest.raises(ValueError, match="publish"):
        ensure_transition(draft, "publish", by=clerk)


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("draft", "clerk", ["submit", "withdraw"]),
        ("draft", "admin_user", ["submit", "withdraw"]),
        ("draft", "head", ["withdraw"]),
        ("draft", "office", ["withdraw"]),
        ("draft", "other_clerk", []),
        ("draft", "member", []),
        ("draft", "anonymous", []),
        ("cosigning", "head", ["cosign", "return", "withdraw"]),
        ("cosigning", "finance_head", ["cosign", "return"]),
        ("cosigning", "office", ["return", "withdraw"]),
        ("cosigning", "clerk", ["withdraw"]),
        ("cosigned", "head", ["return", "release", "withdraw"]),
        ("released", "head", ["withdraw"]),
        ("withdrawn", "admin_user", []),
    ],
)
def test_allowed_transitions_are_the_buttons_to_show(request, paper_in, state, who, expected):
    assert [t.name for t in allowed_transitions(paper_in(state), _user(request, who))] == expected


def test_no_submit_button_without_a_beratungsfolge(body, unit, clerk):
    paper = PaperFactory(body=body, under_direction_of=unit)
    assert [t.name for t in allowed_transitions(paper, clerk)] == ["withdraw"]


def test_buttons_are_not_held_back_by_the_comment(cosigning, head):
    # The comment is asked for in the form behind the button.
    assert ensure_transition(cosigning, "return", by=head).name == "return"
    with pytest.raises(ValidationError) as excinfo:
        ensure_transition(cosigning, "return", by=head, comment="")
    assert messages_of(excinfo.value) == [COMMENT_REQUIRED_ERROR]


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("draft", "clerk", True),
        ("draft", "admin_user", True),
        ("draft", "head", False),
        ("draft", "other_clerk", False),
        ("draft", "office", False),
        ("draft", "anonymous", False),
        ("cosigning", "clerk", False),
        ("released", "clerk", False),
    ],
)
def test_only_clerks_of_the_unit_edit_and_only_drafts(request, paper_in, state, who, expected):
    assert can_edit(paper_in(state), _user(request, who)) is expected


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("draft", "clerk", True),
        ("draft", "head", True),
        ("draft", "office", True),
        ("draft", "admin_user", True),
        ("draft", "other_clerk", False),
        ("draft", "member", False),
        ("draft", "anonymous", False),
        ("cosigning", "finance_head", True),
        ("cosigning", "other_head", False),
    ],
)
def test_who_may_read_a_draft(request, paper_in, state, who, expected):
    assert can_view_draft(paper_in(state), _user(request, who)) is expected


def test_every_step_on_the_path_is_kept_in_history_and_timeline(released, clerk, head, finance_head):
    # created, submitted, two co-signatures, released
    history = list(released.history.order_by("history_id"))
    assert [h.state for h in history] == [S.DRAFT, S.COSIGNING, S.COSIGNING, S.COSIGNING, S.RELEASED]
    assert [h.history_user for h in history[1:]] == [clerk, head, finance_head, head]
    assert [h.version for h in history] == [1, 2, 3, 4, 5]
    assert list(released.events.values_list("action", flat=True)) == [
        A.CREATED,
        A.SUBMITTED,
        A.COSIGNED,
        A.COSIGNED,
        A.RELEASED,
    ]


def test_buttons_cost_a_bounded_number_of_queries(cosigned, head, django_assert_max_num_queries):
    paper = Paper.objects.get(pk=cosigned.pk)
    user = type(head).objects.get(pk=head.pk)  # no cached roles or units
    # roles, person, memberships, units and their children, two co-signature checks, the guard
    with django_assert_max_num_queries(9):
        assert len(allowed_transitions(paper, user)) == 3


# --- who may read a Vorlage on its path ---------------------------------------------------
def test_a_named_cosigner_of_another_unit_may_read_the_draft_they_sign(cosigning, finance_head, other_head):
    assert Paper.objects.visible_to(finance_head).filter(pk=cosigning.pk).exists()
    assert not Paper.objects.visible_to(other_head).filter(pk=cosigning.pk).exists()


def test_a_draft_is_hidden_from_the_public_and_members(draft, member):
    assert not Paper.objects.visible_to(None).filter(pk=draft.pk).exists()
    assert not Paper.objects.visible_to(member).filter(pk=draft.pk).exists()
