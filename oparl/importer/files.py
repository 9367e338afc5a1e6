"""Writing Files: downloading the bytes, checking them, storing them as a Vorlage's attachments."""

import hashlib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.core.files.base import ContentFile
from django.utils.translation import gettext

from resolutions.attachments import PDF, detect_type, sanitize_file_name
from resolutions.models import Attachment, CheckedFile, Paper
from resolutions.services import checked_file_text_enqueue

from . import mapping, vocabularies
from .client import RETRY_STATUSES, FetchError
from .mapping import MappingError, ref_ids
from .records import Outcome

# The System name (and product) another Ratsbuch serves.
RATSBUCH = "Ratsbuch"
# Declared types of files we store but never serve as anything a browser would run.
# Files are downloaded this many at a time, in batches of FILE_BATCH_SIZE (the bytes of one batch
# are in memory together); a download that fails for a reason worth retrying is tried again.
DOWNLOAD_WORKERS = 4
FILE_BATCH_SIZE = 16
DOWNLOAD_RETRIES = 2
DOWNLOAD_BACKOFF = 1.0
ACTIVE_CONTENT = ("html", "javascript", "ecmascript", "svg", "xml", "x-sh", "x-msdownload", "x-executable")


def file_url(obj: dict) -> str:
    return mapping.text(obj, "downloadUrl", "accessUrl")


class FileWriters:
    """The part of the `Importer` that downloads and stores the files of Vorlagen."""

    downloads: dict

    def _download_ahead(self, batch: list[dict]) -> None:
        """Fetch the bytes of the files of `batch` that will be written, in parallel (a bounded pool)."""
        self.downloads = {}
        if not self.options.files:
            return
        wanted = []
        for obj in batch:
            if obj.get("deleted") is True or self._unchanged("File", obj["id"], obj):
                continue
            url = file_url(obj)
            if url and url not in wanted and self._file_paper(obj)[0] is not None:
                wanted.append(url)
        if not wanted:
            return
        with ThreadPoolExecutor(max_workers=min(DOWNLOAD_WORKERS, len(wanted))) as pool:
            self.downloads = dict(zip(wanted, pool.map(self._download, wanted), strict=True))

    def _download(self, url: str) -> bytes | FetchError:
        """The bytes at `url`, retried with backoff on timeouts, 429 and 5xx; the error if it keeps failing."""
        for attempt in range(DOWNLOAD_RETRIES + 1):
            try:
                return self.client.get_bytes(url)
            except FetchError as error:
                worth_retrying = error.status is None or error.status in RETRY_STATUSES
                if not worth_retrying or attempt == DOWNLOAD_RETRIES:
                    return error
                time.sleep(DOWNLOAD_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")

    def _bytes_of(self, url: str) -> bytes:
        content = self.downloads.pop(url, None) if getattr(self, "downloads", None) else None
        if content is None:
            content = self._download(url)
        if isinstance(content, FetchError):
            self.report.add_failed_file(url, content.reason)
            raise content
        return content

    def _file_paper(self, obj: dict) -> tuple[Paper | None, int | None]:
        """The Vorlage a file belongs to and its place among the attachments; None for a rendering of it."""
        placed = self.crawl.parent(obj["id"], "Paper")
        if placed is not None:
            paper_id, name, position = placed
            if name == "mainFile" and (self.source_is_ratsbuch or obj.get(f"{RATSBUCH.lower()}:rendered") is True):
                return None, None
            # The main file first, then the auxiliary files (position 1, 2, …); from another
            # Ratsbuch, whose main file is not imported, the auxiliary files alone.
            return self._resolve(paper_id, Paper), position if self.source_is_ratsbuch else position + 1
        for paper_id in ref_ids(obj.get("paper")):
            paper = self._resolve(paper_id, Paper)
            if paper is not None:
                return paper, 1
        return None, None

    def _file(self, obj: dict) -> Outcome:
        """A File of a Vorlage becomes an attachment, with its bytes downloaded and checked."""
        paper, order = self._file_paper(obj)
        if paper is None or not self.options.files:
            # Files of meetings and agenda items alone (invitations, minutes) have no place here,
            # nor has the Vorlage another Ratsbuch renders from the data.
            return Outcome.SKIPPED
        refs = self._refs(obj, "File")
        url = file_url(obj)
        if not url:
            raise MappingError(gettext("the file has neither downloadUrl nor accessUrl"))
        content = self._bytes_of(url)
        sha512 = hashlib.sha512(content).hexdigest()
        declared = mapping.text(obj, "sha512Checksum").lower()
        if declared and declared != sha512:
            raise MappingError(gettext("the downloaded bytes do not match sha512Checksum"))
        declared_sha1 = mapping.text(obj, "sha1Checksum").lower()
        if not declared and declared_sha1 and declared_sha1 != hashlib.sha1(content).hexdigest():  # noqa: S324
            raise MappingError(gettext("the downloaded bytes do not match sha1Checksum"))
        if not content:
            raise MappingError(gettext("the file is empty"))
        given_name = mapping.text(obj, "fileName", "name") or "anlage"
        upload = ContentFile(content, name=given_name)
        file_type = detect_type(upload)
        if file_type is not None:
            mime_type = file_type.mime_type
        else:
            # Real archives hold types our upload form refuses (.doc, .tif, …); they are stored and
            # offered for download as they are, but nothing a browser would run is declared as such.
            declared_type = mapping.text(obj, "mimeType").lower().split(";")[0].strip()
            safe = declared_type and "/" in declared_type and not any(a in declared_type for a in ACTIVE_CONTENT)
            mime_type = declared_type[:100] if safe else "application/octet-stream"
        file_name = sanitize_file_name(given_name, file_type=file_type)
        name = mapping.text(obj, "name", max_length=300) or file_name
        values = {
            "paper": paper,
            "attachment_type": vocabularies.attachment_type(name),
            "name": name,
            "public": True,
            "file_name": file_name[:200],
            "mime_type": mime_type,
            "size": len(content),
            "sha512": sha512,
            "order": order,
        }
        instance = self._resolve(obj["id"], Attachment)
        same_bytes = instance is not None and instance.sha512 == sha512
        values.update(_text_values(obj, mime_type, kept=instance if same_bytes else None))
        if not same_bytes:
            old = instance.file if instance is not None else None
            instance = instance or Attachment()
            instance.file = ContentFile(content, name=f"{uuid.uuid4().hex[:16]}-{file_name}")
            try:
                outcome = self._save("File", obj, Attachment, values, instance=instance, refs=refs)
            except BaseException:
                if instance.file.name and getattr(instance.file, "_committed", False):
                    instance.file.storage.delete(instance.file.name)
                raise
            if old is not None and old.name:
                self._delete_file_on_commit(old)
        else:
            outcome = self._save("File", obj, Attachment, values, instance=instance, refs=refs)
        # Reading a PDF's text takes a child process of about 0.2 s: half an import's time if done
        # here. The task queue takes it once the batch is committed, as it does for an upload.
        checked_file_text_enqueue(instance)
        return outcome


def _text_values(obj: dict, mime_type: str, *, kept: Attachment | None) -> dict:
    """The text for search: the source's own, else the text already taken of the same bytes, else to be taken."""
    text = mapping.text(obj, "text").replace("\x00", "")
    if text:
        return {"text": text, "text_state": CheckedFile.TextState.EXTRACTED}
    if kept is not None and kept.text_state != CheckedFile.TextState.PENDING:
        return {"text": kept.text, "text_state": kept.text_state}
    if mime_type == PDF:
        return {"text": "", "text_state": CheckedFile.TextState.PENDING}
    return {"text": "", "text_state": CheckedFile.TextState.NONE}
