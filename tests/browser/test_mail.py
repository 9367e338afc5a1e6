"""Mail in a real browser: the office sends a demo meeting's invitations; a citizen follows a committee.

The tests' SMTP server on loopback (tests/smtp.py) receives what the live server mails; the
tasks run at once in the live server's thread, after each request's transaction commits.
"""

import re

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from council.meetings import eligible_attendees
from council.models import InvitationDispatch, Meeting, Organization, Subscription
from tests.factories import ConsultationFactory, ReleasedPaperFactory
from tests.smtp import attachments_of, text_of

FINANCE_MEETING = "9. Sitzung des Haupt- und Finanzausschusses"
SOCIAL_COMMITTEE = "Ausschuss für Soziales und Integration"


def _link(message, kind: str) -> str:
    return re.search(rf"https?://\S+/folgen/{kind}/\S+/", text_of(message)).group(0)


def test_the_office_sends_the_invitations_and_sees_the_dispatch_record(
    demo, new_page, smtp_server, settings, live_server
):
    settings.RATSBUCH_SITE_URL = live_server.url
    meeting = Meeting.objects.get(name=FINANCE_MEETING)
    entitled = {attendee.person.email for attendee in eligible_attendees(meeting)}
    assert len(entitled) >= 5 and all(entitled)

    office = new_page("office")
    office.goto(meeting.get_absolute_url())
    office.click("[data-transition=invite]")
    office.locator("main form button[type=submit]").click()

    expect(office.locator(".dispatch-table")).to_be_visible()
    expect(office.locator(".dispatch-table tbody tr")).to_have_count(len(entitled))
    expect(office.locator('[data-dispatch-state="sent"]')).to_have_count(len(entitled))
    assert {str(message["To"]) for message in smtp_server.messages} == entitled
    assert len(smtp_server.messages) == len(entitled)
    for message in smtp_server.messages:
        files = attachments_of(message)
        assert files[f"Einladung-{meeting.pk}.pdf"].startswith(b"%PDF")
        assert "BEGIN:VEVENT" in files[f"Sitzung-{meeting.pk}.ics"]
    recorded = set(InvitationDispatch.objects.filter(meeting=meeting).values_list("message_id", flat=True))
    assert recorded == {str(message["Message-ID"]) for message in smtp_server.messages}

    office.goto("/postausgang/")
    expect(office.locator("h1")).to_have_text("Postausgang")


def test_a_citizen_follows_the_committee_gets_the_digest_and_unsubscribes(
    demo, page, smtp_server, settings, live_server
):
    settings.RATSBUCH_SITE_URL = live_server.url
    committee = Organization.objects.get(name=SOCIAL_COMMITTEE)

    page.goto(committee.get_absolute_url())
    page.fill(".follow-form input[name=email]", "buergerin@example.org")
    page.click("[data-action=follow]")
    expect(page.locator(".alert-success")).to_contain_text("buergerin@example.org")
    [confirmation] = smtp_server.to("buergerin@example.org")

    page.goto(_link(confirmation, "bestaetigen"))
    expect(page.locator(".follow-confirmed")).to_contain_text(SOCIAL_COMMITTEE)
    assert Subscription.objects.confirmed().filter(email="buergerin@example.org").exists()

    paper = ReleasedPaperFactory(
        body=committee.body, name="Familienzentrum Pfingstweide", public=True, released_at=timezone.now()
    )
    ConsultationFactory(paper=paper, organization=committee)
    call_command("send_digests", "--now", verbosity=0)
    digest = smtp_server.to("buergerin@example.org")[-1]
    assert "Familienzentrum Pfingstweide" in text_of(digest)
    assert digest["List-Unsubscribe"]

    page.goto(_link(digest, "abmelden"))
    page.click("[data-action=unsubscribe]")
    expect(page.locator(".unsubscribed")).to_contain_text(SOCIAL_COMMITTEE)
    assert not Subscription.objects.filter(email="buergerin@example.org").exists()
