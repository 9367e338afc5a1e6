"""Outgoing mail: messages composed from templates, and the development outbox.

Every message Ratsbuch sends is built by `compose`: the subject and a plain-text body from
``templates/mail/<name>.txt`` (its first line is the subject), an HTML alternative from
``templates/mail/<name>.html``, both rendered in German (the body's language), the sender
named after the body, a ``Message-ID`` of the site's domain (given by the caller when it
must be known before sending, e.g. for the proof of an invitation) and, for mail someone
subscribed to, ``List-Unsubscribe`` with RFC 8058's one-click POST.

How messages leave is Django's e-mail backend (see settings): SMTP in production and in the
tests (a real SMTP server on loopback), `OutboxBackend` under `make run`, which writes each
message as an .eml file that the council office reads at /postausgang/.
"""

import datetime
import email
import email.policy
from dataclasses import dataclass
from email.utils import formataddr, make_msgid, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Body

OUTBOX_SUFFIX = ".eml"


def site_url(path: str) -> str:
    """An absolute URL of the site for a link in a mail."""
    return settings.RATSBUCH_SITE_URL + path


def mail_domain() -> str:
    """The domain of the Message-IDs: the site's host name."""
    return urlsplit(settings.RATSBUCH_SITE_URL).hostname or "ratsbuch.invalid"


def new_message_id() -> str:
    """A fresh, globally unique Message-ID (with the angle brackets)."""
    return make_msgid(domain=mail_domain())


def sender(body: Body | None) -> str:
    """The From address: the body's name in front of the site's sender address."""
    name = body.name if body is not None else "Ratsbuch"
    return formataddr((name, settings.DEFAULT_FROM_EMAIL))


def compose(
    *,
    to: str,
    template: str,
    context: dict,
    body: Body | None = None,
    message_id: str | None = None,
    unsubscribe_url: str | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> EmailMultiAlternatives:
    """Build one message to `to` from ``mail/<template>.txt`` and ``.html``; nothing is sent."""
    context = {"body": body, "site_url": settings.RATSBUCH_SITE_URL, "unsubscribe_url": unsubscribe_url, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject, _, text = render_to_string(f"mail/{template}.txt", context).strip().partition("\n")
        html = render_to_string(f"mail/{template}.html", context)
    headers = {"Message-ID": message_id or new_message_id()}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Auto-Submitted"] = "auto-generated"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text.strip() + "\n",
        from_email=sender(body),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


class OutboxBackend(BaseEmailBackend):
    """Write each message as an .eml file into RATSBUCH_OUTBOX instead of sending it (development)."""

    def send_messages(self, email_messages):
        folder = Path(settings.RATSBUCH_OUTBOX)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            message_id = message.extra_headers.get("Message-ID") or new_message_id()
            token = "".join(ch for ch in message_id if ch.isalnum())[:24]
            (folder / f"{stamp}-{token}{OUTBOX_SUFFIX}").write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMessage:
    """A message of the development outbox, as the office's page lists it."""

    name: str
    sent: datetime.datetime | None
    sender: str
    to: str
    subject: str
    text: str
    attachments: tuple[str, ...]


def _read(path: Path) -> OutboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    try:
        sent = parsedate_to_datetime(parsed["Date"]) if parsed["Date"] else None
    except (TypeError, ValueError):
        sent = None
    return OutboxMessage(
        name=path.name,
        sent=sent,
        sender=str(parsed["From"] or ""),
        to=str(parsed["To"] or ""),
        subject=str(parsed["Subject"] or ""),
        text=text_part.get_content() if text_part is not None else "",
        attachments=tuple(part.get_filename() or "" for part in parsed.iter_attachments()),
    )


def outbox_messages(limit: int = 200) -> list[OutboxMessage]:
    """The latest messages of the development outbox, newest first (none when mail really leaves)."""
    folder = Path(settings.RATSBUCH_OUTBOX)
    if settings.EMAIL_BACKEND != "council.mail.OutboxBackend" or not folder.is_dir():
        return []
    paths = sorted(folder.glob(f"*{OUTBOX_SUFFIX}"), reverse=True)[:limit]
    return [_read(path) for path in paths]
