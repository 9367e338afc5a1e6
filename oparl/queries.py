"""Reads of the OParl API: what is served, to whom it belongs, when it changed, and how it is loaded.

Everything the API serves is public, and what is public is decided in one place per model
(`Paper.objects.public()`, `Attachment.objects.visible_to(...)`, `Person.objects.public()`, …):
`KINDS` names those query sets per OParl type and this module never restates a rule.

`modified` as served is the latest change of the object *and of what it embeds*: a Paper
shows its Consultations and Files inside it, so adding a file changes the Paper for a
client that syncs with `modified_since`. The same goes for an embedded object that left
the public record (its tombstone names the object it was embedded in). Each of these is a
correlated subquery, so a list page still costs a fixed number of queries.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.models import (
    AgendaItem,
    Attendance,
    Body,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Person,
)
from resolutions.models import Attachment, Consultation, Decision, Paper, ProgressReport, Tracking

from .models import Tombstone


def anonymous() -> AnonymousUser:
    """The reader the API serves: nobody in particular, so only what is public."""
    return AnonymousUser()


# --- what is served: the project's visibility rules, reused -------------------------------
def served_papers() -> QuerySet[Paper]:
    return Paper.objects.public()


def served_consultations() -> QuerySet[Consultation]:
    """The Beratungsfolge of public Vorlagen; where it stands on an agenda is a separate question."""
    # EXISTS on the row's own paper: inside the correlated subqueries of `modified` an IN over
    # every public Vorlage would be built again for each outer row.
    return Consultation.objects.filter(Exists(served_papers().filter(pk=OuterRef("paper_id"))))


def served_files() -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(anonymous())


def served_persons() -> QuerySet[Person]:
    return Person.objects.public()


def served_memberships() -> QuerySet[Membership]:
    return Membership.objects.public()


def served_agenda_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.public()


def visible_decisions() -> QuerySet[Decision]:
    return Decision.objects.visible_to(anonymous())


def _created() -> F:
    return F("created")


@dataclass(frozen=True)
class Kind:
    """One kind of object this server serves, under its OParl type."""

    name: str  # the OParl type, e.g. "Paper"; or one of the site's documents (see FILE_KINDS)
    model: type[Model]
    served: Callable[[], QuerySet]
    body_field: str  # the lookup from a row to the id of its body
    # The OParl type and field of the object this one is embedded in, if any (Paper for a File).
    parent: tuple[str, str] | None = None
    # When the object came to be, as served (`created`, unless it is one of the site's documents).
    created: Callable[[], Any] = _created


# The states in which a meeting has an invitation: it went out, and the meeting was not called off.
INVITED_STATES = (Meeting.State.INVITED, Meeting.State.HELD)


def invited_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(state__in=INVITED_STATES)


def minuted_meetings() -> QuerySet[Meeting]:
    """Held meetings whose Niederschrift was finalised: its public version is served."""
    return Meeting.objects.filter(state=Meeting.State.HELD, minutes__rendered_at__isnull=False)


OBJECT_KINDS = (
    Kind("Body", Body, Body.objects.all, "pk"),
    Kind("LegislativeTerm", LegislativeTerm, LegislativeTerm.objects.all, "body_id", ("Body", "body_id")),
    Kind("Location", Location, Location.objects.all, "body_id"),
    Kind("Organization", Organization, Organization.objects.all, "body_id"),
    Kind("Person", Person, served_persons, "body_id"),
    Kind("Membership", Membership, served_memberships, "person__body_id", ("Person", "person_id")),
    Kind("Meeting", Meeting, Meeting.objects.all, "body_id"),
    Kind("AgendaItem", AgendaItem, served_agenda_items, "meeting__body_id", ("Meeting", "meeting_id")),
    Kind("Paper", Paper, served_papers, "body_id"),
    Kind("Consultation", Consultation, served_consultations, "paper__body_id", ("Paper", "paper_id")),
    Kind("File", Attachment, served_files, "paper__body_id", ("Paper", "paper_id")),
)
# The site's own PDFs, served as OParl Files besides the attachments: one per Vorlage (the
# Vorlage as printed), per invited meeting (the invitation) and per finalised Niederschrift.
# They are rows of Paper and Meeting seen as files, with ids of their own (see oparl/urls.py).
DOCUMENT_KINDS = (
    Kind("PaperMainFile", Paper, served_papers, "body_id", ("Paper", "id")),
    Kind(
        "MeetingInvitation",
        Meeting,
        invited_meetings,
        "body_id",
        ("Meeting", "id"),
        lambda: Coalesce(F("invited_at"), F("created")),
    ),
    Kind(
        "MeetingResultsProtocol",
        Meeting,
        minuted_meetings,
        "body_id",
        ("Meeting", "id"),
        lambda: F("minutes__finalised_at"),
    ),
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in (*OBJECT_KINDS, *DOCUMENT_KINDS)}
KIND_OF_MODEL: dict[type[Model], Kind] = {kind.model: kind for kind in OBJECT_KINDS}
# The kinds a body's list of files holds, in the order it lists them.
FILE_KINDS = ("File", "PaperMainFile", "MeetingInvitation", "MeetingResultsProtocol")


def oparl_type(kind: str) -> str:
    """The OParl type of a kind: the site's documents are Files."""
    return "File" if kind in FILE_KINDS else kind


def with_created(kind: str, queryset: QuerySet) -> QuerySet:
    """Annotate `oparl_created`: when the object came to be, as served."""
    return queryset.annotate(oparl_created=KINDS[kind].created())


# --- modified, as a client sees it ------------------------------------------------------
def _latest(queryset: QuerySet, field: str = "modified") -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField())


def _departed_children(parent_type: str) -> Subquery:
    """When the latest object embedded in this one left the public record."""
    return _latest(Tombstone.objects.filter(parent_type=parent_type, parent_id=OuterRef("pk")), "deleted")


def _modified(*parts) -> Greatest:
    """The latest of the row's own `modified` and the given parts (each None when there is nothing)."""
    own = F("modified")
    return Greatest(own, *(Coalesce(part, own) for part in parts), output_field=DateTimeField())


def _with_modified(queryset: QuerySet, *parts) -> QuerySet:
    if not parts:
        return queryset.annotate(oparl_modified=F("modified"))
    return queryset.annotate(oparl_modified=_modified(*parts))


MODIFIED_PARTS: dict[str, Callable[[], tuple]] = {
    "Body": lambda: (
        _latest(LegislativeTerm.objects.filter(body=OuterRef("pk"))),
        _departed_children("Body"),
    ),
    "Organization": lambda: (F("location__modified"),),
    "Person": lambda: (
        _latest(served_memberships().filter(person=OuterRef("pk"))),
        _departed_children("Person"),
    ),
    "Meeting": lambda: (
        F("location__modified"),
        F("minutes__modified"),
        _latest(served_agenda_items().filter(meeting=OuterRef("pk"))),
        _latest(visible_decisions().filter(agenda_item__meeting=OuterRef("pk"))),
        # An embedded item names its step, so a changed step changes the meeting as served.
        _latest(served_consultations().filter(agenda_item__meeting=OuterRef("pk"))),
        _latest(Attendance.objects.filter(meeting=OuterRef("pk"))),
        _departed_children("Meeting"),
    ),
    "AgendaItem": lambda: (
        _latest(visible_decisions().filter(agenda_item=OuterRef("pk"))),
        _latest(served_consultations().filter(agenda_item=OuterRef("pk"))),
    ),
    "Paper": lambda: (
        _latest(served_consultations().filter(paper=OuterRef("pk"))),
        # An embedded step shows its agenda item only while that item is public.
        _latest(AgendaItem.objects.filter(consultations__paper=OuterRef("pk"))),
        _latest(served_files().filter(paper=OuterRef("pk"))),
        # The embedded Beschlusskontrolle (ratsbuch:tracking) and its progress reports.
        _latest(Tracking.objects.public().filter(paper=OuterRef("pk"))),
        _latest(ProgressReport.objects.filter(tracking__in=Tracking.objects.public(), tracking__paper=OuterRef("pk"))),
        _departed_children("Paper"),
    ),
    "Consultation": lambda: (F("agenda_item__modified"),),
}


MODIFIED_PARTS["PaperMainFile"] = MODIFIED_PARTS["Paper"]


def _paper_changes(since: datetime.datetime) -> list[QuerySet]:
    return [
        Paper.objects.filter(modified__gte=since).values("pk"),
        served_consultations().filter(modified__gte=since).values("paper_id"),
        AgendaItem.objects.filter(modified__gte=since, consultations__isnull=False).values("consultations__paper_id"),
        served_files().filter(modified__gte=since).values("paper_id"),
        Tracking.objects.public().filter(modified__gte=since).values("paper_id"),
        ProgressReport.objects.filter(tracking__in=Tracking.objects.public(), modified__gte=since).values(
            "tracking__paper_id"
        ),
        Tombstone.objects.filter(parent_type="Paper", deleted__gte=since).values("parent_id"),
    ]


# For each kind whose `modified` as served (MODIFIED_PARTS) is costly to compute for every
# row: the ids of the rows changed since a moment, one query set per part, each served by an
# index on `modified`. The same rows as `with_modified(...).filter(oparl_modified__gte=since)`.
CHANGES: dict[str, Callable[[datetime.datetime], list[QuerySet]]] = {
    "Paper": _paper_changes,
    "PaperMainFile": _paper_changes,
}


def changed_since(kind: str, since: datetime.datetime) -> QuerySet | None:
    """The ids of the objects of a kind changed (as served) since `since`, or None if not indexed."""
    if kind not in CHANGES:
        return None
    first, *rest = (part.order_by() for part in CHANGES[kind](since))
    return first.union(*rest)


MODIFIED_PARTS["MeetingInvitation"] = lambda: (*MODIFIED_PARTS["Meeting"](), F("invited_at"))


def with_modified(kind: str, queryset: QuerySet) -> QuerySet:
    """Annotate `oparl_modified`: the row's `modified` or a later change of what it embeds."""
    if kind == "MeetingResultsProtocol":
        # The stored file changes with nothing but its own record.
        return queryset.annotate(oparl_modified=F("minutes__modified"))
    return _with_modified(queryset, *MODIFIED_PARTS.get(kind, lambda: ())())


# --- loading for serialisation: a fixed number of queries per page -------------------------
def _by_pk(queryset: QuerySet) -> QuerySet:
    return queryset.order_by("pk")


def agenda_items() -> QuerySet[AgendaItem]:
    """Served agenda items with their position among the meeting's public ones, step and result."""
    earlier = (
        served_agenda_items()
        .filter(meeting=OuterRef("meeting_id"), order__lt=OuterRef("order"))
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    decisions = (
        visible_decisions()
        .annotate(
            # The step decided here, if it is served.
            oparl_consultation_id=Subquery(
                served_consultations().filter(pk=OuterRef("consultation_id")).values("pk")[:1]
            )
        )
        .prefetch_related("faction_votes")
    )
    return (
        with_modified("AgendaItem", served_agenda_items())
        .annotate(
            # OParl counts the items of a meeting from 0, in the order they are served.
            oparl_order=Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0)),
        )
        .prefetch_related(
            Prefetch("consultations", served_consultations().order_by("pk"), to_attr="served_consultations"),
            # Into the relation's own cache (no to_attr): a nested lookup such as the faction
            # votes follows the relation by its name, and would query each item otherwise.
            Prefetch("decision", decisions),
        )
    )


def visible_decision_of(item: AgendaItem) -> Decision | None:
    """The decision `agenda_items()` prefetched for the item, or None when there is none to show."""
    try:
        return item.decision
    except ObjectDoesNotExist:
        return None


def consultations() -> QuerySet[Consultation]:
    """Served steps, each with the agenda item and meeting to link (only when the item is served)."""
    served_item = served_agenda_items().filter(pk=OuterRef("agenda_item_id"))
    return (
        with_modified("Consultation", served_consultations())
        .select_related("paper")
        .annotate(
            oparl_agenda_item_id=Subquery(served_item.values("pk")[:1]),
            oparl_meeting_id=Subquery(served_item.values("meeting_id")[:1]),
        )
    )


def files() -> QuerySet[Attachment]:
    return with_modified("File", served_files()).select_related("paper")


def memberships() -> QuerySet[Membership]:
    return with_modified("Membership", served_memberships())


def legislative_terms() -> QuerySet[LegislativeTerm]:
    return with_modified("LegislativeTerm", LegislativeTerm.objects.all())


def locations() -> QuerySet[Location]:
    return with_modified("Location", Location.objects.all()).prefetch_related(
        Prefetch("organizations", _by_pk(Organization.objects.all()), to_attr="served_organizations"),
        Prefetch("meetings", _by_pk(Meeting.objects.all()), to_attr="served_meetings"),
    )


def bodies() -> QuerySet[Body]:
    return with_modified("Body", Body.objects.all()).prefetch_related(
        Prefetch("legislative_terms", legislative_terms().order_by("start_date", "pk"), to_attr="served_terms")
    )


def organizations() -> QuerySet[Organization]:
    return (
        with_modified("Organization", Organization.objects.all())
        .select_related("location")
        .prefetch_related(
            Prefetch("memberships", _by_pk(served_memberships()), to_attr="served_memberships"),
        )
    )


def persons() -> QuerySet[Person]:
    return with_modified("Person", served_persons()).prefetch_related(
        Prefetch("memberships", memberships().order_by("pk"), to_attr="served_memberships")
    )


def meetings() -> QuerySet[Meeting]:
    present = Attendance.objects.filter(
        status=Attendance.Status.PRESENT, person__in=served_persons().values("pk")
    ).order_by("person_id")
    return (
        with_modified("Meeting", Meeting.objects.all())
        .select_related("location", "minutes")
        .prefetch_related(
            Prefetch("organizations", _by_pk(Organization.objects.all()), to_attr="served_organizations"),
            Prefetch("agenda_items", agenda_items().order_by("order"), to_attr="served_agenda_items"),
            Prefetch("attendances", present, to_attr="served_participants"),
        )
    )


def papers() -> QuerySet[Paper]:
    return with_modified("Paper", served_papers()).prefetch_related(
        Prefetch("consultations", consultations().order_by("order", "pk"), to_attr="served_consultations"),
        Prefetch("attachments", files().order_by("order", "pk"), to_attr="served_files"),
        Prefetch("originator_persons", _by_pk(served_persons()), to_attr="served_originators"),
        Prefetch("originator_organizations", _by_pk(Organization.objects.all()), to_attr="served_organizations"),
        # The Beschlusskontrolle (vendor extension ratsbuch:tracking): public decisions only.
        Prefetch(
            "trackings",
            Tracking.objects.public()
            .order_by("pk")
            .prefetch_related(Prefetch("reports", ProgressReport.objects.order_by("date", "pk"))),
            to_attr="served_trackings",
        ),
    )


LOADERS: dict[str, Callable[[], QuerySet]] = {
    "Body": bodies,
    "LegislativeTerm": legislative_terms,
    "Location": locations,
    "Organization": organizations,
    "Person": persons,
    "Membership": memberships,
    "Meeting": meetings,
    "AgendaItem": agenda_items,
    "Paper": papers,
    "Consultation": consultations,
    "File": files,
}


def loaded(kind: str) -> QuerySet:
    """The served objects of an OParl type, annotated and with what they embed, in a stable order."""
    return LOADERS[kind]().order_by("pk")


def of_body(kind: str, queryset: QuerySet, body_id: int) -> QuerySet:
    return queryset.filter(**{KINDS[kind].body_field: body_id})


def tombstones(kinds: tuple[str, ...], *, body_id: int | None = None) -> QuerySet[Tombstone]:
    """The objects of these kinds that left the public record, oldest record first."""
    found = Tombstone.objects.filter(object_type__in=kinds)
    if body_id is not None:
        found = found.filter(body_id=body_id)
    return found.order_by("pk")


def system_dates() -> tuple:
    """(created, modified) of the System object: the first body's creation and the latest body change."""
    dates = bodies().order_by().values_list("created", "oparl_modified")
    created = min((row[0] for row in dates), default=None)
    modified = max((row[1] for row in dates), default=None)
    return created, modified


# --- documents the site renders or keeps, served as OParl Files ---------------------------
@dataclass
class Document:
    """A PDF of the site (invitation, Niederschrift, the Vorlage itself) presented as an OParl File.

    It lives at its owner's URL (e.g. /oparl/v1.1/meeting/7/invitation/), with `access` and
    `download` below; `url_name` is the name of that URL in oparl/urls.py.
    """

    url_name: str
    owner_kind: str  # "Meeting" or "Paper"
    owner_pk: int
    name: str
    file_name: str
    created: datetime.datetime
    modified: datetime.datetime
    web_name: str
    web_kwargs: dict = field(default_factory=dict)
    date: datetime.date | None = None
    size: int | None = None
    sha512: str | None = None

    @property
    def owner_property(self) -> str:
        """The back reference a File served on its own carries: `meeting` or `paper`."""
        return self.owner_kind[0].lower() + self.owner_kind[1:]


def invitation_of(meeting: Meeting) -> Document | None:
    """The invitation with the public agenda, once it went out (rendered on request, so no size or checksum)."""
    if meeting.state not in INVITED_STATES:
        return None
    sent = meeting.invited_at or meeting.created
    return Document(
        url_name="meeting_invitation",
        owner_kind="Meeting",
        owner_pk=meeting.pk,
        name=_("Invitation"),
        file_name=f"Einladung-{meeting.pk}.pdf",
        created=sent,
        modified=max(sent, getattr(meeting, "oparl_modified", meeting.modified)),
        date=timezone.localtime(sent).date(),
        web_name="council:meeting_detail",
        web_kwargs={"pk": meeting.pk},
    )


def finalised_minutes(meeting: Meeting):
    """The meeting's finalised Niederschrift, or None (reads what `select_related("minutes")` loaded)."""
    try:
        return meeting.minutes
    except ObjectDoesNotExist:
        return None


def results_protocol_of(meeting: Meeting) -> Document | None:
    """The finalised public Niederschrift of a held meeting, as stored with its checksum."""
    minutes = finalised_minutes(meeting)
    if minutes is None or minutes.rendered_at is None or meeting.state != Meeting.State.HELD:
        return None
    try:
        size = minutes.public_file.size
    except (FileNotFoundError, ValueError):
        size = None
    return Document(
        url_name="meeting_results_protocol",
        owner_kind="Meeting",
        owner_pk=meeting.pk,
        name=_("Minutes"),
        file_name=f"Niederschrift-{meeting.pk}.pdf",
        created=minutes.finalised_at,
        modified=minutes.modified,
        date=timezone.localtime(minutes.finalised_at).date(),
        size=size,
        sha512=minutes.public_sha512,
        web_name="council:meeting_detail",
        web_kwargs={"pk": meeting.pk},
    )


def main_file_of(paper: Paper) -> Document:
    """The Vorlage as the printed paper (rendered on request, so no size or checksum)."""
    return Document(
        url_name="paper_main_file",
        owner_kind="Paper",
        owner_pk=paper.pk,
        name=_("Vorlage %(reference)s") % {"reference": paper.reference},
        file_name=f"Vorlage-{paper.reference.replace('/', '-')}.pdf",
        created=paper.created,
        modified=getattr(paper, "oparl_modified", paper.modified),
        date=paper.date,
        web_name="resolutions:paper_detail",
        web_kwargs={"reference": paper.reference},
    )


def document_rows(kind: str) -> QuerySet:
    """The rows behind the site's documents of a kind, annotated for `document_of`."""
    rows = with_modified(kind, KINDS[kind].served())
    return rows.select_related("minutes") if KINDS[kind].model is Meeting else rows


def document_of(kind: str, row) -> Document | None:
    return {"PaperMainFile": main_file_of, "MeetingInvitation": invitation_of}.get(kind, results_protocol_of)(row)
