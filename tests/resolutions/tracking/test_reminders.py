"""Reminders of tracked decisions that fall due or are overdue: mailed once each, only to who may read them."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from resolutions.models import Tracking, TrackingReminder
from resolutions.tracking import services as tracking_services
from resolutions.tracking.reminders import reminder_kind, reminder_recipients, reminders_send
from tests.factories import PersonFactory, UnitFactory, UserFactory
from tests.smtp import html_of, text_of

TODAY = datetime.date(2013, 6, 1)


@pytest.fixture(autouse=True)
def _addresses(clerk, head, office, member, other_clerk):
    for user, address in [
        (clerk, "clerk@ludwigshafen.example"),
        (head, "head@ludwigshafen.example"),
        (office, "office@ludwigshafen.example"),
        (member, "member@ludwigshafen.example"),
        (other_clerk, "otherclerk@ludwigshafen.example"),
    ]:
        user.email = address
        user.save(update_fields=["email"])


def _due_on(tracking: Tracking, day: datetime.date) -> Tracking:
    Tracking.objects.filter(pk=tracking.pk).update(target_date=day)
    tracking.refresh_from_db()
    return tracking


def _send(django_capture_on_commit_callbacks, today=TODAY) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_send(today=today)


def test_a_tracking_due_within_the_amber_days_reminds_the_unit(
    tracked, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.RATSBUCH_TRACKING_AMBER_DAYS = 14
    _due_on(tracked, TODAY + datetime.timedelta(days=10))
    assert _send(django_capture_on_commit_callbacks) == 1
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [
        "clerk@ludwigshafen.example",
        "head@ludwigshafen.example",
    ]
    message = smtp_server.to("clerk@ludwigshafen.example")[0]
    assert message["Subject"] == f"Fällig am 11.06.2013: Vorlage {tracked.paper.reference}"
    text = text_of(message)
    assert tracked.paper.name in text and "11.06.2013" in text and "Bereich Stadtentwicklung" in text
    assert f"/beschluesse/{tracked.pk}/" in text
    assert tracked.paper.name in html_of(message) and message["Message-ID"]
    reminder = TrackingReminder.objects.get()
    assert (reminder.kind, reminder.target_date) == (TrackingReminder.Kind.DUE, tracked.target_date)
    assert reminder.recipients == ["clerk@ludwigshafen.example", "head@ludwigshafen.example"]


def test_an_overdue_tracking_reminds_once_more(tracked, smtp_server, django_capture_on_commit_callbacks):
    _due_on(tracked, TODAY + datetime.timedelta(days=3))
    _send(django_capture_on_commit_callbacks)
    _send(django_capture_on_commit_callbacks, today=TODAY + datetime.timedelta(days=5))
    subjects = [str(m["Subject"]) for m in smtp_server.to("clerk@ludwigshafen.example")]
    assert subjects == [
        f"Fällig am 04.06.2013: Vorlage {tracked.paper.reference}",
        f"Überfällig: Vorlage {tracked.paper.reference}",
    ]
    assert "vor 2 Tagen" in text_of(smtp_server.to("clerk@ludwigshafen.example")[1])


def test_reminders_are_sent_once_however_often_the_command_runs(
    tracked, smtp_server, django_capture_on_commit_callbacks
):
    _due_on(tracked, TODAY - datetime.timedelta(days=1))
    assert _send(django_capture_on_commit_callbacks) == 1
    assert _send(django_capture_on_commit_callbacks) == 0
    assert _send(django_capture_on_commit_callbacks, today=TODAY + datetime.timedelta(days=7)) == 0
    assert len(smtp_server.to("clerk@ludwigshafen.example")) == 1
    assert TrackingReminder.objects.count() == 1


def test_a_new_target_date_starts_the_reminders_afresh(tracked, smtp_server, django_capture_on_commit_callbacks):
    _due_on(tracked, TODAY - datetime.timedelta(days=1))
    _send(django_capture_on_commit_callbacks)
    _due_on(tracked, TODAY + datetime.timedelta(days=2))
    assert _send(django_capture_on_commit_callbacks) == 1
    assert len(smtp_server.to("head@ludwigshafen.example")) == 2


def test_not_due_yet_and_closed_trackings_remind_nobody(
    tracked, clerk, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.RATSBUCH_TRACKING_AMBER_DAYS = 14
    _due_on(tracked, TODAY + datetime.timedelta(days=15))
    assert reminder_kind(tracked, TODAY) is None
    assert _send(django_capture_on_commit_callbacks) == 0
    _due_on(tracked, TODAY - datetime.timedelta(days=30))
    tracking_services.tracking_report(
        tracking=tracked, by=clerk, date=TODAY, text="Der Spielplatz ist saniert.", state=Tracking.State.DONE
    )
    tracked.refresh_from_db()
    assert reminder_kind(tracked, TODAY) is None
    assert _send(django_capture_on_commit_callbacks) == 0
    assert smtp_server.messages == []


def test_only_the_unit_and_the_responsible_person_are_reminded(tracked, body):
    # The office, a member and a clerk of another unit are not reminded; the responsible person is.
    person = PersonFactory(body=body, email="Verantwortlich@Ludwigshafen.example")
    Tracking.objects.filter(pk=tracked.pk).update(responsible_person=person)
    tracked.refresh_from_db()
    assert reminder_recipients(tracked) == [
        "clerk@ludwigshafen.example",
        "head@ludwigshafen.example",
        "verantwortlich@ludwigshafen.example",
    ]


def test_a_person_who_may_not_read_a_non_public_tracking_is_left_out(secret_tracked, body):
    outsider = UserFactory(username="aussen", email="aussen@ludwigshafen.example")
    without_account = PersonFactory(body=body, email="ohne@ludwigshafen.example")
    for person in (PersonFactory(body=body, user=outsider), without_account):
        Tracking.objects.filter(pk=secret_tracked.pk).update(responsible_person=person)
        secret_tracked.refresh_from_db()
        assert reminder_recipients(secret_tracked) == ["clerk@ludwigshafen.example", "head@ludwigshafen.example"]


def test_a_tracking_without_a_unit_or_address_is_recorded_without_mail(
    tracked, head, clerk, smtp_server, django_capture_on_commit_callbacks
):
    other = UnitFactory(body=tracked.paper.body, name="Bereich Ohne Adressen", short_name="9-99")
    Tracking.objects.filter(pk=tracked.pk).update(responsible_unit=other, target_date=TODAY)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert smtp_server.messages == [] and TrackingReminder.objects.get().recipients == []


def test_the_command_sends_now_or_queues(tracked, smtp_server, django_capture_on_commit_callbacks):
    _due_on(tracked, TODAY - datetime.timedelta(days=1))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_tracking_reminders", "--now", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "1 reminders queued."
    assert len(smtp_server.to("clerk@ludwigshafen.example")) == 1
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_tracking_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().startswith("Reminders queued (task ")
    assert len(smtp_server.to("clerk@ludwigshafen.example")) == 1


def test_the_command_refuses_a_wrong_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_tracking_reminders", "--date", "1.6.2013")
