"""Background tasks of resolutions: taking the text for search out of uploaded files.

Like `council.tasks`: ids in, current rows read, idempotent. The upload request only runs
the cheap checks of `resolutions.filecheck`; the text is taken here, in a child process
bounded by the RATSBUCH_MAX_PAGES, RATSBUCH_MAX_STREAM_BYTES, RATSBUCH_EXTRACT_SECONDS and
RATSBUCH_EXTRACT_MEMORY_BYTES settings, so no upload holds a request or grows a worker.
"""

from django.apps import apps
from django_tasks import task


@task()
def checked_file_text(model_label: str, pk: int, sha512: str) -> str | None:
    """Take the text of an attachment or item document (by model label and id) and store it; its state."""
    from resolutions.services import checked_file_text_extract

    return checked_file_text_extract(model=apps.get_model(model_label), pk=pk, sha512=sha512)
