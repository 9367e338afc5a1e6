"""The start page, logging in and out, and switching the language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import Meeting
from tests.factories import CommitteeFactory, LocationFactory, MeetingFactory, PaperFactory, ReleasedPaperFactory


@pytest.fixture
def upcoming_meeting(body, committee):
    return MeetingFactory(
        body=body,
        name="7. Sitzung des Ausschusses für Soziales",
        start=timezone.now() + datetime.timedelta(days=7),
        location=LocationFactory(body=body, description="Stadtratssaal"),
        organizations=[committee],
    )


def test_home_shows_upcoming_meeting_with_organization_and_location(client, upcoming_meeting, committee):
    response = client.get(reverse("council:home"))

    assert response.status_code == 200
    assert list(response.context["meetings"]) == [upcoming_meeting]
    assert "7. Sitzung des Ausschusses für Soziales" in response.text
    assert committee.name in response.text
    assert "Stadtratssaal" in response.text


def test_home_leaves_out_past_and_cancelled_meetings(client, body, upcoming_meeting):
    MeetingFactory(body=body, name="Vergangene Sitzung", start=timezone.now() - datetime.timedelta(days=3))
    MeetingFactory(
        body=body,
        name="Abgesagte Sitzung",
        start=timezone.now() + datetime.timedelta(days=3),
        state=Meeting.State.CANCELLED,
    )

    response = client.get(reverse("council:home"))

    assert list(response.context["meetings"]) == [upcoming_meeting]
    assert "Vergangene Sitzung" not in response.text
    assert "Abgesagte Sitzung" not in response.text


def test_home_shows_recent_released_paper_linked(client, body, unit):
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, name="Beitritt zum Bündnis")

    response = client.get(reverse("council:home"))

    assert list(response.context["papers"]) == [paper]
    assert f'href="{paper.get_absolute_url()}"' in response.text


def test_home_hides_drafts_and_non_public_papers_from_anonymous(client, body, unit):
    PaperFactory(body=body, under_direction_of=unit, name="Geheimer Entwurf")
    ReleasedPaperFactory(body=body, under_direction_of=unit, name="Nichtöffentliche Sache", public=False)

    response = client.get(reverse("council:home"))

    assert list(response.context["papers"]) == []
    assert "Geheimer Entwurf" not in response.text
    assert "Nichtöffentliche Sache" not in response.text


def test_home_does_not_list_a_clerks_draft_among_released_papers(client, clerk, body, unit):
    PaperFactory(body=body, under_direction_of=unit, name="Eigener Entwurf")
    client.force_login(clerk)

    response = client.get(reverse("council:home"))

    assert list(response.context["papers"]) == []


def test_home_without_data_shows_empty_states(client, db):
    response = client.get(reverse("council:home"))

    assert response.status_code == 200
    assert response.text.count('class="empty-state"') == 2


def test_home_header_names_the_body(client, body):
    response = client.get(reverse("council:home"))

    assert "Stadt Ludwigshafen am Rhein" in response.text
    assert "Ratsbuch" in response.text


def test_admin_link_only_for_staff(client, clerk, admin_user):
    admin_url = reverse("admin:index")
    client.force_login(clerk)
    as_clerk = client.get(reverse("council:home"))
    client.force_login(admin_user)
    as_admin = client.get(reverse("council:home"))

    assert f'href="{admin_url}"' not in as_clerk.text
    assert f'href="{admin_url}"' in as_admin.text


def test_login_page_renders_a_crispy_form(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
    assert "form-control" in response.text  # rendered through crispy's Bootstrap 5 pack


def test_logging_in_lands_on_the_desk_and_shows_a_logout_form(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "ratsbuch-test"})

    assert response.status_code == 302
    assert response["Location"] == reverse("resolutions:desk")
    home = client.get(reverse("council:home"))
    assert home.context["user"] == clerk
    assert f'action="{reverse("logout")}" method="post"' in home.text


def test_login_with_wrong_password_is_refused(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "falsch"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, clerk):
    client.force_login(clerk)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_language_switch_to_english_changes_labels(client, db):
    german = client.get(reverse("council:home"))

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("council:home")})
    english = client.get(reverse("council:home"))

    assert response.status_code == 302
    assert '<html lang="de">' in german.text
    assert ">Anmelden<" in german.text  # Django's own German catalogue translates "Log in"
    assert '<html lang="en">' in english.text
    assert ">Log in<" in english.text


@pytest.mark.parametrize("count", [5, 50])
def test_home_queries_do_not_grow_with_meetings_and_papers(client, django_assert_max_num_queries, body, unit, count):
    for index in range(count):
        MeetingFactory(
            body=body,
            start=timezone.now() + datetime.timedelta(days=index + 1),
            location=LocationFactory(body=body),
            organizations=[CommitteeFactory(body=body)],
        )
        ReleasedPaperFactory(body=body, under_direction_of=unit)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("council:home"))

    assert len(response.context["meetings"]) == 5
    assert len(response.context["papers"]) == min(count, 10)
