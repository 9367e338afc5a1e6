"""How a stored file (an attachment, an item's document) is sent: safely, whatever it holds.

Every response names the type detected at upload (never the one a browser sent), forbids
sniffing another (`X-Content-Type-Options: nosniff`), runs anything a browser might still
open in a sandbox without scripts, forms or its origin (`Content-Security-Policy: sandbox`),
and is kept by no shared cache (a file can become non-public). Only a PDF that passed the
checks of `resolutions.filecheck` may be shown in the browser (`inline`); every other file
is a download (`attachment`).
"""

import unicodedata
from urllib.parse import quote

from django.http import FileResponse
from django.utils.cache import patch_cache_control

from resolutions.attachments import PDF
from resolutions.models import CheckedFile

# No scripts, no forms, no plugins, no top navigation, an opaque origin: the strictest
# policy there is, and a PDF viewer still shows the pages.
SANDBOX_POLICY = "sandbox"


def content_disposition(disposition: str, file_name: str) -> str:
    """`inline` or `attachment` with the file name: an ASCII `filename` and, if needed, RFC 5987 `filename*`."""
    fallback = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(char for char in fallback if char.isprintable() and char not in '"\\') or "download"
    header = f'{disposition}; filename="{fallback}"'
    if fallback != file_name:
        header += f"; filename*=UTF-8''{quote(file_name, safe='')}"
    return header


def may_show_inline(stored: CheckedFile) -> bool:
    """Whether the browser may show the file itself: a PDF whose content passed the checks."""
    return stored.checked and stored.mime_type == PDF


def checked_file_response(stored: CheckedFile, handle, *, inline: bool = False, access: bool = False) -> FileResponse:
    """The response that sends `stored` from the open `handle`.

    `inline` asks to show it in the browser, granted only by `may_show_inline`. `access`
    is OParl's accessUrl, which must not be an attachment: a file that may not be shown
    inline goes without a Content-Disposition there, the other headers guarding it as always.
    """
    response = FileResponse(handle, content_type=stored.mime_type)
    # FileResponse names the file inline after the stored (random) name by itself; we decide.
    response.headers.pop("Content-Disposition", None)
    if inline and may_show_inline(stored):
        response["Content-Disposition"] = content_disposition("inline", stored.file_name)
    elif not access:
        response["Content-Disposition"] = content_disposition("attachment", stored.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    patch_cache_control(response, private=True)
    return response
