"""A policy for every page: Content-Security-Policy without 'unsafe-inline', Permissions-Policy, check --deploy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

BASE_DIR = Path(settings.BASE_DIR)
# Values the URL patterns' arguments take in this test; unknown objects answer 404, which must
# carry the policy too.
SAMPLE_ARGUMENTS = {
    "kind": "papers",
    "reference": "20135317",
    "token": "x",
    "transition": "release",
    "slug": "x",
    "path": "x",
}


def named_urls():
    """Every named URL of the project (the Django admin by its index only), reversed with sample arguments."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                kwargs = {
                    name: 1 if isinstance(converter, IntConverter) else SAMPLE_ARGUMENTS.get(name, "x")
                    for name, converter in pattern.pattern.converters.items()
                }
                found.append(f"{namespace}{pattern.name}|{reverse(namespace + pattern.name, kwargs=kwargs)}")

    walk(get_resolver().url_patterns, "")
    return sorted(set(found)) + ["admin:index|/admin/"]


def assert_policy(response):
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, "no Content-Security-Policy header"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert directives["style-src"].startswith("'self'")
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response.headers.get("Permissions-Policy", "")


def test_the_walk_finds_the_pages():
    names = [entry.split("|")[0] for entry in named_urls()]
    assert len(names) > 60
    for name in ("council:home", "resolutions:paper_detail", "resolutions:agenda_edit", "council:otp_setup", "login"):
        assert name in names


@pytest.mark.parametrize("entry", named_urls())
def test_every_named_page_carries_the_policy(client, office, entry):
    _name, path = entry.split("|")
    assert_policy(client.get(path))
    client.force_login(office)
    assert_policy(client.get(path))


def test_the_seed_pages_with_content_carry_the_policy(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="office"))
    for path in ("/", "/vorlagen/20135317/", "/sitzungen/", "/sitzungen/kalender/", "/beschluesse/", "/aufgaben/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_policy(response)
        # Nothing inline that the policy would block: no style attributes, no script without src.
        assert not re.search(r"\sstyle=", response.text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", response.text), path


def test_no_template_served_as_a_page_has_inline_script_or_style():
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        relative = template.relative_to(BASE_DIR / "templates")
        if relative.parts[0] in {"pdf", "mail"}:  # rendered into PDFs and mail, never served as pages
            continue
        text = template.read_text()
        if re.search(r"\sstyle=|<style|\son[a-z]+=|javascript:", text) or re.search(r"<script(?![^>]*\bsrc=)", text):
            offenders.append(str(relative))
    assert offenders == []


def _env_example() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def test_check_deploy_is_clean_with_the_production_settings_of_env_example():
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "RATSBUCH_"))}
    environment.pop("DATABASE_URL", None)
    environment.update(_env_example())
    environment["DJANGO_SECRET_KEY"] = "deploy-check-" + "k7Qz-9xWv_2Lp4Rt8Ny3Hs6Bm1Jd5Fg0" * 2
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
