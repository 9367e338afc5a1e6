"""The meeting pages as everyone sees them: list, calendar, iCal, the agenda and Meine Sitzungen.

Who sees a meeting's non-public part: the council office (and administrators) and members of
one of the meeting's organizations; nobody else sees a trace of it. Pages are requested in
English so that no assertion depends on the German catalogue; most assert on data anyway.
"""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import Attendance, Meeting
from council.roles import Role
from council.views.meetings import FEED_DAYS_BACK, ICAL_PRODID, PAST_MEETINGS_PER_PAGE
from resolutions.models import Decision
from tests.council.conftest import at, meeting_of
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    AttendanceFactory,
    CommitteeFactory,
    ConsultationFactory,
    DecisionFactory,
    FactionFactory,
    FactionVoteFactory,
    LocationFactory,
    MembershipFactory,
    OtherBodyFactory,
    PersonFactory,
    ReleasedPaperFactory,
    UserFactory,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PUBLIC_NAME = "Sanierung der Grundschule Gartenstadt"
SECRET_NAME = "Grundstücksangelegenheit: Ankauf Flurstück 99/1"
SECRET_TEXT = "Der Ausschuss stimmt dem Ankauf zum Preis von 240 Euro je Quadratmeter zu."


def days_ahead(days: int, hour: int = 16) -> datetime.datetime:
    return at(timezone.localdate() + datetime.timedelta(days=days), hour)


def detail_url(meeting: Meeting) -> str:
    return reverse("council:meeting_detail", kwargs={"pk": meeting.pk})


def login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.fixture
def other_committee(body):
    return CommitteeFactory(body=body, name="Bau- und Grundstücksausschuss", short_name="BauA")


@pytest.fixture
def other_member(other_committee):
    """A council member who sits in another committee only."""
    user = UserFactory(username="othermember")
    MembershipFactory(person=PersonFactory(body=other_committee.body, user=user), organization=other_committee)
    return user


@pytest.fixture
def users(request, clerk, office, admin_user, member, other_member):
    """Each role by name; None is the anonymous visitor."""
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "clerk": clerk,
        "office": office,
        "admin": admin_user,
    }


@pytest.fixture
def agenda(upcoming, body, unit, committee):
    """The upcoming meeting's agenda: a public item with a public Vorlage, a non-public one with a non-public Vorlage.

    The public Vorlage has a public and a non-public attachment; the non-public one an attachment.
    """
    public_item = AgendaItemFactory(meeting=upcoming, number="3", order=3, name=PUBLIC_NAME)
    secret_item = AgendaItemFactory(meeting=upcoming, number="7", order=7, name=SECRET_NAME, public=False)
    public_paper = ReleasedPaperFactory(body=body, under_direction_of=unit, name=PUBLIC_NAME)
    secret_paper = ReleasedPaperFactory(body=body, under_direction_of=unit, name=SECRET_NAME, public=False)
    ConsultationFactory(paper=public_paper, organization=committee, agenda_item=public_item)
    ConsultationFactory(paper=secret_paper, organization=committee, agenda_item=secret_item)
    return {
        "public_item": public_item,
        "secret_item": secret_item,
        "public_paper": public_paper,
        "secret_paper": secret_paper,
        "public_attachment": AttachmentFactory(paper=public_paper, name="Lageplan Schulhof", file_name="lageplan.pdf"),
        "internal_attachment": AttachmentFactory(
            paper=public_paper, name="Interne Kostenschätzung", file_name="kosten-intern.pdf", public=False
        ),
        "secret_attachment": AttachmentFactory(
            paper=secret_paper, name="Wertgutachten 99/1", file_name="wertgutachten.pdf", public=False
        ),
    }


# --- the meeting page: who sees the non-public part --------------------------------------

INSIDERS = ["member", "office", "admin"]
OUTSIDERS = ["anonymous", "other_member", "clerk"]


@pytest.mark.parametrize("role", INSIDERS + OUTSIDERS)
def test_detail_shows_the_non_public_part_to_insiders_only(client, users, agenda, upcoming, role):
    login(client, users[role])

    response = client.get(detail_url(upcoming), **EN)

    assert response.status_code == 200
    assert PUBLIC_NAME in response.text
    assert response.context["public_items"] == [agenda["public_item"]]
    if role in INSIDERS:
        assert response.context["insider"] is True
        assert response.context["non_public_items"] == [agenda["secret_item"]]
        assert SECRET_NAME in response.text
        assert "Non-public part" in response.text
    else:
        assert response.context["insider"] is False
        assert response.context["non_public_items"] == []
        assert SECRET_NAME not in response.text
        # Not even a trace: no heading, no element of the item, no link to its Vorlage.
        assert "agenda-non-public" not in response.text
        assert f'data-item="{agenda["secret_item"].pk}"' not in response.text
        assert agenda["secret_paper"].reference not in response.text


def test_detail_links_the_vorlage_and_its_downloadable_attachments_for_anonymous(client, agenda, upcoming):
    response = client.get(detail_url(upcoming), **EN)

    paper_url = reverse("resolutions:paper_detail", kwargs={"reference": agenda["public_paper"].reference})
    assert f'href="{paper_url}"' in response.text
    assert f'href="{agenda["public_attachment"].get_absolute_url()}"' in response.text
    assert "Lageplan Schulhof" in response.text
    assert "Interne Kostenschätzung" not in response.text
    assert agenda["internal_attachment"].get_absolute_url() not in response.text


def test_detail_gives_members_the_non_public_vorlage_and_attachments(client, member, agenda, upcoming):
    client.force_login(member)

    response = client.get(detail_url(upcoming), **EN)

    secret_url = reverse("resolutions:paper_detail", kwargs={"reference": agenda["secret_paper"].reference})
    assert f'href="{secret_url}"' in response.text
    assert f'href="{agenda["secret_attachment"].get_absolute_url()}"' in response.text
    assert f'href="{agenda["internal_attachment"].get_absolute_url()}"' in response.text


def test_detail_hides_a_non_public_vorlage_on_a_public_item_from_the_public(client, member, upcoming, body, unit):
    item = AgendaItemFactory(meeting=upcoming, name="Bericht der Verwaltung")
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, public=False)
    ConsultationFactory(paper=paper, organization=upcoming.organizations.get(), agenda_item=item)

    anonymous = client.get(detail_url(upcoming), **EN)
    client.force_login(member)
    insider = client.get(detail_url(upcoming), **EN)

    assert "Bericht der Verwaltung" in anonymous.text
    assert anonymous.context["public_items"][0].visible_consultations == []
    assert paper.reference not in anonymous.text
    assert [c.paper for c in insider.context["public_items"][0].visible_consultations] == [paper]


def test_detail_shows_the_result_of_a_public_item_with_votes_and_factions(client, meeting, committee, body, unit):
    item = AgendaItemFactory(meeting=meeting, name=PUBLIC_NAME)
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit)
    consultation = ConsultationFactory(paper=paper, organization=committee, agenda_item=item)
    decision = DecisionFactory(
        consultation=consultation,
        agenda_item=item,
        result=Decision.Result.ADOPTED,
        votes_yes=11,
        votes_no=2,
        votes_abstain=1,
        votes_biased=1,
        resolution_text="Die Schule wird saniert.",
    )
    FactionVoteFactory(decision=decision, faction=FactionFactory(body=body, name="SPD-Fraktion"), votes_yes=6)

    response = client.get(detail_url(meeting), **EN)

    assert response.context["public_items"][0].visible_decision == decision
    assert "yes 11" in response.text
    assert "befangen 1" in response.text
    assert "SPD-Fraktion" in response.text
    assert "Die Schule wird saniert." in response.text


def test_detail_shows_a_non_public_result_to_members_only(client, member, other_member, meeting, committee, body):
    item = AgendaItemFactory(meeting=meeting, name=SECRET_NAME, public=False)
    consultation = ConsultationFactory(
        paper=ReleasedPaperFactory(body=body, public=False), organization=committee, agenda_item=item
    )
    DecisionFactory(consultation=consultation, agenda_item=item, resolution_text=SECRET_TEXT)

    client.force_login(other_member)
    outsider = client.get(detail_url(meeting), **EN)
    client.force_login(member)
    insider = client.get(detail_url(meeting), **EN)

    assert SECRET_TEXT not in outsider.text
    assert SECRET_TEXT in insider.text
    assert insider.context["non_public_items"][0].visible_decision.resolution_text == SECRET_TEXT


def test_detail_shows_facts_and_attendance_of_a_held_meeting(client, meeting, seated):
    room = LocationFactory(body=meeting.body, description="Stadtratssaal, Rathaus", room="Saal 2")
    Meeting.objects.filter(pk=meeting.pk).update(
        state=Meeting.State.HELD, location=room, end=at(datetime.date(2013, 3, 4), 18, 30)
    )
    AttendanceFactory(meeting=meeting, person=seated["weiss"])
    AttendanceFactory(meeting=meeting, person=seated["gross"], status=Attendance.Status.EXCUSED)
    AttendanceFactory(meeting=meeting, person=seated["hoerner"], status=Attendance.Status.ABSENT)

    response = client.get(detail_url(meeting), **EN)

    assert [row.person for row in response.context["present"]] == [seated["weiss"]]
    assert [row.person for row in response.context["excused"]] == [seated["gross"]]
    # The other members with a vote are absent, recorded so or not, in German order; the
    # deputy without a vote (Doğan) who did not come is not missed.
    absent = [row.person for row in response.context["absent"]]
    assert absent == [seated[key] for key in ("hoerner", "kraemer", "schaefer")]
    assert seated["hoerner"].name in response.text
    assert seated["weiss"].name in response.text
    assert seated["gross"].name in response.text
    assert "Saal 2" in response.text
    assert 'datetime="2013-03-04T16:00:00+01:00"' in response.text
    assert 'datetime="2013-03-04T18:30:00+01:00"' in response.text


def test_detail_has_no_attendance_before_the_meeting_is_held(client, upcoming, seated):
    AttendanceFactory(meeting=upcoming, person=seated["weiss"])

    response = client.get(detail_url(upcoming), **EN)

    assert response.context["present"] == []
    assert "meeting-attendance" not in response.text


def test_detail_of_a_cancelled_meeting_says_so(client, upcoming, meeting):
    Meeting.objects.filter(pk=upcoming.pk).update(state=Meeting.State.CANCELLED)

    cancelled = client.get(detail_url(upcoming), **EN)
    held = client.get(detail_url(meeting), **EN)

    assert "meeting-cancelled-banner" in cancelled.text
    assert "This meeting has been cancelled." in cancelled.text
    assert "meeting-cancelled-banner" not in held.text


def test_detail_of_an_unknown_meeting_is_404(client, db):
    assert client.get(reverse("council:meeting_detail", kwargs={"pk": 999})).status_code == 404


def test_detail_gives_the_office_its_actions_and_nobody_else(client, office, member, upcoming):
    client.force_login(member)
    as_member = client.get(detail_url(upcoming), **EN)
    client.force_login(office)
    as_office = client.get(detail_url(upcoming), **EN)

    assert as_member.context["office_actions"] is None
    assert as_office.context["office_actions"]["meeting"] == upcoming
    assert "meeting-office-actions" in as_office.text
    assert "meeting-office-actions" not in as_member.text


def _item_with_documents(meeting, body, unit, organization, order, public):
    item = AgendaItemFactory(meeting=meeting, number=str(order), order=order, public=public)
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, public=public)
    consultation = ConsultationFactory(paper=paper, organization=organization, agenda_item=item)
    AttachmentFactory(paper=paper, public=public)
    decision = DecisionFactory(consultation=consultation, agenda_item=item, resolution_text=f"Beschluss {order}")
    FactionVoteFactory(decision=decision, faction__body=body)
    return item


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["anonymous", "member", "office"])
def test_detail_queries_do_not_grow_with_items(
    client, django_assert_max_num_queries, users, role, count, body, unit, committee
):
    meeting = meeting_of(committee, start=days_ahead(5))
    for order in range(1, count + 1):
        _item_with_documents(meeting, body, unit, committee, order, public=order % 3 != 0)
    login(client, users[role])

    # Measured: anonymous 9, member 15 (their roles, person and seats), office 14 (no seats; the
    # dispatch record); one of them reads the free items' documents.
    with django_assert_max_num_queries({"anonymous": 9, "member": 15, "office": 14}[role]):
        response = client.get(detail_url(meeting))

    shown = len(response.context["public_items"]) + len(response.context["non_public_items"])
    assert shown == (count if role != "anonymous" else count - count // 3)
    assert response.text.count('class="agenda-result') == shown


# --- the list ---------------------------------------------------------------------------


def test_list_shows_upcoming_soonest_first_and_past_latest_first(client, committee):
    later = meeting_of(committee, start=days_ahead(20), name="Spätere Sitzung")
    sooner = meeting_of(committee, start=days_ahead(3), name="Frühere Sitzung")
    old = meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="Alte Sitzung")
    recent = meeting_of(committee, start=days_ahead(-3), name="Jüngste Sitzung")

    response = client.get(reverse("council:meeting_list"), **EN)

    assert list(response.context["upcoming"]) == [sooner, later]
    assert list(response.context["past"]) == [recent, old]
    assert response.text.index("Frühere Sitzung") < response.text.index("Spätere Sitzung")
    assert f'href="{detail_url(sooner)}"' in response.text


def test_list_rows_show_date_time_organizations_location_and_state(client, committee):
    meeting = meeting_of(
        committee,
        start=at(datetime.date(2013, 3, 4), 16, 30),
        location=LocationFactory(body=committee.body, description="Sitzungssaal 1, Rathaus"),
        state=Meeting.State.HELD,
    )

    response = client.get(reverse("council:meeting_list"), **EN)

    assert meeting.name in response.text
    assert 'datetime="2013-03-04T16:30:00+01:00"' in response.text
    assert committee.name in response.text
    assert "Sitzungssaal 1, Rathaus" in response.text
    assert 'data-state="held"' in response.text


def test_list_keeps_a_cancelled_meeting_struck_through(client, committee):
    cancelled = meeting_of(committee, start=days_ahead(4), state=Meeting.State.CANCELLED, name="Abgesagte Sitzung")

    response = client.get(reverse("council:meeting_list"), **EN)

    assert list(response.context["upcoming"]) == [cancelled]
    assert "meeting-cancelled" in response.text
    assert 'data-state="cancelled"' in response.text
    assert "<s>" in response.text


def test_list_filters_by_gremium_and_links_its_feed(client, committee, other_committee):
    ours = meeting_of(committee, start=days_ahead(3))
    theirs = meeting_of(other_committee, start=days_ahead(4))

    unfiltered = client.get(reverse("council:meeting_list"), **EN)
    response = client.get(reverse("council:meeting_list"), {"organization": committee.pk}, **EN)

    assert list(unfiltered.context["upcoming"]) == [ours, theirs]
    assert list(response.context["upcoming"]) == [ours]
    assert response.context["organization"] == committee
    assert list(response.context["gremien"]) == [committee, other_committee]  # by name
    feed = reverse("council:meeting_ical_organization", kwargs={"organization": committee.pk})
    assert f'href="{feed}"' in response.text
    assert f'href="{reverse("council:meeting_ical")}"' in response.text
    assert f'href="{feed}"' not in unfiltered.text


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "99999999999999999999999"])
def test_list_with_an_unknown_gremium_is_404(client, committee, value):
    response = client.get(reverse("council:meeting_list"), {"organization": value})

    assert response.status_code == 404


def test_list_does_not_filter_by_another_bodys_gremium_or_a_fraktion(client, committee, body):
    foreign = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    faction = FactionFactory(body=body)

    assert client.get(reverse("council:meeting_list"), {"organization": foreign.pk}).status_code == 404
    assert client.get(reverse("council:meeting_list"), {"organization": faction.pk}).status_code == 404


def test_list_leaves_out_another_bodys_meetings(client, committee):
    ours = meeting_of(committee, start=days_ahead(3))
    meeting_of(CommitteeFactory(body=OtherBodyFactory()), start=days_ahead(3))

    response = client.get(reverse("council:meeting_list"), **EN)

    assert list(response.context["upcoming"]) == [ours]


def test_list_pages_past_meetings(client, committee):
    for index in range(PAST_MEETINGS_PER_PAGE + 1):
        meeting_of(committee, start=days_ahead(-(index + 1)))

    first = client.get(reverse("council:meeting_list"), **EN)
    second = client.get(reverse("council:meeting_list"), {"page": 2}, **EN)

    assert len(first.context["past"]) == PAST_MEETINGS_PER_PAGE
    assert len(second.context["past"]) == 1
    assert 'rel="next"' in first.text


@pytest.mark.parametrize("count", [2, 20])
def test_list_queries_do_not_grow_with_meetings(client, django_assert_max_num_queries, committee, count):
    for index in range(count):
        location = LocationFactory(body=committee.body)
        meeting_of(committee, CommitteeFactory(body=committee.body), start=days_ahead(index + 1), location=location)
        meeting_of(committee, start=days_ahead(-(index + 1)), location=location)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("council:meeting_list"))

    assert len(response.context["upcoming"]) == count


def test_the_start_page_links_sitzungen_for_all_and_meine_sitzungen_for_members(client, member):
    anonymous = client.get(reverse("council:home"), **EN)
    client.force_login(member)
    insider = client.get(reverse("council:home"), **EN)

    assert f'href="{reverse("council:meeting_list")}"' in anonymous.text
    assert f'href="{reverse("council:my_meetings")}"' not in anonymous.text
    assert f'href="{reverse("council:my_meetings")}"' in insider.text


def test_home_links_meetings_to_their_page(client, upcoming):
    response = client.get(reverse("council:home"), **EN)

    assert f'href="{detail_url(upcoming)}"' in response.text


# --- the calendar -----------------------------------------------------------------------


def _day(response, day: datetime.date):
    return next(cell for week in response.context["weeks"] for cell in week if cell.date == day)


def test_calendar_shows_a_meeting_on_its_day(client, meeting):
    response = client.get(reverse("council:meeting_calendar"), {"month": "2013-03"}, **EN)

    assert response.context["month"] == datetime.date(2013, 3, 1)
    assert _day(response, datetime.date(2013, 3, 4)).meetings == [meeting]
    assert _day(response, datetime.date(2013, 3, 5)).meetings == []
    cell = response.text.split('data-date="2013-03-04"', 1)[1].split("</td>", 1)[0]
    assert f'href="{detail_url(meeting)}"' in cell
    assert "March 2013" in response.text


def test_calendar_weeks_start_on_monday_and_cover_the_month(client, db):
    response = client.get(reverse("council:meeting_calendar"), {"month": "2013-03"}, **EN)

    weeks = response.context["weeks"]
    assert all(len(week) == 7 for week in weeks)
    assert [week[0].date.weekday() for week in weeks] == [0] * len(weeks)
    assert weeks[0][0].date == datetime.date(2013, 2, 25)
    assert weeks[-1][-1].date == datetime.date(2013, 3, 31)
    assert not weeks[0][0].in_month and weeks[0][4].in_month


def test_calendar_puts_a_late_evening_meeting_on_its_local_day(client, committee):
    late = meeting_of(committee, start=at(datetime.date(2013, 6, 30), 23, 30))  # 21:30 UTC

    response = client.get(reverse("council:meeting_calendar"), {"month": "2013-06"}, **EN)

    assert _day(response, datetime.date(2013, 6, 30)).meetings == [late]


def test_calendar_links_the_months_around_and_keeps_the_filter(client, committee):
    response = client.get(reverse("council:meeting_calendar"), {"month": "2013-01", "organization": committee.pk}, **EN)

    assert response.context["previous_month"] == "2012-12"
    assert response.context["next_month"] == "2013-02"
    assert f"?month=2012-12&amp;organization={committee.pk}" in response.text
    assert f"?month=2013-02&amp;organization={committee.pk}" in response.text


@pytest.mark.parametrize("value", ["", "2013-13", "2013-00", "13-03", "abcd-ef", "0000-01", "99999-01", "2013-3"])
def test_calendar_with_an_invalid_month_shows_the_current_month(client, db, value):
    response = client.get(reverse("council:meeting_calendar"), {"month": value}, **EN)

    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_calendar_filters_by_gremium(client, meeting, other_committee):
    other = meeting_of(other_committee, start=at(datetime.date(2013, 3, 4), 10))

    everything = client.get(reverse("council:meeting_calendar"), {"month": "2013-03"}, **EN)
    response = client.get(
        reverse("council:meeting_calendar"), {"month": "2013-03", "organization": other_committee.pk}, **EN
    )

    assert _day(everything, datetime.date(2013, 3, 4)).meetings == [other, meeting]
    assert _day(response, datetime.date(2013, 3, 4)).meetings == [other]
    assert meeting.name not in response.text


def test_calendar_with_an_unknown_gremium_is_404(client, db):
    assert client.get(reverse("council:meeting_calendar"), {"organization": 4711}).status_code == 404


# --- iCalendar --------------------------------------------------------------------------


def _feed(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(feed):
    return {str(event["UID"]): event for event in feed.walk("VEVENT")}


@pytest.mark.parametrize("role", ["anonymous", "member", "office"])
def test_ical_carries_the_meetings_with_the_public_agenda_only(client, users, agenda, upcoming, role):
    login(client, users[role])

    response = client.get(reverse("council:meeting_ical"))

    feed = _feed(response)
    assert str(feed["PRODID"]) == ICAL_PRODID
    assert str(feed["VERSION"]) == "2.0"
    assert "X-WR-CALNAME" in feed
    event = _events(feed)[f"meeting-{upcoming.pk}@ratsbuch"]
    assert str(event["SUMMARY"]) == upcoming.name
    assert event.decoded("DTSTART") == upcoming.start
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"http://testserver{detail_url(upcoming)}"
    description = str(event["DESCRIPTION"])
    assert f"3. {PUBLIC_NAME}" in description
    assert SECRET_NAME not in description
    assert SECRET_NAME not in response.content.decode()
    assert "7." not in description


def test_ical_event_has_end_location_stamp_and_cancelled_status(client, committee):
    location = LocationFactory(body=committee.body, description="Stadtratssaal, Rathaus", room="Stadtratssaal")
    start = days_ahead(6, 14)
    meeting = meeting_of(
        committee,
        start=start,
        end=start + datetime.timedelta(hours=3),
        location=location,
        state=Meeting.State.CANCELLED,
    )

    event = _events(_feed(client.get(reverse("council:meeting_ical"))))[f"meeting-{meeting.pk}@ratsbuch"]

    assert event.decoded("DTEND") == meeting.end
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["LOCATION"]).startswith("Stadtratssaal, Rathaus, Rathausplatz 20")
    assert event.decoded("DTSTAMP") == meeting.modified.replace(microsecond=0)


def test_ical_of_a_gremium_has_its_meetings_only(client, committee, other_committee):
    ours = meeting_of(committee, start=days_ahead(3))
    theirs = meeting_of(other_committee, start=days_ahead(3))

    everything = _events(_feed(client.get(reverse("council:meeting_ical"))))
    response = client.get(reverse("council:meeting_ical_organization", kwargs={"organization": committee.pk}))
    feed = _feed(response)

    assert set(everything) == {f"meeting-{ours.pk}@ratsbuch", f"meeting-{theirs.pk}@ratsbuch"}
    assert set(_events(feed)) == {f"meeting-{ours.pk}@ratsbuch"}
    assert committee.name in str(feed["X-WR-CALNAME"])


def test_ical_leaves_out_meetings_older_than_a_year(client, committee, meeting):
    recent = meeting_of(committee, start=timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK - 1))

    events = _events(_feed(client.get(reverse("council:meeting_ical"))))

    assert set(events) == {f"meeting-{recent.pk}@ratsbuch"}


def test_ical_of_an_unknown_or_foreign_organization_is_404(client, committee, body):
    foreign = CommitteeFactory(body=OtherBodyFactory())
    faction = FactionFactory(body=body)

    for pk in (4711, foreign.pk, faction.pk):
        url = reverse("council:meeting_ical_organization", kwargs={"organization": pk})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_ical_queries_do_not_grow_with_meetings(client, django_assert_max_num_queries, committee, count):
    for index in range(count):
        meeting = meeting_of(committee, start=days_ahead(index + 1), location=LocationFactory(body=committee.body))
        AgendaItemFactory(meeting=meeting)
        AgendaItemFactory(meeting=meeting, public=False)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("council:meeting_ical"))

    assert len(_events(_feed(response))) == count


# --- Meine Sitzungen --------------------------------------------------------------------


def test_my_meetings_needs_a_login(client, db):
    response = client.get(reverse("council:my_meetings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_meetings_gives_a_member_the_full_agenda_of_their_meetings(client, member, agenda, upcoming, committee):
    other = meeting_of(CommitteeFactory(body=committee.body), start=days_ahead(2), name="Sitzung eines anderen")
    meeting_of(committee, start=days_ahead(-2), name="Vergangene Sitzung")
    meeting_of(committee, start=days_ahead(3), name="Abgesagte Sitzung", state=Meeting.State.CANCELLED)
    client.force_login(member)

    response = client.get(reverse("council:my_meetings"), **EN)

    assert response.context["meetings"] == [upcoming]
    assert response.context["meetings"][0].non_public_items == [agenda["secret_item"]]
    assert SECRET_NAME in response.text
    secret_url = reverse("resolutions:paper_detail", kwargs={"reference": agenda["secret_paper"].reference})
    assert f'href="{secret_url}"' in response.text
    assert f'href="{agenda["secret_attachment"].get_absolute_url()}"' in response.text
    assert other.name not in response.text
    assert "Vergangene Sitzung" not in response.text
    assert "Abgesagte Sitzung" not in response.text


def test_my_meetings_of_a_member_elsewhere_leaves_this_committee_out(client, other_member, agenda, other_committee):
    theirs = meeting_of(other_committee, start=days_ahead(9))
    client.force_login(other_member)

    response = client.get(reverse("council:my_meetings"), **EN)

    assert response.context["meetings"] == [theirs]
    assert SECRET_NAME not in response.text


@pytest.mark.parametrize("role", ["office", "admin"])
def test_my_meetings_gives_the_office_every_upcoming_meeting(client, users, agenda, upcoming, other_committee, role):
    theirs = meeting_of(other_committee, start=days_ahead(40))
    client.force_login(users[role])

    response = client.get(reverse("council:my_meetings"), **EN)

    assert response.context["meetings"] == [upcoming, theirs]
    assert SECRET_NAME in response.text


def test_my_meetings_without_memberships_shows_a_friendly_empty_state(client, upcoming):
    user = UserFactory(username="buerger")
    client.force_login(user)

    response = client.get(reverse("council:my_meetings"), **EN)

    assert response.status_code == 200
    assert response.context["meetings"] == []
    assert response.context["has_memberships"] is False
    assert "You do not sit in any Gremium" in response.text
    assert upcoming.name not in response.text


def test_my_meetings_of_a_clerk_lists_nothing_of_the_committees(client, clerk, agenda, upcoming):
    client.force_login(clerk)

    response = client.get(reverse("council:my_meetings"), **EN)

    assert response.context["meetings"] == []
    assert response.context["has_memberships"] is True
    assert SECRET_NAME not in response.text


@pytest.mark.parametrize("count", [2, 10])
def test_my_meetings_queries_do_not_grow_with_meetings(
    client, django_assert_max_num_queries, member, committee, body, unit, count
):
    for index in range(count):
        meeting = meeting_of(committee, start=days_ahead(index + 1), location=LocationFactory(body=body))
        for order in (1, 2, 3):
            _item_with_documents(meeting, body, unit, committee, order, public=order != 3)
    client.force_login(member)

    # One of them reads the free items' documents.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("council:my_meetings"))

    assert len(response.context["meetings"]) == count
    assert response.text.count('class="agenda-result') == 3 * count


# --- the Beratungsfolge on the Vorlage page ---------------------------------------------


def test_beratungsfolge_links_each_step_to_its_meeting(client, body, unit, committee, meeting, upcoming):
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit)
    council = CommitteeFactory(body=body, name="Stadtrat")
    council_meeting = meeting_of(council, start=days_ahead(30), name="15. Sitzung des Stadtrates")
    done = ConsultationFactory(
        paper=paper,
        organization=committee,
        order=1,
        authoritative=False,
        agenda_item=AgendaItemFactory(meeting=meeting, number="4"),
    )
    DecisionFactory(consultation=done, agenda_item=done.agenda_item, votes_yes=9)
    ConsultationFactory(
        paper=paper, organization=council, order=2, agenda_item=AgendaItemFactory(meeting=council_meeting, public=False)
    )

    response = client.get(reverse("resolutions:paper_detail", kwargs={"reference": paper.reference}), **EN)

    html = response.text
    assert f'href="{detail_url(meeting)}#top-4"' in html
    assert f'href="{detail_url(council_meeting)}"' in html  # a non-public item: the meeting, no anchor
    assert html.index(meeting.name) < html.index(council_meeting.name)  # in the order of the Beratungsfolge
    assert "yes 9" in html


def test_role_fixtures_are_what_they_claim(users, committee, other_committee):
    # Guards the parametrized tests above: a fixture that lost its role would make them vacuous.
    assert users["office"].groups.filter(name=Role.OFFICE.value).exists()
    assert users["admin"].is_superuser
    assert users["member"].person.memberships.filter(organization=committee).exists()
    assert not users["other_member"].person.memberships.filter(organization=committee).exists()
    assert users["clerk"].groups.filter(name=Role.CLERK.value).exists()
