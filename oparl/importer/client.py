"""Reading another system's OParl API: HTTP with retries, JSON objects, paged lists, file bytes.

Everything goes through one `get(url) -> Response` function. The default one is a
`requests.Session` whose adapter retries connection errors, 429 and 5xx responses with
exponential backoff (urllib3 `Retry`); tests and offline imports pass their own, e.g.
`getter_from_dict({url: json_object})`.
"""

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "Ratsbuch-OParl-Importer/1.0 (+https://schema.oparl.org/1.1/)"
# (connect, read) seconds; a slow list page of a large council system can take a while.
DEFAULT_TIMEOUT = (10, 120)
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 1.0
RETRY_STATUSES = (429, 500, 502, 503, 504)
# A JSON page or a document beyond this is refused rather than read into memory.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# A server whose `next` links run in a circle must not keep an import busy for ever.
MAX_PAGES = 100_000
# A body cut off while it is read (a read timeout after the headers, a reset connection) is read
# again this many times, with the same backoff: urllib3 retries only up to the headers.
STREAM_RETRIES = 3
# Control characters JSON does not allow raw inside a string (tab, newline and return are read
# as such); some servers send them unescaped.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FetchError(Exception):
    """A URL could not be read: unreachable, refused, not found, or not what OParl promises."""

    def __init__(self, url: str, reason: str, *, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Response:
    """The part of an HTTP response the importer reads."""

    status_code: int
    content: bytes
    content_type: str = "application/json"

    def json(self):
        return parse_json(self.content)[0]


def parse_json(content: bytes) -> tuple[object, str | None]:
    """The JSON value of `content`, and what had to be repaired to read it (None if nothing).

    Repaired only where the meaning is unambiguous: a byte-order mark, raw control characters
    inside strings (read as the characters they are: tabs and line breaks, others dropped), and
    text in Windows-1252 instead of UTF-8. Anything else raises ValueError.
    """
    repairs = []
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
        repairs.append("byte-order mark")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
        repairs.append("not UTF-8, read as Windows-1252")
    try:
        return json.loads(text), "; ".join(repairs) or None
    except json.JSONDecodeError:
        pass
    # strict=False accepts raw control characters inside strings; the invisible ones go first.
    cleaned = _CONTROL.sub(b"", text.encode("utf-8")).decode("utf-8")
    value = json.loads(cleaned, strict=False)
    repairs.append("unescaped control characters")
    return value, "; ".join(repairs)


Getter = Callable[[str], Response]


def build_session(*, retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF) -> requests.Session:
    """A session that retries what is worth retrying: connection errors, 429 and 5xx, with backoff."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        # After the last retry the last response is returned and reported, not raised as MaxRetryError.
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5"})
    return session


def session_getter(
    session: requests.Session | None = None, *, timeout=DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> Getter:
    """A `get` that reads a URL through a retrying session, refusing bodies beyond `max_bytes`."""
    session = session or build_session()
    retry = session.get_adapter("https://").max_retries
    backoff = getattr(retry, "backoff_factor", DEFAULT_BACKOFF)

    def read(url: str) -> Response:
        with session.get(url, timeout=timeout, stream=True) as response:
            chunks, size = [], 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(url, f"larger than {max_bytes} bytes", status=response.status_code)
                chunks.append(chunk)
            return Response(response.status_code, b"".join(chunks), response.headers.get("Content-Type", ""))

    def get(url: str) -> Response:
        for attempt in range(STREAM_RETRIES + 1):
            try:
                return read(url)
            except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
                if attempt == STREAM_RETRIES:
                    raise FetchError(url, f"not reachable ({error.__class__.__name__}: {error})") from error
                time.sleep(backoff * 2**attempt)
            except requests.RequestException as error:
                raise FetchError(url, f"not reachable ({error.__class__.__name__}: {error})") from error
        raise AssertionError("unreachable")

    return get


def getter_from_dict(pages: Mapping[str, object]) -> Getter:
    """A `get` serving from a dict: a value is a JSON object or list, bytes, a status code or a Response.

    A URL not in the dict answers 404. Used by the tests, and to import a saved crawl.
    """

    def get(url: str) -> Response:
        value = pages.get(url)
        if value is None:
            return Response(404, b'{"type": "https://schema.oparl.org/1.1/Error", "message": "Not Found"}')
        if isinstance(value, Response):
            return value
        if isinstance(value, int):
            return Response(value, b"")
        if isinstance(value, bytes):
            return Response(200, value, "application/octet-stream")
        return Response(200, json.dumps(value).encode())

    return get


def _following_page(url: str, total_pages: int | None) -> str | None:
    """The URL of the page after `url` (its `page` parameter plus one), if the list has one."""
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    page = query.get("page", "")
    if total_pages is None or not page.isdigit() or int(page) >= total_pages:
        return None
    return with_params(url, {"page": str(int(page) + 1)})


def with_params(url: str, params: Mapping[str, str]) -> str:
    """`url` with the query parameters added (replacing those of the same name)."""
    if not params:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key not in params]
    query.extend(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OParlClient:
    """Objects, lists and files of one OParl server, read through `get`."""

    def __init__(self, get: Getter | None = None):
        self._get = get or session_getter()
        # (url, what was repaired) for every answer read only after a repair; the run reports them.
        self.repairs: list[tuple[str, str]] = []
        # (url, reason) for every list page given up on while the rest of its list was read.
        self.skipped_pages: list[tuple[str, str]] = []

    def fetch(self, url: str) -> Response:
        response = self._get(url)
        if response.status_code != 200:
            raise FetchError(url, f"HTTP {response.status_code}", status=response.status_code)
        return response

    def get_json(self, url: str):
        response = self.fetch(url)
        try:
            value, repaired = parse_json(response.content)
        except (ValueError, UnicodeDecodeError) as error:
            raise FetchError(url, "not JSON") from error
        if repaired:
            self.repairs.append((url, repaired))
        return value

    def get_object(self, url: str) -> dict:
        """One OParl object; FetchError if it cannot be read or is no object."""
        data = self.get_json(url)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise FetchError(url, "not an OParl object (no id)")
        return data

    def iter_list(
        self, url: str, *, params: Mapping[str, str] | None = None, limit_pages: int | None = None
    ) -> Iterator[dict]:
        """The objects of an external list, page after page along `links.next`.

        The filter parameters go on the first page only: OParl has the server keep them in
        its `next` links. A page that fails raises FetchError after the objects before it.
        """
        next_url, seen, pages, last_page = with_params(url, params or {}), set(), 0, None
        while next_url and next_url not in seen and pages < min(limit_pages or MAX_PAGES, MAX_PAGES):
            seen.add(next_url)
            pages += 1
            try:
                page = self.get_json(next_url)
                if not isinstance(page, dict | list):
                    raise FetchError(next_url, "not an OParl list")
            except FetchError as error:
                # A page that keeps failing is passed over when the list numbers its pages and
                # says how many there are; otherwise the rest of the list cannot be found.
                following = _following_page(next_url, last_page)
                if pages == 1 or following is None:
                    raise
                self.skipped_pages.append((next_url, error.reason))
                next_url = following
                continue
            if isinstance(page, list):  # some servers answer a bare array instead of a list page
                yield from (item for item in page if isinstance(item, dict))
                return
            yield from (item for item in page.get("data") or [] if isinstance(item, dict))
            links = page.get("links") or {}
            # OParl 1.0 drafts put `next` beside `data`; 1.0 and 1.1 in `links`.
            next_url = links.get("next") if isinstance(links, dict) else None
            next_url = next_url or (page.get("next") if isinstance(page.get("next"), str) else None)
            pagination = page.get("pagination")
            total = pagination.get("totalPages") if isinstance(pagination, dict) else None
            last_page = total if isinstance(total, int) and not isinstance(total, bool) else None

    def get_bytes(self, url: str) -> bytes:
        return self.fetch(url).content
