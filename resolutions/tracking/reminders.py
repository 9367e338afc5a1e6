"""Reminders of tracked decisions that fall due or are overdue, mailed to those who carry them out.

`reminders_send` runs once a day (`manage.py send_tracking_reminders`, from cron or a
systemd timer; see the README). For every open tracking whose target date is within the
amber days (`RATSBUCH_TRACKING_AMBER_DAYS`, the traffic light's amber) it mails a "due"
reminder, and once the date has passed an "overdue" one, to the clerks and heads of the
responsible unit and to the responsible person. Each reminder is written as a
`TrackingReminder` in the transaction that queues its mail: running the command twice a
day, or twice at once, mails nobody twice.

What the mail says (the Vorlage's number and title, the unit, the date, a link) is what
the tracking page shows; a recipient who may not read the tracking is left out.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from council.mail import site_url
from council.models import Membership
from council.roles import Role

from .models import Tracking, TrackingReminder, amber_days

MAIL_TEMPLATE = "tracking_reminder"


def reminder_kind(tracking: Tracking, today: datetime.date) -> str | None:
    """Which reminder the tracking is due for today: "due", "overdue", or None (closed or not due yet)."""
    if not tracking.is_open:
        return None
    if tracking.target_date < today:
        return TrackingReminder.Kind.OVERDUE
    if tracking.target_date <= today + datetime.timedelta(days=amber_days()):
        return TrackingReminder.Kind.DUE
    return None


def _may_read(tracking: Tracking, user) -> bool:
    return Tracking.objects.visible_to(user).filter(pk=tracking.pk).exists()


def reminder_recipients(tracking: Tracking) -> list[str]:
    """The addresses of the unit's clerks and heads and of the responsible person who may read the tracking."""
    users = []
    if tracking.responsible_unit_id is not None:
        seated = Membership.objects.active().filter(organization_id=tracking.responsible_unit_id).values("person_id")
        users = list(
            get_user_model()
            .objects.filter(is_active=True, person__in=seated, groups__name__in=[Role.CLERK, Role.HEAD])
            .exclude(email="")
            .distinct()
        )
    addresses = {user.email.lower() for user in users if _may_read(tracking, user)}
    person = tracking.responsible_person
    if person is not None:
        user = getattr(person, "user", None)
        address = (user.email if user is not None and user.email else "") or person.email
        reader = user if user is not None and user.is_active else AnonymousUser()
        if address and _may_read(tracking, reader):
            addresses.add(address.lower())
    return sorted(addresses)


def _context(tracking: Tracking, kind: str, today: datetime.date) -> dict:
    """What the mail says, JSON-safe for the task."""
    days = (tracking.target_date - today).days
    return {
        "kind": kind,
        "reference": tracking.paper.reference,
        "name": tracking.paper.name,
        "unit": tracking.responsible_unit_label,
        "state": tracking.get_state_display(),
        "target_date": tracking.target_date.strftime("%d.%m.%Y"),
        "days": abs(days),
        "answer": tracking.is_answer,
        "url": site_url(tracking.get_absolute_url()),
    }


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Queue today's due and overdue reminders, each once; return how many were queued."""
    from council.tasks import mail_send

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=amber_days())
    candidates = (
        Tracking.objects.open()
        .filter(target_date__lte=horizon)
        .select_related("paper", "responsible_unit", "responsible_person__user")
        .order_by("target_date", "pk")
    )
    queued = 0
    for tracking in candidates:
        kind = reminder_kind(tracking, today)
        if kind is None or tracking.reminders.filter(kind=kind, target_date=tracking.target_date).exists():
            continue
        addresses = reminder_recipients(tracking)
        try:
            with transaction.atomic():
                TrackingReminder.objects.create(
                    tracking=tracking, kind=kind, target_date=tracking.target_date, recipients=addresses
                )
                if addresses:
                    context = _context(tracking, kind, today)
                    transaction.on_commit(lambda a=addresses, c=context: mail_send.enqueue(MAIL_TEMPLATE, a, c))
        except IntegrityError:
            # Another run wrote this reminder first: it mails it.
            continue
        queued += 1
    return queued
