"""The desk (/aufgaben/): what waits for each role, one click from every action; where a login lands."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from council import services as council_services
from council.models import Meeting
from resolutions import services
from tests.council.conftest import at, meeting_of
from tests.factories import AgendaItemFactory, ConsultationFactory, ReleasedPaperFactory

DESK = "/aufgaben/"


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_desk_has_its_url():
    assert reverse("resolutions:desk") == DESK


def test_anonymous_visitors_log_in_first(client, db):
    response = client.get(DESK)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_login_lands_on_the_desk(client, clerk):
    clerk.set_password("geheim-123")
    clerk.save()

    response = client.post(reverse("login"), {"username": clerk.username, "password": "geheim-123"})

    assert response.status_code == 302 and response["Location"] == DESK


def test_the_office_sees_meetings_to_invite_with_the_ladungsfrist_and_every_action(client, office, committee):
    soon = meeting_of(committee, start=at(_day(2)), name="12. Sitzung des Ausschusses")
    later = meeting_of(committee, start=at(_day(40)), name="13. Sitzung des Ausschusses")
    client.force_login(office)

    page = client.get(DESK).text

    assert page.index(soon.name) < page.index(later.name)
    assert "Ladungsfrist" in page  # the first one is already late
    assert reverse("council:meeting_create") in page
    assert reverse("resolutions:agenda_edit", kwargs={"pk": soon.pk}) in page
    assert reverse("council:meeting_transition", kwargs={"pk": soon.pk, "transition": "invite"}) in page


def test_the_office_sees_meetings_under_way_results_to_record_and_minutes_to_finalise(
    client, office, committee, body, unit
):
    started = meeting_of(committee, start=at(_day(-1)), name="Begonnene Sitzung")
    held = meeting_of(committee, start=at(_day(-10)), name="Gehaltene Sitzung", state=Meeting.State.HELD)
    item = AgendaItemFactory(meeting=held, number="1", order=1)
    ConsultationFactory(
        paper=ReleasedPaperFactory(body=body, under_direction_of=unit), organization=committee, agenda_item=item
    )
    client.force_login(office)

    response = client.get(DESK)

    assert [m.pk for m in response.context["to_hold"]] == [started.pk]
    assert [(m.pk, m.open_items) for m in response.context["open_results"]] == [(held.pk, 1)]
    assert [m.pk for m in response.context["draft_minutes"]] == [held.pk]
    assert reverse("resolutions:meeting_minutes_finalise", kwargs={"pk": held.pk}) in response.text


def test_a_head_sees_what_to_co_sign_and_what_to_release(client, head, cosigning, finance_head):
    client.force_login(head)
    assert [p.pk for p in client.get(DESK).context["to_cosign"]] == [cosigning.pk]

    services.paper_cosign(paper=cosigning, by=head)
    services.paper_cosign(paper=cosigning, by=finance_head)
    response = client.get(DESK)

    assert response.context["to_cosign"] == []
    assert [p.pk for p in response.context["to_release"]] == [cosigning.pk]


def test_a_clerk_sees_the_drafts_returned_with_the_comment(client, clerk, head, cosigning):
    services.paper_return(paper=cosigning, by=head, comment="Bitte die Kosten ergänzen.")
    client.force_login(clerk)

    response = client.get(DESK)

    assert [p.pk for p in response.context["returned"]] == [cosigning.pk]
    assert "Bitte die Kosten ergänzen." in response.text
    assert response.context["to_invite"] == [] and "Plan a meeting" not in response.text


def test_a_member_sees_their_next_meetings_and_no_office_work(client, member, committee):
    upcoming = meeting_of(committee, start=at(_day(5)), name="Nächste Sitzung")
    client.force_login(member)

    response = client.get(DESK)

    assert [m.pk for m in response.context["next_meetings"]] == [upcoming.pk]
    assert reverse("council:meeting_create") not in response.text


@pytest.mark.parametrize("count", [2, 8])
def test_the_offices_desk_takes_the_same_queries_however_many_meetings(
    client, office, committee, django_assert_max_num_queries, count
):
    for number in range(count):
        meeting_of(committee, start=at(_day(10 + number)), name=f"{number}. Sitzung")
    client.force_login(office)

    # Session, user, roles and person, then one query for each list.
    with django_assert_max_num_queries(12):
        client.get(DESK)


def test_the_navigation_offers_the_desk_to_everyone_logged_in(client, office, member):
    assert 'data-nav="desk"' not in client.get("/").text
    client.force_login(member)
    assert 'data-nav="desk"' in client.get("/").text
    client.force_login(office)
    assert 'data-nav="desk"' in client.get("/").text


def test_the_desk_links_the_outbox_for_the_office_and_the_notifications_for_all(client, office, member):
    client.force_login(member)
    page = client.get(DESK).text
    assert reverse("council:notifications") in page and reverse("council:outbox") not in page
    client.force_login(office)
    assert reverse("council:outbox") in client.get(DESK).text


def test_holding_a_meeting_moves_it_from_under_way_to_the_results(client, office, committee):
    meeting = meeting_of(committee, start=at(_day(-1)), name="Begonnene Sitzung")
    council_services.meeting_hold(meeting=meeting, by=office)
    client.force_login(office)

    response = client.get(DESK)

    assert response.context["to_hold"] == [] and [m.pk for m in response.context["draft_minutes"]] == [meeting.pk]
