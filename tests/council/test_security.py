"""Logins that resist guessing: lock-out, second factor for office and admin, staff session timeout."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from council import two_factor
from council.security import SESSION_EXPIRED, client_ip
from tests.otp import current_token, test_device

LOGIN = "/accounts/login/"
DESK = "/aufgaben/"
VERIFY = "/konto/zweiter-faktor/"
SETUP = "/konto/zweiter-faktor/einrichten/"


def _fail(client, username, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address)


def _login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def clerk_password(clerk):
    clerk.set_password("a long passphrase 2026")
    clerk.save()
    return "a long passphrase 2026"


def test_the_urls_of_the_second_factor():
    assert reverse("council:otp_verify") == VERIFY
    assert reverse("council:otp_setup") == SETUP
    assert reverse("resolutions:desk") == DESK


# --- lock-out -----------------------------------------------------------------------------------


def test_an_account_is_locked_after_the_failure_limit_with_a_german_message_saying_when(
    client, settings, clerk, clerk_password
):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    with freeze_time("2026-03-02 09:00:00"):  # 10:00 in Berlin
        for _ in range(2):
            assert _fail(client, "clerk").status_code == 200
        locked = _fail(client, "clerk")
        assert locked.status_code == 429
        assert "registration/lockout.html" in [template.name for template in locked.templates]
        assert "base.html" in [template.name for template in locked.templates]
        assert "Bitte versuchen Sie es nach 10:15 Uhr erneut." in locked.text
        assert "15 Minuten" in locked.text
        # The right password does not help while the lock lasts, from another address either.
        again = _login(client, "clerk", clerk_password, address="10.9.9.9")
        assert again.status_code == 429
        assert "_auth_user_id" not in client.session
    with freeze_time("2026-03-02 09:16:00"):
        assert _login(client, "clerk", clerk_password, address="10.9.9.9").status_code == 302
        assert client.session["_auth_user_id"] == str(clerk.pk)


def test_an_address_is_locked_after_failures_for_different_accounts(client, settings, clerk, clerk_password):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("anna", "bert"):
        _fail(client, name, address="10.0.0.7")
    assert _fail(client, "carl", address="10.0.0.7").status_code == 429
    # Even the clerk's right password is refused from there; from elsewhere it works.
    assert _login(client, "clerk", clerk_password, address="10.0.0.7").status_code == 429
    assert _login(client, "clerk", clerk_password, address="10.0.0.8").status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_success(client, settings, clerk, clerk_password):
    settings.AXES_FAILURE_LIMIT = 3
    _fail(client, "clerk")
    _fail(client, "clerk")
    assert _login(client, "clerk", clerk_password).status_code == 302
    client.logout()
    _fail(client, "clerk")
    _fail(client, "clerk")
    assert _login(client, "clerk", clerk_password).status_code == 302


def test_the_lockout_page_speaks_english_when_asked(client, settings, clerk):
    settings.AXES_FAILURE_LIMIT = 1
    response = client.post(
        LOGIN, {"username": "clerk", "password": "x"}, REMOTE_ADDR="10.0.0.3", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Please try again after" in response.text


def test_the_client_address_is_read_behind_the_trusted_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="192.168.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.RATSBUCH_PROXY_COUNT = 0
    assert client_ip(request) == "192.168.0.2"
    settings.RATSBUCH_PROXY_COUNT = 1
    # The left entry is whatever the client wrote; the proxy's own entry is the last one.
    assert client_ip(request) == "203.0.113.9"


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["kurz", "123456789012345", "password1234"])
def test_weak_passwords_are_refused(clerk, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=clerk)


def test_a_long_passphrase_is_accepted(clerk):
    validate_password("Ratssaal im Rathaus 2026", user=clerk)


# --- the second factor -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "admin_user"])
def test_office_and_admin_without_a_device_are_sent_to_set_up_first(request, client, who):
    user = request.getfixturevalue(who)
    client.force_login(user, second_factor=False)
    for path in (DESK, "/", "/vorlagen/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(SETUP)


def test_office_with_a_device_is_asked_for_its_code(client, office):
    test_device(office)
    client.force_login(office, second_factor=False)
    response = client.get("/sitzungen/")
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fsitzungen%2F"
    # Set-up is not open to whoever knows only the password.
    assert client.get(SETUP).url.startswith(VERIFY)


@pytest.mark.parametrize("who", ["clerk", "head", "member"])
def test_other_roles_need_no_second_factor(request, client, who):
    client.force_login(request.getfixturevalue(who), second_factor=False)
    assert client.get(DESK).status_code == 200


def test_the_second_factor_can_be_switched_off(client, settings, office):
    settings.RATSBUCH_TWO_FACTOR = False
    client.force_login(office, second_factor=False)
    assert client.get(DESK).status_code == 200


def test_the_second_factor_pages_need_a_login(client):
    for path in (VERIFY, SETUP):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_logout_and_language_stay_reachable_before_the_second_factor(client, office):
    client.force_login(office, second_factor=False)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_set_up_shows_a_qr_code_and_the_secret_and_confirms_with_the_first_code(client, office):
    client.force_login(office, second_factor=False)
    page = client.get(f"{SETUP}?next=/sitzungen/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed
    assert "<svg" in page.text
    assert two_factor.device_secret(device) in page.text
    # A second visit keeps the same secret (the app may already hold it).
    client.get(SETUP)
    assert list(TOTPDevice.objects.filter(user=office)) == [device]

    wrong = client.post(SETUP, {"token": "000000", "next": "/sitzungen/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    with translation.override("en"):
        assert str(two_factor.TOKEN_INVALID) in wrong.text
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(SETUP, {"token": current_token(device), "next": "/sitzungen/"})
    assert response.status_code == 302
    assert response.url == "/sitzungen/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DESK).status_code == 200


def test_verify_accepts_the_current_code_only(client, office):
    device = test_device(office)
    client.force_login(office, second_factor=False)
    wrong = client.post(VERIFY, {"token": "12", "next": DESK}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    with translation.override("en"):
        assert str(two_factor.TOKEN_INVALID) in wrong.text
    assert client.get(DESK).status_code == 302
    client.post(VERIFY, {"token": current_token(device), "next": DESK})
    assert client.get(DESK).status_code == 200


def test_right_after_a_wrong_code_even_the_right_one_waits(client, office):
    from django_otp.oath import TOTP

    device = test_device(office)
    client.force_login(office, second_factor=False)
    with freeze_time("2026-03-02 09:00:00"):
        client.post(VERIFY, {"token": "000000"})
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        throttled = client.post(VERIFY, {"token": f"{token:06d}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert throttled.status_code == 200
    with translation.override("en"):
        assert str(two_factor.TOKEN_THROTTLED) in throttled.text
    assert client.get(DESK).status_code == 302


def test_a_wrong_code_counts_towards_the_throttling(client, office):
    device = test_device(office)
    client.force_login(office, second_factor=False)
    client.post(VERIFY, {"token": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_verify_refuses_an_outside_next(client, office):
    device = test_device(office)
    client.force_login(office, second_factor=False)
    response = client.post(VERIFY, {"token": current_token(device), "next": "https://evil.example/"})
    assert response.url == DESK


def test_the_demo_office_and_admin_share_the_known_secret(db, capsys):
    from django.core.management import call_command

    from council.demo import DEMO_OTP_SECRET

    call_command("load_demo", verbosity=0)
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    assert sorted(device.user.username for device in devices) == ["admin", "office"]
    assert {two_factor.device_secret(device) for device in devices} == {DEMO_OTP_SECRET}
    call_command("demo_otp")
    out = capsys.readouterr().out
    office_device = devices.get(user__username="office")
    assert f"office: {current_token(office_device)}" in out


# --- staff sessions end after inactivity ----------------------------------------------------------


def test_an_office_session_ends_after_the_idle_minutes(client, settings, office):
    settings.RATSBUCH_STAFF_SESSION_MINUTES = 30
    with freeze_time("2026-03-02 09:00:00") as clock:
        client.force_login(office)
        assert client.get(DESK).status_code == 200
        clock.tick(datetime.timedelta(minutes=20))
        assert client.get(DESK).status_code == 200
        clock.tick(datetime.timedelta(minutes=29))  # 49 minutes after the login, 29 after the last request
        assert client.get(DESK).status_code == 200
        clock.tick(datetime.timedelta(minutes=31))
        response = client.get(DESK, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next=%2Faufgaben%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
        with translation.override("en"):
            assert translation.gettext(SESSION_EXPIRED) % {"minutes": 30} in page.text


@pytest.mark.parametrize("who", ["clerk", "member"])
def test_other_sessions_do_not_end_after_the_staff_idle_time(request, client, settings, who):
    settings.RATSBUCH_STAFF_SESSION_MINUTES = 30
    with freeze_time("2026-03-02 09:00:00") as clock:
        client.force_login(request.getfixturevalue(who))
        clock.tick(datetime.timedelta(hours=3))
        assert client.get(DESK).status_code == 200
