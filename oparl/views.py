"""The OParl 1.1 API: the public record as read-only JSON, with external lists, filters and tombstones.

Every response is UTF-8 JSON (`application/json; charset=utf-8`) with
`Access-Control-Allow-Origin: *`, answers GET, HEAD and OPTIONS only, carries an ETag (and a
Last-Modified for single objects) and honours conditional requests. Errors are OParl error
objects. The API serves the public record whoever asks: a logged-in council member sees
here exactly what an anonymous visitor sees. Text the API writes itself (a result with its
votes, an error) is in the site's default language, so the same URL always gives the same bytes.

Lists are paged by `page` and `limit` (default 25, at most 100), filtered by
`created_since`, `created_until`, `modified_since` and `modified_until`, and keep every
parameter in their `links`. With `modified_since`, objects that left the public record
(deleted or depublished) follow the live ones as `{"id", "type", "created", "modified",
"deleted": true}`; such an object's own URL answers the same, as OParl 1.1 requires.
"""

import copy
import hashlib
import json
import logging
import math
import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from council.models import Body, Organization
from resolutions.downloads import checked_file_response, content_disposition
from resolutions.models import Paper
from resolutions.views import documents as paper_documents
from resolutions.views import meeting_documents

from . import queries, serializers
from .models import Tombstone

logger = logging.getLogger(__name__)

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
DATE_TIME_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
# The order of the parameters in the links of a list page: one canonical URL per page.
LINK_PARAMETERS = (*FILTERS, "limit", "omit_internal", "page")

NOT_FOUND_MESSAGE = _("There is no public object at this address.")
METHOD_MESSAGE = _("This API is read-only: use GET, HEAD or OPTIONS.")
DATE_TIME_MESSAGE = _("“%(name)s” must be a date and time like 2014-01-01T00:00:00+01:00, not “%(value)s”.")
NUMBER_MESSAGE = _("“%(name)s” must be a whole number of at least 1, not “%(value)s”.")
FLAG_MESSAGE = _("“%(name)s” must be “true” or “false”, not “%(value)s”.")
PAGE_MESSAGE = _("This list has %(pages)s pages; there is no page %(page)s.")
FILE_MISSING_MESSAGE = _("The file is missing from storage.")

# The kind of object in each of a body's lists, by URL segment.
BODY_LIST_KINDS = {
    "organizations": "Organization",
    "persons": "Person",
    "meetings": "Meeting",
    "papers": "Paper",
    "legislative-terms": "LegislativeTerm",
    "agenda-items": "AgendaItem",
    "consultations": "Consultation",
    "files": "File",
    "locations": "Location",
    "memberships": "Membership",
}


class ApiError(Exception):
    """A request the API answers with an OParl error object and this HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- responses --------------------------------------------------------------------------
def _json(data: dict, *, status: int = 200) -> HttpResponse:
    content = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(content, status=status, content_type=JSON_CONTENT_TYPE)


def error_response(status: int, message) -> HttpResponse:
    """An OParl 1.1 error object."""
    return _json({"type": serializers.type_url("Error"), "message": str(message)}, status=status)


def json_response(request, data: dict, *, last_modified=None) -> HttpResponse:
    """The JSON of `data`, or 304 when the client's copy is current (ETag, Last-Modified)."""
    response = _json(data)
    response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Public now, perhaps not tomorrow: caches revalidate (cheaply, with the ETag) every time.
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(last_modified.timestamp()) if last_modified is not None else None,
        response=response,
    )


def api_view(view):
    """Answer GET and HEAD with the view, OPTIONS with what is allowed, anything else with 405; CORS for all."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204, content_type=JSON_CONTENT_TYPE)
            response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        elif request.method not in ("GET", "HEAD"):
            with translation.override(settings.LANGUAGE_CODE):
                response = error_response(405, METHOD_MESSAGE)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
        else:
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    response = view(request, *args, **kwargs)
                except ApiError as error:
                    response = error_response(error.status, error.message)
                except Http404:
                    response = error_response(404, NOT_FOUND_MESSAGE)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


# --- list parameters ----------------------------------------------------------------------
def _date_time(name: str, value: str):
    # A "+" of an offset that was not percent-encoded arrives as a space.
    value = value.strip().replace(" ", "+")
    try:
        # OParl asks for a full date-time: a day alone is refused rather than guessed.
        parsed = parse_datetime(value) if DATE_TIME_PATTERN.match(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApiError(400, DATE_TIME_MESSAGE % {"name": name, "value": value})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _positive(name: str, value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ApiError(400, NUMBER_MESSAGE % {"name": name, "value": value})
    return int(value)


class ListParameters:
    """The validated filters and paging of a list request, and the query strings of its links."""

    def __init__(self, request):
        query = request.GET
        self.filters = {name: _date_time(name, query[name]) for name in FILTERS if query.get(name, "")}
        self.limit = min(_positive("limit", query["limit"]), MAX_PAGE_SIZE) if query.get("limit") else None
        self.page = _positive("page", query["page"]) if query.get("page") else 1
        flag = query.get("omit_internal", "")
        if flag not in ("", "true", "false"):
            raise ApiError(400, FLAG_MESSAGE % {"name": "omit_internal", "value": flag})
        self.omit_internal = flag == "true"
        self._given = {name: query[name].strip().replace(" ", "+") for name in FILTERS if name in self.filters}

    @property
    def page_size(self) -> int:
        return self.limit or DEFAULT_PAGE_SIZE

    def query_string(self, page: int) -> str:
        """The query of a page of this list, parameters in one fixed order; page 1 has no `page`."""
        values = {**self._given}
        if self.limit:
            values["limit"] = str(self.limit)
        if self.omit_internal:
            values["omit_internal"] = "true"
        if page > 1:
            values["page"] = str(page)
        ordered = [(name, values[name]) for name in LINK_PARAMETERS if name in values]
        return urlencode(ordered)


def _filtered(kind: str, queryset, filters: dict):
    if "created_since" in filters or "created_until" in filters:
        queryset = queries.with_created(kind, queryset)
        if "created_since" in filters:
            queryset = queryset.filter(oparl_created__gte=filters["created_since"])
        if "created_until" in filters:
            queryset = queryset.filter(oparl_created__lte=filters["created_until"])
    if "modified_since" in filters and (changed := queries.changed_since(kind, filters["modified_since"])) is not None:
        # The rows changed since, found through the indexes on each table's `modified`.
        queryset = queryset.filter(pk__in=changed)
        filters = {name: value for name, value in filters.items() if name != "modified_since"}
    if "modified_since" in filters or "modified_until" in filters:
        queryset = queries.with_modified(kind, queryset)
        if "modified_since" in filters:
            queryset = queryset.filter(oparl_modified__gte=filters["modified_since"])
        if "modified_until" in filters:
            queryset = queryset.filter(oparl_modified__lte=filters["modified_until"])
    return queryset


def _filtered_tombstones(tombstones, filters: dict):
    if "created_since" in filters:
        tombstones = tombstones.filter(created__gte=filters["created_since"])
    if "created_until" in filters:
        tombstones = tombstones.filter(created__lte=filters["created_until"])
    tombstones = tombstones.filter(deleted__gte=filters["modified_since"])
    if "modified_until" in filters:
        tombstones = tombstones.filter(deleted__lte=filters["modified_until"])
    return tombstones


def _serialized(ctx: serializers.Context, kind: str, ids: list[int]) -> list[dict]:
    """The objects of a kind with these ids, in the order of their ids, as JSON."""
    if kind in serializers.DOCUMENT_URL_NAMES:
        rows = queries.document_rows(kind).filter(pk__in=ids).order_by("pk")
        documents = (queries.document_of(kind, row) for row in rows)
        return [serializers.document(ctx, doc) for doc in documents if doc is not None]
    serialize = serializers.SERIALIZERS[kind]
    return [serialize(ctx, obj) for obj in queries.loaded(kind).filter(pk__in=ids)]


def _page_ids(part, low: int, high: int, count: int) -> list[int]:
    """The ids of rows low..high of `part` in id order, counting from the nearer end.

    An offset costs as many rows as it skips: a page in the second half is read backwards
    from the end, so that the last page costs what the first does.
    """
    if low <= count - high:
        return list(part.values_list("pk", flat=True)[low:high])
    return sorted(part.order_by("-pk").values_list("pk", flat=True)[count - high : count - low])


def list_response(request, segments: list[tuple[str, object]], tombstones):
    """A page of an external list, in a stable order: the served objects of each (kind, query
    set) of `segments` by id, one kind after the other, then, with `modified_since`, the
    `tombstones` of those that left."""
    params = ListParameters(request)
    parts = [(kind, _filtered(kind, served, params.filters).order_by("pk")) for kind, served in segments]
    counts = [part.count() for _kind, part in parts]
    departed = _filtered_tombstones(tombstones, params.filters) if "modified_since" in params.filters else None
    departed_count = departed.count() if departed is not None else 0
    total = sum(counts) + departed_count
    size = params.page_size
    pages = max(1, math.ceil(total / size))
    if params.page > pages:
        raise ApiError(404, PAGE_MESSAGE % {"pages": pages, "page": params.page})
    start, end = (params.page - 1) * size, params.page * size

    ctx = serializers.Context.of(request, omit_internal=params.omit_internal)
    data, offset = [], 0
    for (kind, part), count in zip(parts, counts, strict=True):
        low, high = max(start - offset, 0), min(end - offset, count)
        if low < high:
            data += _serialized(ctx, kind, _page_ids(part, low, high, count))
        offset += count
    if departed is not None and end > offset:
        data += [serializers.deleted(ctx, stone) for stone in departed[max(start - offset, 0) : end - offset]]

    def link(page: int) -> str:
        query = params.query_string(page)
        return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))

    links = {"first": link(1)}
    if params.page > 1:
        links["prev"] = link(params.page - 1)
    links["self"] = link(params.page)
    if params.page < pages:
        links["next"] = link(params.page + 1)
    links["last"] = link(pages)
    return json_response(
        request,
        {
            "data": data,
            "pagination": {
                "totalElements": total,
                "elementsPerPage": size,
                "currentPage": params.page,
                "totalPages": pages,
            },
            "links": links,
        },
    )


# --- the objects --------------------------------------------------------------------------
@api_view
def system(request):
    """The System object, where a client starts."""
    created, modified = queries.system_dates()
    ctx = serializers.Context.of(request)
    home = Body.objects.order_by("name").first()
    return json_response(
        request, serializers.system(ctx, created=created, modified=modified, contact_body=home), last_modified=modified
    )


@api_view
def body_list(request):
    """The external list of all bodies (System.body)."""
    return list_response(request, [("Body", Body.objects.all())], queries.tombstones(("Body",)))


@api_view
def body_objects(request, pk, kind):
    """One of a body's external lists, e.g. /oparl/v1.1/body/1/papers/.

    The files are the attachments of the Vorlagen, then the site's own PDFs: each Vorlage as
    printed, the invitations and the finalised Niederschriften.
    """
    body = get_object_or_404(Body, pk=pk)
    kinds = queries.FILE_KINDS if kind == "files" else (BODY_LIST_KINDS[kind],)
    segments = [(name, queries.of_body(name, queries.KINDS[name].served(), body.pk)) for name in kinds]
    return list_response(request, segments, queries.tombstones(kinds, body_id=body.pk))


@api_view
def organization_meetings(request, pk):
    """The meetings of an organization (Organization.meeting)."""
    organization = get_object_or_404(Organization, pk=pk)
    served = queries.KINDS["Meeting"].served().filter(organizations=organization)
    # The tombstones of the body: a client drops a deleted meeting whichever list it came from.
    tombstones = queries.tombstones(("Meeting",), body_id=organization.body_id)
    return list_response(request, [("Meeting", served)], tombstones)


@api_view
def organization_consultations(request, pk):
    """The steps of Beratungsfolgen before an organization (Organization.consultation)."""
    organization = get_object_or_404(Organization, pk=pk)
    served = queries.KINDS["Consultation"].served().filter(organization=organization)
    tombstones = queries.tombstones(("Consultation",), body_id=organization.body_id)
    return list_response(request, [("Consultation", served)], tombstones)


def _gone(request, kind: str, pk: int) -> HttpResponse:
    """The tombstone of an object that left the public record, or 404 if it never was served."""
    stone = Tombstone.objects.filter(object_type=kind, object_id=pk).first()
    if stone is None:
        raise Http404
    return json_response(
        request, serializers.deleted(serializers.Context.of(request), stone), last_modified=stone.deleted
    )


@api_view
def object_detail(request, pk, kind):
    """One object at its id; an object that left the public record as its tombstone, else 404."""
    ctx = serializers.Context.of(request)
    obj = queries.loaded(kind).filter(pk=pk).first()
    if obj is None:
        return _gone(request, kind, pk)
    return json_response(request, serializers.SERIALIZERS[kind](ctx, obj), last_modified=obj.oparl_modified)


# --- files ----------------------------------------------------------------------------------
def _file_response(request, pk: int, disposition: str):
    attachment = get_object_or_404(queries.served_files(), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of attachment %s (%s) is missing from storage.", attachment.pk, attachment.file.name)
        raise ApiError(404, FILE_MISSING_MESSAGE) from None
    # Made non-public later, a file must not linger in a shared cache; only a checked PDF is shown
    # inline, and every file goes with its detected type, nosniff and a sandbox (resolutions.downloads).
    if disposition == "inline":
        return checked_file_response(attachment, handle, inline=True, access=True)
    return checked_file_response(attachment, handle)


@api_view
def file_access(request, pk):
    """The bytes of a public attachment, to be shown (inline)."""
    return _file_response(request, pk, "inline")


@api_view
def file_download(request, pk):
    """The bytes of a public attachment, to be saved (attachment, with its file name)."""
    return _file_response(request, pk, "attachment")


def _as_anonymous(request):
    """The request as an anonymous visitor's: the documents' views then give the public version."""
    public_request = copy.copy(request)
    public_request.user = AnonymousUser()
    return public_request


def _document_bytes(response, doc: queries.Document, disposition: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition(disposition, doc.file_name)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _document(kind: str, pk: int) -> queries.Document:
    row = queries.document_rows(kind).filter(pk=pk).first()
    doc = queries.document_of(kind, row) if row is not None else None
    if doc is None:
        raise Http404
    return doc


def _document_json(request, kind: str, pk: int) -> HttpResponse:
    try:
        doc = _document(kind, pk)
    except Http404:
        return _gone(request, kind, pk)
    data = serializers.document(serializers.Context.of(request), doc)
    return json_response(request, data, last_modified=doc.modified)


@api_view
def invitation(request, pk):
    """The invitation of an invited or held meeting, as an OParl File."""
    return _document_json(request, "MeetingInvitation", pk)


@api_view
def invitation_access(request, pk):
    doc = _document("MeetingInvitation", pk)
    return _document_bytes(meeting_documents.invitation_pdf(_as_anonymous(request), pk), doc, "inline")


@api_view
def invitation_download(request, pk):
    doc = _document("MeetingInvitation", pk)
    return _document_bytes(meeting_documents.invitation_pdf(_as_anonymous(request), pk), doc, "attachment")


@api_view
def results_protocol(request, pk):
    """The finalised public Niederschrift of a held meeting, as an OParl File."""
    return _document_json(request, "MeetingResultsProtocol", pk)


@api_view
def results_protocol_access(request, pk):
    doc = _document("MeetingResultsProtocol", pk)
    return _document_bytes(meeting_documents.minutes_pdf(_as_anonymous(request), pk), doc, "inline")


@api_view
def results_protocol_download(request, pk):
    doc = _document("MeetingResultsProtocol", pk)
    return _document_bytes(meeting_documents.minutes_pdf(_as_anonymous(request), pk), doc, "attachment")


@api_view
def main_file(request, pk):
    """The Vorlage itself as the printed PDF, as an OParl File (Paper.mainFile)."""
    return _document_json(request, "PaperMainFile", pk)


def _paper_pdf(request, pk: int, disposition: str) -> HttpResponse:
    doc = _document("PaperMainFile", pk)
    reference = Paper.objects.values_list("reference", flat=True).get(pk=pk)
    return _document_bytes(paper_documents.paper_pdf(_as_anonymous(request), reference), doc, disposition)


@api_view
def main_file_access(request, pk):
    return _paper_pdf(request, pk, "inline")


@api_view
def main_file_download(request, pk):
    return _paper_pdf(request, pk, "attachment")
