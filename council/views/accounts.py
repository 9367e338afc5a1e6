"""The second step of an office or admin login: set up an authenticator app, then enter its code.

Who may: any logged-in user whose account needs a second factor (`council.security`); others
are sent on to where they were going, the anonymous to the login page. A user with a
confirmed device cannot set up another one here (someone who knows only the password must
not add their own app); an administrator removes a lost device in the Django admin.

**Models:** :model:`otp_totp.TOTPDevice`
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from council import two_factor
from council.security import needs_second_factor


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "resolutions:desk"


@never_cache
@login_required
def otp_verify(request):
    """Ask for the current code of the user's authenticator app.

    **Template:** :template:`registration/otp_verify.html`

    **Context:** ``form`` (the code), ``next`` (where the login goes on to).
    """
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_next(request))
    if two_factor.confirmed_device(request.user) is None:
        return redirect(f"{reverse('council:otp_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            return redirect(_next(request))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_value(request)})


@never_cache
@login_required
def otp_setup(request):
    """Set up the authenticator app of an office or admin account: a QR code, the secret as text, the first code.

    **Template:** :template:`registration/otp_setup.html`

    **Context:** ``form``, ``qr_svg`` (the QR code), ``secret`` (Base32), ``next``.
    """
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_next(request))
    try:
        device = two_factor.totp_device_start(user=request.user)
    except ValidationError:
        return redirect(f"{reverse('council:otp_verify')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            messages.success(request, _("Your authenticator app is set up. From now on, log in with its code."))
            return redirect(_next(request))
    context = {
        "form": form,
        # segno writes the SVG from the device's own address: no user input reaches it.
        "qr_svg": mark_safe(two_factor.device_qr_svg(device)),  # noqa: S308
        "secret": two_factor.device_secret(device),
        "next": _next_value(request),
    }
    return render(request, "registration/otp_setup.html", context)


def _next_value(request) -> str:
    target = _next(request)
    return "" if target == "resolutions:desk" else target
