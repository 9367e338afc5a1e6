"""Invitations by mail: one per entitled person, PDF and .ics attached, each dispatch recorded."""

import datetime

import pytest
from django.utils import timezone

from council import services
from council.invitations import NO_ADDRESS_ERROR, agenda_snapshot, agenda_version
from council.models import InvitationDispatch
from tests.council.conftest import at, meeting_of, seat
from tests.factories import AgendaItemFactory, CommitteeFactory, MembershipFactory, PersonFactory
from tests.smtp import attachments_of, text_of

D = InvitationDispatch.State


@pytest.fixture
def seats(committee):
    addresses = {"Weiß": "weiss", "Krämer": "kraemer", "Hörner": "hoerner"}
    people = {name: seat(committee, family_name=name) for name in addresses}
    for name, person in people.items():
        person.email = f"{addresses[name]}@example.org"
        person.save()
    return people


@pytest.fixture
def agenda(upcoming):
    AgendaItemFactory(meeting=upcoming, number="1", order=1, name="Eröffnung", public=True)
    AgendaItemFactory(meeting=upcoming, number="2", order=2, name="Grundstücksangelegenheit Mundenheim", public=False)
    return upcoming


def _invite(meeting, office, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_invite(meeting=meeting, by=office, **kwargs)


def test_every_entitled_member_gets_one_mail_with_pdf_and_ics(
    office, agenda, seats, smtp_server, django_capture_on_commit_callbacks
):
    _invite(agenda, office, django_capture_on_commit_callbacks)

    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted(p.email for p in seats.values())
    message = smtp_server.to("weiss@example.org")[0]
    files = attachments_of(message)
    assert files[f"Einladung-{agenda.pk}.pdf"].startswith(b"%PDF")
    assert "BEGIN:VCALENDAR" in files[f"Sitzung-{agenda.pk}.ics"]
    assert "24. Sitzung des Sozialausschusses" in str(message["Subject"])
    assert "Einladung" in str(message["Subject"])
    assert agenda.body.name in str(message["From"])
    assert "Sehr geehrte" in text_of(message) or "Guten Tag" in text_of(message)


def test_each_dispatch_is_recorded_with_address_message_id_and_agenda_version(
    office, agenda, seats, smtp_server, django_capture_on_commit_callbacks
):
    _invite(agenda, office, django_capture_on_commit_callbacks)

    dispatches = list(InvitationDispatch.objects.filter(meeting=agenda))
    assert len(dispatches) == 3
    assert {d.state for d in dispatches} == {D.SENT}
    assert all(d.sent_at is not None and d.insider for d in dispatches)
    version = agenda_version(agenda_snapshot(agenda))
    assert {d.agenda_version for d in dispatches} == {version}
    received = {str(m["Message-ID"]) for m in smtp_server.messages}
    assert received == {d.message_id for d in dispatches}
    weiss = next(d for d in dispatches if d.person == seats["Weiß"])
    assert weiss.address == "weiss@example.org"
    assert [item["name"] for item in weiss.agenda] == ["Eröffnung", "Grundstücksangelegenheit Mundenheim"]


def test_a_person_without_address_is_recorded_as_failed(
    office, upcoming, committee, smtp_server, django_capture_on_commit_callbacks
):
    nobody = seat(committee, family_name="Ohnemail")

    _invite(upcoming, office, django_capture_on_commit_callbacks)

    dispatch = InvitationDispatch.objects.get(person=nobody)
    assert (dispatch.state, dispatch.error, dispatch.address) == (D.FAILED, NO_ADDRESS_ERROR, "")
    assert smtp_server.messages == []


def test_a_refused_address_fails_at_once_and_the_others_go_out(
    office, upcoming, seats, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse("hoerner@example.org")

    _invite(upcoming, office, django_capture_on_commit_callbacks)

    states = {d.person.family_name: d.state for d in InvitationDispatch.objects.filter(meeting=upcoming)}
    assert states == {"Weiß": D.SENT, "Krämer": D.SENT, "Hörner": D.FAILED}
    assert InvitationDispatch.objects.get(person=seats["Hörner"]).attempts == 1


def test_a_temporary_failure_is_retried(office, upcoming, seats, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.fail_next(2)

    _invite(upcoming, office, django_capture_on_commit_callbacks)

    dispatches = InvitationDispatch.objects.filter(meeting=upcoming)
    assert {d.state for d in dispatches} == {D.SENT}
    # The tests run tasks at once, so the first mail takes both refusals and goes out on its third try.
    assert sorted(d.attempts for d in dispatches) == [1, 1, 3]
    assert len(smtp_server.messages) == 3


def test_a_dispatch_fails_for_good_after_the_last_attempt(
    office, upcoming, seats, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.RATSBUCH_TASK_ATTEMPTS = 2
    smtp_server.fail_next(100)

    _invite(upcoming, office, django_capture_on_commit_callbacks)

    dispatches = InvitationDispatch.objects.filter(meeting=upcoming)
    assert {(d.state, d.attempts) for d in dispatches} == {(D.FAILED, 2)}
    assert all("Try again later" in d.error for d in dispatches)


def test_sending_again_does_not_mail_a_delivered_invitation_twice(
    office, upcoming, seats, smtp_server, django_capture_on_commit_callbacks
):
    from council.tasks import invitation_mail

    _invite(upcoming, office, django_capture_on_commit_callbacks)
    dispatch = InvitationDispatch.objects.filter(meeting=upcoming).first()

    assert invitation_mail.call(dispatch.pk) == "skipped"
    assert len(smtp_server.messages) == 3


def test_a_public_guest_gets_the_public_version_only(office, agenda, smtp_server, django_capture_on_commit_callbacks):
    from council.invitations import dispatches_create, invitations_enqueue

    guest = PersonFactory(body=agenda.body, family_name="Gast", email="gast@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(meeting=agenda, by=office, mail=False)
        dispatches_create(meeting=agenda, persons=[guest])
        invitations_enqueue(agenda)

    dispatch = InvitationDispatch.objects.get(person=guest)
    assert (dispatch.state, dispatch.insider) == (D.SENT, False)
    from resolutions.pdf import pdf_text

    pdf = attachments_of(smtp_server.to("gast@example.org")[0])[f"Einladung-{agenda.pk}.pdf"]
    assert "Eröffnung" in pdf_text(pdf)
    assert "Mundenheim" not in pdf_text(pdf)


def test_members_of_another_committee_are_not_invited(
    office, upcoming, seats, body, smtp_server, django_capture_on_commit_callbacks
):
    other = seat(CommitteeFactory(body=body, name="Bauausschuss"), family_name="Fremd")
    other.email = "fremd@example.org"
    other.save()

    _invite(upcoming, office, django_capture_on_commit_callbacks)

    assert smtp_server.to("fremd@example.org") == []
    assert not InvitationDispatch.objects.filter(person=other).exists()


def test_without_mail_only_the_time_is_recorded(office, upcoming, seats, django_capture_on_commit_callbacks):
    sent = timezone.now() - datetime.timedelta(days=1)
    _invite(upcoming, office, django_capture_on_commit_callbacks, at=sent, mail=False)

    assert not InvitationDispatch.objects.exists()


def test_nothing_is_queued_when_the_invitation_is_refused(clerk, upcoming, seats):
    with pytest.raises(Exception):  # noqa: B017 - the refusal itself is tested in test_services
        services.meeting_invite(meeting=upcoming, by=clerk)
    assert not InvitationDispatch.objects.exists()


def test_the_mail_lists_the_place_and_a_link(office, committee, smtp_server, django_capture_on_commit_callbacks):
    meeting = meeting_of(committee, start=at(timezone.localdate() + datetime.timedelta(days=20)))
    person = seat(committee, family_name="Ort")
    person.email = "ort@example.org"
    person.save()

    _invite(meeting, office, django_capture_on_commit_callbacks)

    assert f"/sitzungen/{meeting.pk}/" in text_of(smtp_server.to("ort@example.org")[0])


@pytest.fixture
def database_queue(settings):
    """The embedded default of `make run`: tasks wait in the database for `db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _work_the_queue():
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, interval=0.01, verbosity=0)


def test_the_database_queue_holds_the_mail_until_the_worker_runs(
    transactional_db, database_queue, client, office, upcoming, seats, smtp_server
):
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    services.meeting_invite(meeting=upcoming, by=office)
    assert smtp_server.messages == []
    assert DBTaskResult.objects.count() == 1  # the office's request only queued the mailing
    client.force_login(office)
    assert client.get(reverse("council:outbox")).context["waiting_tasks"] == 1

    _work_the_queue()

    assert len(smtp_server.messages) == 3
    assert set(InvitationDispatch.objects.values_list("state", flat=True)) == {D.SENT}
    assert DBTaskResult.objects.successful().count() == 4  # the mailing, then one task per member


def test_a_task_that_fails_for_good_is_shown_to_the_office(
    transactional_db, database_queue, client, office, upcoming, seats, smtp_server, settings
):
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    settings.RATSBUCH_TASK_ATTEMPTS = 2
    smtp_server.fail_next(100)
    services.meeting_invite(meeting=upcoming, by=office)

    _work_the_queue()

    assert {(d.state, d.attempts) for d in InvitationDispatch.objects.all()} == {(D.FAILED, 2)}
    assert DBTaskResult.objects.failed().count() == 3  # the second attempt of each
    client.force_login(office)
    response = client.get(reverse("council:outbox"))
    assert len(response.context["failed_tasks"]) == 3
    assert len(response.context["failed_dispatches"]) == 3
    assert "invitation_mail" in response.text
    assert (response.context["waiting_tasks"], response.context["running_tasks"]) == (0, 0)


@pytest.fixture
def deputy(committee):
    person = PersonFactory(body=committee.body, family_name="Vertreterin", email="vertreterin@example.org")
    MembershipFactory(person=person, organization=committee, role="stellvertretendes Mitglied", voting_right=False)
    return person


def test_deputies_are_invited_unless_the_office_leaves_them_out(
    office, upcoming, seats, deputy, smtp_server, django_capture_on_commit_callbacks
):
    _invite(upcoming, office, django_capture_on_commit_callbacks, deputies=False)

    assert smtp_server.to("vertreterin@example.org") == []
    assert not InvitationDispatch.objects.filter(person=deputy).exists()
    assert len(smtp_server.messages) == 3


def test_deputies_are_invited_by_default_with_the_whole_agenda(
    office, upcoming, seats, deputy, smtp_server, django_capture_on_commit_callbacks
):
    _invite(upcoming, office, django_capture_on_commit_callbacks)

    assert InvitationDispatch.objects.get(person=deputy).insider is True
    assert len(smtp_server.to("vertreterin@example.org")) == 1


def test_a_deputy_chair_is_a_member_not_a_deputy(upcoming, committee):
    from council.invitations import deputy_ids

    chair = PersonFactory(body=committee.body)
    MembershipFactory(person=chair, organization=committee, role="stellvertretende Vorsitzende", voting_right=True)
    both = PersonFactory(body=committee.body)
    MembershipFactory(person=both, organization=committee, role="stellvertretendes Mitglied", voting_right=False)

    assert deputy_ids(upcoming) == {both.pk}
