"""The crawler's side of HTTP: adapters that read a URL as `(status, headers, body)`, and header parsing.

`django_client_getter` adapts a Django test client, `requests_getter` a `requests` session;
either gives the `get` that `oparl.crawler.crawl` takes. `body` is the parsed JSON when the
response is JSON in UTF-8, else the raw bytes (`decode_body`).
"""

import codecs
import json
from collections.abc import Callable, Mapping
from typing import Any

Get = Callable[[str], tuple[int, Mapping[str, str], Any]]


def decode_body(headers: Mapping[str, str], content: bytes):
    """The parsed JSON of a response declared as JSON and encoded in UTF-8 without BOM, else the bytes."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        return content
    if content.startswith(codecs.BOM_UTF8):
        return content
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return content


def django_client_getter(client, **extra) -> Get:
    """Adapt a Django test client (absolute URLs are fine: the client uses their path and query)."""

    def get(url):
        response = client.get(url, **extra)
        headers = {name.lower(): value for name, value in response.headers.items()}
        # The test client closes the response itself (a streamed one once read to the end);
        # closing it again would fire request_finished and close the test's database connection.
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, headers, decode_body(headers, content)

    return get


def requests_getter(session, *, timeout=(10, 60)) -> Get:
    """Adapt a `requests` session; a connection error comes back as status 0."""
    import requests

    def get(url):
        try:
            response = session.get(url, timeout=timeout, allow_redirects=False)
        except requests.RequestException as exc:
            return 0, {}, str(exc).encode()
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status_code, headers, decode_body(headers, response.content)

    return get


def content_disposition(headers) -> tuple[str, dict]:
    """The type of a Content-Disposition header and its parameters ("" when absent)."""
    value = headers.get("content-disposition", "")
    if not value:
        return "", {}
    kind, *params = (part.strip() for part in value.split(";"))
    parsed = {}
    for param in params:
        name, _sep, param_value = param.partition("=")
        parsed[name.strip().lower()] = param_value.strip().strip('"')
    return kind.lower(), parsed
