"""The API's URL scheme, which other helpers and clients rely on: each name reverses to its path and back."""

import pytest
from django.urls import resolve, reverse

from oparl import views


@pytest.mark.parametrize(
    ("name", "kwargs", "path", "view"),
    [
        ("oparl:system", {}, "/oparl/v1.1/", views.system),
        ("oparl:body_list", {}, "/oparl/v1.1/bodies/", views.body_list),
        ("oparl:body_objects", {"pk": 1, "kind": "papers"}, "/oparl/v1.1/body/1/papers/", views.body_objects),
        (
            "oparl:body_objects",
            {"pk": 1, "kind": "legislative-terms"},
            "/oparl/v1.1/body/1/legislative-terms/",
            views.body_objects,
        ),
        (
            "oparl:body_objects",
            {"pk": 1, "kind": "agenda-items"},
            "/oparl/v1.1/body/1/agenda-items/",
            views.body_objects,
        ),
        ("oparl:file_access", {"pk": 7}, "/oparl/v1.1/file/7/access/", views.file_access),
        ("oparl:file_download", {"pk": 7}, "/oparl/v1.1/file/7/download/", views.file_download),
        ("oparl:meeting_invitation", {"pk": 3}, "/oparl/v1.1/meeting/3/invitation/", views.invitation),
        (
            "oparl:meeting_results_protocol",
            {"pk": 3},
            "/oparl/v1.1/meeting/3/results-protocol/",
            views.results_protocol,
        ),
        ("oparl:paper_main_file", {"pk": 5}, "/oparl/v1.1/paper/5/main-file/", views.main_file),
        ("oparl:organization_meetings", {"pk": 2}, "/oparl/v1.1/organization/2/meetings/", views.organization_meetings),
    ],
)
def test_named_urls_round_trip(name, kwargs, path, view):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).func == view


@pytest.mark.parametrize(
    "kind",
    [
        "body",
        "legislativeterm",
        "organization",
        "person",
        "membership",
        "meeting",
        "agendaitem",
        "paper",
        "consultation",
        "file",
        "location",
    ],
)
def test_every_type_lives_at_type_slash_id(kind):
    assert reverse(f"oparl:{kind}", kwargs={"pk": 12}) == f"/oparl/v1.1/{kind}/12/"
    assert resolve(f"/oparl/v1.1/{kind}/12/").func == views.object_detail


def test_every_body_list_has_its_path():
    for kind in views.BODY_LIST_KINDS:
        assert resolve(f"/oparl/v1.1/body/1/{kind}/").kwargs == {"pk": 1, "kind": kind}
