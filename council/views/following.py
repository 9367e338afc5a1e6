"""Following by e-mail: ask, confirm by the mailed link, unsubscribe with one click, manage.

Anyone may follow (no account needed); what a follower receives is decided when the digest
is written (`council.following`), never here. The unsubscribe link works without a login and
answers RFC 8058's one-click POST from mail programs (hence no CSRF token on that POST: the
signed token in the URL is the proof).

**Models:** :model:`council.Subscription`
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from council import following
from council.forms import FollowForm
from council.models import Subscription

FOLLOW_REQUESTED_MESSAGE = _(
    "Almost done: we have sent a link to %(email)s. Open it within %(days)d days to confirm that you want the mail."
)
FOLLOW_REFUSED_MESSAGE = _("Following did not work: %(reason)s")


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@require_POST
def follow(request):
    """Ask to follow an organization, a Vorlage or a search; the confirmation link goes by mail.

    **Response:** a redirect back to the page the form was on (``next``), with a message.
    """
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            following.subscription_request(**form.service_arguments(), user=request.user)
        except ValidationError as error:
            messages.error(request, FOLLOW_REFUSED_MESSAGE % {"reason": " ".join(error.messages)})
        else:
            params = {"email": form.cleaned_data["email"], "days": following.CONFIRM_DAYS}
            messages.success(request, FOLLOW_REQUESTED_MESSAGE % params)
    else:
        reasons = " ".join(message for errors in form.errors.values() for message in errors)
        messages.error(request, FOLLOW_REFUSED_MESSAGE % {"reason": reasons})
    return redirect(_back(request))


def follow_confirm(request, token):
    """Confirm a subscription by the link of the confirmation mail.

    **Template:** :template:`council/follow_result.html`

    **Context:** ``subscription`` (None when the link is bad), ``confirmed_now``, ``error``.
    Status 400 for an expired or invalid link.
    """
    try:
        subscription, confirmed_now = following.subscription_confirm(token=token)
    except ValidationError as error:
        context = {"subscription": None, "error": " ".join(error.messages), "kind": "confirm"}
        return render(request, "council/follow_result.html", context, status=400)
    context = {"subscription": subscription, "confirmed_now": confirmed_now, "kind": "confirm"}
    return render(request, "council/follow_result.html", context)


@csrf_exempt
def follow_unsubscribe(request, token):
    """Unsubscribe: GET asks with one button (link scanners must not unsubscribe), POST deletes.

    **Template:** :template:`council/follow_unsubscribe.html`

    **Context:** ``subscriptions`` (what the link would end), ``removed`` (after POST), ``error``.
    Status 400 for an invalid link or one whose subscription is gone.
    """
    try:
        if request.method == "POST":
            removed = following.subscription_delete(token=token)
            return render(request, "council/follow_unsubscribe.html", {"removed": removed})
        subscriptions = following.subscriptions_for_unsubscribe(token=token)
    except ValidationError as error:
        return render(request, "council/follow_unsubscribe.html", {"error": " ".join(error.messages)}, status=400)
    return render(request, "council/follow_unsubscribe.html", {"subscriptions": subscriptions, "token": token})


@login_required
def notifications(request):
    """The logged-in user's subscriptions (theirs, or to their address), each with its unsubscribe button.

    **Template:** :template:`council/notifications.html`

    **Context:** ``subscriptions``, each with ``unsubscribe_token``.
    """
    mine = Q(user=request.user)
    if request.user.email:
        mine |= Q(email=request.user.email.lower())
    subscriptions = list(Subscription.objects.filter(mine).select_related("organization").order_by("target", "pk"))
    for subscription in subscriptions:
        subscription.unsubscribe_token = following.unsubscribe_token(subscription)
    return render(request, "council/notifications.html", {"subscriptions": subscriptions})
