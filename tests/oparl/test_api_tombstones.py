"""Objects that leave the public record (deleted or depublished) reported as `deleted: true` to clients that sync."""

import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from council.models import Meeting, Organization
from oparl.models import Tombstone
from tests.factories import ReleasedPaperFactory
from tests.oparl.conftest import SCHEMA, api_url


def since(moment: datetime.datetime) -> str:
    return "modified_since=" + quote(moment.isoformat())


@pytest.fixture
def before(record):
    """A moment after the record was built and before the test changes it."""
    return timezone.now() - datetime.timedelta(seconds=1)


def body_list(record, kind: str, query: str = "") -> str:
    return api_url("oparl:body_objects", pk=record.body.pk, kind=kind) + (f"?{query}" if query else "")


def ids(page: dict) -> list[str]:
    return [obj["id"] for obj in page["data"]]


def stubs(page: dict) -> dict[str, dict]:
    return {obj["id"]: obj for obj in page["data"] if obj.get("deleted")}


def assert_stub(stub: dict, kind: str, created: datetime.datetime):
    assert set(stub) == {"id", "type", "created", "modified", "deleted"}
    assert stub["type"] == SCHEMA + kind and stub["deleted"] is True
    assert datetime.datetime.fromisoformat(stub["created"]) == created.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(stub["modified"]) >= created.replace(microsecond=0)


def test_a_deleted_paper_is_reported_with_its_steps_and_files(oparl_get, record, before):
    paper = record.paper
    paper_id = api_url("oparl:paper", pk=paper.pk)
    attachment_id, main_file_id = (
        api_url("oparl:file", pk=record.attachment.pk),
        api_url("oparl:paper_main_file", pk=paper.pk),
    )
    paper.delete()

    plain = oparl_get(body_list(record, "papers"))
    synced = oparl_get(body_list(record, "papers", since(before)))
    files = oparl_get(body_list(record, "files", since(before)))
    steps = oparl_get(body_list(record, "consultations", since(before)))

    assert plain["data"] == []
    assert list(stubs(synced)) == [paper_id]
    assert_stub(synced["data"][0], "Paper", paper.created)
    assert set(stubs(files)) == {attachment_id, main_file_id}
    assert list(stubs(steps)) == [api_url("oparl:consultation", pk=record.consultation.pk)]
    # At its own URL the paper answers with the same record, as OParl 1.1 asks.
    assert oparl_get(paper_id) == synced["data"][0]


def test_no_tombstones_without_modified_since(oparl_get, record, before):
    record.paper.delete()

    for kind in ("papers", "files", "consultations"):
        page = oparl_get(body_list(record, kind, "created_since=2000-01-01T00:00:00%2B01:00"))
        assert not stubs(page)
        assert page["pagination"]["totalElements"] == len(page["data"])


def test_a_paper_made_non_public_is_reported_and_back_when_published_again(oparl_get, oparl_response, record, before):
    paper = record.paper
    paper.public = False
    paper.save()

    synced = oparl_get(body_list(record, "papers", since(before)))
    files = oparl_get(body_list(record, "files", since(before)))
    alone = oparl_get(api_url("oparl:paper", pk=paper.pk))

    assert list(stubs(synced)) == [api_url("oparl:paper", pk=paper.pk)]
    assert api_url("oparl:file", pk=record.attachment.pk) in stubs(files)
    assert alone["deleted"] is True and "name" not in alone
    assert oparl_response(api_url("oparl:file_download", pk=record.attachment.pk)).status_code == 404
    assert Tombstone.objects.filter(object_type="Consultation", object_id=record.consultation.pk).exists()

    paper.public = True
    paper.save()

    again = oparl_get(body_list(record, "papers", since(before)))
    assert not stubs(again)
    assert ids(again) == [api_url("oparl:paper", pk=paper.pk)]
    assert oparl_get(api_url("oparl:paper", pk=paper.pk))["name"] == paper.name
    assert not stubs(oparl_get(body_list(record, "files", since(before))))
    assert not Tombstone.objects.exists()


def test_a_deleted_attachment_is_reported_and_its_paper_counts_as_modified(oparl_get, record, before):
    attachment_id = api_url("oparl:file", pk=record.attachment.pk)
    record.attachment.delete()

    files = oparl_get(body_list(record, "files", since(before)))
    papers = oparl_get(body_list(record, "papers", since(before)))

    [stub] = stubs(files).values()
    assert_stub(stub, "File", record.attachment.created)
    assert stub["id"] == attachment_id
    # The paper embedded the file: it changed with it, so a client syncing papers sees it again.
    [paper] = papers["data"]
    assert paper["id"] == api_url("oparl:paper", pk=record.paper.pk)
    assert "auxiliaryFile" not in paper
    assert paper["modified"] >= stub["modified"]


def test_an_agenda_item_made_non_public_is_reported_and_leaves_its_meeting(oparl_get, record, before):
    record.item.public = False
    record.item.save()

    items = oparl_get(body_list(record, "agenda-items", since(before)))
    meetings = oparl_get(body_list(record, "meetings", since(before)))
    step = oparl_get(api_url("oparl:consultation", pk=record.consultation.pk))

    [stub] = stubs(items).values()
    assert_stub(stub, "AgendaItem", record.item.created)
    [meeting] = meetings["data"]
    assert "agendaItem" not in meeting
    assert meeting["modified"] >= stub["modified"]
    assert "agendaItem" not in step and "meeting" not in step
    assert "Der Ausschuss empfiehlt den Beitritt." not in str(meetings)

    record.item.public = True
    record.item.save()

    assert not stubs(oparl_get(body_list(record, "agenda-items", since(before))))


def test_a_seat_turned_administrative_takes_the_person_out(oparl_get, record, before):
    record.committee.organization_type = Organization.Type.ADMINISTRATIVE_UNIT
    record.committee.save()

    persons = oparl_get(body_list(record, "persons", since(before)))
    seats = oparl_get(body_list(record, "memberships", since(before)))

    assert list(stubs(persons)) == [api_url("oparl:person", pk=record.person.pk)]
    assert list(stubs(seats)) == [api_url("oparl:membership", pk=record.seat.pk)]


def test_a_cancelled_meetings_invitation_is_reported(oparl_get, record, before):
    meeting = Meeting.objects.get(pk=record.meeting.pk)
    meeting.state = Meeting.State.CANCELLED
    meeting.save()

    files = oparl_get(body_list(record, "files", since(before)))

    assert list(stubs(files)) == [api_url("oparl:meeting_invitation", pk=meeting.pk)]


def test_tombstones_follow_the_live_objects_page_by_page(oparl_get, record, before):
    for _number in range(2):
        ReleasedPaperFactory(body=record.body)
    for paper in [ReleasedPaperFactory(body=record.body) for _number in range(2)]:
        paper.delete()

    first = oparl_get(body_list(record, "papers", since(before) + "&limit=2"))
    second = oparl_get(first["links"]["next"])
    third = oparl_get(second["links"]["next"])

    assert first["pagination"]["totalElements"] == 5
    assert [len(stubs(page)) for page in (first, second, third)] == [0, 1, 1]
    assert [len(page["data"]) for page in (first, second, third)] == [2, 2, 1]
    assert "next" not in third["links"]
    assert all(since(before).split("=")[1] in link for link in third["links"].values())


def test_the_filters_apply_to_tombstones_too(oparl_get, record, before):
    record.paper.delete()
    later = timezone.now() + datetime.timedelta(seconds=1)

    assert not stubs(oparl_get(body_list(record, "papers", since(later))))
    window = f"{since(before - datetime.timedelta(days=1))}&modified_until={quote(before.isoformat())}"
    assert not stubs(oparl_get(body_list(record, "papers", window)))
    created_later = "created_since=" + quote(later.isoformat())
    assert not stubs(oparl_get(body_list(record, "papers", f"{since(before)}&{created_later}")))


def test_a_tombstone_remembers_what_the_object_was(record):
    paper_pk = record.paper.pk
    record.paper.delete()

    stone = Tombstone.objects.get(object_type="Paper")
    step = Tombstone.objects.get(object_type="Consultation")
    assert (stone.object_id, stone.body_id, stone.created) == (paper_pk, record.body.pk, record.paper.created)
    assert (step.parent_type, step.parent_id) == ("Paper", paper_pk)


def test_a_draft_saved_again_leaves_no_tombstone(record, body):
    draft = ReleasedPaperFactory(body=body, released_at=None, state="draft")
    draft.name = "Neuer Titel"
    draft.save()
    draft.delete()

    assert not Tombstone.objects.exists()
