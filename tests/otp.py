"""The second factor in tests: a confirmed TOTP device for a user, and the code it shows now."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def test_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, created when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


test_device.__test__ = False  # a helper, not a test for pytest to collect


def current_token(device: TOTPDevice) -> str:
    """The code the device's app shows now; the device forgets its last used code so that it may be used again."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def verify_session(client, user) -> None:
    """Mark the test client's session as having passed the second factor with the user's device."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = test_device(user).persistent_id
    session.save()


def pass_second_factor(page, username: str) -> None:
    """Enter the code of the user's authenticator app when the login asks for it (office and admin).

    Set-up (no confirmed device yet) and verification ask the same way; the code is the one
    the device in the database shows now.
    """
    from django.contrib.auth import get_user_model

    from council.security import needs_second_factor

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not needs_second_factor(user):
        return
    form = page.locator("form#otp-form")
    form.wait_for()
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    page.fill("input[name=token]", current_token(device))
    form.locator("[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/zweiter-faktor/" not in url)
