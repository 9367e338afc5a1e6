"""Following by e-mail: double opt-in, a daily digest, one-click unsubscribe (DSGVO).

Anyone, also without an account, may follow an organization, a Vorlage or a search. The
only personal datum kept is the address, in an unconfirmed `Subscription` until the link of
the confirmation mail is opened (double opt-in; unconfirmed rows are deleted after
`CONFIRM_DAYS`), and deleted when the subscriber unsubscribes. Links carry signed tokens
(`django.core.signing`): the confirmation link expires, the unsubscribe link does not, and
both name the address as well as the row, so a token never works for another subscriber.

The digest (`digests_send`, a daily task) collects what is new since the last one from the
sources of `settings.RATSBUCH_DIGEST_SOURCES` (resolutions names the Vorlagen and decisions),
each asked with the subscriber's user: a public subscriber (no user) only ever gets what the
public sees, a member's digest also the non-public items of their own organizations.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .mail import compose, site_url
from .models import Organization, Subscription
from .queries import installation_body

CONFIRM_DAYS = 7
CONFIRM_SALT = "ratsbuch.following.confirm"
UNSUBSCRIBE_SALT = "ratsbuch.following.unsubscribe"

INVALID_ADDRESS_ERROR = _("Enter a valid e-mail address, e.g. name@example.org.")
UNKNOWN_TARGET_ERROR = _("There is nothing by that name to follow.")
EXPIRED_TOKEN_ERROR = _(
    "This confirmation link has expired (it is valid for %(days)d days); follow again to get a new one."
)
INVALID_TOKEN_ERROR = _("This link is not valid, or the subscription no longer exists.")


@dataclass(frozen=True)
class DigestItem:
    """One piece of news in a digest."""

    title: str
    url: str
    moment: datetime.datetime
    kind: str = ""


# --- tokens ---------------------------------------------------------------------------
def confirm_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscription: Subscription) -> str:
    return site_url(reverse("council:follow_unsubscribe", kwargs={"token": unsubscribe_token(subscription)}))


def unsubscribe_all_url(email: str) -> str:
    """The link that ends every subscription of an address (the List-Unsubscribe of a digest)."""
    token = signing.dumps({"a": email}, salt=UNSUBSCRIBE_SALT)
    return site_url(reverse("council:follow_unsubscribe", kwargs={"token": token}))


def _subscription_from(token: str, *, salt: str, max_age: datetime.timedelta | None = None) -> Subscription:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(EXPIRED_TOKEN_ERROR, code="expired", params={"days": CONFIRM_DAYS}) from None
    except signing.BadSignature:
        raise ValidationError(INVALID_TOKEN_ERROR, code="invalid") from None
    subscription = Subscription.objects.filter(pk=payload.get("s"), email=payload.get("e")).first()
    if subscription is None:
        raise ValidationError(INVALID_TOKEN_ERROR, code="invalid")
    return subscription


# --- services -------------------------------------------------------------------------
@transaction.atomic
def subscription_request(
    *, email: str, target: str, organization: Organization | None = None, key: str = "", user=None
) -> Subscription:
    """Ask to follow something: keep the address unconfirmed and mail the confirmation link.

    Asking again for the same thing mails the link again (a lost mail); a confirmed
    subscription stays as it is and no mail goes out.
    """
    from .tasks import subscription_confirmation_mail

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ValidationError(INVALID_ADDRESS_ERROR, code="invalid")}) from None
    key = (key or "").strip()
    if target not in Subscription.Target.values or (target == Subscription.Target.ORGANIZATION) != bool(organization):
        raise ValidationError(UNKNOWN_TARGET_ERROR, code="unknown_target")
    if target != Subscription.Target.ORGANIZATION and not key:
        raise ValidationError(UNKNOWN_TARGET_ERROR, code="unknown_target")
    # Only a Vorlage the follower may read can be followed: the mails must not even confirm
    # that a hidden one exists.
    if target == Subscription.Target.PAPER and not import_string(settings.RATSBUCH_FOLLOWABLE_PAPER)(key, user):
        raise ValidationError(UNKNOWN_TARGET_ERROR, code="unknown_target")
    lookup = {"email": email, "target": target}
    lookup.update({"organization": organization} if organization else {"key": key, "organization": None})
    subscription = Subscription.objects.filter(**lookup).first()
    if subscription is None:
        subscription = Subscription(**lookup)
        if organization is None:
            subscription.key = key
    # A user's digest shows what they may see; it goes only to their own address, never to one
    # they typed for somebody else (who gets what the public sees).
    if user is not None and user.is_authenticated and user.email and user.email.lower() == email:
        subscription.user = user
    subscription.full_clean()
    subscription.save()
    if subscription.confirmed_at is None:
        subscription_id = subscription.pk
        transaction.on_commit(lambda: subscription_confirmation_mail.enqueue(subscription_id))
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> tuple[Subscription, bool]:
    """Confirm an address by the link's token; return it and whether it was confirmed just now."""
    subscription = _subscription_from(token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    if subscription.confirmed_at is not None:
        return subscription, False
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    return subscription, True


def subscriptions_for_unsubscribe(*, token: str) -> list[Subscription]:
    """The subscriptions an unsubscribe link names (one, or all of an address); ValidationError if none."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(INVALID_TOKEN_ERROR, code="invalid") from None
    if "a" in payload:
        found = list(Subscription.objects.filter(email=payload["a"]).select_related("organization"))
    else:
        found = list(
            Subscription.objects.filter(pk=payload.get("s"), email=payload.get("e")).select_related("organization")
        )
    if not found:
        raise ValidationError(INVALID_TOKEN_ERROR, code="invalid")
    return found


@transaction.atomic
def subscription_delete(*, token: str) -> list[str]:
    """Unsubscribe: delete the subscriptions and with them the address; return what was followed."""
    subscriptions = subscriptions_for_unsubscribe(token=token)
    described = [subscription.describe() for subscription in subscriptions]
    Subscription.objects.filter(pk__in=[subscription.pk for subscription in subscriptions]).delete()
    return described


# --- mails ----------------------------------------------------------------------------
def confirmation_send(*, subscription_id: int) -> bool:
    """Mail the confirmation link; False when there is nothing to confirm (any more)."""
    subscription = Subscription.objects.select_related("organization").filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at is not None:
        return False
    confirm_url = site_url(reverse("council:follow_confirm", kwargs={"token": confirm_token(subscription)}))
    compose(
        to=subscription.email,
        template="follow_confirm",
        context={"subscription": subscription, "confirm_url": confirm_url, "days": CONFIRM_DAYS},
        body=installation_body(),
    ).send()
    return True


def digest_items(subscription: Subscription, since: datetime.datetime) -> list[DigestItem]:
    """What is new for a subscription since `since`, as its subscriber may see it."""
    user = subscription.user if subscription.user_id else AnonymousUser()
    items = []
    for path in settings.RATSBUCH_DIGEST_SOURCES:
        items += import_string(path)(subscription, since, user)
    return sorted(items, key=lambda item: item.moment)


def digests_send(now: datetime.datetime | None = None) -> int:
    """Mail each address one digest of its confirmed subscriptions with news; at most one a day.

    Also deletes the subscriptions never confirmed in time (their addresses must not stay).
    Returns how many digests went out.
    """
    now = now or timezone.now()
    Subscription.objects.filter(
        confirmed_at__isnull=True, created__lt=now - datetime.timedelta(days=CONFIRM_DAYS)
    ).delete()
    today = timezone.localdate(now)
    body = installation_body()
    sent = 0
    subscriptions = Subscription.objects.confirmed().select_related("organization", "user").order_by("email", "pk")
    for email, group in itertools.groupby(subscriptions, key=lambda s: s.email):
        group = list(group)
        if any(s.last_digest_at and timezone.localdate(s.last_digest_at) == today for s in group):
            continue
        sections = []
        for subscription in group:
            items = digest_items(subscription, subscription.last_digest_at or subscription.confirmed_at)
            if items:
                sections.append(
                    {"subscription": subscription, "items": items, "unsubscribe_url": unsubscribe_url(subscription)}
                )
        if not sections:
            continue
        compose(
            to=email,
            template="digest",
            context={"sections": sections, "today": today},
            body=body,
            unsubscribe_url=sections[0]["unsubscribe_url"] if len(sections) == 1 else unsubscribe_all_url(email),
        ).send()
        Subscription.objects.filter(pk__in=[s.pk for s in group]).update(last_digest_at=now)
        sent += 1
    return sent
