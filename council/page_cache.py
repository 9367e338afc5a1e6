"""Whole pages for anonymous readers from Django's cache, under keys that name what they show.

A page is cached only for a reader who is nobody in particular: a GET without a query
string, without a session or messages cookie (so no login, no flash message), answered
200. Anything else is rendered as usual and never stored, so an insider's view cannot
reach the public. The key holds the audience ("public"), the language, the day (pages show
how late something is), the deployed templates and translations, and the object's version:
a tuple its caller reads cheaply from the database, built from the `modified` stamps and
counts of everything the page shows. The services that write bump `modified`, so each
write changes the version and the next request renders afresh; stale entries age out.

Every page carries a CSRF token (the language switch): it is stored as a placeholder and
each reader gets their own.
"""

import hashlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

CACHE_ALIAS = "default"
CSRF_PLACEHOLDER = "\x00ratsbuch-csrf-token\x00"
# Cookies that make a request somebody's: a session (a login, pending messages) or messages.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# How long an entry may stay; a new version replaces it long before for a page that changes.
TIMEOUT = 24 * 60 * 60


@cache
def release() -> str:
    """A digest of the templates and translations as deployed: a new release renders pages afresh."""
    digest = hashlib.sha256()
    for folder in (Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "locale"):
        for root, _dirs, files in sorted(os.walk(folder)):
            for name in sorted(files):
                stat = (Path(root) / name).stat()
                digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def is_cacheable(request: HttpRequest) -> bool:
    """Whether this request is an anonymous reader's plain GET, whose page everyone shares."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and not request.user.is_authenticated
    )


def page_key(name: str, version: tuple) -> str:
    parts = (name, "public", translation.get_language(), timezone.localdate().isoformat(), release(), *version)
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(
    request: HttpRequest, name: str, version: tuple | None, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """The page `render` gives, from the cache for an anonymous reader when `version` is known.

    `render` takes extra context: here the CSRF token to put into the page, so that the
    stored copy can carry a placeholder in its place.
    """
    if version is None or not is_cacheable(request):
        return render({})
    store = caches[CACHE_ALIAS]
    key = page_key(name, version)
    token = get_token(request)
    stored = store.get(key)
    if stored is not None:
        content_type, body = stored
        response = HttpResponse(body.replace(CSRF_PLACEHOLDER, token), content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = render({"csrf_token": token})
    if response.status_code == 200 and not response.streaming and not response.cookies:
        body = response.content.decode(response.charset)
        store.set(key, (response["Content-Type"], body.replace(token, CSRF_PLACEHOLDER)), TIMEOUT)
        response["X-Page-Cache"] = "miss"
    return response
