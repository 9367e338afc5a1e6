"""The second factor of office and admin logins: TOTP devices of django-otp, set up and checked.

The one module that writes django-otp's devices (a module per outside concern, like `pdf.py`
for WeasyPrint); the rules of who needs one are in `council.security`.
"""

import base64

import django_otp
import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

TOKEN_INVALID = _("This code is not valid. Enter the six digits your authenticator app shows now.")
TOKEN_THROTTLED = _("Too many wrong codes. Wait a minute, then enter the code your app shows now.")
DEVICE_ALREADY_CONFIRMED = _("This account already has an authenticator app. Ask an administrator to remove it.")
DEVICE_NAME = "Authenticator"


def confirmed_device(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if there is one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, created with a new secret when there is none."""
    if confirmed_device(user) is not None:
        raise ValidationError(DEVICE_ALREADY_CONFIRMED)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _verified(device: TOTPDevice, token: str) -> TOTPDevice:
    """Check `token` against `device` under its row lock; a wrong code counts towards its throttling.

    The failure is raised only after the transaction, so that the count of wrong codes is kept.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _reason = locked.verify_is_allowed()
        ok = allowed and locked.verify_token(token.strip())
    if not allowed:
        raise ValidationError(TOKEN_THROTTLED)
    if not ok:
        raise ValidationError(TOKEN_INVALID)
    return locked


def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new device with its first code, drop the user's other unconfirmed ones, verify the session."""
    if device.confirmed or confirmed_device(device.user) is not None:
        raise ValidationError(DEVICE_ALREADY_CONFIRMED)
    locked = _verified(device, token)
    with transaction.atomic():
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=locked.user, confirmed=False).delete()
    django_otp.login(request, locked)
    return locked


def totp_verify(*, request, token: str) -> TOTPDevice:
    """Check a code against the logged-in user's device and mark the session as verified."""
    device = confirmed_device(request.user)
    if device is None:
        raise ValidationError(TOKEN_INVALID)
    locked = _verified(device, token)
    django_otp.login(request, locked)
    return locked


def device_secret(device: TOTPDevice) -> str:
    """The device's secret in Base32, the form authenticator apps take when typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def device_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no inline styles, so the CSP holds)."""
    title = str(_("QR code for the authenticator app"))
    return segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff", title=title)
