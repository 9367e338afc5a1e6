"""Who must log in with a second factor, how long a staff login lasts, and what a lock-out says.

The rules of logins in one place: office and admin accounts (the council office, superusers
and anyone who may enter the Django admin) need a confirmed TOTP device and a verified code
in their session before any page but the second-factor pages themselves; their sessions end
after `RATSBUCH_STAFF_SESSION_MINUTES` without a request. Failed logins are counted by
django-axes, which calls `client_ip` for the address and `lockout_response` for the page.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from council.roles import actor_for

# The session key of the time (seconds since the epoch) of a staff login's last request.
LAST_SEEN_SESSION_KEY = "ratsbuch_last_seen"
# The last request is written back at most this often, so that reading pages does not
# save the session on every request.
LAST_SEEN_WRITE_SECONDS = 30

SESSION_EXPIRED = gettext_noop("You were logged out after %(minutes)s minutes without activity. Please log in again.")


def is_staff_login(user) -> bool:
    """Whether `user` holds an office or admin account: the logins that need the stricter rules."""
    if not (user and user.is_authenticated):
        return False
    return user.is_staff or user.is_superuser or actor_for(user).is_office


def needs_second_factor(user) -> bool:
    """Whether `user` must show a second factor (TOTP) before using the site."""
    return settings.RATSBUCH_TWO_FACTOR and is_staff_login(user)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one the trusted reverse proxies put in X-Forwarded-For."""
    count = settings.RATSBUCH_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        # Each trusted proxy appends what it saw; what the client wrote itself stands further left.
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: in the site's layout, saying when to try again (status 429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    context = {
        "retry_at": retry_at,
        "lockout_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/lockout.html", context, status=429)


def _exempt(request) -> bool:
    """Whether the path may be reached before the second factor: its own pages, log-out, the language."""
    names = {"council:otp_verify", "council:otp_setup", "logout", "login", "set_language"}
    match = request.resolver_match
    if match is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.view_name in names


class SecondFactorMiddleware:
    """Send an office or admin login without a verified second factor to verify it, or to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if needs_second_factor(user) and not user.is_verified() and not _exempt(request):
            from django_otp import user_has_device

            target = "council:otp_verify" if user_has_device(user, confirmed=True) else "council:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def start_staff_session(sender, request, user, **kwargs) -> None:
    """Start the inactivity clock of a staff login when it logs in (saved with the login's session)."""
    if request is not None and hasattr(request, "session") and is_staff_login(user):
        request.session[LAST_SEEN_SESSION_KEY] = timezone.now().timestamp()


class StaffSessionTimeoutMiddleware:
    """End an office or admin session after `RATSBUCH_STAFF_SESSION_MINUTES` minutes without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if is_staff_login(user):
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            minutes = settings.RATSBUCH_STAFF_SESSION_MINUTES
            if last_seen is not None and now - last_seen > datetime.timedelta(minutes=minutes).total_seconds():
                logout(request)
                messages.info(request, _(SESSION_EXPIRED) % {"minutes": minutes})
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= LAST_SEEN_WRITE_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
        return self.get_response(request)
