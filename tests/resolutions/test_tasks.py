"""Text for search is taken in the background, in a bounded child process, never in the request."""

import resource
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from council.search import search
from resolutions import services
from resolutions.models import Attachment, CheckedFile
from resolutions.tasks import checked_file_text
from tests.factories import pdf_bytes

TEXT = "Bündnis für Quartiersmanagementvereinbarungen"


@pytest.fixture(scope="module")
def text_pdf():
    from weasyprint import HTML

    return HTML(string=f"<h1>Beitritt</h1><p>{TEXT}</p>").write_pdf()


def _upload(draft, clerk, content: bytes, name: str = "beitritt.pdf") -> Attachment:
    return services.attachment_add(
        paper=draft, by=clerk, uploaded_file=SimpleUploadedFile(name, content), name="Anlage"
    )


def _uploaded_and_extracted(draft, clerk, content, capture) -> Attachment:
    with capture(execute=True) as callbacks:
        added = _upload(draft, clerk, content)
        # The request itself took no text: it only enqueues the task once the upload commits.
        assert (added.text, added.text_state) == ("", CheckedFile.TextState.PENDING)
    assert len(callbacks) == 1
    added.refresh_from_db()
    return added


def test_the_text_is_taken_after_commit_and_the_vorlage_is_found_by_it(
    draft, clerk, text_pdf, django_capture_on_commit_callbacks
):
    assert search("Quartiersmanagementvereinbarungen", user=clerk).total == 0
    added = _uploaded_and_extracted(draft, clerk, text_pdf, django_capture_on_commit_callbacks)
    assert added.text_state == CheckedFile.TextState.EXTRACTED
    assert TEXT in " ".join(added.text.split())
    assert [hit.object for hit in search("Quartiersmanagementvereinbarungen", user=clerk).hits] == [draft]


def test_nothing_is_enqueued_when_the_upload_rolls_back(draft, clerk, text_pdf, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        _upload(draft, clerk, text_pdf)
        raise RuntimeError("rolled back")
    assert callbacks == []


def test_a_content_stream_that_inflates_beyond_the_limit_is_kept_without_text(
    settings, draft, clerk, django_capture_on_commit_callbacks
):
    settings.RATSBUCH_MAX_STREAM_BYTES = 1024 * 1024
    # 20 MiB of page content, about 20 kB on disk: the cheap checks in the request never inflate it.
    stream = zlib.compress(b"BT /F1 12 Tf (x) Tj ET\n" * (20 * 1024 * 1024 // 23), 9)
    content = pdf_bytes(
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>",
        b"<</Length %d/Filter/FlateDecode>>\nstream\n%s\nendstream" % (len(stream), stream),
    )
    assert len(content) < 100_000
    added = _uploaded_and_extracted(draft, clerk, content, django_capture_on_commit_callbacks)
    assert (added.text, added.text_state) == ("", CheckedFile.TextState.LIMITED)
    assert added.text_missing_note == str(CheckedFile.TextState.LIMITED.label)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("RATSBUCH_EXTRACT_SECONDS", 0.001),  # the child cannot even start in that time
        ("RATSBUCH_EXTRACT_MEMORY_BYTES", 16 * 1024 * 1024),  # nor load pypdf in that much memory
    ],
)
def test_extraction_beyond_its_time_or_memory_keeps_the_file_without_text(
    settings, draft, clerk, text_pdf, django_capture_on_commit_callbacks, setting, value
):
    setattr(settings, setting, value)
    added = _uploaded_and_extracted(draft, clerk, text_pdf, django_capture_on_commit_callbacks)
    assert (added.text, added.text_state) == ("", CheckedFile.TextState.LIMITED)


def test_fifty_thousand_pages_neither_hold_the_request_nor_grow_the_worker(
    settings, draft, clerk, django_capture_on_commit_callbacks
):
    # Allowed through the page limit on purpose, to show where the work goes.
    pages = 50_000
    settings.RATSBUCH_MAX_PAGES = 100_000
    settings.RATSBUCH_EXTRACT_SECONDS = 5
    content = pdf_bytes(
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Count %d/Kids[%s]>>" % (pages, b" ".join([b"3 0 R"] * pages)),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
    )
    worker_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    added = _uploaded_and_extracted(draft, clerk, content, django_capture_on_commit_callbacks)
    # Every page was read (or the time ran out) in the child; the worker's peak memory stayed put.
    assert added.text_state in (CheckedFile.TextState.EXTRACTED, CheckedFile.TextState.LIMITED)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - worker_peak < 20 * 1024  # kB
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0


def test_the_task_is_idempotent_and_leaves_a_replaced_file_to_its_own_task(
    draft, clerk, text_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        added = _upload(draft, clerk, text_pdf)
    stale = checked_file_text.call("resolutions.Attachment", added.pk, "0" * 128)
    assert stale is None
    added.refresh_from_db()
    assert added.text_state == CheckedFile.TextState.PENDING
    assert checked_file_text.call("resolutions.Attachment", added.pk, added.sha512) == CheckedFile.TextState.EXTRACTED
    assert checked_file_text.call("resolutions.Attachment", added.pk, added.sha512) is None


def test_a_file_without_text_enqueues_nothing(draft, clerk, django_capture_on_commit_callbacks):
    from tests.resolutions.documents import image

    with django_capture_on_commit_callbacks() as callbacks:
        added = _upload(draft, clerk, image("PNG"), name="plan.png")
    assert callbacks == []
    assert added.text_state == CheckedFile.TextState.NONE
