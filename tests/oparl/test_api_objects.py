"""Each OParl type served with its fields, embedded objects at their own id, and the demo as a whole."""

import datetime
import hashlib
from collections import Counter, deque

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from council.models import Attendance
from oparl import serializers
from resolutions.models import Minutes
from tests.factories import AttendanceFactory, OrganizationFactory, PersonFactory, UserFactory
from tests.oparl.conftest import SCHEMA, api_url

# Back references an object carries only when served on its own, by the property embedding it.
BACK_REFERENCES = {"LegislativeTerm": "body", "Membership": "person", "AgendaItem": "meeting", "Consultation": "paper"}
FILE_BACK_REFERENCES = ("paper", "meeting", "agendaItem")
LOCATION_BACK_REFERENCES = ("bodies", "organizations", "persons", "meetings", "papers")


def obj_url(kind: str, pk: int) -> str:
    return api_url(f"oparl:{serializers.OBJECT_URL_NAMES[kind]}", pk=pk)


def site(name: str, **kwargs) -> str:
    return "http://testserver" + reverse(name, kwargs=kwargs or None)


def test_system_is_the_entry_point(oparl_get, record):
    system = oparl_get(api_url("oparl:system"))

    assert system["id"] == api_url("oparl:system")
    assert system["type"] == SCHEMA + "System"
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    assert system["body"] == api_url("oparl:body_list")
    assert system["web"] == site("council:home")
    assert "otherOparlVersions" not in system
    bodies = oparl_get(system["body"])
    assert [body["id"] for body in bodies["data"]] == [obj_url("Body", record.body.pk)]


def test_body_links_every_list_and_embeds_its_terms(oparl_get, record):
    record.body.contact_email = "ratsbuero@ludwigshafen.de"
    record.body.contact_name = "Ratsbüro"
    record.body.rgs = "073140000000"
    record.body.save()

    body = oparl_get(obj_url("Body", record.body.pk))

    assert body["type"] == SCHEMA + "Body"
    assert body["system"] == api_url("oparl:system")
    assert (body["name"], body["shortName"], body["ags"], body["rgs"]) == (
        "Stadt Ludwigshafen am Rhein",
        "Ludwigshafen",
        "07314000",
        "073140000000",
    )
    assert (body["contactEmail"], body["contactName"]) == ("ratsbuero@ludwigshafen.de", "Ratsbüro")
    assert body["web"] == site("council:home")
    lists = ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "membership")
    for prop in (*lists, "locationList", "legislativeTermList"):
        assert body[prop].startswith(obj_url("Body", record.body.pk)), prop
        assert "data" in oparl_get(body[prop])
    [term] = body["legislativeTerm"]
    assert term["id"] == obj_url("LegislativeTerm", record.term.pk)
    assert (term["name"], term["startDate"], term["endDate"]) == ("Wahlperiode 2009–2014", "2009-07-01", "2014-06-30")
    assert "body" not in term
    for absent in ("equivalent", "otherOparlVersions", "license"):
        assert absent not in body


def test_legislative_term_on_its_own_names_its_body(oparl_get, record):
    term = oparl_get(obj_url("LegislativeTerm", record.term.pk))

    assert term["body"] == obj_url("Body", record.body.pk)
    assert "web" not in term


def test_organization(oparl_get, record):
    parent = OrganizationFactory(body=record.body, name="Stadtrat")
    record.committee.parent = parent
    record.committee.classification = "Ausschuss"
    record.committee.start_date = datetime.date(2009, 7, 1)
    record.committee.save()

    organization = oparl_get(obj_url("Organization", record.committee.pk))

    assert organization["type"] == SCHEMA + "Organization"
    assert organization["body"] == obj_url("Body", record.body.pk)
    assert (organization["name"], organization["shortName"]) == ("Ausschuss für Soziales", "SozA")
    assert organization["organizationType"] == "Gremium"
    assert organization["classification"] == "Ausschuss"
    assert organization["startDate"] == "2009-07-01"
    assert organization["subOrganizationOf"] == obj_url("Organization", parent.pk)
    assert organization["membership"] == [obj_url("Membership", record.seat.pk)]
    assert organization["web"] == site("council:organization_detail", pk=record.committee.pk)
    assert organization["location"]["id"] == obj_url("Location", record.hall.pk)
    assert not set(LOCATION_BACK_REFERENCES) & set(organization["location"])
    meetings = oparl_get(organization["meeting"])
    assert [meeting["id"] for meeting in meetings["data"]] == [obj_url("Meeting", record.meeting.pk)]
    steps = oparl_get(organization["consultation"])
    assert [step["id"] for step in steps["data"]] == [obj_url("Consultation", record.consultation.pk)]


def test_person_with_embedded_seats_and_never_contact_data(oparl_get, record):
    record.person.email = "eva.mueller@example.org"
    record.person.phone = "0621 504-0"
    record.person.form_of_address = "Frau"
    record.person.save()

    person = oparl_get(obj_url("Person", record.person.pk))

    assert person["type"] == SCHEMA + "Person"
    assert person["body"] == obj_url("Body", record.body.pk)
    assert (person["name"], person["familyName"], person["givenName"]) == ("Dr. Eva Müller", "Müller", "Eva")
    assert (person["title"], person["gender"], person["formOfAddress"]) == (["Dr."], "female", "Frau")
    assert person["web"] == site("council:person_detail", pk=record.person.pk)
    assert "email" not in person and "phone" not in person
    assert "eva.mueller@example.org" not in str(person)
    [seat] = person["membership"]
    assert seat["id"] == obj_url("Membership", record.seat.pk)
    assert seat["organization"] == obj_url("Organization", record.committee.pk)
    assert seat["onBehalfOf"] == obj_url("Organization", record.faction.pk)
    assert (seat["role"], seat["votingRight"], seat["startDate"]) == ("Vorsitzende", True, "2009-07-01")
    assert "person" not in seat


def test_membership_on_its_own_names_its_person(oparl_get, record):
    seat = oparl_get(obj_url("Membership", record.seat.pk))

    assert seat["person"] == obj_url("Person", record.person.pk)
    assert seat["web"] == site("council:person_detail", pk=record.person.pk)


def test_meeting_embeds_location_items_and_invitation(oparl_get, record):
    AttendanceFactory(meeting=record.meeting, person=record.person, status=Attendance.Status.PRESENT)
    absent = PersonFactory(body=record.body)
    AttendanceFactory(meeting=record.meeting, person=absent, status=Attendance.Status.EXCUSED)

    meeting = oparl_get(obj_url("Meeting", record.meeting.pk))

    assert meeting["type"] == SCHEMA + "Meeting"
    assert meeting["name"] == "12. Sitzung des Ausschusses für Soziales"
    assert (meeting["meetingState"], meeting["cancelled"]) == ("durchgeführt", False)
    assert meeting["start"] == "2013-03-18T15:00:00+01:00"
    assert meeting["end"] == "2013-03-18T19:00:00+01:00"
    assert meeting["organization"] == [obj_url("Organization", record.committee.pk)]
    assert meeting["participant"] == [obj_url("Person", record.person.pk)]
    assert meeting["location"]["id"] == obj_url("Location", record.hall.pk)
    assert meeting["web"] == site("council:meeting_detail", pk=record.meeting.pk)
    [item] = meeting["agendaItem"]
    assert item["id"] == obj_url("AgendaItem", record.item.pk)
    assert "meeting" not in item
    invitation = meeting["invitation"]
    assert invitation["id"] == api_url("oparl:meeting_invitation", pk=record.meeting.pk)
    assert invitation["type"] == SCHEMA + "File"
    assert (invitation["mimeType"], invitation["date"]) == ("application/pdf", "2013-03-05")
    assert "meeting" not in invitation
    assert "resultsProtocol" not in meeting


def test_a_cancelled_meeting_says_so_and_its_invitation_is_gone(oparl_get, record):
    record.meeting.state = "cancelled"
    record.meeting.save()

    meeting = oparl_get(obj_url("Meeting", record.meeting.pk))

    assert meeting["cancelled"] is True
    assert "meetingState" not in meeting and "invitation" not in meeting
    gone = oparl_get(api_url("oparl:meeting_invitation", pk=record.meeting.pk))
    assert gone["deleted"] is True and gone["type"] == SCHEMA + "File"
    oparl_get(api_url("oparl:meeting_invitation_access", pk=record.meeting.pk), status=404)


def test_finalised_minutes_are_the_results_protocol(oparl_get, oparl_response, record):
    data = b"%PDF-1.4 public minutes"
    minutes = Minutes(
        meeting=record.meeting,
        sha512="0" * 128,
        public_sha512=hashlib.sha512(data).hexdigest(),
        finalised_at=datetime.datetime(2013, 3, 25, 10, tzinfo=datetime.UTC),
        finalised_by=UserFactory(username="office"),
        rendered_at=datetime.datetime(2013, 3, 25, 10, 1, tzinfo=datetime.UTC),
    )
    minutes.file.save("niederschrift-full.pdf", ContentFile(b"%PDF-1.4 full"), save=False)
    minutes.public_file.save("niederschrift-public.pdf", ContentFile(data), save=False)
    minutes.save()

    protocol = oparl_get(obj_url("Meeting", record.meeting.pk))["resultsProtocol"]
    alone = oparl_get(protocol["id"])
    response = oparl_response(protocol["downloadUrl"])

    assert protocol["id"] == api_url("oparl:meeting_results_protocol", pk=record.meeting.pk)
    assert (protocol["size"], protocol["sha512Checksum"]) == (len(data), minutes.public_sha512)
    assert protocol["date"] == "2013-03-25"
    assert alone["meeting"] == [obj_url("Meeting", record.meeting.pk)]
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_agenda_item_carries_result_votes_and_its_step(oparl_get, record):
    item = oparl_get(obj_url("AgendaItem", record.item.pk))

    assert item["type"] == SCHEMA + "AgendaItem"
    assert item["meeting"] == obj_url("Meeting", record.meeting.pk)
    assert (item["number"], item["order"], item["name"], item["public"]) == ("3", 0, "Beitritt zum Bündnis", True)
    assert item["consultation"] == obj_url("Consultation", record.consultation.pk)
    # In the site's language whatever the request's: the same URL always gives the same bytes.
    with translation.override(settings.LANGUAGE_CODE):
        words = [translation.gettext(word) for word in ("yes", "no")]
        abstentions = translation.ngettext("%(count)d abstention", "%(count)d abstentions", 2) % {"count": 2}
    assert item["result"] == f"beschlossen (10 {words[0]}, 1 {words[1]}, {abstentions})"
    assert item["resolutionText"] == "Der Ausschuss empfiehlt den Beitritt."
    assert item["ratsbuch:votes"] == {
        "yes": 10,
        "no": 1,
        "abstention": 2,
        "biased": 0,
        "unanimous": False,
        "byFaction": [
            {
                "organization": obj_url("Organization", record.faction.pk),
                "yes": 10,
                "no": 1,
                "abstention": 2,
                "biased": 0,
            }
        ],
    }
    assert item["web"] == site("council:meeting_detail", pk=record.meeting.pk) + "#top-3"
    assert "start" not in item and "resolutionFile" not in item


def test_the_agenda_items_web_anchor_is_on_the_meeting_page(client, oparl_get, record):
    item = oparl_get(obj_url("AgendaItem", record.item.pk))
    page, anchor = item["web"].split("#")

    assert f'id="{anchor}"' in client.get(page.removeprefix("http://testserver")).text


def test_paper_embeds_steps_and_files(oparl_get, record):
    paper = oparl_get(obj_url("Paper", record.paper.pk))

    assert paper["type"] == SCHEMA + "Paper"
    assert paper["body"] == obj_url("Body", record.body.pk)
    assert (paper["name"], paper["reference"], paper["date"]) == (
        "Beitritt zum Bündnis",
        record.paper.reference,
        "2013-02-20",
    )
    assert paper["paperType"] == "Beschlussvorlage"
    assert paper["keyword"] == ['Bund-Länder-Programm "Soziale Stadt"']
    assert paper["underDirectionOf"] == [obj_url("Organization", record.paper.under_direction_of_id)]
    assert paper["originatorPerson"] == [obj_url("Person", record.person.pk)]
    assert paper["originatorOrganization"] == [obj_url("Organization", record.faction.pk)]
    assert paper["web"] == site("resolutions:paper_detail", reference=record.paper.reference)
    [step] = paper["consultation"]
    assert step["id"] == obj_url("Consultation", record.consultation.pk)
    assert "paper" not in step
    [annex] = paper["auxiliaryFile"]
    assert annex["id"] == obj_url("File", record.attachment.pk)
    assert "paper" not in annex
    main = paper["mainFile"]
    assert main["id"] == api_url("oparl:paper_main_file", pk=record.paper.pk)
    assert main["accessUrl"] == api_url("oparl:paper_main_file_access", pk=record.paper.pk)


def test_consultation_on_its_own(oparl_get, record):
    step = oparl_get(obj_url("Consultation", record.consultation.pk))

    assert step["type"] == SCHEMA + "Consultation"
    assert step["paper"] == obj_url("Paper", record.paper.pk)
    assert step["agendaItem"] == obj_url("AgendaItem", record.item.pk)
    assert step["meeting"] == obj_url("Meeting", record.meeting.pk)
    assert step["organization"] == [obj_url("Organization", record.committee.pk)]
    assert (step["authoritative"], step["role"]) == (True, "Entscheidung")
    assert step["web"] == site("resolutions:paper_detail", reference=record.paper.reference)


def test_file_on_its_own(oparl_get, record):
    record.attachment.text = "Am 5. November 2012 …"
    record.attachment.save()

    found = oparl_get(obj_url("File", record.attachment.pk))

    assert found["type"] == SCHEMA + "File"
    assert (found["name"], found["fileName"], found["mimeType"]) == (
        "Gründungserklärung",
        "gründungserklärung.pdf",
        "application/pdf",
    )
    assert (found["size"], found["sha512Checksum"]) == (record.attachment.size, record.attachment.sha512)
    assert found["text"] == "Am 5. November 2012 …"
    assert found["accessUrl"] == api_url("oparl:file_access", pk=record.attachment.pk)
    assert found["downloadUrl"] == api_url("oparl:file_download", pk=record.attachment.pk)
    assert found["paper"] == [obj_url("Paper", record.paper.pk)]
    assert found["web"] == site("resolutions:paper_detail", reference=record.paper.reference)
    assert "sha1Checksum" not in found
    datetime.date.fromisoformat(found["date"])


def test_location_on_its_own_names_who_uses_it(oparl_get, record):
    found = oparl_get(obj_url("Location", record.hall.pk))

    assert found["type"] == SCHEMA + "Location"
    assert (found["description"], found["room"], found["streetAddress"]) == (
        "Stadtratssaal, Rathaus",
        "Stadtratssaal",
        "Rathausplatz 20",
    )
    assert found["organizations"] == [obj_url("Organization", record.committee.pk)]
    assert found["meetings"] == [obj_url("Meeting", record.meeting.pk)]
    assert "web" not in found


def test_omit_internal_leaves_out_what_the_new_lists_carry(oparl_get, record):
    papers = oparl_get(api_url("oparl:body_objects", pk=record.body.pk, kind="papers") + "?omit_internal=true")
    persons = oparl_get(api_url("oparl:body_objects", pk=record.body.pk, kind="persons") + "?omit_internal=true")
    meetings = oparl_get(api_url("oparl:body_objects", pk=record.body.pk, kind="meetings") + "?omit_internal=true")

    assert "auxiliaryFile" not in papers["data"][0] and "consultation" in papers["data"][0]
    assert "membership" not in persons["data"][0]
    assert "agendaItem" in meetings["data"][0]
    assert papers["links"]["self"].endswith("?omit_internal=true")


def _embedded(data, found: list):
    """Every embedded object (a dict with an id and a type) below the top level of `data`."""
    for value in data.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "id" in item and "type" in item:
                found.append(item)
                _embedded(item, found)
    return found


@pytest.mark.parametrize("kind", ["Body", "Organization", "Person", "Meeting", "Paper"])
def test_embedded_objects_are_served_at_their_id_with_the_back_reference(oparl_get, record, kind):
    target = {
        "Body": record.body,
        "Organization": record.committee,
        "Person": record.person,
        "Meeting": record.meeting,
        "Paper": record.paper,
    }[kind]
    parent = oparl_get(obj_url(kind, target.pk))

    embedded = _embedded(parent, [])

    assert embedded
    for inner in embedded:
        alone = oparl_get(inner["id"])
        inner_kind = inner["type"].removeprefix(SCHEMA)
        added = set(alone) - set(inner)
        assert {key: alone[key] for key in inner if key in alone and not isinstance(inner[key], dict | list)} == {
            key: value for key, value in inner.items() if not isinstance(value, dict | list)
        }
        if inner_kind in BACK_REFERENCES:
            assert alone[BACK_REFERENCES[inner_kind]] == parent["id"]
        if inner_kind == "File":
            assert added & set(FILE_BACK_REFERENCES)
        if inner_kind == "Location":
            assert added <= set(LOCATION_BACK_REFERENCES)


# --- the demo as a whole ----------------------------------------------------------------
def crawl(oparl_get, start: str) -> dict[str, dict]:
    """Every API document reachable from `start` by the URLs inside the JSON."""
    seen: dict[str, dict] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen or url.endswith(("/access/", "/download/")):
            continue
        seen[url] = oparl_get(url)
        queue.extend(link for link in _links(seen[url]) if link not in seen)
    return seen


def _links(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _links(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _links(inner)
    elif isinstance(value, str) and value.startswith("http://testserver/oparl/"):
        yield value


def _empty_values(value, path="", found=None):
    """Paths of null, "" and [] values below `value` (the `data` of an empty list page excepted)."""
    found = [] if found is None else found
    if isinstance(value, dict):
        for key, inner in value.items():
            empty = inner is None or inner == "" or inner == [] or inner == {}
            if empty and not (key == "data" and "pagination" in value):
                found.append(f"{path}.{key}")
            _empty_values(inner, f"{path}.{key}", found)
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            _empty_values(inner, f"{path}[{number}]", found)
    return found


def test_the_demo_serves_every_type_without_empty_values(oparl_get, demo_data):
    documents = crawl(oparl_get, api_url("oparl:system"))

    kinds = Counter(document["type"].removeprefix(SCHEMA) for document in documents.values() if "type" in document)
    assert set(kinds) == {
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "Consultation",
        "File",
        "Location",
    }
    empties = [path for url, document in documents.items() for path in _empty_values(document, url)]
    assert empties == []
    seed = next(d for d in documents.values() if d.get("reference") == "20135317")
    decided = [
        item
        for document in documents.values()
        if document.get("type") == SCHEMA + "Meeting"
        for item in document.get("agendaItem", [])
        if item.get("consultation") in {step["id"] for step in seed["consultation"]} and "result" in item
    ]
    assert decided and all("ratsbuch:votes" in item for item in decided)
