"""Walk an OParl 1.1 endpoint from its System object and report everything that breaks the specification.

`crawl(start_url, get)` follows every link it finds on the endpoint's own origin: list URLs
page by page through `links.next`, object ids (of embedded and listed objects too), every
URL-valued property, files' `accessUrl` and `downloadUrl`, and (optionally) `web` pages.
Links to other origins (licences, a vendor's website) are not fetched.

`get(url) -> (status, headers, body)` is injected: `body` is the parsed JSON when the
response is JSON in UTF-8, else the raw bytes. `django_client_getter` adapts a Django test
client, `requests_getter` a `requests` session (both in `oparl.crawl_http`, importable from
here too).

Besides the object rules of `oparl.validation`, the crawler checks what only a walk can see
(sections of the specification in brackets): dead links; an object's own URL serving
another object than the one embedded or listed elsewhere [Die Objekte: every object is
fetchable under its id]; objects missing from their body's list, or listed twice
[Objektlisten und Paginierung]; `links.next` missing before the last page or present on it
[Paginierung]; the CORS header on every JSON response [Cross-Origin Resource Sharing];
JSON in UTF-8 [JSON-Ausgabe]; file size and checksums against the bytes, and the
Content-Disposition of `accessUrl` and `downloadUrl` [Dateizugriffe].
"""

import hashlib
from collections import Counter, defaultdict, deque
from dataclasses import replace
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from oparl.crawl_http import Get, content_disposition
from oparl.crawl_http import decode_body as decode_body  # re-exported, like the two adapters
from oparl.crawl_http import django_client_getter as django_client_getter
from oparl.crawl_http import requests_getter as requests_getter
from oparl.crawl_report import (
    CH_CORS,
    CH_FILES,
    CH_OBJECTS,
    CONTENT_DISPOSITION,
    CONTENT_TYPE,
    CORS,
    DEAD_LINK,
    DUPLICATE_IN_LIST,
    EMBEDDED_DIFFERS,
    FILE_CHECKSUM,
    FILE_SIZE,
    ID_MISMATCH,
    MISSING_FROM_LIST,
    NEXT_MISSING,
    NEXT_ON_LAST_PAGE,
    NOT_JSON,
    PAGINATION_INCONSISTENT,
    REQUEST_LIMIT,
    CrawlReport,
)
from oparl.schema import BODY_LIST_OF_TYPE, SCHEMAS, type_name_of
from oparl.validation import CH_JSON, CH_LISTS, Problem, is_url, validate_list_page, validate_object


def crawl(
    start_url: str,
    get: Get,
    *,
    follow_web: bool = True,
    follow_files: bool = True,
    max_requests: int | None = None,
) -> CrawlReport:
    """Crawl the endpoint whose System object is at `start_url` and report counts and problems.

    `follow_web=False` leaves out the web pages objects link to; `follow_files=False` the
    bytes of files (accessUrl, downloadUrl).
    """
    crawler = _Crawler(start_url, get, follow_web=follow_web, follow_files=follow_files, max_requests=max_requests)
    return crawler.run()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class _Crawler:
    def __init__(self, start_url, get, *, follow_web, follow_files, max_requests):
        self.start_url = start_url
        self.get = get
        self.follow_web = follow_web
        self.follow_files = follow_files
        self.max_requests = max_requests
        self.origin = _origin(start_url)
        self.report = CrawlReport(start_url=start_url)
        self.queue = deque()
        self.queued = set()
        self.responses = {}  # url -> (status, headers, body); file bodies are kept as (size, digests)
        self.fetched = {}  # object id -> the object its own URL served
        self.seen_types = {}  # object id -> OParl type name, from wherever it was seen
        self.occurrences = defaultdict(list)  # object id -> [(url, path, object)] embedded or listed copies
        self.bodies_of = defaultdict(set)  # object id -> ids of the bodies it was found under
        self.lists = {}  # (owner id, property) -> [ids in list order]
        self.systems = set()
        self.json_checked = set()
        self.stopped = False

    # Plumbing ------------------------------------------------------------------

    def problem(self, url, path, code, chapter, message):
        self.report.problems.append(Problem(path=path, message=message, code=code, chapter=chapter, url=url))

    def ours(self, url) -> bool:
        return is_url(url) and _origin(url) == self.origin

    def enqueue(self, kind, url, *args, referrer=""):
        if not self.ours(url):
            return
        if kind == "object" and args[1]:
            # Every body an object is reached from, not only the first: its list may be any of theirs.
            self.bodies_of[url].add(args[1])
        # A file is checked once for each File object that names it; anything else once.
        key = (kind, url, args[1], args[0].get("id")) if kind == "file" else (kind, url)
        if key in self.queued:
            return
        self.queued.add(key)
        self.queue.append((kind, url, args, referrer))

    def fetch(self, url, referrer):
        """GET `url` once; None (and a dead-link problem) unless it answers 200."""
        if url not in self.responses:
            if self.max_requests is not None and self.report.requests >= self.max_requests:
                if not self.stopped:
                    self.stopped = True
                    self.problem(
                        url,
                        "$",
                        REQUEST_LIMIT,
                        "",
                        _("stopped after %(count)s requests; the rest was not checked")
                        % {"count": self.report.requests},
                    )
                return None
            self.report.requests += 1
            self.responses[url] = self.get(url)
        status, headers, body = self.responses[url]
        if status != 200:
            self.problem(
                url,
                "$",
                DEAD_LINK,
                "",
                _("answered HTTP %(status)s (linked from %(referrer)s)") % {"status": status, "referrer": referrer},
            )
            return None
        return status, headers, body

    def fetch_json(self, url, referrer):
        """GET a JSON resource of the API and check the response's headers; the body, or None."""
        response = self.fetch(url, referrer)
        if response is None:
            return None
        _status, headers, body = response
        if url in self.json_checked:
            return body if isinstance(body, dict) else None
        self.json_checked.add(url)
        if headers.get("access-control-allow-origin") != "*":
            self.problem(
                url,
                "$",
                CORS,
                CH_CORS,
                _("a JSON response needs the header Access-Control-Allow-Origin: * (found %(value)r)")
                % {"value": headers.get("access-control-allow-origin")},
            )
        content_type = headers.get("content-type", "")
        media_type, _sep, params = content_type.partition(";")
        charset = ""
        for param in params.split(";"):
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "charset":
                charset = value.strip().strip('"').lower()
        if media_type.strip().lower() != "application/json" or charset not in ("", "utf-8"):
            self.problem(
                url,
                "$",
                CONTENT_TYPE,
                CH_JSON,
                _("served as %(value)r; OParl answers with application/json in UTF-8") % {"value": content_type},
            )
        if not isinstance(body, dict):
            self.problem(
                url, "$", NOT_JSON, CH_JSON, _("the response is not a JSON object in UTF-8 without byte order mark")
            )
            return None
        return body

    # The walk ----------------------------------------------------------------------

    def run(self) -> CrawlReport:
        self.enqueue("object", self.start_url, "System", None, referrer=_("the start URL"))
        while self.queue and not self.stopped:
            kind, url, args, referrer = self.queue.popleft()
            getattr(self, f"visit_{kind}")(url, *args, referrer=referrer)
        self.compare_copies()
        self.check_list_membership()
        self.report.counts = Counter(self.seen_types.values())
        self.report.objects = self.fetched
        return self.report

    def visit_object(self, url, expected_type, body_id, *, referrer):
        obj = self.fetch_json(url, referrer)
        if obj is None:
            return
        for problem in validate_object(obj, expected_type):
            self.report.problems.append(replace(problem, url=url))
        if obj.get("id") != url:
            self.problem(
                url,
                "id",
                ID_MISMATCH,
                CH_OBJECTS,
                _("the object served here has the id %(id)r, not the URL it was fetched from") % {"id": obj.get("id")},
            )
            return
        self.fetched[url] = obj
        type_name = type_name_of(obj.get("type")) or expected_type
        if type_name == "System":
            self.systems.add(url)
        self.walk(obj, type_name, body_id, url, "")

    def walk(self, obj, type_name, body_id, url, path):
        """Register an object seen at `url` (`path` inside it) and queue everything it links to."""
        if not isinstance(obj, dict) or type_name not in SCHEMAS:
            return
        object_id = obj.get("id")
        if type_name == "Body" and is_url(object_id):
            body_id = object_id
        if is_url(object_id):
            self.seen_types.setdefault(object_id, type_name)
            if body_id:
                self.bodies_of[object_id].add(body_id)
            if path:
                self.occurrences[object_id].append((url, path, obj))
                self.enqueue("object", object_id, type_name, body_id, referrer=f"{url} {path}")
        if obj.get("deleted") is True:
            return
        schema = SCHEMAS[type_name]
        where = f"{url} {path}".strip()
        for key, value in obj.items():
            prop = schema.get(key)
            if prop is None or key in ("id", "type"):
                continue
            key_path = f"{path}.{key}" if path else key
            if prop.kind == "list":
                owner = object_id if type_name in ("Body", "System") else None
                self.enqueue("list", value, prop.ref, body_id, owner, key, referrer=where)
            elif prop.kind in ("url", "urls"):
                for link in value if isinstance(value, list) else [value]:
                    self.link(link, prop.ref, body_id, where, type_name, key, obj)
            elif prop.kind == "object":
                self.walk(value, prop.ref, body_id, url, key_path)
            elif prop.kind == "objects" and isinstance(value, list):
                for index, item in enumerate(value):
                    self.walk(item, prop.ref, body_id, url, f"{key_path}[{index}]")

    def link(self, link, ref, body_id, where, type_name, key, obj):
        if not isinstance(link, str):
            return
        if type_name == "File" and key in ("accessUrl", "downloadUrl"):
            if self.follow_files:
                self.enqueue("file", link, obj, key, referrer=where)
        elif ref is not None:
            self.enqueue("object", link, ref, body_id, referrer=where)
        elif self.follow_web:
            self.enqueue("page", link, referrer=where)

    def visit_page(self, url, *, referrer):
        self.fetch(url, referrer)

    def visit_list(self, url, item_type, body_id, owner, key, *, referrer):
        """Walk every page of an external list from `url` on, through links.next."""
        ids = []
        seen_pages = set()
        per_page_values = []
        total_elements = None
        previous_url = None
        page_url = url
        while page_url:
            seen_pages.add(page_url)
            page = self.fetch_json(page_url, previous_url or referrer)
            if page is None:
                break
            self.report.list_pages += 1
            self.report.lists[url] = self.report.lists.get(url, 0) + 1
            shape = {**page, "data": []} if isinstance(page.get("data"), list) else page
            for problem in validate_list_page(shape, item_type):
                self.report.problems.append(replace(problem, url=page_url))
            data = page.get("data") if isinstance(page.get("data"), list) else []
            pagination = page.get("pagination") if isinstance(page.get("pagination"), dict) else {}
            links = page.get("links") if isinstance(page.get("links"), dict) else {}
            if previous_url is not None and not data:
                self.problem(
                    previous_url,
                    "links.next",
                    NEXT_ON_LAST_PAGE,
                    CH_LISTS,
                    _("links.next leads to a page without objects; the last page has no next link"),
                )
            if total_elements is None and isinstance(pagination.get("totalElements"), int):
                total_elements = pagination["totalElements"]
            for index, item in enumerate(data):
                self.list_item(item, item_type, body_id, page_url, index, ids)
            for name in ("first", "prev", "self", "last"):
                if isinstance(links.get(name), str) and links[name] not in seen_pages:
                    self.enqueue("linked_page", links[name], referrer=f"{page_url} links.{name}")
            if isinstance(links.get("web"), str) and self.follow_web:
                self.enqueue("page", links["web"], referrer=f"{page_url} links.web")
            next_url = links.get("next")
            current, total = pagination.get("currentPage"), pagination.get("totalPages")
            numbered = isinstance(current, int) and isinstance(total, int)
            if next_url is None:
                if numbered and current < total:
                    self.problem(
                        page_url,
                        "links.next",
                        NEXT_MISSING,
                        CH_LISTS,
                        _("page %(current)s of %(total)s has no links.next") % {"current": current, "total": total},
                    )
                elif total_elements is not None and len(ids) < total_elements:
                    self.problem(
                        page_url,
                        "links.next",
                        NEXT_MISSING,
                        CH_LISTS,
                        _("the list ends after %(count)s of %(total)s objects: this page has no links.next")
                        % {"count": len(ids), "total": total_elements},
                    )
                break
            per_page_values.append(pagination.get("elementsPerPage"))
            if numbered and current >= total:
                self.problem(
                    page_url,
                    "links.next",
                    NEXT_ON_LAST_PAGE,
                    CH_LISTS,
                    _("page %(current)s of %(total)s is the last, yet has links.next")
                    % {"current": current, "total": total},
                )
            if not isinstance(next_url, str) or next_url in seen_pages or not self.ours(next_url):
                if next_url in seen_pages:
                    self.problem(
                        page_url,
                        "links.next",
                        PAGINATION_INCONSISTENT,
                        CH_LISTS,
                        _("links.next leads back to a page seen"),
                    )
                break
            previous_url, page_url = page_url, next_url
        if len(set(per_page_values)) > 1:
            self.problem(
                url,
                "pagination.elementsPerPage",
                PAGINATION_INCONSISTENT,
                CH_LISTS,
                _("elementsPerPage must be the same on every page but the last (found %(values)s)")
                % {"values": per_page_values},
            )
        if total_elements is not None and len(ids) > total_elements:
            self.problem(
                url,
                "pagination.totalElements",
                PAGINATION_INCONSISTENT,
                CH_LISTS,
                _("the pages hold %(count)s objects, totalElements says %(total)s")
                % {"count": len(ids), "total": total_elements},
            )
        if owner is not None:
            self.lists[(owner, key)] = ids

    def list_item(self, item, item_type, body_id, page_url, index, ids):
        path = f"data[{index}]"
        object_id = item.get("id") if isinstance(item, dict) else None
        if not self.ours(object_id):
            # Not fetchable here: check it where it stands.
            for problem in validate_object(item, item_type, path=path):
                self.report.problems.append(replace(problem, url=page_url))
            return
        if object_id in ids:
            self.problem(
                page_url,
                f"{path}.id",
                DUPLICATE_IN_LIST,
                CH_LISTS,
                _("%(id)s appears more than once in this list") % {"id": object_id},
            )
        ids.append(object_id)
        self.walk(item, item_type, body_id, page_url, path)

    def visit_linked_page(self, url, *, referrer):
        """A list page reached through links.first/prev/self/last: it must answer, as JSON."""
        self.fetch_json(url, referrer)

    def visit_file(self, url, file_obj, key, *, referrer):
        response = self.fetch(url, referrer)
        if response is None:
            return
        self.report.files += 1
        status, headers, body = response
        if isinstance(body, bytes | str):
            content = body.encode() if isinstance(body, str) else body
            size, sha1, sha512 = len(content), hashlib.sha1(content).hexdigest(), hashlib.sha512(content).hexdigest()
            # Keep the digests, not the bytes: the same file is linked from many places.
            self.responses[url] = (status, headers, (size, sha1, sha512))
        elif isinstance(body, tuple):
            size, sha1, sha512 = body
        else:
            # Parsed as JSON by the adapter: the bytes are gone, only the headers can be checked.
            size, sha1, sha512 = None, None, None
        file_id = file_obj.get("id", "")
        where = f"{file_id} {key}"
        if size is not None and isinstance(file_obj.get("size"), int) and file_obj["size"] != size:
            self.problem(
                url,
                "size",
                FILE_SIZE,
                "File",
                _("%(where)s: File.size says %(size)s bytes, %(count)s were served")
                % {"where": where, "size": file_obj["size"], "count": size},
            )
        for name, digest in (("sha512Checksum", sha512), ("sha1Checksum", sha1)):
            declared = file_obj.get(name)
            if digest is not None and isinstance(declared, str) and declared.lower() != digest:
                self.problem(
                    url,
                    name,
                    FILE_CHECKSUM,
                    "File",
                    _("%(where)s: File.%(name)s does not match the bytes served") % {"where": where, "name": name},
                )
        kind, params = content_disposition(headers)
        if key == "accessUrl" and kind == "attachment":
            self.problem(
                url,
                "Content-Disposition",
                CONTENT_DISPOSITION,
                CH_FILES,
                _("%(where)s: the accessUrl must not be sent as an attachment (found %(value)r)")
                % {"where": where, "value": headers.get("content-disposition")},
            )
        if key == "downloadUrl" and (kind != "attachment" or not params.get("filename")):
            self.problem(
                url,
                "Content-Disposition",
                CONTENT_DISPOSITION,
                CH_FILES,
                _(
                    "%(where)s: the downloadUrl must be sent with Content-Disposition: attachment; filename=… "
                    "(found %(value)r)"
                )
                % {"where": where, "value": headers.get("content-disposition")},
            )

    # After the walk -------------------------------------------------------------

    def compare_copies(self):
        """An embedded or listed copy must be the object its own URL serves."""
        for object_id, copies in self.occurrences.items():
            served = self.fetched.get(object_id)
            if served is None:
                continue
            for url, path, copy in copies:
                if copy.get("type") != served.get("type"):
                    self.problem(
                        url,
                        f"{path}.type",
                        EMBEDDED_DIFFERS,
                        CH_OBJECTS,
                        _("%(id)s is given here as %(here)s, its own URL serves a %(there)s")
                        % {"id": object_id, "here": copy.get("type"), "there": served.get("type")},
                    )
                    continue
                differing = sorted(key for key in copy.keys() & served.keys() if copy[key] != served[key])
                if differing:
                    self.problem(
                        url,
                        path,
                        EMBEDDED_DIFFERS,
                        CH_OBJECTS,
                        _("%(id)s differs from what its own URL serves in: %(keys)s")
                        % {"id": object_id, "keys": ", ".join(differing)},
                    )

    def check_list_membership(self):
        """Every object found belongs in its body's list of its type (a Body in the System's list)."""
        members = {key: set(ids) for key, ids in self.lists.items()}
        for object_id, type_name in self.seen_types.items():
            if type_name == "System":
                continue
            if type_name == "Body":
                owners, key = self.systems, "body"
            else:
                key = BODY_LIST_OF_TYPE[type_name]
                owners = set(self.bodies_of.get(object_id, ()))
                own_body = (self.fetched.get(object_id) or {}).get("body")
                if isinstance(own_body, str):
                    owners.add(own_body)
            crawled = [owner for owner in owners if (owner, key) in members]
            if not crawled or any(object_id in members[(owner, key)] for owner in crawled):
                continue
            self.problem(
                object_id,
                "$",
                MISSING_FROM_LIST,
                CH_LISTS,
                _("this %(type)s is linked but missing from the list %(key)s of %(owners)s")
                % {"type": type_name, "key": key, "owners": ", ".join(sorted(crawled))},
            )
