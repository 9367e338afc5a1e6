"""Fixtures shared by all tests: a temporary MEDIA_ROOT and users for every role."""

import pytest
from django.http import HttpRequest
from django.test import Client

from council.roles import Role
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Keep uploaded and generated files of a test out of the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start each test with an empty cache: a page cached by one test is no other test's business."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; PBKDF2 would spend most of a second on every test user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _second_factor_in_test_logins(monkeypatch):
    """Let `client.force_login` and `client.login` log office and admin users in with their second factor.

    Office and admin accounts need a verified TOTP device in the session (council.security);
    a test that logs one in means a finished login. `force_login(user, second_factor=False)`
    stops after the password, for the tests of the second factor itself. `client.login` hands
    django-axes the request it needs to count failures.
    """
    from council.security import needs_second_factor
    from tests.otp import verify_session

    force_login, login = Client.force_login, Client.login

    def _force_login(self, user, backend=None, *, second_factor=True):
        force_login(self, user, backend)
        if second_factor and needs_second_factor(user):
            verify_session(self, user)

    def _login(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        credentials.setdefault("request", request)
        if not login(self, **credentials):
            return False
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=self.session["_auth_user_id"])
        if needs_second_factor(user):
            verify_session(self, user)
        return True

    monkeypatch.setattr(Client, "force_login", _force_login)
    monkeypatch.setattr(Client, "login", _login)


@pytest.fixture
def body(db):
    return BodyFactory()


@pytest.fixture
def unit(body):
    """Bereich 5-11, the administrative unit the clerk and head work for."""
    return UnitFactory(body=body, name="Bereich Stadtentwicklung", short_name="5-11")


def _user_in(unit, username, roles):
    user = UserFactory(username=username, roles=roles)
    if unit is not None:
        person = PersonFactory(body=unit.body, user=user, family_name=username.capitalize())
        MembershipFactory(person=person, organization=unit, role="Mitarbeit")
    return user


@pytest.fixture
def clerk(unit):
    return _user_in(unit, "clerk", [Role.CLERK])


@pytest.fixture
def head(unit):
    return _user_in(unit, "head", [Role.HEAD])


@pytest.fixture
def office(body):
    return _user_in(None, "office", [Role.OFFICE])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def other_clerk(body):
    """A clerk of another unit of the same body."""
    return _user_in(UnitFactory(body=body, name="Bereich Tiefbau", short_name="4-12"), "otherclerk", [Role.CLERK])


@pytest.fixture
def committee(body):
    """Ausschuss für Soziales, the committee the member sits in."""
    from tests.factories import CommitteeFactory

    return CommitteeFactory(body=body, name="Ausschuss für Soziales und Integration", short_name="SozA")


@pytest.fixture
def member(committee):
    """A council member (Mandatsträger) sitting in `committee`, with no office role."""
    return _user_in(committee, "member", [])


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that receives every mail of the test (see tests/smtp.py)."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.RATSBUCH_TASK_RETRY_SECONDS = 0
    yield server
    server.stop()
