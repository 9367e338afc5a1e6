"""The round trip: serve the demo through OParl, empty the database, import what was served, serve it again.

Every object must come back field by field, once old ids are mapped to new ones (and the
numbers in `web` URLs ignored); the files' bytes must be identical; the counts the same.
"""

import json
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from council.models import (
    AgendaItem,
    AgendaTemplate,
    Attendance,
    Body,
    InvitationDispatch,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
    Recusal,
    Subscription,
)
from oparl.importer.client import OParlClient, Response
from oparl.importer.run import import_oparl
from oparl.models import ImportedObject, ImportRun, Tombstone
from resolutions.models import (
    Attachment,
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    ItemDocument,
    Minutes,
    Paper,
    PaperEvent,
    ProgressReport,
    ReferenceCounter,
    Tracking,
    TrackingReport,
)

# Our own bookkeeping served as a vendor extension, which an import of a council's record
# does not carry over: the Beschlusskontrolle starts anew in the new system.
NOT_IMPORTED = {"ratsbuch:tracking"}
ORIGIN = "http://testserver"
API = f"{ORIGIN}/oparl/v1.1/"
# The site's own PDFs served as Files (the Vorlage, invitations): rendered from the data on
# request, not imported; their metadata is compared, their bytes are not fetched.
RENDERED = re.compile(r"/(main-file|invitation|results-protocol)/(access|download)/$")
OBJECT_URL = re.compile(r"^/oparl/v1\.1/([a-z]+)/(\d+)/")
MEETING_DOCUMENT = re.compile(r"^(Einladung|Niederschrift)-(\d+)\.pdf$")
# The texts of a Vorlage, which travel in our vendor extensions; compared row by row as well.
PAPER_TEXTS = ("explanation", "proposal_addressee", "proposal", "financial_impact")


def paper_texts() -> dict[str, tuple[str, ...]]:
    """The texts of every public Vorlage, by its reference."""
    return {row[0]: row[1:] for row in Paper.objects.public().values_list("reference", *PAPER_TEXTS)}


def crawl_served() -> dict[str, Response]:
    """Every URL of our OParl API reachable from the System object, as {url: response}: objects, list pages, files."""
    client = Client()
    pages: dict[str, Response] = {}
    queue = [API]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = Response(response.status_code, content, response.get("Content-Type", ""))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/json"):
            continue
        for link in _links(json.loads(content)):
            if link.startswith(API) and not RENDERED.search(urlsplit(link).path) and link not in pages:
                queue.append(link)
    return pages


def _links(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _links(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "web":
                yield from _links(item)


def empty_database() -> None:
    """Delete everything of council, resolutions, alliances and oparl, dependants first."""
    for model in (
        TrackingReport,
        ProgressReport,
        Tracking,
        ItemDocument,
        Recusal,
        InvitationDispatch,
        Subscription,
        AgendaTemplate,
        Representation,
        AllianceMembership,
        AllianceAim,
        Alliance,
        FactionVote,
        Decision,
        Minutes,
        Attachment,
        Consultation,
        Cosignature,
        PaperEvent,
        Paper,
        ReferenceCounter,
        Attendance,
        AgendaItem,
        Meeting,
        Membership,
        Person,
        Organization,
        Location,
        LegislativeTerm,
        Body,
        ImportedObject,
        ImportRun,
        Tombstone,
    ):
        model._default_manager.all().delete()
    for cache in caches.all():
        cache.clear()


class IdMap:
    """Old served URLs to new ones, by way of what the import remembered: old id → our new row."""

    def __init__(self):
        self.pks: dict[tuple[str, str], str] = {}
        for oparl_id, object_id in ImportedObject.objects.values_list("oparl_id", "object_id"):
            match = OBJECT_URL.match(urlsplit(oparl_id).path)
            if match and "#" not in oparl_id:
                self.pks[match.groups()] = str(object_id)

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        match = OBJECT_URL.match(parts.path)
        if not url.startswith(ORIGIN) or match is None:
            return url
        kind, pk = match.groups()
        new = self.pks.get((kind, pk), f"unmapped-{pk}")
        return url.replace(f"/oparl/v1.1/{kind}/{pk}/", f"/oparl/v1.1/{kind}/{new}/", 1)

    def translate(self, value, key=None, *, keep_ids=False):
        """`value` with old ids read as new ones (unless `keep_ids`) and the numbers in `web` URLs blanked."""
        if isinstance(value, str):
            if key == "web":
                return re.sub(r"\d+", "N", value)
            if key == "fileName" and (rendered := MEETING_DOCUMENT.match(value)) and not keep_ids:
                # The name of a meeting's rendered PDF carries the meeting's id.
                prefix, pk = rendered.groups()
                return f"{prefix}-{self.pks.get(('meeting', pk), 'unmapped')}.pdf"
            return value if keep_ids else self.url(value)
        if isinstance(value, list):
            return [self.translate(item, keep_ids=keep_ids) for item in value]
        if isinstance(value, dict):
            return {k: self.translate(v, k, keep_ids=keep_ids) for k, v in value.items() if k not in NOT_IMPORTED}
        return value


def served_objects(pages: dict[str, Response]) -> dict[str, dict]:
    """The objects served at their own ids."""
    objects = {}
    for url, response in pages.items():
        if response.status_code == 200 and response.content_type.startswith("application/json"):
            data = json.loads(response.content)
            if isinstance(data, dict) and data.get("id") == url.split("?")[0]:
                objects[url] = data
    return objects


def list_members(pages: dict[str, Response]) -> dict[str, list[str]]:
    """The ids each external list serves, over all its pages, by the URL of its first page."""
    members: dict[str, list[str]] = {}
    for url, response in pages.items():
        if response.status_code != 200 or not response.content_type.startswith("application/json"):
            continue
        data = json.loads(response.content)
        if isinstance(data, dict) and "data" in data and "?" not in url:
            ids, page = [], data
            while True:
                ids += [item["id"] for item in page["data"]]
                next_url = (page.get("links") or {}).get("next")
                if not next_url:
                    break
                page = json.loads(pages[next_url].content)
            members[url] = ids
    return members


@pytest.mark.django_db
def test_what_is_served_comes_back_the_same_after_an_import():
    call_command("load_demo", verbosity=0)
    before = crawl_served()
    before_objects = served_objects(before)
    assert len(before_objects) > 50, "the demo serves its record"
    texts = paper_texts()
    assert any(all(row) for row in texts.values()), "a Vorlage of the demo has all its texts"

    empty_database()
    assert not Paper.objects.exists() and not Body.objects.exists()
    result = import_oparl(API, client=OParlClient(get=lambda url: before.get(url, Response(404, b"{}"))))
    after = crawl_served()
    after_objects = served_objects(after)

    assert result.problems == []
    ids = IdMap()
    # The same objects, type by type.
    count = Counter(obj["type"] for obj in before_objects.values())
    assert Counter(obj["type"] for obj in after_objects.values()) == count
    # Field by field, the old ids read as the new ones.
    for url, obj in sorted(before_objects.items()):
        new_url = ids.url(url)
        assert new_url in after_objects, f"{url} is not served again (as {new_url})"
        assert ids.translate(after_objects[new_url], keep_ids=True) == ids.translate(obj), url
    # Every Vorlage has its texts back, as they were.
    assert {row[0]: row[1:] for row in Paper.objects.values_list("reference", *PAPER_TEXTS)} == texts
    # The lists hold the same objects in the same order.
    after_lists = list_members(after)
    for url, members in list_members(before).items():
        assert after_lists.get(ids.url(url)) == [ids.url(member) for member in members], url
    # The files' bytes are the same.
    downloads = [url for url in before if url.endswith("/download/") and "/file/" in url]
    assert downloads
    for url in downloads:
        assert after[ids.url(url)].content == before[url].content, url
