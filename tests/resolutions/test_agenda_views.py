"""The council office's agenda builder and the result form of an agenda item.

The paper follows the seed's Beratungsfolge: the social committee prepares, the Stadtrat
decides. Pages are asked for in English; messages are the services' constants rendered in
the active language.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from council import services as council_services
from council.models import AgendaItem, Meeting
from resolutions import services
from resolutions.forms.agenda import ITEM_GONE_ERROR, RESOLUTION_TEXT_HELP
from resolutions.models import Consultation, Decision, FactionVote, Paper, PaperEvent
from resolutions.queries import next_pending_consultation
from resolutions.services import (
    ALREADY_DECIDED_ERROR,
    AMENDED_TEXT_ERROR,
    FACTION_SUM_ERROR,
    LATER_MEETING_ERROR,
    MEETING_CLOSED_ERROR,
    MEETING_NOT_HELD_ERROR,
    NOT_NEXT_STEP_ERROR,
    NOT_RELEASED_ERROR,
    NUMBER_FORMAT_ERROR,
    NUMBER_TAKEN_ERROR,
    PAPER_NOT_PUBLIC_ERROR,
    PUBLIC_AFTER_NONPUBLIC_ERROR,
    UNANIMOUS_DISSENT_ERROR,
    VOTES_EXCEED_PRESENT_ERROR,
)
from resolutions.views.agenda import (
    AGENDA_REORDERED_MESSAGE,
    DECISION_RECORDED_MESSAGE,
    FREE_ITEM_NOTE,
    ITEM_ADDED_MESSAGE,
    ITEM_DEFERRED_MESSAGE,
    ITEM_REMOVED_MESSAGE,
    PAPER_ADDED_MESSAGE,
    UNKNOWN_ACTION_MESSAGE,
)
from tests.council.conftest import at, meeting_of, seat
from tests.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    ReleasedPaperFactory,
)
from tests.resolutions.conftest import PROPOSAL

S = Paper.State
R = Decision.Result
ROLES = ["anonymous", "clerk", "head", "member", "office", "admin_user"]
NOT_OFFICE = ["clerk", "head", "member"]


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


# --- fixtures -------------------------------------------------------------------------
@pytest.fixture
def council_seats(city_council, factions) -> list:
    """Seven votes in the Stadtrat (SPD 4, CDU 3) and the mayor, who votes for no Fraktion."""
    spd, cdu = factions["SPD"], factions["CDU"]
    return [
        *(seat(city_council, faction=spd) for _ in range(4)),
        *(seat(city_council, faction=cdu) for _ in range(3)),
        seat(city_council, family_name="Wendelstein"),
    ]


@pytest.fixture
def committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 3, 4)), name="23. Sitzung des Sozialausschusses")


@pytest.fixture
def later_committee_meeting(committee) -> Meeting:
    return meeting_of(committee, start=at(datetime.date(2013, 4, 8)), name="24. Sitzung des Sozialausschusses")


@pytest.fixture
def council_meeting(city_council) -> Meeting:
    return meeting_of(city_council, start=at(datetime.date(2013, 3, 18), 14), name="41. Sitzung des Stadtrates")


@pytest.fixture
def committee_item(paper, office, committee_meeting) -> AgendaItem:
    return services.agenda_item_add(meeting=committee_meeting, by=office, paper=paper)


@pytest.fixture
def held_item(committee_item, office, committee_meeting, committee_seats) -> AgendaItem:
    """The paper's item on the committee's meeting, held with all six seats present."""
    council_services.attendance_record(meeting=committee_meeting, by=office, present=committee_seats)
    council_services.meeting_hold(meeting=committee_meeting, by=office)
    return committee_item


@pytest.fixture
def held_council_item(held_item, paper, office, council_meeting, council_seats) -> AgendaItem:
    """The committee recommended; the paper is on the Stadtrat's held meeting."""
    services.decision_record(item=held_item, by=office, result=R.ADOPTED, votes_yes=5, unanimous=True)
    item = services.agenda_item_add(meeting=council_meeting, by=office, paper=Paper.objects.get(pk=paper.pk))
    council_services.attendance_record(meeting=council_meeting, by=office, present=council_seats)
    council_services.meeting_hold(meeting=council_meeting, by=office)
    return item


# --- helpers --------------------------------------------------------------------------
def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def shows(response, message) -> bool:
    return escape(str(message)) in response.text


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def agenda_url(meeting) -> str:
    return reverse("resolutions:agenda_edit", kwargs={"pk": meeting.pk})


def result_url(item) -> str:
    return reverse("resolutions:decision_record", kwargs={"pk": item.meeting_id, "item": item.pk})


def agenda(meeting) -> list[tuple]:
    return list(meeting.agenda_items.order_by("order").values_list("number", "name", "public"))


def snapshot() -> tuple:
    """Everything the agenda and result services write."""
    return (
        list(Paper.objects.order_by("pk").values_list("pk", "state", "version")),
        list(PaperEvent.objects.order_by("pk").values_list("pk", "action")),
        list(AgendaItem.objects.order_by("pk").values_list("pk", "meeting_id", "order", "number", "public", "name")),
        list(Consultation.objects.order_by("pk").values_list("pk", "agenda_item_id")),
        list(Decision.objects.order_by("pk").values_list("pk", "result", "resolution_text")),
        list(FactionVote.objects.order_by("pk").values_list("pk", "votes_yes")),
        list(Meeting.objects.order_by("pk").values_list("pk", "state")),
    )


def free(meeting, office, *names, public=True) -> list[AgendaItem]:
    return [services.agenda_item_add(meeting=meeting, by=office, name=name, public=public) for name in names]


# --- who may --------------------------------------------------------------------------
@pytest.mark.parametrize("who", ROLES)
def test_only_the_office_opens_the_agenda_builder(client, request, committee_meeting, who):
    login(client, request, who)

    response = client.get(agenda_url(committee_meeting))

    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif who in NOT_OFFICE:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.context["meeting"] == committee_meeting


@pytest.mark.parametrize("who", ROLES)
def test_only_the_office_opens_the_result_form(client, request, held_item, who):
    login(client, request, who)

    response = client.get(result_url(held_item))

    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    elif who in NOT_OFFICE:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.context["form"] is not None


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_others_cannot_change_the_agenda(client, request, paper, committee_meeting, who):
    login(client, request, who)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "add_paper", "paper": paper.pk})

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_OFFICE)
def test_others_cannot_record_a_result(client, request, held_item, who):
    login(client, request, who)
    before = snapshot()

    response = client.post(result_url(held_item), {"result": R.ADOPTED, "factions-TOTAL_FORMS": 0})

    assert response.status_code == 403
    assert snapshot() == before


def test_unknown_meeting_or_item_is_404(client, office, committee_item, later_committee_meeting):
    client.force_login(office)
    other_meetings_item = reverse(
        "resolutions:decision_record", kwargs={"pk": later_committee_meeting.pk, "item": committee_item.pk}
    )
    assert client.get(reverse("resolutions:agenda_edit", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("resolutions:decision_record", kwargs={"pk": 999999, "item": 1})).status_code == 404
    assert client.get(other_meetings_item).status_code == 404


# --- the page -------------------------------------------------------------------------
def test_builder_shows_the_parts_the_pool_and_the_free_item_form(client, office, paper, committee_meeting):
    free(committee_meeting, office, "Eröffnung der Sitzung")
    free(committee_meeting, office, "Grundstücksangelegenheit", public=False)
    client.force_login(office)

    response = client.get(agenda_url(committee_meeting))

    assert [row["item"].name for row in response.context["public_rows"]] == ["Eröffnung der Sitzung"]
    assert [row["item"].name for row in response.context["nonpublic_rows"]] == ["Grundstücksangelegenheit"]
    assert [row["paper"] for row in response.context["pool"]] == [paper]
    assert f'href="{paper.get_absolute_url()}"' in response.text
    assert '<option value="Mitteilungen">' in response.text and '<option value="Anfragen">' in response.text
    assert 'name="action" value="renumber"' in response.text


def test_pool_leaves_out_vorlagen_of_other_gremien(client, office, paper, council_meeting):
    client.force_login(office)

    response = client.get(agenda_url(council_meeting))

    assert response.context["pool"] == []


# --- adding ---------------------------------------------------------------------------
def test_office_puts_a_vorlage_from_the_pool_on_the_agenda(client, office, paper, committee, committee_meeting):
    client.force_login(office)

    response = client.post(agenda_url(committee_meeting), {"action": "add_paper", "paper": paper.pk, "number": ""})

    assert response.status_code == 302 and response.url == agenda_url(committee_meeting)
    item = committee_meeting.agenda_items.get()
    assert Consultation.objects.get(paper=paper, organization=committee).agenda_item == item
    assert Paper.objects.get(pk=paper.pk).state == S.IN_CONSULTATION
    assert flashed(response) == [str(PAPER_ADDED_MESSAGE % {"reference": paper.reference, "number": "1"})]


def test_a_vorlage_goes_on_as_a_numbered_non_public_item(client, office, paper, committee_meeting):
    free(committee_meeting, office, "Eröffnung")
    client.force_login(office)

    client.post(
        agenda_url(committee_meeting), {"action": "add_paper", "paper": paper.pk, "number": "1.1", "nonpublic": "on"}
    )

    assert agenda(committee_meeting)[-1][::2] == ("1.1", False)


def test_a_vorlage_that_is_not_released_is_refused(client, office, draft, committee_meeting):
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "add_paper", "paper": draft.pk, "number": "4"})

    assert response.status_code == 200
    assert snapshot() == before
    refusal = NOT_RELEASED_ERROR % {"state": S.DRAFT.label}
    assert response.context["pool_form"].non_field_errors() == [str(refusal)]
    assert shows(response, refusal)


def test_a_vorlage_whose_next_step_is_elsewhere_is_refused(client, office, paper, committee, council_meeting):
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(council_meeting), {"action": "add_paper", "paper": paper.pk})

    assert snapshot() == before
    assert shows(response, NOT_NEXT_STEP_ERROR % {"organization": committee.name})


def test_a_taken_number_is_refused_with_the_input_kept(client, office, paper, committee_meeting):
    free(committee_meeting, office, "Eröffnung")
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "add_paper", "paper": paper.pk, "number": "1"})

    assert snapshot() == before
    row = next(row for row in response.context["pool"] if row["paper"] == paper)
    assert row["form"].errors["number"] == [str(NUMBER_TAKEN_ERROR % {"number": "1"})]
    assert row["form"]["number"].value() == "1"
    assert 'value="1"' in str(row["form"]["number"])
    assert str(row["form"]["number"]) in response.text


def test_office_adds_a_free_item(client, office, committee_meeting):
    client.force_login(office)

    response = client.post(
        agenda_url(committee_meeting), {"action": "add_item", "name": "Mitteilungen", "public": "on", "number": ""}
    )

    assert agenda(committee_meeting) == [("1", "Mitteilungen", True)]
    assert flashed(response) == [str(ITEM_ADDED_MESSAGE % {"number": "1", "name": "Mitteilungen"})]


def test_a_free_item_with_a_bad_number_keeps_its_input(client, office, committee_meeting):
    client.force_login(office)

    response = client.post(
        agenda_url(committee_meeting), {"action": "add_item", "name": "Anfragen", "public": "on", "number": "drei"}
    )

    assert agenda(committee_meeting) == []
    assert response.context["free_form"].errors["number"] == [str(NUMBER_FORMAT_ERROR)]
    assert 'value="Anfragen"' in response.text and 'value="drei"' in response.text


def test_nothing_is_added_to_a_held_meeting(client, office, held_item, committee_meeting):
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "add_item", "name": "Nachtrag", "public": "on"})

    assert snapshot() == before
    assert shows(response, MEETING_CLOSED_ERROR % {"state": Meeting.State.HELD.label})


# --- arranging ------------------------------------------------------------------------
def test_office_reorders_the_agenda(client, office, committee_meeting):
    a, b, c = free(committee_meeting, office, "A", "B", "C")
    client.force_login(office)

    response = client.post(agenda_url(committee_meeting), {"action": "reorder", "item_ids": [c.pk, a.pk, b.pk]})

    assert agenda(committee_meeting) == [("1", "C", True), ("2", "A", True), ("3", "B", True)]
    assert flashed(response) == [str(AGENDA_REORDERED_MESSAGE)]


def test_office_moves_an_item_up(client, office, committee_meeting):
    free(committee_meeting, office, "A", "B")
    client.force_login(office)
    b = committee_meeting.agenda_items.get(name="B")

    client.post(agenda_url(committee_meeting), {"action": "move", "item": b.pk, "direction": "up"})

    assert [name for _n, name, _p in agenda(committee_meeting)] == ["B", "A"]


def test_public_after_non_public_is_refused(client, office, committee_meeting):
    a = free(committee_meeting, office, "A")[0]
    secret = free(committee_meeting, office, "Geheim", public=False)[0]
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "reorder", "item_ids": [secret.pk, a.pk]})

    assert snapshot() == before
    assert flashed(response) == [str(PUBLIC_AFTER_NONPUBLIC_ERROR % {"item": "A"})]


def test_office_moves_an_item_to_the_non_public_part(client, office, committee_meeting):
    a, _b = free(committee_meeting, office, "A", "B")
    client.force_login(office)

    client.post(agenda_url(committee_meeting), {"action": "set_public", "item": a.pk, "public": "0"})

    assert agenda(committee_meeting) == [("1", "B", True), ("2", "A", False)]


def test_a_non_public_vorlage_stays_non_public(client, office, paper, committee_meeting):
    Paper.objects.filter(pk=paper.pk).update(public=False)
    item = services.agenda_item_add(meeting=committee_meeting, by=office, paper=Paper.objects.get(pk=paper.pk))
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "set_public", "item": item.pk, "public": "1"})

    assert snapshot() == before
    assert flashed(response) == [str(PAPER_NOT_PUBLIC_ERROR)]


def test_office_takes_a_vorlage_off_the_agenda(client, office, paper, committee_item, committee_meeting):
    client.force_login(office)

    response = client.post(agenda_url(committee_meeting), {"action": "remove", "item": committee_item.pk})

    assert agenda(committee_meeting) == []
    assert Paper.objects.get(pk=paper.pk).state == S.RELEASED
    assert flashed(response) == [str(ITEM_REMOVED_MESSAGE % {"name": committee_item.name})]


def test_an_item_of_another_meeting_is_not_touched(client, office, committee_item, later_committee_meeting):
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(later_committee_meeting), {"action": "remove", "item": committee_item.pk})

    assert snapshot() == before
    assert flashed(response) == [str(ITEM_GONE_ERROR)]


def test_an_unknown_action_changes_nothing(client, office, committee_meeting):
    client.force_login(office)
    before = snapshot()

    response = client.post(agenda_url(committee_meeting), {"action": "drop_table"})

    assert snapshot() == before
    assert flashed(response) == [str(UNKNOWN_ACTION_MESSAGE)]


def test_office_renumbers_the_agenda(client, office, committee_meeting):
    free(committee_meeting, office, "A")
    services.agenda_item_add(meeting=committee_meeting, by=office, name="B", number="7")
    client.force_login(office)

    client.post(agenda_url(committee_meeting), {"action": "renumber"})

    assert [number for number, _name, _p in agenda(committee_meeting)] == ["1", "2"]


# --- deferring ------------------------------------------------------------------------
def test_defer_offers_later_meetings_of_the_organization(
    client, office, committee, committee_item, committee_meeting, later_committee_meeting, council_meeting
):
    meeting_of(committee, start=at(datetime.date(2013, 2, 1)), name="Frühere Sitzung")
    client.force_login(office)

    response = client.get(agenda_url(committee_meeting))

    form = response.context["public_rows"][0]["defer_form"]
    assert [value for value, _label in form.fields["to_meeting"].choices if value] == [later_committee_meeting.pk]


def test_office_defers_an_item_to_a_later_meeting(
    client, office, paper, committee_item, committee_meeting, later_committee_meeting
):
    client.force_login(office)

    response = client.post(
        agenda_url(committee_meeting),
        {"action": "defer", "item": committee_item.pk, "to_meeting": later_committee_meeting.pk},
    )

    assert response.status_code == 302
    assert agenda(committee_meeting) == []
    assert agenda(later_committee_meeting) == [("1", committee_item.name, True)]
    params = {"name": committee_item.name, "meeting": later_committee_meeting.name, "number": "1"}
    assert flashed(response) == [str(ITEM_DEFERRED_MESSAGE % params)]


def test_defer_to_an_earlier_meeting_is_refused(client, office, committee, committee_item, committee_meeting):
    earlier = meeting_of(committee, start=at(datetime.date(2013, 2, 1)), name="Frühere Sitzung")
    client.force_login(office)
    before = snapshot()

    response = client.post(
        agenda_url(committee_meeting), {"action": "defer", "item": committee_item.pk, "to_meeting": earlier.pk}
    )

    assert response.status_code == 200
    assert snapshot() == before
    refusal = LATER_MEETING_ERROR % {"organization": committee.name, "meeting": earlier.name}
    assert response.context["public_rows"][0]["defer_form"].non_field_errors() == [str(refusal)]
    assert shows(response, refusal)


# --- the held meeting -----------------------------------------------------------------
def test_held_meeting_offers_results_not_changes(client, office, held_item, committee_meeting):
    client.force_login(office)

    response = client.get(agenda_url(committee_meeting))

    assert response.context["editable"] is False
    assert response.context["pool"] == []
    assert f'href="{result_url(held_item)}"' in response.text
    assert 'value="remove"' not in response.text


# --- query counts ---------------------------------------------------------------------
@pytest.mark.parametrize("count", [3, 30])
def test_builder_queries_do_not_grow_with_the_agenda(
    client,
    office,
    body,
    committee,
    city_council,
    committee_meeting,
    later_committee_meeting,
    count,
    django_assert_max_num_queries,
):
    for _number in range(count):
        paper = ReleasedPaperFactory(body=body)
        ConsultationFactory(paper=paper, organization=committee, role="Vorberatung", authoritative=False)
        ConsultationFactory(paper=paper, organization=city_council, order=2)
    for number in range(count):
        on_agenda = ReleasedPaperFactory(body=body, state=S.IN_CONSULTATION)
        step = ConsultationFactory(paper=on_agenda, organization=committee)
        step.agenda_item = AgendaItemFactory(meeting=committee_meeting, order=number + 1, number=str(number + 1))
        step.save()
    client.force_login(office)

    # Twelve for the agenda, its pool and the page, one for the body's agenda templates, one for
    # the free items' documents.
    with django_assert_max_num_queries(14):
        response = client.get(agenda_url(committee_meeting))

    assert len(response.context["pool"]) == count
    assert len(response.context["public_rows"]) == count
    assert all(row["defer_form"] is not None for row in response.context["public_rows"])


# --- the result -----------------------------------------------------------------------
def _result_data(**overrides) -> dict:
    data = {
        "result": R.ADOPTED,
        "resolution_text": PROPOSAL,
        "votes_yes": "5",
        "votes_no": "0",
        "votes_abstain": "0",
        "votes_biased": "0",
        "factions-TOTAL_FORMS": "0",
        "factions-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _faction_rows(factions, **rows) -> dict:
    """`SPD=(3, 0, 0, 0)` → the posted formset rows."""
    data = {"factions-TOTAL_FORMS": str(len(rows)), "factions-INITIAL_FORMS": str(len(rows))}
    for index, (key, counts) in enumerate(rows.items()):
        data[f"factions-{index}-faction"] = str(factions[key].pk)
        for column, value in zip(("yes", "no", "abstain", "biased"), counts, strict=True):
            data[f"factions-{index}-{column}"] = str(value)
    return data


def test_result_form_is_prefilled(client, office, held_item, factions):
    client.force_login(office)

    response = client.get(result_url(held_item))

    form, formset = response.context["form"], response.context["formset"]
    assert form["resolution_text"].value() == PROPOSAL
    assert form["result"].value() == R.ADOPTED
    assert [row.faction_object for row in formset] == [factions["CDU"], factions["SPD"]]
    assert [row.present_count for row in formset] == [2, 3]
    assert response.context["voting_present"] == 5
    assert "Voting members present: 5" in response.text
    assert shows(response, RESOLUTION_TEXT_HELP)


def test_office_records_a_recommendation_with_votes_by_fraktion(
    client, office, held_item, factions, paper, city_council
):
    client.force_login(office)
    data = _result_data(votes_yes="4", votes_abstain="1", **_faction_rows(factions, SPD=(3, 0, 0, 0), CDU=(1, 0, 1, 0)))

    response = client.post(result_url(held_item), data)

    assert response.status_code == 302 and response.url == agenda_url(held_item.meeting)
    decision = Decision.objects.get(agenda_item=held_item)
    assert (decision.result, decision.votes_yes, decision.votes_abstain, decision.resolution_text) == (
        R.ADOPTED,
        4,
        1,
        PROPOSAL,
    )
    assert sorted(decision.faction_votes.values_list("faction__name", "votes_yes", "votes_abstain")) == [
        ("CDU-Fraktion", 1, 1),
        ("SPD-Fraktion", 3, 0),
    ]
    paper.refresh_from_db()
    assert paper.state == S.IN_CONSULTATION
    assert next_pending_consultation(paper).organization == city_council
    assert paper.events.last().action == PaperEvent.Action.ADVANCED
    assert flashed(response) == [
        str(DECISION_RECORDED_MESSAGE % {"number": held_item.number, "result": R.ADOPTED.label})
    ]


def test_office_records_the_councils_decision(client, office, held_council_item, factions, paper):
    client.force_login(office)
    # The mayor sits for no Fraktion; with her vote the rows cannot add up: totals only.
    data = _result_data(votes_yes="8", unanimous="on")

    response = client.post(result_url(held_council_item), data)

    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).state == S.DECIDED
    assert Decision.objects.get(agenda_item=held_council_item).unanimous is True


def test_amended_resolution_is_recorded_with_its_wording(client, office, held_item):
    client.force_login(office)
    amended = "Der Ausschuss empfiehlt den Beitritt, befristet auf drei Jahre."

    client.post(result_url(held_item), _result_data(result=R.ADOPTED_AMENDED, resolution_text=amended))

    assert Decision.objects.get(agenda_item=held_item).resolution_text == amended


def _refused_with_input_kept(client, item, data, expected_in_page):
    before = snapshot()
    response = client.post(result_url(item), data)
    assert response.status_code == 200
    assert snapshot() == before
    assert shows(response, expected_in_page)
    assert escape(data["resolution_text"]) in response.text
    for name in ("votes_yes", "votes_no", "votes_abstain", "votes_biased"):
        assert response.context["form"][name].value() == data[name]
    return response


def test_changed_text_without_the_amended_result_is_refused(client, office, held_item):
    client.force_login(office)
    data = _result_data(resolution_text="Der Ausschuss empfiehlt etwas anderes.")

    response = _refused_with_input_kept(client, held_item, data, AMENDED_TEXT_ERROR)

    assert response.context["form"].errors["resolution_text"] == [str(AMENDED_TEXT_ERROR)]


def test_votes_by_fraktion_that_do_not_add_up_are_refused(client, office, held_item, factions):
    client.force_login(office)
    data = _result_data(votes_yes="5", **_faction_rows(factions, SPD=(3, 0, 0, 0), CDU=(1, 0, 0, 0)))

    response = _refused_with_input_kept(
        client, held_item, data, FACTION_SUM_ERROR % {"column": "yes", "sum": 4, "total": 5}
    )

    rows = {row.faction_object.name: row["yes"].value() for row in response.context["formset"]}
    assert rows == {"SPD-Fraktion": "3", "CDU-Fraktion": "1"}
    assert response.context["formset"].non_form_errors() == [
        str(FACTION_SUM_ERROR % {"column": "yes", "sum": 4, "total": 5})
    ]


def test_more_votes_than_voting_members_present_are_refused(client, office, held_item):
    client.force_login(office)
    data = _result_data(votes_yes="4", votes_no="2")

    _refused_with_input_kept(client, held_item, data, VOTES_EXCEED_PRESENT_ERROR % {"votes": 6, "present": 5})


def test_unanimous_with_votes_against_is_refused(client, office, held_item):
    client.force_login(office)
    data = _result_data(votes_yes="4", votes_no="1", unanimous="on")

    _refused_with_input_kept(client, held_item, data, UNANIMOUS_DISSENT_ERROR)


def test_no_result_for_a_meeting_that_has_not_been_held(client, office, committee_item):
    client.force_login(office)

    response = client.get(result_url(committee_item))
    assert "not-held" in response.text

    _refused_with_input_kept(client, committee_item, _result_data(votes_yes="0"), MEETING_NOT_HELD_ERROR)


def test_recorded_result_is_shown_and_not_recorded_twice(client, office, held_item):
    services.decision_record(item=held_item, by=office, result=R.REJECTED, votes_no=3)
    client.force_login(office)

    page = client.get(result_url(held_item))
    _refused_with_input_kept(
        client, held_item, _result_data(votes_yes="1"), ALREADY_DECIDED_ERROR % {"result": R.REJECTED.label}
    )

    assert page.context["form"] is None
    assert page.context["decision"].result == R.REJECTED


def test_a_free_item_has_no_result_form(client, office, committee_meeting):
    item = free(committee_meeting, office, "Mitteilungen")[0]
    client.force_login(office)

    response = client.get(result_url(item))

    assert response.context["form"] is None
    assert shows(response, FREE_ITEM_NOTE)


# --- the recommendation travels; all errors at once -------------------------------------
AMENDED = "Der Stadtrat beschließt den Beitritt der Stadt zum Bündnis, befristet auf drei Jahre."


@pytest.fixture
def amended_council_item(held_item, paper, office, council_meeting, council_seats, factions) -> AgendaItem:
    """The committee recommended an amended wording (SPD 3 yes, CDU 1 yes 1 no); the Stadtrat has met."""
    services.decision_record(
        item=held_item,
        by=office,
        result=R.ADOPTED_AMENDED,
        resolution_text=AMENDED,
        votes_yes=4,
        votes_no=1,
        faction_votes=[
            {"faction": factions["SPD"], "yes": 3, "no": 0, "abstain": 0, "biased": 0},
            {"faction": factions["CDU"], "yes": 1, "no": 1, "abstain": 0, "biased": 0},
        ],
    )
    item = services.agenda_item_add(meeting=council_meeting, by=office, paper=Paper.objects.get(pk=paper.pk))
    council_services.attendance_record(meeting=council_meeting, by=office, present=council_seats)
    council_services.meeting_hold(meeting=council_meeting, by=office)
    return item


def test_council_result_form_shows_the_committees_amended_recommendation(
    client, office, amended_council_item, committee
):
    client.force_login(office)

    response = client.get(result_url(amended_council_item))

    [recommendation] = response.context["recommendations"]
    assert recommendation.consultation.organization == committee
    assert (recommendation.result, recommendation.resolution_text) == (R.ADOPTED_AMENDED, AMENDED)
    assert recommendation.offer_wording and recommendation.fill_result == R.ADOPTED_AMENDED
    assert f'{escape(committee.name)}: <span class="recommendation-result">{R.ADOPTED_AMENDED.label}</span>' in (
        response.text
    )
    assert shows(response, AMENDED)
    assert "SPD-Fraktion:" in response.text
    assert 'data-fill-wording="recommended-text-' in response.text
    assert f'data-fill-result="{R.ADOPTED_AMENDED}"' in response.text
    # The field still starts from the Beschlussvorschlag: the office takes the wording on purpose.
    assert response.context["form"]["resolution_text"].value() == PROPOSAL


def test_a_plain_recommendation_offers_the_beschlussvorschlag(client, office, held_council_item):
    client.force_login(office)

    response = client.get(result_url(held_council_item))

    [recommendation] = response.context["recommendations"]
    assert recommendation.fill_result == R.ADOPTED and recommendation.resolution_text == PROPOSAL


def test_the_first_step_has_no_recommendations(client, office, held_item):
    client.force_login(office)

    response = client.get(result_url(held_item))

    assert response.context["recommendations"] == []
    assert "recommendations-heading" not in response.text


def test_the_council_takes_the_recommended_wording(client, office, amended_council_item, paper):
    client.force_login(office)
    data = _result_data(result=R.ADOPTED_AMENDED, resolution_text=AMENDED, votes_yes="8")

    response = client.post(result_url(amended_council_item), data)

    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=amended_council_item)
    assert (decision.result, decision.resolution_text) == (R.ADOPTED_AMENDED, AMENDED)
    assert Paper.objects.get(pk=paper.pk).state == S.DECIDED


@pytest.mark.parametrize("who", ["anonymous", "clerk", "member"])
def test_others_do_not_see_the_recommendations_form(client, request, amended_council_item, who):
    login(client, request, who)

    response = client.get(result_url(amended_council_item))

    assert response.status_code in (302, 403)
    assert AMENDED not in response.text


def test_the_form_shows_all_its_errors_at_once(client, office, held_item, factions):
    client.force_login(office)
    # A changed text without "geändert beschlossen", more votes than members, and rows that do not add up.
    data = _result_data(
        resolution_text="Etwas anderes.",
        votes_yes="5",
        votes_no="1",
        **_faction_rows(factions, SPD=(3, 0, 0, 0), CDU=(1, 0, 0, 0)),
    )

    response = _refused_with_input_kept(client, held_item, data, AMENDED_TEXT_ERROR)

    summary = response.context["error_summary"]
    assert summary == [
        (str(VOTES_EXCEED_PRESENT_ERROR % {"votes": 6, "present": 5}), "decision-votes"),
        (f"Resolution text: {AMENDED_TEXT_ERROR}", "id_resolution_text"),
        (str(FACTION_SUM_ERROR % {"column": "yes", "sum": 4, "total": 5}), "faction-votes"),
        (str(FACTION_SUM_ERROR % {"column": "no", "sum": 0, "total": 1}), "faction-votes"),
    ]
    assert 'role="alert"' in response.text and "data-error-summary" in response.text
    for _message, anchor in summary:
        assert f'href="#{anchor}"' in response.text and f'id="{anchor}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "is-invalid" in response.text


def test_bad_numbers_and_bad_rows_are_shown_together(client, office, held_item, factions):
    client.force_login(office)
    data = _result_data(votes_yes="-1", votes_no="viele", **_faction_rows(factions, SPD=("x", 0, 0, 0)))

    before = snapshot()
    response = client.post(result_url(held_item), data)

    assert response.status_code == 200 and snapshot() == before
    anchors = [anchor for _message, anchor in response.context["error_summary"]]
    assert anchors == ["id_votes_yes", "id_votes_no", "id_factions-0-yes"]
    messages = [message for message, _anchor in response.context["error_summary"]]
    assert messages[2].startswith("SPD-Fraktion, yes: ")
    assert response.context["form"]["votes_no"].value() == "viele"
    assert 'value="x"' in response.text
    assert 'class="form-control form-control-sm is-invalid"' in response.text


def test_a_missing_result_links_to_the_first_choice(client, office, held_item):
    client.force_login(office)

    response = client.post(result_url(held_item), _result_data(result=""))

    assert response.context["error_summary"][0][1] == "id_result_0"
    assert 'id="id_result_0"' in response.text


def test_a_first_visit_has_no_summary(client, office, held_item):
    client.force_login(office)

    response = client.get(result_url(held_item))

    assert response.context["error_summary"] == []
    assert "data-error-summary" not in response.text
