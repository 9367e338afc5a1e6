"""Following by e-mail: double opt-in, digest, unsubscribe; never a non-public item to the public."""

import datetime
import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from council import following
from council.following import (
    CONFIRM_DAYS,
    EXPIRED_TOKEN_ERROR,
    INVALID_ADDRESS_ERROR,
    INVALID_TOKEN_ERROR,
    UNKNOWN_TARGET_ERROR,
)
from council.models import Subscription
from tests.factories import (
    ConsultationFactory,
    DecisionFactory,
    ReleasedPaperFactory,
    SubscriptionFactory,
)
from tests.resolutions.conftest import messages_of
from tests.smtp import text_of

LONG_AGO = datetime.datetime(2013, 1, 1, 9, 0, tzinfo=datetime.UTC)


def _link(message, name: str) -> str:
    return re.search(rf"https?://\S+/folgen/{name}/\S+/", text_of(message)).group(0)


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def _request(committee, django_capture_on_commit_callbacks, email="buerger@example.org", **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return following.subscription_request(email=email, target="organization", organization=committee, **kwargs)


def _released(committee, *, public=True, name="Quartiersmanagement West"):
    paper = ReleasedPaperFactory(body=committee.body, public=public, name=name, released_at=timezone.now())
    ConsultationFactory(paper=paper, organization=committee)
    return paper


# --- double opt-in ----------------------------------------------------------------------
def test_following_mails_a_confirmation_link_and_stores_only_the_address(
    committee, smtp_server, django_capture_on_commit_callbacks
):
    subscription = _request(committee, django_capture_on_commit_callbacks, email=" Buerger@Example.org ")

    assert (subscription.email, subscription.confirmed_at, subscription.user) == ("buerger@example.org", None, None)
    [message] = smtp_server.messages
    assert str(message["To"]) == "buerger@example.org"
    assert committee.name in str(message["Subject"])
    assert "/folgen/bestaetigen/" in text_of(message)


def test_the_link_confirms_once_and_a_second_time_says_so(committee, smtp_server, django_capture_on_commit_callbacks):
    _request(committee, django_capture_on_commit_callbacks)
    token = _token(_link(smtp_server.messages[0], "bestaetigen"))

    subscription, now = following.subscription_confirm(token=token)
    again, now_again = following.subscription_confirm(token=token)

    assert now is True and subscription.confirmed_at is not None
    assert now_again is False and again.confirmed_at == subscription.confirmed_at


def test_an_expired_confirmation_link_is_refused(
    committee, smtp_server, django_capture_on_commit_callbacks, monkeypatch
):
    _request(committee, django_capture_on_commit_callbacks)
    token = _token(_link(smtp_server.messages[0], "bestaetigen"))
    later = timezone.now().timestamp() + (CONFIRM_DAYS + 1) * 86400
    monkeypatch.setattr(signing.time, "time", lambda: later)

    with pytest.raises(ValidationError) as excinfo:
        following.subscription_confirm(token=token)
    assert messages_of(excinfo.value) == [EXPIRED_TOKEN_ERROR]
    assert Subscription.objects.get().confirmed_at is None


def test_a_forged_token_is_refused(committee):
    with pytest.raises(ValidationError) as excinfo:
        following.subscription_confirm(token="eyJzIjoxfQ:forged:signature")
    assert messages_of(excinfo.value) == [INVALID_TOKEN_ERROR]


def test_a_token_of_a_deleted_subscription_does_not_confirm_a_newer_one(committee, body):
    old = SubscriptionFactory(organization=committee, email="alt@example.org", confirmed_at=None)
    token = following.confirm_token(old)
    old.delete()
    SubscriptionFactory(pk=old.pk, organization=committee, email="neu@example.org", confirmed_at=None)

    with pytest.raises(ValidationError):
        following.subscription_confirm(token=token)


@pytest.mark.parametrize("address", ["", "kein-at-zeichen", "a@b", "zwei@@example.org"])
def test_a_wrong_address_is_refused(committee, address):
    with pytest.raises(ValidationError) as excinfo:
        following.subscription_request(email=address, target="organization", organization=committee)
    assert messages_of(excinfo.value) == [INVALID_ADDRESS_ERROR]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("target", "key", "with_organization"),
    [("organization", "", False), ("paper", "", False), ("search", "", False), ("nonsense", "x", False)],
)
def test_nothing_to_follow_is_refused(committee, target, key, with_organization):
    with pytest.raises(ValidationError) as excinfo:
        following.subscription_request(
            email="a@example.org", target=target, key=key, organization=committee if with_organization else None
        )
    assert messages_of(excinfo.value) == [UNKNOWN_TARGET_ERROR]


def test_asking_twice_keeps_one_row_and_mails_the_link_again(
    committee, smtp_server, django_capture_on_commit_callbacks
):
    _request(committee, django_capture_on_commit_callbacks)
    _request(committee, django_capture_on_commit_callbacks)

    assert Subscription.objects.count() == 1
    assert len(smtp_server.messages) == 2


def test_a_logged_in_user_follows_with_their_own_visibility_only_at_their_own_address(
    committee, member, django_capture_on_commit_callbacks
):
    member.email = "member@example.org"
    member.save()

    own = _request(committee, django_capture_on_commit_callbacks, email="member@example.org", user=member)
    other = _request(committee, django_capture_on_commit_callbacks, email="freund@example.org", user=member)

    assert (own.user, other.user) == (member, None)


def test_unconfirmed_addresses_are_deleted_after_the_confirmation_period(committee):
    stale = SubscriptionFactory(organization=committee, confirmed_at=None)
    Subscription.objects.filter(pk=stale.pk).update(created=timezone.now() - datetime.timedelta(days=CONFIRM_DAYS + 1))
    fresh = SubscriptionFactory(organization=committee, confirmed_at=None)

    following.digests_send()

    assert list(Subscription.objects.values_list("pk", flat=True)) == [fresh.pk]


# --- unsubscribe --------------------------------------------------------------------------
def test_unsubscribing_deletes_the_address(committee):
    subscription = SubscriptionFactory(organization=committee)

    assert following.subscription_delete(token=following.unsubscribe_token(subscription)) == [committee.name]
    assert not Subscription.objects.exists()
    with pytest.raises(ValidationError):
        following.subscription_delete(token=following.unsubscribe_token(subscription))


# --- the digest -------------------------------------------------------------------------
def test_the_digest_tells_a_follower_of_a_new_public_vorlage_once(committee, smtp_server):
    subscription = SubscriptionFactory(organization=committee, confirmed_at=LONG_AGO)
    paper = _released(committee)

    assert following.digests_send() == 1
    assert following.digests_send() == 0  # at most one a day

    [message] = smtp_server.messages
    assert paper.reference in text_of(message)
    unsubscribe = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert following.subscriptions_for_unsubscribe(token=_token(unsubscribe)) == [subscription]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"]


def test_no_news_no_digest(committee, smtp_server):
    SubscriptionFactory(organization=committee)
    ReleasedPaperFactory(body=committee.body)  # another organization's

    assert following.digests_send() == 0
    assert smtp_server.messages == []


def test_the_digest_reports_only_what_is_new_since_the_last(committee, smtp_server):
    subscription = SubscriptionFactory(organization=committee)
    old = _released(committee, name="Alt")
    Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=timezone.now() - datetime.timedelta(days=1))
    old.released_at = timezone.now() - datetime.timedelta(days=2)
    old.save()
    new = _released(committee, name="Neu")

    following.digests_send()

    text = text_of(smtp_server.messages[0])
    assert new.reference in text and old.reference not in text


def test_a_public_follower_never_gets_a_non_public_vorlage_or_decision(committee, smtp_server):
    SubscriptionFactory(organization=committee, email="public@example.org")
    secret = _released(committee, public=False, name="Grundstücksgeschäft Geheim")

    assert following.digests_send() == 0
    assert smtp_server.messages == []
    assert secret.reference


def test_a_member_gets_the_non_public_vorlagen_of_their_own_organization(committee, member, smtp_server):
    member.email = "member@example.org"
    member.save()
    SubscriptionFactory(organization=committee, email="member@example.org", user=member)
    SubscriptionFactory(organization=committee, email="public@example.org")
    secret = _released(committee, public=False, name="Grundstücksgeschäft Geheim")
    public = _released(committee, name="Spielplatz")

    following.digests_send()

    assert secret.reference in text_of(smtp_server.to("member@example.org")[0])
    public_text = text_of(smtp_server.to("public@example.org")[0])
    assert public.reference in public_text
    assert secret.reference not in public_text and "Geheim" not in public_text


def test_a_follower_of_a_vorlage_hears_of_its_decision(committee, smtp_server):
    paper = ReleasedPaperFactory(body=committee.body, public=True)
    consultation = ConsultationFactory(paper=paper, organization=committee)
    SubscriptionFactory(target="paper", key=paper.reference, organization=None)
    DecisionFactory(consultation=consultation)

    following.digests_send()

    assert "beschlossen" in text_of(smtp_server.messages[0]).lower()


def test_a_follower_of_a_search_gets_public_hits_only(committee, smtp_server):
    SubscriptionFactory(target="search", key="Quartier", organization=None, email="suche@example.org")
    public = _released(committee, name="Quartier Nord")
    secret = _released(committee, public=False, name="Quartier Süd")

    following.digests_send()

    text = text_of(smtp_server.messages[0])
    assert public.reference in text and secret.reference not in text


def test_a_hidden_vorlage_cannot_be_followed_by_the_public(committee):
    secret = _released(committee, public=False)
    draft = ReleasedPaperFactory(body=committee.body, released_at=None)

    for paper in (secret, draft):
        with pytest.raises(ValidationError) as excinfo:
            following.subscription_request(email="a@example.org", target="paper", key=paper.reference)
        assert messages_of(excinfo.value) == [UNKNOWN_TARGET_ERROR]
    assert not Subscription.objects.exists()


def test_a_member_may_follow_a_non_public_vorlage_of_their_organization(committee, member):
    member.email = "member@example.org"
    member.save()
    secret = _released(committee, public=False)

    subscription = following.subscription_request(
        email="member@example.org", target="paper", key=secret.reference, user=member
    )

    assert subscription.user == member
