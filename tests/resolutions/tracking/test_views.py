"""Pages of the Beschlusskontrolle: who may see and write what, bad input, the feeds."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import translation

from resolutions.models import Tracking
from resolutions.tracking import services
from resolutions.tracking.services import (
    CLOSING_REPORT_EMPTY_ERROR,
    REPORT_BEFORE_DECISION_ERROR,
    REPORT_ROLE_ERROR,
    TARGET_BEFORE_DECISION_ERROR,
)
from tests.council.conftest import user_named
from tests.resolutions.tracking.conftest import decided_paper

S = Tracking.State
LIST = reverse("resolutions:tracking_list")
MINE = reverse("resolutions:tracking_my")
REPORT_DAY = datetime.date(2013, 4, 2)


def _detail(tracking):
    return reverse("resolutions:tracking_detail", kwargs={"pk": tracking.pk})


def _login(client, request, who):
    if who != "anonymous":
        client.force_login(user_named(request, who))


def _closed(tracking, by, text="Der Spielplatz ist eröffnet."):
    services.tracking_report(tracking=tracking, by=by, date=REPORT_DAY, text=text, state=S.DONE)
    tracking.refresh_from_db()
    return tracking


# --- the list ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "sees_secret"),
    [("anonymous", False), ("other_clerk", False), ("member", True), ("clerk", True), ("office", True)],
)
def test_the_list_shows_non_public_decisions_to_insiders_only(
    client, request, tracked, secret_tracked, who, sees_secret
):
    _login(client, request, who)
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert tracked.paper.name in response.text
    assert (secret_tracked.paper.name in response.text) is sees_secret
    assert (secret_tracked.paper.reference in response.text) is sees_secret


def test_the_list_filters_by_state_light_unit_and_text(client, tracked, secret_tracked, office, head, unit):
    _closed(tracked, head)
    client.force_login(office)
    assert secret_tracked.paper.name in client.get(LIST, {"state": "open"}).text
    assert tracked.paper.name not in client.get(LIST, {"state": "open"}).text
    assert tracked.paper.name in client.get(LIST, {"light": "closed"}).text
    assert secret_tracked.paper.name in client.get(LIST, {"light": "red"}).text
    assert tracked.paper.name in client.get(LIST, {"q": "Spielplatz"}).text
    assert secret_tracked.paper.name not in client.get(LIST, {"q": "Spielplatz"}).text
    assert tracked.paper.name in client.get(LIST, {"unit": unit.pk, "year": 2013, "sort": "-due"}).text
    assert tracked.paper.name not in client.get(LIST, {"year": 2014}).text


@pytest.mark.parametrize("params", [{"year": "zwanzig"}, {"state": "fertig"}, {"light": "lila"}, {"unit": "x"}])
def test_a_bad_filter_says_so_and_lists_nothing(client, tracked, params):
    response = client.get(LIST, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "filter-invalid" in response.text
    assert tracked.paper.name not in response.text


def test_the_bar_picture_counts_per_committee(client, tracked, committee, head):
    _closed(tracked, head)
    response = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["bars"] == [
        {
            "name": committee.name,
            "open": 0,
            "overdue": 0,
            "done": 1,
            "open_width": 0,
            "overdue_width": 0,
            "done_width": 100,
        }
    ]
    assert "0 open, 0 overdue, 1 done" in response.text


@pytest.mark.parametrize("count", [1, 6])
def test_list_queries_do_not_grow_with_decisions(client, django_assert_max_num_queries, unit, committee, office, count):
    for _ in range(count):
        decided_paper(unit, committee, office)
    client.force_login(office)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200


# --- one decision's tracking ------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("other_clerk", 404), ("member", 200), ("clerk", 200)])
def test_a_non_public_tracking_is_404_for_outsiders(client, request, secret_tracked, who, status):
    _login(client, request, who)
    assert client.get(_detail(secret_tracked)).status_code == status


@pytest.mark.parametrize(
    ("who", "form", "manage"),
    [
        ("anonymous", False, False),
        ("member", False, False),
        ("clerk", True, False),
        ("head", True, False),
        ("office", True, True),
    ],
)
def test_the_page_offers_what_the_user_may_do(client, request, tracked, who, form, manage):
    _login(client, request, who)
    response = client.get(_detail(tracked), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert ("tracking-report-form" in response.text) is form
    assert (reverse("resolutions:tracking_update", kwargs={"pk": tracked.pk}) in response.text) is manage
    assert response.context["insider"] is form


def test_the_public_sees_reports_without_the_authors_names(client, tracked, clerk):
    services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Angebote liegen vor.", state=S.OPEN)
    response = client.get(_detail(tracked))
    assert "Angebote liegen vor." in response.text
    assert clerk.person.name not in response.text
    assert not response.context["history"]


# --- writing a report -------------------------------------------------------------------
def _report(client, tracking, **data):
    values = {"date": REPORT_DAY.isoformat(), "state": S.IN_PROGRESS, "text": "Die Ausschreibung läuft."}
    return client.post(
        reverse("resolutions:tracking_report", kwargs={"pk": tracking.pk}),
        {**values, **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_clerk_reports_and_the_head_closes(client, tracked, clerk, head):
    client.force_login(clerk)
    assert _report(client, tracked).status_code == 302
    client.force_login(head)
    response = _report(client, tracked, state=S.DONE, text="Der Spielplatz ist eröffnet.")
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert tracked.state == S.DONE
    page = client.get(_detail(tracked), HTTP_ACCEPT_LANGUAGE="en")
    assert "Der Spielplatz ist eröffnet." in page.text
    assert "tracking-report-form" not in page.text


@pytest.mark.parametrize("who", ["member", "other_clerk"])
def test_others_may_not_report_and_are_told_why_with_the_input_kept(client, request, tracked, who):
    _login(client, request, who)
    response = _report(client, tracked, text="Von einer anderen Stelle.")
    assert response.status_code == 403
    with translation.override("en"):
        expected = str(REPORT_ROLE_ERROR) % {"unit": tracked.responsible_unit_label}
    assert html.escape(expected) in response.text
    assert "Von einer anderen Stelle." in response.text
    assert not tracked.reports.exists()


def test_a_bad_form_of_someone_who_may_not_report_is_403(client, tracked, member):
    client.force_login(member)
    assert _report(client, tracked, date="kein Datum").status_code == 403


def test_anonymous_must_log_in_to_report(client, tracked):
    response = _report(client, tracked)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_report_on_a_tracking_the_user_may_not_read_is_404(client, secret_tracked, other_clerk):
    client.force_login(other_clerk)
    assert _report(client, secret_tracked).status_code == 404


@pytest.mark.parametrize(
    ("data", "message", "params"),
    [
        ({"state": S.DONE, "text": " "}, CLOSING_REPORT_EMPTY_ERROR, {"state": "done"}),
        ({"date": "2013-03-01"}, REPORT_BEFORE_DECISION_ERROR, {"date": "04.03.2013"}),
    ],
)
def test_a_bad_report_says_why_and_keeps_the_input(client, tracked, clerk, data, message, params):
    client.force_login(clerk)
    response = _report(client, tracked, **data)
    assert response.status_code == 400
    with translation.override("en"):
        expected = str(message) % params
    assert html.escape(expected, quote=True) in response.text or expected in response.text
    form = response.context["report_form"]
    assert form.data["state"] == data.get("state", S.IN_PROGRESS)
    assert not tracked.reports.exists()


def test_a_malformed_date_is_a_form_error(client, tracked, clerk):
    client.force_login(clerk)
    response = _report(client, tracked, date="gestern")
    assert response.status_code == 400
    assert response.context["report_form"].errors["date"]


# --- the office's changes ---------------------------------------------------------------
def _update_url(tracking):
    return reverse("resolutions:tracking_update", kwargs={"pk": tracking.pk})


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("head", 403), ("member", 403), ("office", 200)])
def test_only_the_office_opens_the_change_form(client, request, tracked, who, status):
    _login(client, request, who)
    assert client.get(_update_url(tracked)).status_code == status


def test_the_office_sets_a_target_date(client, tracked, office, unit):
    client.force_login(office)
    response = client.post(_update_url(tracked), {"responsible_unit": unit.pk, "target_date": "2013-12-31"})
    assert response.status_code == 302
    tracked.refresh_from_db()
    assert tracked.target_date == datetime.date(2013, 12, 31)


def test_a_target_date_before_the_decision_is_refused_with_the_input_kept(client, tracked, office, unit):
    client.force_login(office)
    response = client.post(
        _update_url(tracked), {"responsible_unit": unit.pk, "target_date": "2013-01-31"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    with translation.override("en"):
        expected = str(TARGET_BEFORE_DECISION_ERROR) % {"date": "04.03.2013"}
    assert html.escape(expected) in response.text
    assert 'value="2013-01-31"' in response.text
    tracked.refresh_from_db()
    assert tracked.target_date != datetime.date(2013, 1, 31)


def test_anonymous_must_log_in_to_change(client, tracked):
    assert reverse("login") in client.get(_update_url(tracked))["Location"]


def test_the_office_corrects_a_report(client, tracked, clerk, office):
    report = services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Tippfeler.", state=S.OPEN)
    url = reverse("resolutions:tracking_report_correct", kwargs={"pk": tracked.pk, "report": report.pk})
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(office)
    assert client.post(url, {"date": REPORT_DAY.isoformat(), "text": "Tippfehler."}).status_code == 302
    report.refresh_from_db()
    assert report.text == "Tippfehler."
    assert client.post(url, {"date": REPORT_DAY.isoformat(), "text": ""}).status_code == 400


# --- Meine Beschlüsse -------------------------------------------------------------------
@pytest.mark.parametrize(("who", "status"), [("clerk", 200), ("head", 200), ("member", 403), ("office", 403)])
def test_meine_beschluesse_is_for_clerks_and_heads(client, request, tracked, who, status):
    _login(client, request, who)
    assert client.get(MINE).status_code == status


def test_meine_beschluesse_lists_the_units_open_decisions(client, tracked, secret_tracked, clerk, other_clerk, head):
    _closed(secret_tracked, head)
    client.force_login(clerk)
    response = client.get(MINE)
    assert list(response.context["open_trackings"]) == [tracked]
    assert list(response.context["closed_trackings"]) == [secret_tracked]
    client.force_login(other_clerk)
    response = client.get(MINE)
    assert list(response.context["open_trackings"]) == []


def test_anonymous_must_log_in_for_meine_beschluesse(client):
    assert reverse("login") in client.get(MINE)["Location"]


# --- the Vorlage's page -----------------------------------------------------------------
def test_the_vorlage_page_links_the_tracking_and_shows_the_closing_report(client, tracked, head):
    _closed(tracked, head, text="Eröffnet am 6. Mai.")
    response = client.get(tracked.paper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{_detail(tracked)}"' in response.text
    assert "Eröffnet am 6. Mai." in response.text
    assert 'data-state="done"' in response.text


# --- feeds ------------------------------------------------------------------------------
def test_the_atom_feed_has_public_changes_only(client, tracked, secret_tracked, clerk):
    services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Öffentlich berichtet.", state=S.OPEN)
    services.tracking_report(tracking=secret_tracked, by=clerk, date=REPORT_DAY, text="Geheim berichtet.", state=S.OPEN)
    client.force_login(clerk)  # a feed shows what the public sees, whoever asks
    text = client.get(reverse("resolutions:tracking_feed_atom")).content.decode()
    assert "Öffentlich berichtet." in text
    assert "Geheim berichtet." not in text and secret_tracked.paper.name not in text


def test_the_ical_feed_has_public_due_dates_only(client, tracked, secret_tracked, unit, clerk):
    client.force_login(clerk)
    response = client.get(reverse("resolutions:tracking_ical"), {"einheit": unit.pk})
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert f"DTSTART;VALUE=DATE:{tracked.target_date:%Y%m%d}" in text
    assert tracked.paper.reference in text
    assert secret_tracked.paper.reference not in text


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_the_ical_feed_of_an_unknown_unit_is_404(client, db, value):
    assert client.get(reverse("resolutions:tracking_ical"), {"einheit": value}).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_meine_beschluesse_queries_do_not_grow(
    client, django_assert_max_num_queries, unit, committee, office, clerk, count
):
    for _ in range(count):
        decided_paper(unit, committee, office)
    client.force_login(clerk)
    with django_assert_max_num_queries(14):
        response = client.get(MINE)
    assert len(response.context["open_trackings"]) == count


@pytest.mark.parametrize("reports", [1, 6])
def test_detail_queries_do_not_grow_with_reports(client, django_assert_max_num_queries, tracked, clerk, reports):
    for n in range(reports):
        services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text=f"Bericht {n}.", state=S.IN_PROGRESS)
    client.force_login(clerk)
    with django_assert_max_num_queries(20):
        response = client.get(_detail(tracked))
    assert response.status_code == 200


def test_the_list_filters_by_wahlperiode(client, tracked, body):
    from tests.factories import LegislativeTermFactory

    term_2009 = LegislativeTermFactory(body=body)
    term_2014 = LegislativeTermFactory(
        body=body, name="Wahlperiode 2014–2019", start_date=datetime.date(2014, 7, 1), end_date=None
    )
    assert tracked.paper.name in client.get(LIST, {"term": term_2009.pk}).text
    assert tracked.paper.name not in client.get(LIST, {"term": term_2014.pk}).text


def test_insiders_see_who_changed_what_and_when(client, tracked, clerk, office):
    services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Läuft.", state=S.IN_PROGRESS)
    client.force_login(office)
    response = client.get(_detail(tracked), HTTP_ACCEPT_LANGUAGE="en")
    history = list(response.context["history"])
    assert [entry.state for entry in history] == [S.IN_PROGRESS, S.OPEN]
    assert history[0].history_user == clerk
    assert "tracking-history" in response.text and clerk.get_username() in response.text
    assert clerk.person.name in response.text  # the report's author
