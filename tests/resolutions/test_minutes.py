"""The Niederschrift beyond the results: minute-taker, actual times, protocols, recusals, and the invitation's facts.

The service `minutes_record` and its page; what the PDFs then say (chair, minute-taker,
times, deputies, protocols, signature lines; the invitation's date, chair and the reason
for short notice).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from council import services as council_services
from council.models import Meeting, Recusal
from resolutions import services
from resolutions.models import Minutes
from resolutions.pdf import pdf_text
from resolutions.services import CLOSED_BEFORE_OPENED_ERROR, MINUTES_ALREADY_FINAL_ERROR, RECUSED_NOT_PRESENT_ERROR
from resolutions.services.minutes import MINUTES_NOT_HELD_ERROR, MINUTES_ROLE_ERROR
from tests.council.conftest import at, meeting_of, seat, user_named
from tests.factories import AgendaItemFactory
from tests.resolutions.conftest import messages_of

DAY = datetime.date(2013, 3, 4)


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


@pytest.fixture
def people(committee, factions):
    spd = factions["SPD"]
    return {
        "chair": seat(committee, faction=spd, family_name="Vorsitz"),
        "weiss": seat(committee, faction=spd, family_name="Weiß"),
        "kraemer": seat(committee, faction=spd, family_name="Krämer"),
        "deputy": seat(committee, faction=spd, voting_right=False, family_name="Doğan"),
    }


@pytest.fixture
def meeting(committee, people, office):
    meeting = meeting_of(committee, start=at(DAY), name="23. Sitzung des Ausschusses für Soziales und Integration")
    Meeting.objects.filter(pk=meeting.pk).update(chair=people["chair"])
    first = AgendaItemFactory(meeting=meeting, number="1", order=1, name="Eröffnung der Sitzung")
    AgendaItemFactory(meeting=meeting, number="2", order=2, name="Mitteilungen und Anfragen")
    council_services.attendance_record(
        meeting=meeting,
        by=office,
        present=[people["chair"], people["weiss"], people["deputy"]],
        excused=[people["kraemer"]],
        deputies={people["deputy"]: people["kraemer"]},
        departures={people["weiss"]: first},
    )
    council_services.meeting_hold(meeting=meeting, by=office)
    meeting.refresh_from_db()
    return meeting


def _items(meeting):
    return list(meeting.agenda_items.order_by("order"))


def test_the_office_writes_minute_taker_times_protocols_and_recusals(meeting, office, people):
    first, second = _items(meeting)

    services.minutes_record(
        meeting=meeting,
        by=office,
        minute_taker="Petra Kühn",
        opened_at=at(DAY, 16, 5),
        closed_at=at(DAY, 17, 40),
        protocols={first: "Die Vorsitzende eröffnet die Sitzung.", second: "Keine Mitteilungen."},
        recusals={second: [people["deputy"]]},
    )

    meeting.refresh_from_db()
    assert (meeting.minute_taker, meeting.opened_at, meeting.closed_at) == (
        "Petra Kühn",
        at(DAY, 16, 5),
        at(DAY, 17, 40),
    )
    assert [item.protocol for item in _items(meeting)] == [
        "Die Vorsitzende eröffnet die Sitzung.",
        "Keine Mitteilungen.",
    ]
    assert list(Recusal.objects.values_list("agenda_item", "person")) == [(second.pk, people["deputy"].pk)]


def test_the_minutes_pdf_names_chair_minute_taker_times_deputy_protocols_and_signatures(meeting, office, people):
    first, second = _items(meeting)
    services.minutes_record(
        meeting=meeting,
        by=office,
        minute_taker="Petra Kühn",
        opened_at=at(DAY, 16, 5),
        closed_at=at(DAY, 17, 40),
        protocols={first: "Die Vorsitzende eröffnet die Sitzung."},
        recusals={second: [people["deputy"]]},
    )
    meeting.refresh_from_db()

    with translation.override("de"):
        text = words(services.minutes_render(meeting=meeting, insider=True))

    chair, deputy, member = people["chair"].name, people["deputy"].name, people["kraemer"].name
    assert f"Vorsitz {chair}" in text and "Schriftführung Petra Kühn" in text
    assert "Sitzungsbeginn 16:05 Uhr" in text and "Sitzungsende 17:40 Uhr" in text
    assert f"{deputy} (in Vertretung für {member})" in text
    assert f"{people['weiss'].name} (bis TOP 1)" in text
    assert "Die Vorsitzende eröffnet die Sitzung." in text
    assert f"Befangen, nicht beteiligt: {deputy}" in text
    assert text.count(chair) >= 3  # the facts, the attendance and the signature line


@pytest.mark.parametrize("who", ["clerk", "head", "member", "anonymous"])
def test_only_the_office_writes_the_minutes(request, meeting, who):
    with pytest.raises(ValidationError) as excinfo:
        services.minutes_record(meeting=meeting, by=user_named(request, who), minute_taker="Jemand")
    assert messages_of(excinfo.value) == [MINUTES_ROLE_ERROR]
    assert Meeting.objects.get(pk=meeting.pk).minute_taker == ""


def test_minutes_are_written_for_a_held_meeting_only(committee, office):
    planned = meeting_of(committee, start=at(DAY))

    with pytest.raises(ValidationError) as excinfo:
        services.minutes_record(meeting=planned, by=office, minute_taker="Jemand")

    assert messages_of(excinfo.value) == [MINUTES_NOT_HELD_ERROR]


def test_finalised_minutes_are_not_written_again(meeting, office):
    services.minutes_finalise(meeting=meeting, by=office)

    with pytest.raises(ValidationError) as excinfo:
        services.minutes_record(meeting=meeting, by=office, minute_taker="Jemand")

    assert messages_of(excinfo.value) == [MINUTES_ALREADY_FINAL_ERROR]


def test_closing_before_opening_and_a_recusal_of_someone_absent_are_refused_with_nothing_saved(meeting, office, people):
    first, second = _items(meeting)

    with pytest.raises(ValidationError) as excinfo:
        services.minutes_record(
            meeting=meeting,
            by=office,
            minute_taker="Petra Kühn",
            opened_at=at(DAY, 17),
            closed_at=at(DAY, 16),
            protocols={first: "Text"},
            recusals={first: [people["kraemer"]], second: [people["weiss"]]},  # excused; left after item 1
        )

    assert messages_of(excinfo.value) == [
        CLOSED_BEFORE_OPENED_ERROR,
        RECUSED_NOT_PRESENT_ERROR,
        RECUSED_NOT_PRESENT_ERROR,
    ]
    meeting.refresh_from_db()
    assert (meeting.minute_taker, _items(meeting)[0].protocol, Recusal.objects.count()) == ("", "", 0)


# --- the page ---------------------------------------------------------------------------
def _edit_url(meeting):
    return reverse("resolutions:meeting_minutes_edit", kwargs={"pk": meeting.pk})


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("head", 403), ("member", 403), ("office", 200)])
def test_the_minutes_page_is_the_offices(request, client, meeting, who, status):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_edit_url(meeting)).status_code == status


def test_anonymous_visitors_are_sent_to_the_login(client, meeting):
    response = client.get(_edit_url(meeting))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_office_saves_the_minutes_on_the_page(client, meeting, office, people):
    first, second = _items(meeting)
    client.force_login(office)

    response = client.post(
        _edit_url(meeting),
        {
            "minute_taker": "Petra Kühn",
            "opened_time": "16:05",
            "closed_time": "17:40",
            f"protocol_{first.pk}": "Eröffnet.",
            f"protocol_{second.pk}": "",
            f"recused_{second.pk}": [str(people["deputy"].pk)],
        },
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.opened_at).time() == datetime.time(16, 5)
    assert _items(meeting)[0].protocol == "Eröffnet."
    assert Recusal.objects.filter(agenda_item=second, person=people["deputy"]).exists()


def test_a_refused_save_shows_every_error_at_the_top_and_keeps_the_input(client, meeting, office):
    first, _second = _items(meeting)
    client.force_login(office)

    response = client.post(
        _edit_url(meeting),
        {
            "minute_taker": "Petra Kühn",
            "opened_time": "17:00",
            "closed_time": "16:00",
            f"protocol_{first.pk}": "Mein Text",
        },
    )

    assert response.status_code == 200
    assert 'id="minutes-errors"' in response.text
    assert "Mein Text" in response.text and "Petra Kühn" in response.text
    assert Meeting.objects.get(pk=meeting.pk).minute_taker == ""


def test_the_page_of_finalised_minutes_says_so_and_offers_no_form(client, meeting, office):
    services.minutes_finalise(meeting=meeting, by=office)
    client.force_login(office)

    page = client.get(_edit_url(meeting)).text

    assert "minutes-form" not in page
    assert Minutes.objects.count() == 1


# --- the invitation's facts -------------------------------------------------------------
def test_the_invitation_bears_its_date_the_chair_and_the_reason_for_short_notice(meeting, office, people):
    Meeting.objects.filter(pk=meeting.pk).update(
        state=Meeting.State.INVITED,
        invited_at=at(DAY - datetime.timedelta(days=2), 10),
        notice_reason="Die Förderfrist des Landes endet am 8. März.",
    )
    meeting.refresh_from_db()

    with translation.override("de"):
        text = words(services.invitation_render(meeting=meeting, insider=False))

    assert "2. März 2013" in text
    assert people["chair"].name in text
    assert "Die Förderfrist des Landes endet am 8. März." in text
