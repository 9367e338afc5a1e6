"""Every named URL reverses to its path and resolves back to its view."""

import pytest
from django.urls import Resolver404, resolve, reverse

from council.views import accessibility
from council.views import home as council_views
from resolutions.views import drafting, workflow
from resolutions.views import reading as resolution_views


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("council:home", {}, "/", council_views.home),
        ("council:accessibility", {}, "/barrierefreiheit/", accessibility.statement),
        (
            "council:accessibility_feedback_list",
            {},
            "/barrierefreiheit/rueckmeldungen/",
            accessibility.feedback_list,
        ),
        ("council:easy_language", {}, "/leichte-sprache/", accessibility.easy_language),
        ("resolutions:paper_list", {}, "/vorlagen/", resolution_views.paper_list),
        ("resolutions:paper_detail", {"reference": "20135317"}, "/vorlagen/20135317/", resolution_views.paper_detail),
        (
            "resolutions:attachment_download",
            {"reference": "20135317", "pk": 7},
            "/vorlagen/20135317/anlagen/7/",
            resolution_views.attachment_download,
        ),
        ("resolutions:paper_create", {}, "/vorlagen/neu/", drafting.paper_create),
        (
            "resolutions:paper_update",
            {"reference": "20135317"},
            "/vorlagen/20135317/bearbeiten/",
            drafting.paper_update,
        ),
        (
            "resolutions:attachment_list",
            {"reference": "20135317"},
            "/vorlagen/20135317/anlagen/",
            drafting.attachment_list,
        ),
        (
            "resolutions:attachment_replace",
            {"reference": "20135317", "pk": 7},
            "/vorlagen/20135317/anlagen/7/ersetzen/",
            drafting.attachment_replace,
        ),
        (
            "resolutions:attachment_remove",
            {"reference": "20135317", "pk": 7},
            "/vorlagen/20135317/anlagen/7/entfernen/",
            drafting.attachment_remove,
        ),
        ("resolutions:paper_my_drafts", {}, "/vorlagen/entwuerfe/", workflow.my_drafts),
        (
            "resolutions:paper_transition",
            {"reference": "20135317", "transition": "release"},
            "/vorlagen/20135317/schritte/release/",
            workflow.paper_transition,
        ),
        (
            "resolutions:paper_history",
            {"reference": "20135317"},
            "/vorlagen/20135317/versionen/",
            workflow.paper_history,
        ),
    ],
)
def test_app_url_round_trip(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path
    match = resolve(path)
    assert match.view_name == name
    assert match.func == view
    assert match.kwargs == kwargs


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("login", "/accounts/login/"),
        ("logout", "/accounts/logout/"),
        ("set_language", "/i18n/setlang/"),
        ("admin:index", "/admin/"),
    ],
)
def test_framework_url_round_trip(name, path):
    assert reverse(name) == path
    assert resolve(path).view_name == name


@pytest.mark.parametrize("path", ["/vorlagen/-2013/", "/vorlagen/VO//2013/", "/vorlagen/VO/../2013/", "/vorlagen/a b/"])
def test_paper_path_refuses_what_is_no_reference(path):
    with pytest.raises(Resolver404):
        resolve(path)
