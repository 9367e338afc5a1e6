"""The path of a Vorlage in the browser: buttons and timeline on the detail page, the steps
through their confirmation pages, Meine Entwürfe and the version history."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from resolutions import services
from resolutions.history import text_diff
from resolutions.models import Consultation, Cosignature, Paper, PaperEvent
from resolutions.workflow import (
    COMMENT_REQUIRED_ERROR,
    COSIGN_ROLE_ERROR,
    COSIGNATURES_MISSING_ERROR,
    NO_STEPS_ERROR,
    RELEASE_ROLE_ERROR,
    RETURN_ROLE_ERROR,
    SUBMIT_ROLE_ERROR,
    SUBMIT_STATE_ERROR,
    TRANSITIONS,
    WITHDRAW_ROLE_ERROR,
)
from tests.factories import ReleasedPaperFactory, UserFactory

ALL_TRANSITIONS = [transition.name for transition in TRANSITIONS]


@pytest.fixture(autouse=True)
def _english(client):
    """Ask for the English pages: the assertions quote the source texts, and the German
    catalogue has its own test (tests/test_translations.py)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def detail_url(paper):
    return reverse("resolutions:paper_detail", kwargs={"reference": paper.reference})


def transition_url(paper, name):
    return reverse("resolutions:paper_transition", kwargs={"reference": paper.reference, "transition": name})


def history_url(paper):
    return reverse("resolutions:paper_history", kwargs={"reference": paper.reference})


def drafts_url():
    return reverse("resolutions:paper_my_drafts")


def login_as(client, request, user_fixture):
    if user_fixture != "anonymous":
        client.force_login(request.getfixturevalue(user_fixture))


def messages_in(response):
    return [str(message) for message in response.context["messages"]]


def state_of(paper):
    return Paper.objects.get(pk=paper.pk).state


def action_count(paper, action):
    return PaperEvent.objects.filter(paper=paper, action=action).count()


# --- the detail page: exactly the buttons the user may press --------------------------


@pytest.mark.parametrize(
    ("paper_fixture", "user_fixture", "expected"),
    [
        ("draft", "clerk", ["submit", "withdraw"]),
        ("draft", "head", ["withdraw"]),
        ("draft", "office", ["withdraw"]),
        ("cosigning", "clerk", ["withdraw"]),
        ("cosigning", "head", ["cosign", "return", "withdraw"]),
        ("cosigning", "finance_head", ["cosign", "return"]),
        ("cosigning", "office", ["return", "withdraw"]),
        ("cosigned", "head", ["return", "release", "withdraw"]),
        ("cosigned", "finance_head", ["return"]),
        ("released", "clerk", ["withdraw"]),
        ("released", "anonymous", []),
        ("released", "member", []),
        ("released", "other_clerk", []),
        ("decided", "clerk", []),
    ],
)
def test_detail_shows_exactly_the_allowed_buttons(client, request, paper_fixture, user_fixture, expected):
    paper = request.getfixturevalue(paper_fixture)
    login_as(client, request, user_fixture)

    response = client.get(detail_url(paper))

    assert response.status_code == 200
    assert [transition.name for transition in response.context["transitions"]] == expected
    shown = [name for name in ALL_TRANSITIONS if f'data-transition="{name}"' in response.text]
    assert shown == expected
    for name in expected:
        assert transition_url(paper, name) in response.text


def test_clerk_sees_edit_and_attachment_links_on_a_draft(client, clerk, draft):
    client.force_login(clerk)

    response = client.get(detail_url(draft))

    assert response.context["may_edit"] is True
    assert reverse("resolutions:paper_update", kwargs={"reference": draft.reference}) in response.text
    assert reverse("resolutions:attachment_list", kwargs={"reference": draft.reference}) in response.text


@pytest.mark.parametrize(("paper_fixture", "user_fixture"), [("draft", "head"), ("cosigning", "clerk")])
def test_no_edit_links_for_a_head_or_outside_the_draft(client, request, paper_fixture, user_fixture):
    paper = request.getfixturevalue(paper_fixture)
    login_as(client, request, user_fixture)

    response = client.get(detail_url(paper))

    assert response.context["may_edit"] is False
    assert reverse("resolutions:paper_update", kwargs={"reference": paper.reference}) not in response.text


def test_detail_links_to_the_version_history(client, released):
    response = client.get(detail_url(released))

    assert history_url(released) in response.text


# --- the detail page: the timeline and the co-signers ---------------------------------


@pytest.mark.parametrize("user_fixture", ["clerk", "head", "finance_head", "office", "admin_user"])
def test_insiders_see_the_whole_timeline_with_who_acted(client, request, released, user_fixture):
    login_as(client, request, user_fixture)

    response = client.get(detail_url(released))

    A = PaperEvent.Action
    assert [entry.event.action for entry in response.context["events"]] == [
        A.CREATED,
        A.SUBMITTED,
        A.COSIGNED,
        A.COSIGNED,
        A.RELEASED,
    ]
    assert response.context["insider"] is True
    assert "Karl Kämmerer" in response.text  # the co-signer from the Kämmerei
    assert capfirst(str(A.SUBMITTED.label)) in response.text


@pytest.mark.parametrize("user_fixture", ["anonymous", "member", "other_clerk"])
def test_outsiders_see_the_timeline_from_the_release_on_without_names(client, request, released, user_fixture):
    login_as(client, request, user_fixture)

    response = client.get(detail_url(released))

    assert [entry.event.action for entry in response.context["events"]] == [PaperEvent.Action.RELEASED]
    assert response.context["insider"] is False
    assert capfirst(str(PaperEvent.Action.SUBMITTED.label)) not in response.text
    assert capfirst(str(PaperEvent.Action.RELEASED.label)) in response.text
    assert "Karl Kämmerer" not in response.text
    assert 'class="event-actor"' not in response.text


def test_public_sees_the_reason_of_a_withdrawal_after_release(client, released, clerk):
    services.paper_withdraw(paper=released, by=clerk, comment="Das Bündnis hat sich aufgelöst.")

    response = client.get(detail_url(released))

    assert [entry.event.action for entry in response.context["events"]] == [
        PaperEvent.Action.RELEASED,
        PaperEvent.Action.WITHDRAWN,
    ]
    assert "Das Bündnis hat sich aufgelöst." in response.text


def test_clerk_reads_the_reason_of_a_return(client, clerk, head, cosigning):
    services.paper_return(paper=cosigning, by=head, comment="Bitte die Kosten\nergänzen.")
    client.force_login(clerk)

    response = client.get(detail_url(cosigning))

    assert "Bitte die Kosten<br>ergänzen." in response.text
    assert list(response.context["events"])[-1].event.action == PaperEvent.Action.RETURNED


def test_insiders_see_who_has_cosigned(client, clerk, head, cosigning):
    services.paper_cosign(paper=cosigning, by=head)
    client.force_login(clerk)

    response = client.get(detail_url(cosigning))

    signed = {c.signer.username: c.signed_at is not None for c in response.context["cosignatures"]}
    assert signed == {"head": True, "financehead": False}
    assert 'class="small text-success-emphasis cosigned"' in response.text
    assert 'class="small text-body-secondary not-cosigned"' in response.text


def test_public_does_not_see_the_cosigners(client, released):
    response = client.get(detail_url(released))

    assert list(response.context["cosignatures"]) == []
    assert "paper-cosigners" not in response.text


@pytest.mark.parametrize("count", [5, 50])
def test_detail_queries_do_not_grow_with_events_and_cosigners(
    client, django_assert_max_num_queries, clerk, cosigning, count
):
    for number in range(count):
        PaperEvent.objects.create(
            paper=cosigning,
            action=PaperEvent.Action.COSIGNED,
            from_state="cosigning",
            to_state="cosigning",
            actor=clerk,
        )
        head = UserFactory(username=f"extrahead{number}")
        Cosignature.objects.create(paper=cosigning, signer=head)
    client.force_login(clerk)

    with django_assert_max_num_queries(18):
        response = client.get(detail_url(cosigning))

    assert len(response.context["events"]) == count + 2
    assert len(response.context["cosignatures"]) == count + 2


# --- the steps: who may open them -----------------------------------------------------


def test_unknown_step_is_404(client, clerk, draft):
    client.force_login(clerk)

    assert client.get(transition_url(draft, "publish")).status_code == 404
    assert client.post(transition_url(draft, "publish")).status_code == 404
    assert state_of(draft) == Paper.State.DRAFT


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_the_login(client, released, method):
    response = getattr(client, method)(transition_url(released, "withdraw"), {"comment": "Weg damit."})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert state_of(released) == Paper.State.RELEASED


@pytest.mark.parametrize("user_fixture", ["other_clerk", "member"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_draft_the_user_may_not_read_is_404(client, request, draft, user_fixture, method):
    login_as(client, request, user_fixture)

    response = getattr(client, method)(transition_url(draft, "withdraw"), {"comment": "Weg damit."})

    assert response.status_code == 404
    assert state_of(draft) == Paper.State.DRAFT
    assert action_count(draft, PaperEvent.Action.WITHDRAWN) == 0


def test_refused_step_shows_the_reason_and_no_form(client, other_head, released):
    client.force_login(other_head)

    response = client.get(transition_url(released, "withdraw"))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["refusal"] == [str(WITHDRAW_ROLE_ERROR) % {"unit": "Bereich Stadtentwicklung (5-11)"}]
    assert "<textarea" not in response.text


def test_step_in_the_wrong_state_shows_the_reason(client, clerk, cosigning):
    client.force_login(clerk)

    response = client.get(transition_url(cosigning, "submit"))

    expected = str(SUBMIT_STATE_ERROR) % {"state": Paper.State.COSIGNING.label}
    assert response.context["refusal"] == [expected]
    assert escape(expected) in response.text


# --- submit ---------------------------------------------------------------------------


def test_submit_form_offers_the_heads_and_preselects_the_units_own(
    client, clerk, head, finance_head, other_head, member, draft
):
    client.force_login(clerk)

    response = client.get(transition_url(draft, "submit"))

    form = response.context["form"]
    offered = set(form.fields["cosigners"].queryset)
    assert offered == {head, finance_head, other_head}
    assert clerk not in offered and member not in offered
    assert form.initial["cosigners"] == [head.pk]
    assert f'value="{head.pk}"' in response.text
    assert "Karl Kämmerer – Kämmerei (2-20)" in response.text


def test_resubmission_preselects_the_previous_cosigners(client, clerk, head, finance_head, cosigning):
    services.paper_return(paper=cosigning, by=head, comment="Bitte ergänzen.")
    client.force_login(clerk)

    response = client.get(transition_url(cosigning, "submit"))

    assert set(response.context["form"].initial["cosigners"]) == {head.pk, finance_head.pk}


def test_clerk_submits_a_draft(client, clerk, head, finance_head, draft):
    client.force_login(clerk)

    response = client.post(
        transition_url(draft, "submit"),
        {"cosigners": [head.pk, finance_head.pk], "comment": "Bitte mitzeichnen."},
        follow=True,
    )

    assert response.redirect_chain == [(detail_url(draft), 302)]
    assert state_of(draft) == Paper.State.COSIGNING
    assert set(Cosignature.objects.filter(paper=draft).values_list("signer__username", flat=True)) == {
        "head",
        "financehead",
    }
    event = PaperEvent.objects.get(paper=draft, action=PaperEvent.Action.SUBMITTED)
    assert (event.actor, event.from_state, event.to_state, event.comment) == (
        clerk,
        Paper.State.DRAFT,
        Paper.State.COSIGNING,
        "Bitte mitzeichnen.",
    )
    assert messages_in(response) == [f"KSD {draft.reference} was submitted for co-signing to Eva Head, Karl Kämmerer."]


def test_submit_without_cosigners_is_refused_and_keeps_the_comment(client, clerk, draft):
    from resolutions.services import NO_COSIGNERS_ERROR

    client.force_login(clerk)

    response = client.post(transition_url(draft, "submit"), {"comment": "Mein Hinweis an die Leitung."})

    assert response.status_code == 200
    assert response.context["form"].errors["cosigners"] == [str(NO_COSIGNERS_ERROR)]
    assert escape(str(NO_COSIGNERS_ERROR)) in response.text
    assert "Mein Hinweis an die Leitung.</textarea>" in response.text
    assert state_of(draft) == Paper.State.DRAFT
    assert action_count(draft, PaperEvent.Action.SUBMITTED) == 0


def test_submit_refused_by_the_workflow_keeps_the_chosen_cosigners(client, clerk, head, draft):
    Consultation.objects.filter(paper=draft).delete()
    client.force_login(clerk)

    response = client.post(transition_url(draft, "submit"), {"cosigners": [head.pk], "comment": "Eilt."})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(NO_STEPS_ERROR)]
    assert escape(str(NO_STEPS_ERROR)) in response.text
    assert f'value="{head.pk}"' in response.text
    assert "checked" in response.text.split(f'value="{head.pk}"')[1].split(">")[0]
    assert "Eilt.</textarea>" in response.text
    assert state_of(draft) == Paper.State.DRAFT


def test_submit_with_someone_who_is_not_a_head_is_a_form_error(client, clerk, member, draft):
    client.force_login(clerk)

    response = client.post(transition_url(draft, "submit"), {"cosigners": [member.pk]})

    assert response.status_code == 200
    assert "cosigners" in response.context["form"].errors
    assert state_of(draft) == Paper.State.DRAFT


def test_head_may_not_submit(client, head, finance_head, draft):
    client.force_login(head)

    response = client.post(transition_url(draft, "submit"), {"cosigners": [finance_head.pk]})

    expected = str(SUBMIT_ROLE_ERROR) % {"unit": "Bereich Stadtentwicklung (5-11)"}
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [expected]
    assert state_of(draft) == Paper.State.DRAFT


# --- co-sign --------------------------------------------------------------------------


def test_head_cosigns(client, head, cosigning):
    client.force_login(head)

    response = client.post(transition_url(cosigning, "cosign"), {"comment": ""}, follow=True)

    assert response.redirect_chain == [(detail_url(cosigning), 302)]
    assert Cosignature.objects.get(paper=cosigning, signer=head).signed_at is not None
    assert state_of(cosigning) == Paper.State.COSIGNING
    assert action_count(cosigning, PaperEvent.Action.COSIGNED) == 1
    assert messages_in(response) == [f"You co-signed KSD {cosigning.reference}."]


def test_only_a_named_cosigner_may_cosign(client, clerk, cosigning):
    client.force_login(clerk)

    get = client.get(transition_url(cosigning, "cosign"))
    post = client.post(transition_url(cosigning, "cosign"), {"comment": "Passt."})

    assert get.context["refusal"] == [str(COSIGN_ROLE_ERROR)]
    assert post.status_code == 200
    assert post.context["form"].non_field_errors() == [str(COSIGN_ROLE_ERROR)]
    assert "Passt.</textarea>" in post.text
    assert action_count(cosigning, PaperEvent.Action.COSIGNED) == 0
    assert not Cosignature.objects.filter(paper=cosigning, signed_at__isnull=False).exists()


def test_head_not_named_cannot_open_the_step(client, other_head, cosigning):
    client.force_login(other_head)

    assert client.post(transition_url(cosigning, "cosign")).status_code == 404
    assert action_count(cosigning, PaperEvent.Action.COSIGNED) == 0


# --- return ---------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["head", "finance_head", "office"])
def test_return_with_a_reason(client, request, cosigning, user_fixture):
    login_as(client, request, user_fixture)

    response = client.post(transition_url(cosigning, "return"), {"comment": "Kosten fehlen."}, follow=True)

    assert response.redirect_chain == [(detail_url(cosigning), 302)]
    assert state_of(cosigning) == Paper.State.DRAFT
    assert PaperEvent.objects.get(paper=cosigning, action=PaperEvent.Action.RETURNED).comment == "Kosten fehlen."
    assert messages_in(response) == [f"KSD {cosigning.reference} was returned to its clerk as a draft."]


@pytest.mark.parametrize("name", ["return", "withdraw"])
def test_return_and_withdraw_need_a_reason(client, head, cosigning, name):
    client.force_login(head)

    get = client.get(transition_url(cosigning, name))
    response = client.post(transition_url(cosigning, name), {"comment": "   "})

    assert get.context["form"].fields["comment"].widget.attrs["required"] is True
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == [str(COMMENT_REQUIRED_ERROR)]
    assert escape(str(COMMENT_REQUIRED_ERROR)) in response.text
    assert state_of(cosigning) == Paper.State.COSIGNING
    assert PaperEvent.objects.filter(paper=cosigning).count() == 2  # created, submitted


def test_return_by_someone_else_keeps_their_comment(client, clerk, cosigning):
    client.force_login(clerk)

    response = client.post(transition_url(cosigning, "return"), {"comment": "Mein langer Kommentar."})

    expected = str(RETURN_ROLE_ERROR) % {"unit": "Bereich Stadtentwicklung (5-11)"}
    assert response.context["form"].non_field_errors() == [expected]
    assert "Mein langer Kommentar.</textarea>" in response.text
    assert state_of(cosigning) == Paper.State.COSIGNING


# --- release --------------------------------------------------------------------------


def test_head_releases_a_cosigned_vorlage(client, head, cosigned):
    client.force_login(head)

    response = client.post(transition_url(cosigned, "release"), {"comment": ""}, follow=True)

    assert response.redirect_chain == [(detail_url(cosigned), 302)]
    released = Paper.objects.get(pk=cosigned.pk)
    assert released.state == Paper.State.RELEASED
    assert released.released_at is not None
    assert action_count(cosigned, PaperEvent.Action.RELEASED) == 1
    assert messages_in(response) == [
        f"KSD {cosigned.reference} was released; the council office can now put it on an agenda."
    ]


def test_clerk_may_not_release(client, clerk, cosigned):
    client.force_login(clerk)

    get = client.get(transition_url(cosigned, "release"))
    post = client.post(transition_url(cosigned, "release"), {"comment": ""})

    expected = str(RELEASE_ROLE_ERROR) % {"unit": "Bereich Stadtentwicklung (5-11)"}
    assert get.context["refusal"] == [expected]
    assert post.context["form"].non_field_errors() == [expected]
    assert state_of(cosigned) == Paper.State.COSIGNING


def test_release_waits_for_every_cosignature(client, head, cosigning):
    client.force_login(head)

    response = client.post(transition_url(cosigning, "release"), {"comment": ""})

    expected = str(COSIGNATURES_MISSING_ERROR) % {"missing": "Eva Head, Karl Kämmerer"}
    assert response.context["form"].non_field_errors() == [expected]
    assert state_of(cosigning) == Paper.State.COSIGNING
    assert action_count(cosigning, PaperEvent.Action.RELEASED) == 0


def test_release_page_lists_the_cosigners(client, head, cosigned):
    client.force_login(head)

    response = client.get(transition_url(cosigned, "release"))

    assert {c.signer.username for c in response.context["cosignatures"]} == {"head", "financehead"}
    assert "Karl Kämmerer" in response.text


# --- withdraw -------------------------------------------------------------------------


@pytest.mark.parametrize(("paper_fixture", "user_fixture"), [("draft", "clerk"), ("released", "office")])
def test_withdraw_with_a_reason(client, request, paper_fixture, user_fixture):
    paper = request.getfixturevalue(paper_fixture)
    login_as(client, request, user_fixture)

    response = client.post(transition_url(paper, "withdraw"), {"comment": "Nicht mehr nötig."}, follow=True)

    assert response.redirect_chain == [(detail_url(paper), 302)]
    assert state_of(paper) == Paper.State.WITHDRAWN
    assert PaperEvent.objects.get(paper=paper, action=PaperEvent.Action.WITHDRAWN).comment == "Nicht mehr nötig."
    assert messages_in(response) == [f"KSD {paper.reference} was withdrawn."]


def test_member_may_not_withdraw_a_released_vorlage(client, member, released):
    client.force_login(member)

    response = client.post(transition_url(released, "withdraw"), {"comment": "Weg damit."})

    expected = str(WITHDRAW_ROLE_ERROR) % {"unit": "Bereich Stadtentwicklung (5-11)"}
    assert response.context["form"].non_field_errors() == [expected]
    assert state_of(released) == Paper.State.RELEASED


def test_decided_vorlage_cannot_be_withdrawn(client, clerk, decided):
    client.force_login(clerk)

    response = client.post(transition_url(decided, "withdraw"), {"comment": "Zu spät."})

    assert response.context["form"].non_field_errors()
    assert state_of(decided) == Paper.State.DECIDED


# --- Meine Entwürfe -------------------------------------------------------------------


def test_my_drafts_needs_a_login(client, db):
    response = client.get(drafts_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_clerk_sees_the_drafts_of_the_unit(client, clerk, draft, body, unit, steps):
    second = services.paper_draft_create(
        by=clerk, body=body, under_direction_of=unit, name="Zweite Vorlage", date=draft.date, steps=steps
    )
    Paper.objects.filter(pk=second.pk).update(state=Paper.State.COSIGNING)
    released = ReleasedPaperFactory(body=body, under_direction_of=unit, reference="20139999", name="Freigegeben")
    client.force_login(clerk)

    response = client.get(drafts_url())

    assert {paper.pk for paper in response.context["unit_papers"]} == {draft.pk, second.pk}
    assert released.name not in response.text
    assert response.context["has_units"] is True
    assert reverse("resolutions:paper_create") in response.text


def test_returned_draft_is_marked_with_the_reason(client, clerk, head, cosigning):
    services.paper_return(paper=cosigning, by=head, comment="Bitte Kosten ergänzen.")
    client.force_login(clerk)

    response = client.get(drafts_url())

    [paper] = response.context["unit_papers"]
    assert paper.last_action == PaperEvent.Action.RETURNED
    assert 'class="d-block small text-danger-emphasis returned-note"' in response.text
    assert "Bitte Kosten ergänzen." in response.text


def test_clerk_of_another_unit_does_not_see_the_draft(client, other_clerk, draft):
    client.force_login(other_clerk)

    response = client.get(drafts_url())

    assert list(response.context["unit_papers"]) == []
    assert draft.name not in response.text
    assert response.context["has_units"] is True


def test_head_sees_what_awaits_the_signature(client, head, finance_head, cosigning):
    client.force_login(finance_head)
    waiting = client.get(drafts_url())
    services.paper_cosign(paper=cosigning, by=finance_head)
    signed = client.get(drafts_url())

    assert [paper.pk for paper in waiting.context["awaiting_cosignature"]] == [cosigning.pk]
    assert transition_url(cosigning, "cosign") in waiting.text
    assert list(waiting.context["unit_papers"]) == []  # the Kämmerei is not the paper's unit
    assert list(signed.context["awaiting_cosignature"]) == []


def test_head_of_the_unit_sees_the_signature_count(client, head, cosigning):
    services.paper_cosign(paper=cosigning, by=head)
    client.force_login(head)

    response = client.get(drafts_url())

    [paper] = response.context["unit_papers"]
    assert (paper.cosigners_signed, paper.cosigners_total) == (1, 2)
    assert "1 of 2 signed" in response.text
    assert reverse("resolutions:paper_create") not in response.text  # heads do not draft


@pytest.mark.parametrize("user_fixture", ["member", "office"])
def test_users_without_a_unit_see_an_empty_state(client, request, draft, user_fixture):
    login_as(client, request, user_fixture)

    response = client.get(drafts_url())

    assert response.status_code == 200
    assert response.context["has_units"] is False
    assert list(response.context["unit_papers"]) == []
    assert 'class="empty-state"' in response.text
    assert draft.name not in response.text


# --- the version history --------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["anonymous", "other_clerk", "member"])
def test_history_of_a_draft_is_404_for_outsiders(client, request, draft, user_fixture):
    login_as(client, request, user_fixture)

    assert client.get(history_url(draft)).status_code == 404


def test_history_shows_an_edited_title_old_and_new(client, clerk, draft):
    services.paper_update(paper=draft, by=clerk, expected_version=draft.version, name="Beitritt zum Bündnis 2013")
    client.force_login(clerk)

    response = client.get(history_url(draft))

    assert response.status_code == 200
    [change] = [c for c in response.context["changes"] if c.field == "name"]
    assert change.old == draft.name
    assert change.new == "Beitritt zum Bündnis 2013"
    assert f'<span class="diff-old">{escape(draft.name)}</span>' in response.text
    assert '<span class="diff-new">Beitritt zum Bündnis 2013</span>' in response.text
    assert '<ins class="bg-success-subtle text-success-emphasis">2013</ins>' in response.text
    assert response.context["newer"].version == draft.version + 1
    assert response.context["older"].version == draft.version


def test_history_compares_the_versions_chosen(client, clerk, released):
    client.force_login(clerk)
    versions = list(released.history.order_by("history_date", "history_id"))

    response = client.get(history_url(released), {"a": versions[0].history_id, "b": versions[-1].history_id})

    changes = {change.field: change for change in response.context["changes"]}
    assert (changes["state"].old, changes["state"].new) == (Paper.State.DRAFT.label, Paper.State.RELEASED.label)
    assert "name" not in changes
    assert len(response.context["versions"]) == 5  # created, submitted, two co-signatures, released
    assert "Eva Clerk" in response.text  # insiders see who saved


def test_public_sees_only_the_versions_from_the_release_on(client, released):
    internal = released.history.order_by("history_date", "history_id").first()
    latest = released.history.order_by("-history_date", "-history_id").first()

    response = client.get(history_url(released))
    probing = client.get(history_url(released), {"a": internal.history_id, "b": latest.history_id})

    assert [v.history_id for v in response.context["versions"]] == [latest.history_id]
    assert response.context["changes"] == []
    assert "Eva Clerk" not in response.text
    assert probing.status_code == 200
    assert "a" in probing.context["form"].errors
    assert probing.context["changes"] == []


def test_non_public_versions_stay_with_those_who_may_read_them(client, member, released):
    paper = Paper.objects.get(pk=released.pk)
    paper.public = False
    paper.name = "Grundstück Flurstück 1234, Kaufpreis 1,2 Mio."
    paper.save()
    paper.public = True
    paper.name = "Grundstücksangelegenheit"
    paper.save()

    anonymous = client.get(history_url(paper))
    client.force_login(member)
    insider = client.get(history_url(paper))

    assert all(version.public for version in anonymous.context["versions"])
    assert "Kaufpreis" not in anonymous.text
    assert len(insider.context["versions"]) == len(anonymous.context["versions"]) + 1
    assert "Kaufpreis" in insider.text


def test_history_with_invalid_version_ids_is_a_form_error(client, clerk, draft):
    client.force_login(clerk)

    response = client.get(history_url(draft), {"a": "abc", "b": "999999"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"a", "b"}
    assert 'class="alert alert-danger"' in response.text


def test_history_escapes_the_texts(client, clerk, draft):
    services.paper_update(
        paper=draft, by=clerk, expected_version=draft.version, explanation="Neu <script>alert(1)</script>"
    )
    client.force_login(clerk)

    response = client.get(history_url(draft))

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("count", [5, 50])
def test_history_queries_do_not_grow_with_versions(client, django_assert_max_num_queries, clerk, draft, count):
    for number in range(count):
        draft.refresh_from_db()
        services.paper_update(paper=draft, by=clerk, expected_version=draft.version, name=f"Fassung {number}")
    client.force_login(clerk)

    with django_assert_max_num_queries(10):
        response = client.get(history_url(draft))

    assert len(response.context["versions"]) == count + 1


# --- the diff itself ------------------------------------------------------------------


def test_text_diff_marks_changed_words_only():
    html = text_diff("Der Stadtrat beschließt den Beitritt.", "Der Stadtrat beschließt heute den Beitritt.")

    assert html == (
        'Der Stadtrat beschließt <ins class="bg-success-subtle text-success-emphasis">heute </ins>den Beitritt.'
    )


def test_text_diff_marks_removed_lines_and_keeps_line_breaks():
    html = text_diff("Erstens\nZweitens\nDrittens", "Erstens\nDrittens")

    assert html == 'Erstens<br>\n<del class="bg-danger-subtle text-danger-emphasis">Zweitens<br>\n</del>Drittens'


def test_text_diff_escapes_markup_in_every_part():
    html = text_diff("a <b>", "a <i>")

    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;" in html and "&lt;i&gt;" in html


@pytest.mark.parametrize("transition", ["schedule", "unschedule", "defer", "advance", "decide"])
def test_moves_of_the_meeting_services_have_no_step_page(client, office, released, transition):
    client.force_login(office)

    response = client.get(reverse("resolutions:paper_transition", args=[released.reference, transition]))

    assert response.status_code == 404
