"""The finalised Niederschrift is rendered and stored in a task, and the office mails it to the members
with a dispatch record per recipient (the invitations' record and task)."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from council import services as council_services
from council.models import InvitationDispatch
from resolutions import services
from resolutions.models import Minutes
from resolutions.pdf import pdf_text
from resolutions.services import (
    MINUTES_ALREADY_MAILED_ERROR,
    MINUTES_MAIL_ROLE_ERROR,
    MINUTES_NOT_STORED_ERROR,
)
from tests.council.conftest import at, meeting_of, seat, user_named
from tests.factories import AgendaItemFactory
from tests.resolutions.conftest import messages_of
from tests.smtp import attachments_of, text_of

DAY = datetime.date(2013, 3, 4)
D = InvitationDispatch.State


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def held(committee, office):
    """A held meeting of the committee with a public and a non-public item, two members with addresses."""
    meeting = meeting_of(committee, start=at(DAY), name="23. Sitzung des Ausschusses für Soziales und Integration")
    AgendaItemFactory(meeting=meeting, number="1", order=1, name="Eröffnung der Sitzung", public=True)
    AgendaItemFactory(meeting=meeting, number="2", order=2, name="Grundstück Vogelsangstraße", public=False)
    people = []
    for name in ("Weiß", "Krämer"):
        person = seat(committee, family_name=name)
        person.email = f"{name.lower().replace('ß', 'ss').replace('ä', 'ae')}@example.org"
        person.save()
        people.append(person)
    council_services.attendance_record(meeting=meeting, by=office, present=people)
    council_services.meeting_hold(meeting=meeting, by=office)
    meeting.refresh_from_db()
    return meeting


def _mail(meeting, by, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.minutes_mail(meeting=meeting, by=by, **kwargs)


# --- rendering in a task --------------------------------------------------------------------
def test_finalising_renders_and_stores_both_versions_in_the_task(held, office):
    minutes = services.minutes_finalise(meeting=held, by=office)
    assert minutes.is_rendered
    with minutes.file.open("rb") as handle:
        assert hashlib.sha512(handle.read()).hexdigest() == minutes.sha512
    assert services.minutes_store(minutes_id=minutes.pk) == "skipped"  # idempotent


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _work_the_queue():
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, interval=0.01, verbosity=0)


def test_the_office_sees_the_minutes_being_rendered_until_the_worker_stored_them(
    transactional_db, database_queue, client, held, office
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(office)
    response = client.post(reverse("resolutions:meeting_minutes_finalise", kwargs={"pk": held.pk}))
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=held)
    assert not minutes.is_rendered and DBTaskResult.objects.count() == 1  # the request only queued it
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": held.pk}))
    assert 'data-minutes-state="rendering"' in page.text and 'data-action="mail-minutes"' not in page.text
    pdf = client.get(reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": held.pk}))
    assert pdf.status_code == 503 and pdf["Retry-After"]

    _work_the_queue()

    minutes.refresh_from_db()
    assert minutes.is_rendered and DBTaskResult.objects.successful().count() == 1
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": held.pk}))
    assert 'data-minutes-state="rendering"' not in page.text and 'data-action="mail-minutes"' in page.text
    pdf = client.get(reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": held.pk}))
    assert pdf.status_code == 200 and hashlib.sha512(pdf.content).hexdigest() == minutes.sha512


def test_the_public_gets_no_minutes_while_they_are_rendered(transactional_db, database_queue, client, held, office):
    services.minutes_finalise(meeting=held, by=office)
    assert client.get(reverse("resolutions:meeting_minutes_pdf", kwargs={"pk": held.pk})).status_code == 503


# --- mailing ----------------------------------------------------------------------------------
def test_every_member_gets_the_stored_minutes_with_a_dispatch_record(
    held, office, smtp_server, django_capture_on_commit_callbacks
):
    minutes = services.minutes_finalise(meeting=held, by=office)
    dispatches = _mail(held, office, django_capture_on_commit_callbacks)
    assert len(dispatches) == 2
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["kraemer@example.org", "weiss@example.org"]
    message = smtp_server.to("weiss@example.org")[0]
    pdf = attachments_of(message)[f"Niederschrift-{held.pk}.pdf"]
    assert hashlib.sha512(pdf).hexdigest() == minutes.sha512  # the full version, to a member
    assert "Grundstück Vogelsangstraße" in " ".join(pdf_text(pdf).split())
    assert "Niederschrift" in str(message["Subject"]) and held.name in text_of(message)
    assert f"Sitzung-{held.pk}.ics" not in attachments_of(message)
    records = InvitationDispatch.objects.filter(meeting=held, kind=InvitationDispatch.Kind.MINUTES)
    assert {(d.state, d.insider) for d in records} == {(D.SENT, True)}
    assert all(d.message_id and d.sent_at for d in records)


def test_a_guest_without_a_seat_gets_the_public_minutes(
    held, office, smtp_server, django_capture_on_commit_callbacks, body
):
    from council.invitations import dispatches_create, invitations_enqueue
    from tests.factories import PersonFactory

    minutes = services.minutes_finalise(meeting=held, by=office)
    guest = PersonFactory(body=body, email="gast@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_create(meeting=held, persons=[guest], kind=InvitationDispatch.Kind.MINUTES)
        invitations_enqueue(held)
    pdf = attachments_of(smtp_server.to("gast@example.org")[0])[f"Niederschrift-{held.pk}.pdf"]
    assert hashlib.sha512(pdf).hexdigest() == minutes.public_sha512
    assert "Vogelsangstraße" not in pdf_text(pdf)


def test_the_minutes_are_mailed_once(held, office, smtp_server, django_capture_on_commit_callbacks):
    services.minutes_finalise(meeting=held, by=office)
    _mail(held, office, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        _mail(held, office, django_capture_on_commit_callbacks)
    assert caught.value.code == "already_mailed"
    assert len(smtp_server.messages) == 2


def test_minutes_not_finalised_are_not_mailed(held, office, smtp_server, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as caught:
        _mail(held, office, django_capture_on_commit_callbacks)
    assert messages_of(caught.value) == [MINUTES_NOT_STORED_ERROR]
    assert not InvitationDispatch.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "head", "member", "admin_user"])
def test_only_the_office_mails_the_minutes(request, held, office, who, django_capture_on_commit_callbacks):
    services.minutes_finalise(meeting=held, by=office)
    user = user_named(request, who)
    if who == "admin_user":
        # An administrator acts as the office.
        assert _mail(held, user, django_capture_on_commit_callbacks)
        return
    with pytest.raises(ValidationError) as caught:
        _mail(held, user, django_capture_on_commit_callbacks)
    assert messages_of(caught.value) == [MINUTES_MAIL_ROLE_ERROR]
    assert not InvitationDispatch.objects.exists()


# --- the button -------------------------------------------------------------------------------
def _mail_url(meeting):
    return reverse("resolutions:meeting_minutes_mail", kwargs={"pk": meeting.pk})


def test_the_office_mails_the_minutes_from_the_meeting_page(
    client, held, office, smtp_server, django_capture_on_commit_callbacks
):
    services.minutes_finalise(meeting=held, by=office)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_mail_url(held), {"deputies": "1"})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "being mailed to 2 recipients" in " ".join(str(m) for m in page.context["messages"])
    assert page.text.count('data-dispatch-state="sent"') == 2
    again = client.post(_mail_url(held), {"deputies": "1"}, follow=True)
    date = InvitationDispatch.objects.order_by("created").first().created
    expected = str(MINUTES_ALREADY_MAILED_ERROR) % {"date": date.astimezone().strftime("%d.%m.%Y %H:%M")}
    assert [str(m) for m in again.context["messages"]][-1].startswith(expected[:40])
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("member", 403), ("anonymous", 302)])
def test_others_may_not_mail_the_minutes(request, client, held, office, who, status):
    services.minutes_finalise(meeting=held, by=office)
    if who != "anonymous":
        client.force_login(user_named(request, who))
    assert client.post(_mail_url(held), {"deputies": "1"}).status_code == status
    assert not InvitationDispatch.objects.exists()


def test_a_get_does_not_mail(client, held, office):
    services.minutes_finalise(meeting=held, by=office)
    client.force_login(office)
    assert client.get(_mail_url(held)).status_code == 302
    assert not InvitationDispatch.objects.exists()


def test_mailing_unfinalised_minutes_on_the_page_says_why(client, held, office):
    client.force_login(office)
    response = client.post(_mail_url(held), follow=True)
    assert escape(str(MINUTES_NOT_STORED_ERROR)) in response.text
    assert not InvitationDispatch.objects.exists()
