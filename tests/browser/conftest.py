"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.db import connections

from tests.otp import pass_second_factor

CHROMIUM = os.environ.get("RATSBUCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous, which Django must be told is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; `make test` installs Debian's chromium package.")
        pytest.skip(f"Chromium is missing at {CHROMIUM}; run `make test` to install it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
        # While Playwright runs, its event loop counts as running in this thread, so Django keeps
        # this thread's connections in separate (context variable) storage. Close them before
        # Playwright stops: afterwards Django no longer sees them, and the open session would keep
        # the test database from being dropped.
        connections.close_all()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a page in a browser context of its own (one per person), logged in if a demo user is named."""
    contexts = []

    def _open(username: str | None = None, *, password: str = "ratsbuch-demo"):
        context = chromium.new_context(
            base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.locator("form#login-form [type=submit]").first.click()
            page.wait_for_load_state()
            pass_second_factor(page, username)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def demo(transactional_db):
    """The demo data of `load_demo`, in the live server's database."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def login(page):
    """Log a demo user in through the login form."""

    def _login(username: str, password: str = "ratsbuch-demo"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("form#login-form button[type=submit], form#login-form input[type=submit]").first.click()
        page.wait_for_load_state()
        pass_second_factor(page, username)

    return _login
