"""The admin: every registered model's pages open for an administrator, nobody else gets in."""

import datetime
import hashlib
import itertools
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from alliances.models import Alliance, AllianceAim, AllianceMembership, Representation
from council.models import (
    AgendaItem,
    Attendance,
    Body,
    InvitationDispatch,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Subscription,
)
from council.models import Person as PersonModel
from oparl.models import ImportedObject, ImportRun, Tombstone
from resolutions.models import (
    Attachment,
    Consultation,
    Cosignature,
    Decision,
    FactionVote,
    Minutes,
    Paper,
    PaperEvent,
    ProgressReport,
    ReferenceCounter,
    ResultWording,
    Tracking,
    TrackingReport,
)
from tests.factories import (
    TINY_PDF,
    AgendaItemFactory,
    AllianceAimFactory,
    AllianceFactory,
    AllianceMembershipFactory,
    AttachmentFactory,
    AttendanceFactory,
    BodyFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionVoteFactory,
    LegislativeTermFactory,
    LocationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ProgressReportFactory,
    RepresentationFactory,
    SubscriptionFactory,
    TrackingFactory,
    UnitFactory,
    UserFactory,
)

_serial = itertools.count(1)


def _another_body():
    n = next(_serial)
    return BodyFactory(ags=f"0799{n:04d}", name=f"Gemeinde {n}")


def _paper_event():
    return PaperEvent.objects.create(
        paper=PaperFactory(), action=PaperEvent.Action.CREATED, to_state=Paper.State.DRAFT, actor=UserFactory()
    )


def _reference_counter():
    return ReferenceCounter.objects.create(body=BodyFactory(), year=2000 + next(_serial), last_number=17)


def _cosignature():
    return Cosignature.objects.create(paper=PaperFactory(), signer=UserFactory())


def _minutes():
    checksum = hashlib.sha512(TINY_PDF).hexdigest()
    return Minutes.objects.create(
        meeting=MeetingFactory(state="held"),
        file=ContentFile(TINY_PDF, name="niederschrift.pdf"),
        public_file=ContentFile(TINY_PDF, name="niederschrift-oeffentlich.pdf"),
        sha512=checksum,
        public_sha512=checksum,
        finalised_at=timezone.now(),
        finalised_by=UserFactory(),
        rendered_at=timezone.now(),
    )


def _alliance_membership():
    # Mix the two kinds of members, so that the list shows both.
    if next(_serial) % 2:
        return AllianceMembershipFactory()
    return AllianceMembershipFactory(member_body=None, member_organization=OrganizationFactory())


# One fresh, independent object of each of our models per call.
MAKERS = {
    Body: _another_body,
    LegislativeTerm: LegislativeTermFactory,
    Location: LocationFactory,
    Organization: lambda: OrganizationFactory(parent=UnitFactory()),
    PersonModel: lambda: PersonFactory(user=UserFactory()),
    Membership: lambda: MembershipFactory(on_behalf_of=OrganizationFactory()),
    Meeting: lambda: MeetingFactory(location=LocationFactory(), organizations=[OrganizationFactory()]),
    Attendance: AttendanceFactory,
    AgendaItem: AgendaItemFactory,
    Paper: PaperFactory,
    ReferenceCounter: _reference_counter,
    PaperEvent: _paper_event,
    Cosignature: _cosignature,
    Consultation: lambda: ConsultationFactory(agenda_item=AgendaItemFactory()),
    Attachment: AttachmentFactory,
    Decision: DecisionFactory,
    FactionVote: FactionVoteFactory,
    ResultWording: lambda: ResultWording.objects.create(wording=f"erledigt {uuid.uuid4()}", result="sonstiges"),
    Minutes: _minutes,
    Tracking: TrackingFactory,
    ProgressReport: ProgressReportFactory,
    TrackingReport: lambda: TrackingReport.objects.create(
        organization=OrganizationFactory(), as_of=datetime.date(2013, 6, 1), paper=PaperFactory()
    ),
    Alliance: AllianceFactory,
    AllianceAim: AllianceAimFactory,
    AllianceMembership: _alliance_membership,
    Representation: lambda: RepresentationFactory(person=PersonFactory()),
    Tombstone: lambda: Tombstone.objects.create(
        object_type="Paper", object_id=uuid.uuid4().int % 10**9, created=timezone.now(), deleted=timezone.now()
    ),
    ImportedObject: lambda: ImportedObject.objects.create(
        oparl_id=f"https://ris.example.de/oparl/paper/{uuid.uuid4()}",
        content_type=ContentType.objects.get_for_model(Paper),
        object_id=1,
    ),
    ImportRun: lambda: ImportRun.objects.create(system_url="https://ris.example.de/oparl/", started_at=timezone.now()),
    InvitationDispatch: lambda: InvitationDispatch.objects.create(
        meeting=MeetingFactory(),
        person=PersonFactory(),
        recipient_name="Eva Muster",
        agenda_version="0123456789ab",
        message_id=f"<{uuid.uuid4()}@ratsbuch.invalid>",
    ),
    Subscription: lambda: SubscriptionFactory(organization=OrganizationFactory(), user=UserFactory()),
}
READ_ONLY = {
    ReferenceCounter,
    PaperEvent,
    Minutes,
    TrackingReport,
    Tombstone,
    ImportedObject,
    ImportRun,
    InvitationDispatch,
}
# Registered by the apps we install: the results of background tasks (django-tasks-db) and
# django-axes' records of login attempts are read-only too.
INSTALLED_READ_ONLY = {DBTaskResult, AccessAttempt, AccessLog, AccessFailureLog}


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_model_of_ours_is_registered():
    assert set(MAKERS) <= set(admin.site._registry)


def test_site_is_named_ratsbuch():
    assert str(admin.site.site_header) == "Ratsbuch"
    assert str(admin.site.site_title) == "Ratsbuch"


@pytest.mark.django_db
def test_admin_index_opens_for_admin(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert b"Ratsbuch" in response.content


@pytest.mark.django_db
def test_every_changelist_opens(admin_client):
    for model in admin.site._registry:
        response = admin_client.get(_url(model, "changelist"))
        assert response.status_code == 200, model


@pytest.mark.django_db
def test_every_add_page_opens_unless_the_model_is_read_only(admin_client):
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(_url(model, "add"))
        read_only = model in READ_ONLY | INSTALLED_READ_ONLY
        assert response.status_code == (403 if read_only else 200), model
        assert model_admin.has_add_permission(response.wsgi_request) is not read_only


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
def test_change_page_opens(admin_client, model):
    obj = MAKERS[model]()

    response = admin_client.get(_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(MAKERS), ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    MAKERS[model]()
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(_url(model, "changelist")).status_code == 200
    for _ in range(3):
        MAKERS[model]()
    with CaptureQueriesContext(connection) as four_rows:
        assert admin_client.get(_url(model, "changelist")).status_code == 200

    assert len(four_rows) == len(one_row), [query["sql"] for query in four_rows.captured_queries]


@pytest.mark.django_db
def test_history_pages_open(admin_client):
    paper = PaperFactory()
    decision = DecisionFactory()
    membership = AllianceMembershipFactory()

    for obj in (paper, decision, membership):
        response = admin_client.get(_url(type(obj), "history", obj.pk))
        assert response.status_code == 200, type(obj)


@pytest.mark.django_db
def test_non_staff_user_is_sent_to_login(client):
    client.force_login(UserFactory(username="citizen"))

    for url in (reverse("admin:index"), _url(Paper, "changelist"), _url(Paper, "add")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(_url(Body, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(READ_ONLY, key=lambda model: model.__name__), ids=lambda m: m.__name__)
def test_read_only_models_refuse_change_and_delete(admin_client, model):
    obj = MAKERS[model]()
    before = model.objects.values().get(pk=obj.pk)

    assert admin_client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert model.objects.values().get(pk=obj.pk) == before


def _paper_form(**overrides):
    data = {
        "body": "",
        "paper_type": Paper.Type.RESOLUTION,
        "name": "Beitritt zum Bündnis",
        "date": "2013-02-20",
        "proposal_addressee": "Der Stadtrat möge wie folgt beschließen:",
        "under_direction_of": "",
        "public": "on",
    }
    for prefix in ("consultations", "attachments", "cosignatures"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_adding_a_paper_allocates_the_next_ksd_number_and_records_the_creation(admin_client, admin_user, unit):
    PaperFactory(body=unit.body, reference="20130001")
    ReferenceCounter.objects.create(body=unit.body, year=2013, last_number=1)

    response = admin_client.post(
        _url(Paper, "add"), _paper_form(body=unit.body.pk, under_direction_of=unit.pk), follow=False
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    paper = Paper.objects.get(name="Beitritt zum Bündnis")
    assert paper.reference == "20130002"
    assert paper.state == Paper.State.DRAFT
    assert list(paper.events.values_list("action", "actor")) == [(PaperEvent.Action.CREATED, admin_user.pk)]


@pytest.mark.django_db
def test_admin_cannot_set_state_reference_or_version_by_hand(admin_client, unit):
    paper = PaperFactory(body=unit.body, under_direction_of=unit, reference="20130007")

    response = admin_client.post(
        _url(Paper, "change", paper.pk),
        _paper_form(
            under_direction_of=unit.pk,
            name="Neuer Titel",
            reference="20139999",
            state=Paper.State.DECIDED,
            version="42",
        ),
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.name == "Neuer Titel"
    assert paper.reference == "20130007"
    assert paper.state == Paper.State.DRAFT
    # The admin's edit counts for the optimistic lock.
    assert paper.version == 2


@pytest.mark.django_db
def test_attachment_upload_fills_in_checksum_size_and_type_from_content(admin_client):
    paper = PaperFactory()
    upload = SimpleUploadedFile("Beitrittserklärung Bündnis.pdf", TINY_PDF, content_type="text/plain")

    response = admin_client.post(
        _url(Attachment, "add"),
        {
            "paper": paper.pk,
            "attachment_type": Attachment.Type.ACCESSION_DECLARATION,
            "name": "Beitrittserklärung",
            "public": "on",
            "file": upload,
            "order": "1",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    attachment = Attachment.objects.get(paper=paper)
    assert attachment.sha512 == hashlib.sha512(TINY_PDF).hexdigest()
    assert attachment.size == len(TINY_PDF)
    assert attachment.mime_type == "application/pdf"  # from the bytes, not from the browser's claim
    assert attachment.file_name == "Beitrittserklaerung_Buendnis.pdf"
    assert attachment.file.read() == TINY_PDF


@pytest.mark.django_db
def test_attachment_upload_with_disguised_content_is_refused(admin_client):
    paper = PaperFactory()
    upload = SimpleUploadedFile("anlage.pdf", b"#!/bin/sh\necho not a pdf\n", content_type="application/pdf")

    response = admin_client.post(
        _url(Attachment, "add"),
        {"paper": paper.pk, "attachment_type": Attachment.Type.ANNEX, "name": "Anlage", "file": upload, "order": "1"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_meeting_change_page_shows_agenda_and_attendance_inlines(admin_client):
    meeting = MeetingFactory(start=datetime.datetime(2013, 3, 18, 15, tzinfo=datetime.UTC))
    AgendaItemFactory(meeting=meeting, name="Beitritt zum Bündnis Soziale Stadt")
    AttendanceFactory(meeting=meeting, person=PersonFactory(family_name="Lohse"))

    response = admin_client.get(_url(Meeting, "change", meeting.pk))

    assert b"Beitritt zum B\xc3\xbcndnis Soziale Stadt" in response.content
    assert b"Lohse" in response.content


@pytest.mark.django_db
def test_alliance_add_page_prepopulates_the_slug_from_the_name_and_lists_aims(admin_client):
    response = admin_client.get(_url(Alliance, "add"))

    prepopulated = response.context["adminform"].prepopulated_fields
    assert [(p["field"].name, [d.name for d in p["dependencies"]]) for p in prepopulated] == [("slug", ["name"])]
    assert b"id_aims-TOTAL_FORMS" in response.content
