"""The import runs in the admin: who may start one, the form's bad input, the run's progress on its pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from council.roles import Role
from oparl.models import ImportRun
from oparl.services import ALREADY_RUNNING
from tests.factories import UserFactory

START = "admin:oparl_importrun_start"


def _staff(username, roles=()):
    return UserFactory(username=username, is_staff=True, roles=list(roles))


def _fake_task(monkeypatch) -> list:
    """Replace the import task by one that notes what it was given (the task itself: test_tasks.py)."""
    queued = []

    class FakeTask:
        @staticmethod
        def enqueue(*args):
            queued.append(args)

    monkeypatch.setattr("oparl.tasks.import_oparl_task", FakeTask)
    return queued


@pytest.fixture
def office_staff(db):
    return _staff("office-staff", [Role.OFFICE])


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(reverse(START))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_staff_outside_the_office_may_not_start(client):
    client.force_login(_staff("clerk-staff", [Role.CLERK]))

    assert client.get(reverse(START)).status_code == 403
    assert client.post(reverse(START), {"url": "https://ris.example.org/oparl/"}).status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_office_sees_the_form(client, office_staff):
    client.force_login(office_staff)

    response = client.get(reverse(START))

    assert response.status_code == 200
    assert b'name="url"' in response.content


@pytest.mark.django_db
def test_office_queues_a_run_and_lands_on_its_page(client, office_staff, monkeypatch):
    _fake_task(monkeypatch)
    client.force_login(office_staff)

    response = client.post(
        reverse(START), {"url": "https://ris.example.org/oparl/", "full": "on", "files": "on"}, follow=False
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:oparl_importrun_change", args=[run.pk])
    assert run.state == ImportRun.State.QUEUED


@pytest.mark.django_db(transaction=True)
def test_admin_may_start_and_the_task_is_queued_after_the_commit(client, admin_user, monkeypatch):
    queued = _fake_task(monkeypatch)
    client.force_login(admin_user)

    client.post(reverse(START), {"url": "https://ris.example.org/oparl/", "body": "09162000"})

    run = ImportRun.objects.get()
    assert queued == [(run.pk, {"body": "09162000", "full": False, "files": False})]


@pytest.mark.django_db
def test_a_bad_url_is_refused_with_the_input_kept(client, office_staff):
    client.force_login(office_staff)

    response = client.post(reverse(START), {"url": "not a url", "body": "09162000"})

    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert b'value="09162000"' in response.content
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_second_start_while_one_runs_is_refused_with_a_message(client, office_staff):
    running = ImportRun.objects.create(
        system_url="https://ris.example.org/oparl/",
        started_at=timezone.now(),
        state=ImportRun.State.RUNNING,
        heartbeat=timezone.now(),
    )
    client.force_login(office_staff)

    response = client.post(reverse(START), {"url": "https://ris.example.org/oparl/"})

    assert response.status_code == 200
    message = str(ALREADY_RUNNING % {"run": running.pk, "state": running.get_state_display()})
    assert message in response.context["form"].non_field_errors()
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_running_run_shows_its_progress_and_refreshes(admin_client):
    run = ImportRun.objects.create(
        system_url="https://ris.example.org/oparl/",
        started_at=timezone.now(),
        state=ImportRun.State.RUNNING,
        heartbeat=timezone.now(),
        progress={"type": "Paper", "done": 500, "total": 4000, "rate": 231.4, "left": 75},
        counts={"Paper": {"created": 500}},
    )

    page = admin_client.get(reverse("admin:oparl_importrun_change", args=[run.pk])).content.decode()
    listing = admin_client.get(reverse("admin:oparl_importrun_changelist")).content.decode()

    for content in (page, listing):
        assert "Paper 500" in content
        assert "231" in content
        assert 'http-equiv="refresh"' in content


@pytest.mark.django_db
def test_a_finished_run_does_not_refresh_and_a_failed_one_shows_why(admin_client):
    run = ImportRun.objects.create(
        system_url="https://ris.example.org/oparl/",
        started_at=timezone.now(),
        state=ImportRun.State.FAILED,
        error="https://ris.example.org/oparl/: HTTP 503",
    )

    page = admin_client.get(reverse("admin:oparl_importrun_change", args=[run.pk])).content.decode()

    assert "HTTP 503" in page
    assert 'http-equiv="refresh"' not in page


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
