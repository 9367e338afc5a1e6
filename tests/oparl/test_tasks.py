"""An import started from the admin as a background task: it imports over HTTP and writes the run as it goes."""

import re

import pytest
import responses
from django.core.exceptions import ValidationError
from django.utils import timezone

from council.models import Body
from oparl.importer.client import Response
from oparl.models import ImportRun
from oparl.services import ALREADY_RUNNING, STALE_AFTER, active_run, import_run_enqueue
from resolutions.models import Paper
from tests.oparl.test_importer import BASE, sample_server, url


def _serve(mock, server):
    """Answer every request under BASE from the in-memory server, over `responses`."""

    def answer(request):
        response: Response = server.get(request.url)
        return response.status_code, {"Content-Type": response.content_type}, response.content

    mock.add_callback(responses.GET, re.compile(re.escape(BASE) + ".*"), callback=answer)


@pytest.fixture
def endpoint():
    server = sample_server()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        _serve(mock, server)
        yield server


@pytest.mark.django_db
def test_the_task_imports_and_records_the_run(endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_enqueue(url=url(""))

    run.refresh_from_db()
    assert run.state == ImportRun.State.FINISHED
    assert run.finished_at is not None
    assert run.counts["Paper"]["created"] == Paper.objects.count() > 0
    assert run.progress["type"] == "File"
    assert run.progress["rate"] > 0
    assert run.heartbeat is not None
    assert Body.objects.filter(name="Stadt Beispielstadt").exists()


@pytest.mark.django_db
def test_a_second_run_from_the_admin_reads_only_what_changed(endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = import_run_enqueue(url=url(""))
    with django_capture_on_commit_callbacks(execute=True):
        second = import_run_enqueue(url=url(""))

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.state == ImportRun.State.FINISHED
    assert second.modified_since == first.started_at
    assert not second.counts.get("Paper", {}).get("created")


@pytest.mark.django_db
def test_a_failure_is_on_the_run(django_capture_on_commit_callbacks):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, url(""), status=404)
        # The task fails (its result records the error, the worker goes on).
        with django_capture_on_commit_callbacks(execute=True):
            import_run_enqueue(url=url(""))

    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert "HTTP 404" in run.error
    assert active_run() is None  # a failed run does not block the next start


@pytest.mark.django_db
def test_starting_twice_while_one_is_queued_is_refused():
    first = import_run_enqueue(url=url(""))  # the task waits for the commit, which never comes here

    with pytest.raises(ValidationError) as refused:
        import_run_enqueue(url="https://other.example.org/oparl/")

    assert refused.value.messages == [ALREADY_RUNNING % {"run": first.pk, "state": first.get_state_display()}]
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_run_that_stopped_reporting_no_longer_blocks():
    ImportRun.objects.create(
        system_url=url(""),
        started_at=timezone.now() - 2 * STALE_AFTER,
        state=ImportRun.State.RUNNING,
        heartbeat=timezone.now() - 2 * STALE_AFTER,
    )

    run = import_run_enqueue(url=url(""))

    assert run.state == ImportRun.State.QUEUED


@pytest.mark.django_db
def test_a_run_still_reporting_blocks():
    ImportRun.objects.create(
        system_url=url(""), started_at=timezone.now(), state=ImportRun.State.RUNNING, heartbeat=timezone.now()
    )

    with pytest.raises(ValidationError):
        import_run_enqueue(url=url(""))
