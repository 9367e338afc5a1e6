"""Support for the crawler and schema tests.

`FakeEndpoint`: a small, correct OParl 1.1 endpoint as a dict of URL -> response, for crawler
tests without a server; tests break one thing in it and check that the crawler reports
exactly that. `crawl_ratsbuch`: crawl this project's own API through the Django test client.
"""

import copy
import hashlib
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings

from oparl.crawler import crawl, django_client_getter
from oparl.validation import type_url

SYSTEM_URL = "http://testserver/oparl/v1.1/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def crawl_ratsbuch(*, limit=None, **kwargs):
    """Crawl the API of this project from its System object through the test client, anonymously.

    With `limit`, the first page of every list is asked for with `?limit=` (the API keeps
    the parameter in its links.next), so that short lists span several pages too.
    """
    get = django_client_getter(Client(), HTTP_ACCEPT_LANGUAGE="en")
    if limit is not None:
        plain_get = get

        def get(url):
            parts = urlsplit(url)
            is_list = parts.path.endswith("s/") and "/oparl/v1.1/" in parts.path
            if is_list and not parts.query:
                url = f"{url}?limit={limit}"
            return plain_get(url)

    return crawl(SYSTEM_URL, get, **kwargs)


@contextmanager
def rolled_back_demo(django_db_blocker, media_root):
    """The demo data in a transaction rolled back afterwards, for module-scoped fixtures."""
    with (
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        from django.core.management import call_command

        call_command("load_demo", verbosity=0)
        try:
            yield
        finally:
            transaction.set_rollback(True)
            # Whatever the API cached of the demo must not outlive its rows.
            for cache in caches.all():
                cache.clear()


B = "https://oparl.example.org/v1.1"
JSON_HEADERS = {"content-type": "application/json", "access-control-allow-origin": "*"}
STAMPS = {"created": "2013-02-20T09:00:00+01:00", "modified": "2013-03-18T17:30:00+01:00"}


def _obj(type_name, url, **props):
    return {"id": url, "type": type_url(type_name), **props, **STAMPS}


def file_bytes(n):
    return f"%PDF-1.4 Vorlage {n}\n".encode() * 10


class FakeEndpoint:
    """The routes of a one-body endpoint: 3 papers on 2 list pages, files, a meeting, a person."""

    def __init__(self):
        self.requested = []
        body = f"{B}/body/1"
        self.body_url = body
        term = _obj(
            "LegislativeTerm", f"{B}/term/1", name="Wahlperiode 2009–2014", startDate="2009-07-01", endDate="2014-06-30"
        )
        organization = _obj(
            "Organization", f"{B}/organization/1", body=body, name="Stadtrat", organizationType="Gremium"
        )
        membership = _obj("Membership", f"{B}/membership/1", organization=organization["id"], role="Mitglied")
        person = _obj("Person", f"{B}/person/1", body=body, name="Eva Muster", membership=[membership])
        item = _obj("AgendaItem", f"{B}/agendaitem/1", order=1, number="1", name="Beitritt", public=True)
        meeting = _obj(
            "Meeting",
            f"{B}/meeting/1",
            name="12. Sitzung des Stadtrats",
            start="2013-03-18T15:00:00+01:00",
            organization=[organization["id"]],
            agendaItem=[item],
        )
        files = {n: self._file(n) for n in (1, 2, 3)}
        papers = {
            n: _obj(
                "Paper",
                f"{B}/paper/{n}",
                body=body,
                name=f"Vorlage {n}",
                reference=f"2013000{n}",
                date="2013-02-20",
                mainFile=files[n],
                license="https://creativecommons.org/licenses/by/4.0/",
                web=f"https://oparl.example.org/vorlagen/{n}/",
            )
            for n in (1, 2, 3)
        }
        self.body = _obj(
            "Body",
            body,
            system=f"{B}/",
            name="Stadt Ludwigshafen am Rhein",
            organization=f"{body}/organization/",
            person=f"{body}/person/",
            meeting=f"{body}/meeting/",
            paper=f"{body}/paper/",
            file=f"{body}/file/",
            legislativeTermList=f"{body}/term/",
            legislativeTerm=[term],
        )
        self.system = _obj("System", f"{B}/", oparlVersion="https://schema.oparl.org/1.1/", body=f"{B}/body/")
        self.objects = {
            self.system["id"]: self.system,
            body: self.body,
            term["id"]: {**term, "body": body},
            organization["id"]: organization,
            person["id"]: person,
            membership["id"]: {**membership, "person": person["id"]},
            meeting["id"]: meeting,
            item["id"]: {**item, "meeting": meeting["id"]},
            **{paper["id"]: paper for paper in papers.values()},
            **{file["id"]: {**file, "paper": [papers[n]["id"]]} for n, file in files.items()},
        }
        self.pages = {
            f"{B}/body/": self._page([self.body]),
            f"{body}/organization/": self._page([organization]),
            f"{body}/person/": self._page([person]),
            f"{body}/meeting/": self._page([meeting]),
            f"{body}/term/": self._page([{**term, "body": body}]),
            f"{body}/file/": self._page([self.objects[file["id"]] for file in files.values()]),
            f"{body}/paper/": self._page(
                [papers[1], papers[2]],
                pagination={"totalElements": 3, "elementsPerPage": 2, "currentPage": 1, "totalPages": 2},
                links={"next": f"{body}/paper/?page=2"},
            ),
            f"{body}/paper/?page=2": self._page(
                [papers[3]],
                pagination={"totalElements": 3, "elementsPerPage": 2, "currentPage": 2, "totalPages": 2},
                links={"first": f"{body}/paper/"},
            ),
        }
        self.headers = {}
        self.blobs = {}
        for n in (1, 2, 3):
            self.blobs[f"{B}/file/{n}/access"] = (
                200,
                {"content-type": "application/pdf", "content-disposition": f'inline; filename="vorlage-{n}.pdf"'},
                file_bytes(n),
            )
            self.blobs[f"{B}/file/{n}/download"] = (
                200,
                {"content-type": "application/pdf", "content-disposition": f'attachment; filename="vorlage-{n}.pdf"'},
                file_bytes(n),
            )
        for n in (1, 2, 3):
            self.blobs[f"https://oparl.example.org/vorlagen/{n}/"] = (200, {"content-type": "text/html"}, b"<html>")

    @staticmethod
    def _file(n):
        content = file_bytes(n)
        return _obj(
            "File",
            f"{B}/file/{n}",
            name=f"Vorlage {n}",
            fileName=f"vorlage-{n}.pdf",
            mimeType="application/pdf",
            size=len(content),
            sha512Checksum=hashlib.sha512(content).hexdigest(),
            accessUrl=f"{B}/file/{n}/access",
            downloadUrl=f"{B}/file/{n}/download",
        )

    @staticmethod
    def _page(data, pagination=None, links=None):
        return {"data": copy.deepcopy(data), "pagination": pagination or {}, "links": links or {}}

    def get(self, url):
        self.requested.append(url)
        if url in self.blobs:
            return self.blobs[url]
        body = self.objects.get(url) or self.pages.get(url)
        if body is None:
            return 404, {"content-type": "text/html"}, b"Not Found"
        return 200, self.headers.get(url, JSON_HEADERS), copy.deepcopy(body)
