"""OParl 1.1 JSON of each object type: one plain function per type, fed by `oparl.queries`.

Each function takes the `Context` of the request (absolute URLs, options) and an object
loaded by `oparl.queries.loaded`, so that it reads only what was prefetched. An embedded
object (a Paper's Consultation, a Meeting's AgendaItem, …) leaves out the reference back to
the object it sits in, as the specification asks; served on its own, it carries it. Fields
without a value are left out altogether: never `null`, `""` or `[]`.

The vendor extension `ratsbuch:votes` on AgendaItem carries the vote counts OParl has no
field for, and `ratsbuch:explanation`, `…:proposalAddressee`, `…:proposal`, `…:financialImpact`
on Paper the texts of the Vorlage (see oparl/README.md); OParl names such properties with a
vendor prefix.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .queries import Document, invitation_of, main_file_of, oparl_type, results_protocol_of, visible_decision_of

SCHEMA = "https://schema.oparl.org/1.1/"
OPARL_VERSION = SCHEMA
VENDOR_PREFIX = "ratsbuch"
VOTES_PROPERTY = f"{VENDOR_PREFIX}:votes"
TRACKING_PROPERTY = f"{VENDOR_PREFIX}:tracking"
# The texts of a Vorlage, which OParl's Paper has no property for: vendor property → model field.
# Markdown as stored; an empty text is left out like any other empty value.
PAPER_TEXT_PROPERTIES = {
    f"{VENDOR_PREFIX}:explanation": "explanation",
    f"{VENDOR_PREFIX}:proposalAddressee": "proposal_addressee",
    f"{VENDOR_PREFIX}:proposal": "proposal",
    f"{VENDOR_PREFIX}:financialImpact": "financial_impact",
}
# OParl's recommended words for a meeting's state; a cancelled meeting says so in `cancelled`.
MEETING_STATES = {"scheduled": "terminiert", "invited": "eingeladen", "held": "durchgeführt"}
# Properties the specification requires even when they are empty.
REQUIRED_EVEN_EMPTY = frozenset({"legislativeTerm"})

# The words of the vote counts, as the minutes print them ("52 Ja, 0 Nein, 2 Enthaltungen").
UNANIMOUS = _("unanimous")
VOTE_WORDS = (("votes_yes", _("yes")), ("votes_no", _("no")))
BIASED_WORD = _("befangen")

# The URL name in oparl/urls.py of each OParl type's object, e.g. oparl:agendaitem.
OBJECT_URL_NAMES = {
    "Body": "body",
    "LegislativeTerm": "legislativeterm",
    "Organization": "organization",
    "Person": "person",
    "Membership": "membership",
    "Meeting": "meeting",
    "AgendaItem": "agendaitem",
    "Paper": "paper",
    "Consultation": "consultation",
    "File": "file",
    "Location": "location",
}
# The URL names of the site's documents served as Files, by their kind in oparl.queries.KINDS.
DOCUMENT_URL_NAMES = {
    "PaperMainFile": "paper_main_file",
    "MeetingInvitation": "meeting_invitation",
    "MeetingResultsProtocol": "meeting_results_protocol",
}
# The external lists of a Body: OParl property → the URL segment of oparl:body_objects.
BODY_LISTS = {
    "organization": "organizations",
    "person": "persons",
    "meeting": "meetings",
    "paper": "papers",
    "agendaItem": "agenda-items",
    "consultation": "consultations",
    "file": "files",
    "locationList": "locations",
    "legislativeTermList": "legislative-terms",
    "membership": "memberships",
}


@dataclass
class Context:
    """What every serializer needs from the request: the origin for absolute URLs, and the options."""

    origin: str  # scheme://host, without a trailing slash
    omit_internal: bool = False

    @classmethod
    def of(cls, request: HttpRequest, *, omit_internal: bool = False) -> "Context":
        return cls(origin=f"{request.scheme}://{request.get_host()}", omit_internal=omit_internal)

    def url(self, name: str, **kwargs) -> str:
        """An absolute URL of the site or the API by URL name."""
        return self.origin + reverse(name, kwargs=kwargs or None)

    def api(self, name: str, **kwargs) -> str:
        return self.url(f"oparl:{name}", **kwargs)

    def object_id(self, kind: str, pk: int) -> str:
        """The OParl id (its URL) of an object of an OParl type."""
        return self.api(OBJECT_URL_NAMES[kind], pk=pk)

    def ids(self, kind: str, objects) -> list[str]:
        return [self.object_id(kind, obj.pk) for obj in objects]


# --- shared helpers ---------------------------------------------------------------------
def type_url(kind: str) -> str:
    return SCHEMA + kind


def date_time(value: datetime.datetime | None) -> str | None:
    """ISO 8601 with the offset of the installation's time zone, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def compact(data: dict) -> dict:
    """Drop properties without a value; OParl leaves them out rather than sending null, "" or []."""
    return {
        key: value
        for key, value in data.items()
        if key in REQUIRED_EVEN_EMPTY or not (value is None or value == "" or value == [] or value == {})
    }


def _head(ctx: Context, kind: str, obj) -> dict:
    return {"id": ctx.object_id(kind, obj.pk), "type": type_url(kind)}


def _stamps(obj) -> dict:
    return {"created": date_time(obj.created), "modified": date_time(getattr(obj, "oparl_modified", obj.modified))}


def license_url() -> str:
    """The licence of the data, if the operator set one (RATSBUCH_OPARL_LICENSE); the API does not guess one."""
    return getattr(settings, "RATSBUCH_OPARL_LICENSE", "")


def deleted(ctx: Context, tombstone) -> dict:
    """An object that left the public record, as OParl reports it: id, type, created, modified, deleted."""
    kind = tombstone.object_type
    if kind in DOCUMENT_URL_NAMES:
        object_id = ctx.api(DOCUMENT_URL_NAMES[kind], pk=tombstone.object_id)
    else:
        object_id = ctx.object_id(kind, tombstone.object_id)
    return {
        "id": object_id,
        "type": type_url(oparl_type(kind)),
        "created": date_time(tombstone.created),
        "modified": date_time(tombstone.deleted),
        "deleted": True,
    }


def _paper_page(ctx: Context, paper) -> str:
    return ctx.url("resolutions:paper_detail", reference=paper.reference)


def _meeting_page(ctx: Context, meeting_id: int) -> str:
    return ctx.url("council:meeting_detail", pk=meeting_id)


# --- the types --------------------------------------------------------------------------
def system(ctx: Context, *, created, modified, contact_body=None) -> dict:
    """The System: the entry point, with the list of bodies."""
    return compact(
        {
            "id": ctx.api("system"),
            "type": type_url("System"),
            "oparlVersion": OPARL_VERSION,
            "license": license_url(),
            "body": ctx.api("body_list"),
            "name": "Ratsbuch",
            "contactEmail": contact_body.contact_email if contact_body else None,
            "contactName": contact_body.contact_name if contact_body else None,
            "website": ctx.url("council:home"),
            "created": date_time(created or timezone.now()),
            "modified": date_time(modified or timezone.now()),
            "web": ctx.url("council:home"),
        }
    )


def body(ctx: Context, obj) -> dict:
    data = {
        **_head(ctx, "Body", obj),
        "system": ctx.api("system"),
        "shortName": obj.short_name if obj.short_name != obj.name else None,
        "name": obj.name,
        "website": obj.website,
        "license": license_url(),
        "ags": obj.ags,
        "rgs": obj.rgs,
        "classification": obj.classification,
        "contactEmail": obj.contact_email,
        "contactName": obj.contact_name,
    }
    for prop, segment in BODY_LISTS.items():
        data[prop] = ctx.api("body_objects", pk=obj.pk, kind=segment)
    data["legislativeTerm"] = [legislative_term(ctx, term, embedded=True) for term in obj.served_terms]
    data["web"] = ctx.url("council:home")
    data.update(_stamps(obj))
    return compact(data)


def legislative_term(ctx: Context, obj, *, embedded: bool = False) -> dict:
    return compact(
        {
            **_head(ctx, "LegislativeTerm", obj),
            "body": None if embedded else ctx.object_id("Body", obj.body_id),
            "name": obj.name,
            "startDate": date(obj.start_date),
            "endDate": date(obj.end_date),
            **_stamps(obj),
        }
    )


def location(ctx: Context, obj, *, embedded: bool = False) -> dict:
    data = {
        **_head(ctx, "Location", obj),
        "description": obj.description,
        "streetAddress": obj.street_address,
        "room": obj.room,
        "postalCode": obj.postal_code,
        "locality": obj.locality,
    }
    if not embedded:
        data["organizations"] = ctx.ids("Organization", obj.served_organizations)
        data["meetings"] = ctx.ids("Meeting", obj.served_meetings)
    data.update(_stamps(obj))
    return compact(data)


def organization(ctx: Context, obj) -> dict:
    return compact(
        {
            **_head(ctx, "Organization", obj),
            "body": ctx.object_id("Body", obj.body_id),
            "name": obj.name,
            "membership": ctx.ids("Membership", obj.served_memberships),
            "meeting": ctx.api("organization_meetings", pk=obj.pk),
            "consultation": ctx.api("organization_consultations", pk=obj.pk),
            "shortName": obj.short_name if obj.short_name != obj.name else None,
            "subOrganizationOf": ctx.object_id("Organization", obj.parent_id) if obj.parent_id else None,
            "organizationType": obj.organization_type,
            "classification": obj.classification,
            "startDate": date(obj.start_date),
            "endDate": date(obj.end_date),
            "website": obj.website,
            "location": location(ctx, obj.location, embedded=True) if obj.location else None,
            "web": ctx.url("council:organization_detail", pk=obj.pk),
            **_stamps(obj),
        }
    )


def person(ctx: Context, obj) -> dict:
    # No e-mail address or phone number: there is no record of the person's consent to publish them.
    memberships = None if ctx.omit_internal else obj.served_memberships
    return compact(
        {
            **_head(ctx, "Person", obj),
            "body": ctx.object_id("Body", obj.body_id),
            "name": obj.name,
            "familyName": obj.family_name,
            "givenName": obj.given_name,
            "formOfAddress": obj.form_of_address,
            "affix": obj.affix,
            "title": [obj.title] if obj.title else None,
            "gender": obj.gender,
            "membership": [membership(ctx, seat, embedded=True) for seat in memberships or ()],
            "web": ctx.url("council:person_detail", pk=obj.pk),
            **_stamps(obj),
        }
    )


def membership(ctx: Context, obj, *, embedded: bool = False) -> dict:
    return compact(
        {
            **_head(ctx, "Membership", obj),
            "person": None if embedded else ctx.object_id("Person", obj.person_id),
            "organization": ctx.object_id("Organization", obj.organization_id),
            "role": obj.role,
            "votingRight": obj.voting_right,
            "startDate": date(obj.start_date),
            "endDate": date(obj.end_date),
            "onBehalfOf": ctx.object_id("Organization", obj.on_behalf_of_id) if obj.on_behalf_of_id else None,
            "web": ctx.url("council:person_detail", pk=obj.person_id),
            **_stamps(obj),
        }
    )


def meeting(ctx: Context, obj) -> dict:
    invitation = invitation_of(obj)
    protocol = results_protocol_of(obj)
    return compact(
        {
            **_head(ctx, "Meeting", obj),
            "name": obj.name,
            "meetingState": MEETING_STATES.get(obj.state),
            "cancelled": obj.cancelled,
            "start": date_time(obj.start),
            "end": date_time(obj.end),
            "location": location(ctx, obj.location, embedded=True) if obj.location else None,
            "organization": ctx.ids("Organization", obj.served_organizations),
            "participant": [ctx.object_id("Person", seat.person_id) for seat in obj.served_participants],
            "invitation": document(ctx, invitation, embedded=True) if invitation else None,
            "resultsProtocol": document(ctx, protocol, embedded=True) if protocol else None,
            "agendaItem": [agenda_item(ctx, item, embedded=True) for item in obj.served_agenda_items],
            "web": _meeting_page(ctx, obj.pk),
            **_stamps(obj),
        }
    )


def result_text(decision) -> str:
    """The result with the votes, e.g. "beschlossen (einstimmig, 52 Ja, 0 Nein, 2 Enthaltungen)"."""
    if decision.result_wording:
        # Imported from another system: its words as it recorded them, votes included if it wrote them.
        return decision.result_wording
    parts = [str(UNANIMOUS)] if decision.unanimous else []
    if decision.votes_yes or decision.votes_no or decision.votes_abstain:
        parts += [f"{getattr(decision, field)} {word}" for field, word in VOTE_WORDS]
        parts.append(
            ngettext("%(count)d abstention", "%(count)d abstentions", decision.votes_abstain)
            % {"count": decision.votes_abstain}
        )
    if decision.votes_biased:
        parts.append(f"{decision.votes_biased} {BIASED_WORD}")
    label = decision.result_label
    return f"{label} ({', '.join(parts)})" if parts else label


def votes(ctx: Context, decision) -> dict:
    """The vendor extension `ratsbuch:votes`: the counts of a decision, in total and by Fraktion."""
    return compact(
        {
            "yes": decision.votes_yes,
            "no": decision.votes_no,
            "abstention": decision.votes_abstain,
            "biased": decision.votes_biased,
            "unanimous": decision.unanimous,
            "byFaction": [
                {
                    "organization": ctx.object_id("Organization", row.faction_id),
                    "yes": row.votes_yes,
                    "no": row.votes_no,
                    "abstention": row.votes_abstain,
                    "biased": row.votes_biased,
                }
                for row in sorted(decision.faction_votes.all(), key=lambda row: row.pk)
            ],
        }
    )


def agenda_item(ctx: Context, obj, *, embedded: bool = False) -> dict:
    decision = visible_decision_of(obj)
    # The step deliberated here: the one decided here (a deferred step may stand on a later
    # item by now), else the first step that stands on this item.
    step_id = decision.oparl_consultation_id if decision is not None else None
    if step_id is None and obj.served_consultations:
        step_id = obj.served_consultations[0].pk
    return compact(
        {
            **_head(ctx, "AgendaItem", obj),
            "meeting": None if embedded else ctx.object_id("Meeting", obj.meeting_id),
            "number": obj.number,
            "order": obj.oparl_order,
            "name": obj.name,
            "public": obj.public,
            "consultation": ctx.object_id("Consultation", step_id) if step_id else None,
            "result": result_text(decision) if decision else None,
            "resolutionText": decision.resolution_text if decision else None,
            VOTES_PROPERTY: votes(ctx, decision) if decision else None,
            "web": ctx.origin + obj.get_absolute_url(),
            **_stamps(obj),
        }
    )


def tracking(ctx: Context, obj) -> dict:
    """The vendor extension `ratsbuch:tracking`: how far the decision on a public Vorlage is carried out."""
    return compact(
        {
            "state": obj.state,
            # Derived from state and target date on the day of the request, never stored.
            "trafficLight": obj.light,
            "targetDate": date(obj.target_date),
            "closedOn": date(obj.closed_on),
            "responsibleUnit": ctx.object_id("Organization", obj.responsible_unit_id)
            if obj.responsible_unit_id
            else None,
            "progressReport": [
                {"date": date(report.date), "state": report.state, "text": report.text} for report in obj.reports.all()
            ],
            "web": ctx.origin + obj.get_absolute_url(),
            "modified": date_time(obj.modified),
        }
    )


def paper(ctx: Context, obj) -> dict:
    files = None if ctx.omit_internal else obj.served_files
    return compact(
        {
            **_head(ctx, "Paper", obj),
            "body": ctx.object_id("Body", obj.body_id),
            "name": obj.name,
            "reference": obj.reference,
            "date": date(obj.date),
            "paperType": obj.paper_type,
            "mainFile": document(ctx, main_file_of(obj), embedded=True),
            "auxiliaryFile": [file(ctx, attachment, embedded=True) for attachment in files or ()],
            "originatorPerson": ctx.ids("Person", obj.served_originators),
            "underDirectionOf": [ctx.object_id("Organization", obj.under_direction_of_id)],
            "originatorOrganization": ctx.ids("Organization", obj.served_organizations),
            "consultation": [consultation(ctx, step, embedded=True) for step in obj.served_consultations],
            # The programme line above the title (e.g. Bund-Länder-Programm "Soziale Stadt") files the paper.
            "keyword": [obj.subject_line] if obj.subject_line else None,
            **{prop: getattr(obj, name) for prop, name in PAPER_TEXT_PROPERTIES.items()},
            TRACKING_PROPERTY: tracking(ctx, obj.served_trackings[0]) if obj.served_trackings else None,
            "web": _paper_page(ctx, obj),
            **_stamps(obj),
        }
    )


def consultation(ctx: Context, obj, *, embedded: bool = False) -> dict:
    return compact(
        {
            **_head(ctx, "Consultation", obj),
            "paper": None if embedded else ctx.object_id("Paper", obj.paper_id),
            "agendaItem": ctx.object_id("AgendaItem", obj.oparl_agenda_item_id) if obj.oparl_agenda_item_id else None,
            "meeting": ctx.object_id("Meeting", obj.oparl_meeting_id) if obj.oparl_meeting_id else None,
            "organization": [ctx.object_id("Organization", obj.organization_id)],
            "authoritative": obj.authoritative,
            "role": obj.role,
            "web": _paper_page(ctx, obj.paper),
            **_stamps(obj),
        }
    )


def file(ctx: Context, obj, *, embedded: bool = False) -> dict:
    return compact(
        {
            **_head(ctx, "File", obj),
            "name": obj.name,
            "fileName": obj.file_name,
            "mimeType": obj.mime_type,
            "date": date(timezone.localtime(obj.created).date()),
            "size": obj.size,
            "sha512Checksum": obj.sha512,
            "text": obj.text,
            "accessUrl": ctx.api("file_access", pk=obj.pk),
            "downloadUrl": ctx.api("file_download", pk=obj.pk),
            "paper": None if embedded else [ctx.object_id("Paper", obj.paper_id)],
            "web": _paper_page(ctx, obj.paper),
            **_stamps(obj),
        }
    )


def document(ctx: Context, doc: Document, *, embedded: bool = False) -> dict:
    """A document the site renders or keeps as PDF (an invitation, the minutes, the Vorlage), as a File."""
    return compact(
        {
            "id": ctx.api(doc.url_name, pk=doc.owner_pk),
            "type": type_url("File"),
            "name": str(doc.name),
            "fileName": doc.file_name,
            "mimeType": "application/pdf",
            "date": date(doc.date),
            "size": doc.size,
            "sha512Checksum": doc.sha512,
            "accessUrl": ctx.api(f"{doc.url_name}_access", pk=doc.owner_pk),
            "downloadUrl": ctx.api(f"{doc.url_name}_download", pk=doc.owner_pk),
            doc.owner_property: None if embedded else [ctx.object_id(doc.owner_kind, doc.owner_pk)],
            "web": ctx.url(doc.web_name, **doc.web_kwargs),
            "created": date_time(doc.created),
            "modified": date_time(doc.modified),
        }
    )


SERIALIZERS = {
    "Body": body,
    "LegislativeTerm": legislative_term,
    "Location": location,
    "Organization": organization,
    "Person": person,
    "Membership": membership,
    "Meeting": meeting,
    "AgendaItem": agenda_item,
    "Paper": paper,
    "Consultation": consultation,
    "File": file,
}
