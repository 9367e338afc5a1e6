"""The pages of mail: follow, confirm, unsubscribe, notifications, the outbox, the dispatch record, the Nachtrag."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from council import following, services
from council.models import AgendaItem, InvitationDispatch, Meeting, Subscription
from council.views.office import SUPPLEMENT_SENT_MESSAGE
from tests.council.conftest import seat
from tests.factories import AgendaItemFactory, SubscriptionFactory
from tests.smtp import text_of


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


@pytest.fixture
def invited(upcoming, committee, office, django_capture_on_commit_callbacks, smtp_server):
    """The upcoming meeting, invited by mail: two members with addresses, one without."""
    for name in ("weiss", "kraemer"):
        person = seat(committee, family_name=name.capitalize())
        person.email = f"{name}@example.org"
        person.save()
    seat(committee, family_name="Ohnemail")
    AgendaItemFactory(meeting=upcoming, number="1", order=1, name="Eröffnung")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invite(meeting=upcoming, by=office)
    return upcoming


# --- follow -----------------------------------------------------------------------------
def test_anyone_may_follow_and_gets_the_link(client, committee, smtp_server, django_capture_on_commit_callbacks):
    page = reverse("council:organization_detail", kwargs={"pk": committee.pk})
    data = {"email": "buerger@example.org", "target": "organization", "organization": committee.pk, "next": page}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("council:follow"), data)

    assert response.status_code == 302 and response.url == page
    assert Subscription.objects.get().email == "buerger@example.org"
    assert "buerger@example.org" in flashed(response)[0]
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("email", ["", "nicht-gueltig", "a@@b.de"])
def test_a_wrong_address_is_refused_and_nothing_stored(client, committee, email):
    data = {"email": email, "target": "organization", "organization": committee.pk}

    response = client.post(reverse("council:follow"), data)

    assert response.status_code == 302
    assert not Subscription.objects.exists()
    assert flashed(response)


def test_follow_takes_no_get(client):
    assert client.get(reverse("council:follow")).status_code == 405


def test_follow_never_redirects_to_another_site(client, committee):
    data = {
        "email": "a@example.org",
        "target": "organization",
        "organization": committee.pk,
        "next": "https://evil.example/",
    }
    assert client.post(reverse("council:follow"), data).url == "/"


def test_the_organization_page_offers_following(client, committee):
    response = client.get(reverse("council:organization_detail", kwargs={"pk": committee.pk}))
    assert 'class="follow-form"' in response.text


# --- confirm and unsubscribe -------------------------------------------------------------
def test_the_confirmation_link_confirms_and_says_so_the_second_time(client, committee):
    subscription = SubscriptionFactory(organization=committee, confirmed_at=None)
    url = reverse("council:follow_confirm", kwargs={"token": following.confirm_token(subscription)})

    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.context["confirmed_now"] is True and second.context["confirmed_now"] is False
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


def test_a_bad_confirmation_link_is_a_400(client, db):
    response = client.get(reverse("council:follow_confirm", kwargs={"token": "kaputt"}))
    assert response.status_code == 400
    assert 'class="alert alert-danger follow-error"' in response.text


def test_unsubscribe_asks_on_get_and_deletes_on_post(client, committee):
    subscription = SubscriptionFactory(organization=committee)
    url = reverse("council:follow_unsubscribe", kwargs={"token": following.unsubscribe_token(subscription)})

    assert client.get(url).status_code == 200
    assert Subscription.objects.exists()  # a link scanner's GET unsubscribes nobody
    response = client.post(url)
    assert response.status_code == 200 and response.context["removed"] == [committee.name]
    assert not Subscription.objects.exists()
    assert client.post(url).status_code == 400


def test_one_click_unsubscribe_works_without_csrf_token(committee):
    from django.test import Client

    subscription = SubscriptionFactory(organization=committee)
    url = reverse("council:follow_unsubscribe", kwargs={"token": following.unsubscribe_token(subscription)})

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Subscription.objects.exists()


# --- notifications ------------------------------------------------------------------------
def test_notifications_need_a_login(client):
    response = client.get(reverse("council:notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_notifications_list_only_the_users_own(client, member, committee):
    member.email = "member@example.org"
    member.save()
    SubscriptionFactory(organization=committee, email="member@example.org")
    SubscriptionFactory(organization=committee, email="someone@example.org")
    client.force_login(member)

    response = client.get(reverse("council:notifications"))

    assert [s.email for s in response.context["subscriptions"]] == ["member@example.org"]
    assert "someone@example.org" not in response.text


# --- the outbox -----------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403), ("clerk", 403), ("office", 200)])
def test_only_the_office_reads_the_outbox(client, request, who, status):
    login(client, request, who)
    assert client.get(reverse("council:outbox")).status_code == status


def test_the_outbox_shows_mail_written_to_the_folder(client, office, settings, tmp_path, committee):
    from council.mail import compose

    settings.EMAIL_BACKEND = "council.mail.OutboxBackend"
    settings.RATSBUCH_OUTBOX = tmp_path / "outbox"
    subscription = SubscriptionFactory(organization=committee, confirmed_at=None)
    following.confirmation_send(subscription_id=subscription.pk)
    compose(
        to="x@example.org", template="paper_workflow", context={"event": "released", "reference": "20135317"}
    ).send()
    client.force_login(office)

    response = client.get(reverse("council:outbox"))

    assert len(response.context["messages_out"]) == 2
    assert subscription.email in response.text
    assert "/folgen/bestaetigen/" in response.text


def test_the_outbox_lists_failed_invitations(client, office, invited):
    client.force_login(office)
    response = client.get(reverse("council:outbox"))
    assert [d.recipient_name for d in response.context["failed_dispatches"]] == ["Eva Ohnemail"]


# --- the dispatch record on the meeting page ----------------------------------------------
def test_the_office_sees_who_was_invited_when(client, office, invited):
    client.force_login(office)
    response = client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk}))

    record = response.context["office_actions"]["dispatch_record"]
    assert record.sent == 2 and len(record.dispatches) == 3
    assert "weiss@example.org" in response.text
    assert 'data-dispatch-state="failed"' in response.text
    # Nobody at all was reached in time: Eva Ohnemail has no address.
    assert [d.recipient_name for d in record.not_in_time] == ["Eva Ohnemail"]
    assert 'class="alert alert-warning dispatch-warning"' in response.text


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_nobody_but_the_office_sees_the_dispatch_record(client, request, who, invited):
    login(client, request, who)
    response = client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk}))
    assert "weiss@example.org" not in response.text
    assert "dispatch-table" not in response.text


def test_an_invitation_after_the_ladungsfrist_is_flagged(client, office, invited):
    late = invited.start - datetime.timedelta(days=1)
    InvitationDispatch.objects.filter(meeting=invited, state="sent").update(sent_at=late)
    client.force_login(office)

    response = client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk}))

    assert len(response.context["office_actions"]["dispatch_record"].not_in_time) == 3


# --- the Nachtrag ---------------------------------------------------------------------------
def test_a_changed_agenda_offers_a_nachtrag_with_the_changes(
    client, office, invited, smtp_server, django_capture_on_commit_callbacks
):
    AgendaItem.objects.create(meeting=invited, number="2", order=2, name="Spielplatz Hemshof", public=True)
    AgendaItem.objects.create(meeting=invited, number="3", order=3, name="Grundstück Geheim", public=False)
    client.force_login(office)
    assert 'data-action="supplement"' in client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk})).text
    before = len(smtp_server.messages)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("council:meeting_supplement", kwargs={"pk": invited.pk}))

    assert flashed(response) == [str(SUPPLEMENT_SENT_MESSAGE % {"count": 3, "meeting": invited.name})]
    supplement = smtp_server.to("weiss@example.org")[-1]
    assert len(smtp_server.messages) == before + 2
    assert "Nachtrag" in str(supplement["Subject"])
    assert "Spielplatz Hemshof" in text_of(supplement) and "Grundstück Geheim" in text_of(supplement)
    assert "Eröffnung" not in text_of(supplement)
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk}))
    assert 'data-action="supplement"' not in page.text


def test_a_public_guest_hears_nothing_of_a_non_public_change(
    office, invited, smtp_server, django_capture_on_commit_callbacks
):
    from council.invitations import agenda_changes, dispatches_create
    from tests.factories import PersonFactory

    AgendaItem.objects.create(meeting=invited, number="2", order=2, name="Grundstück Geheim", public=False)
    guest = PersonFactory(body=invited.body, email="gast@example.org")
    [dispatch] = dispatches_create(meeting=invited, persons=[guest], kind=InvitationDispatch.Kind.SUPPLEMENT)

    assert agenda_changes(dispatch) == []


def test_no_nachtrag_for_an_unchanged_agenda(client, office, invited):
    client.force_login(office)
    response = client.post(reverse("council:meeting_supplement", kwargs={"pk": invited.pk}))
    assert response.status_code == 302
    assert not InvitationDispatch.objects.filter(kind="supplement").exists()
    assert flashed(response) == [str(services.SUPPLEMENT_UNCHANGED_ERROR)]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403), ("clerk", 403)])
def test_only_the_office_sends_a_nachtrag(client, request, who, status, invited):
    AgendaItem.objects.create(meeting=invited, number="2", order=2, name="Neu", public=True)
    login(client, request, who)
    assert client.post(reverse("council:meeting_supplement", kwargs={"pk": invited.pk})).status_code == status
    assert not InvitationDispatch.objects.filter(kind="supplement").exists()


def test_a_nachtrag_takes_no_get(client, office, invited):
    client.force_login(office)
    assert client.get(reverse("council:meeting_supplement", kwargs={"pk": invited.pk})).status_code == 405


def test_a_scheduled_meeting_gets_no_nachtrag(office, upcoming):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.meeting_supplement(meeting=upcoming, by=office)
    assert Meeting.objects.get(pk=upcoming.pk).state == Meeting.State.SCHEDULED


def test_the_invitation_page_names_who_gets_no_mail(client, office, upcoming, committee):
    with_address = seat(committee, family_name="Mitadresse")
    with_address.email = "mit@example.org"
    with_address.save()
    seat(committee, family_name="Ohneadresse")
    client.force_login(office)

    response = client.get(reverse("council:meeting_transition", kwargs={"pk": upcoming.pk, "transition": "invite"}))

    assert len(response.context["recipients"]) == 2
    assert [person.family_name for person in response.context["without_address"]] == ["Ohneadresse"]
    assert 'class="alert alert-warning without-address"' in response.text


def test_the_office_may_leave_the_deputies_out(client, office, upcoming, committee, django_capture_on_commit_callbacks):
    from tests.factories import MembershipFactory, PersonFactory

    member = seat(committee, family_name="Mitglied")
    deputy = PersonFactory(body=committee.body, family_name="Vertreter")
    MembershipFactory(person=deputy, organization=committee, role="stellvertretendes Mitglied", voting_right=False)
    url = reverse("council:meeting_transition", kwargs={"pk": upcoming.pk, "transition": "invite"})
    client.force_login(office)

    page = client.get(url)
    assert page.context["deputies"] == [deputy]
    assert 'id="invite-deputies"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"invite_form": "1"})

    assert list(InvitationDispatch.objects.values_list("person", flat=True)) == [member.pk]


# --- sending failed invitations again -----------------------------------------------------
def test_the_office_sends_a_failed_invitation_again_after_correcting_the_address(
    client, office, invited, smtp_server, django_capture_on_commit_callbacks
):
    failed = InvitationDispatch.objects.get(state="failed")
    failed.person.email = "ohnemail@example.org"
    failed.person.save()
    client.force_login(office)
    page = client.get(reverse("council:meeting_detail", kwargs={"pk": invited.pk}))
    assert 'data-action="retry-dispatches"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("council:meeting_dispatches_retry", kwargs={"pk": invited.pk}))

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.address) == ("sent", "ohnemail@example.org")
    [message] = smtp_server.to("ohnemail@example.org")
    assert str(message["Message-ID"]) == failed.message_id
    assert len(smtp_server.messages) == 3  # the two delivered ones are not sent again


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403), ("clerk", 403)])
def test_only_the_office_sends_failed_invitations_again(client, request, who, status, invited):
    login(client, request, who)
    assert client.post(reverse("council:meeting_dispatches_retry", kwargs={"pk": invited.pk})).status_code == status
    assert InvitationDispatch.objects.filter(state="failed").count() == 1


def test_sending_again_takes_no_get(client, office, invited):
    client.force_login(office)
    assert client.get(reverse("council:meeting_dispatches_retry", kwargs={"pk": invited.pk})).status_code == 405


def test_failed_invitations_of_a_held_meeting_are_not_sent_again(client, office, invited):
    Meeting.objects.filter(pk=invited.pk).update(state=Meeting.State.HELD)
    client.force_login(office)

    response = client.post(reverse("council:meeting_dispatches_retry", kwargs={"pk": invited.pk}))

    assert InvitationDispatch.objects.filter(state="failed").count() == 1
    assert flashed(response) == [str(services.RETRY_STATE_ERROR % {"state": Meeting.State.HELD.label})]
