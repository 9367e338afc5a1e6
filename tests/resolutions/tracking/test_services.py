"""Beschlusskontrolle services: the follower opens a tracking, reports move it, the office changes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from resolutions.models import Decision, ProgressReport, Tracking
from resolutions.tracking import services
from resolutions.tracking.models import Light
from resolutions.tracking.services import (
    CLOSING_REPORT_EMPTY_ERROR,
    NOT_A_UNIT_ERROR,
    OFFICE_ROLE_ERROR,
    PERSON_NOT_OF_UNIT_ERROR,
    REPORT_BEFORE_DECISION_ERROR,
    REPORT_IN_FUTURE_ERROR,
    REPORT_ROLE_ERROR,
    TARGET_BEFORE_DECISION_ERROR,
    TEXT_EMPTY_ERROR,
    TRACKING_CLOSED_ERROR,
)
from tests.council.conftest import user_named
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, UnitFactory
from tests.resolutions.conftest import messages_of
from tests.resolutions.tracking.conftest import DECISION_DAY, decided_paper

S = Tracking.State
R = Decision.Result
REPORT_DAY = datetime.date(2013, 4, 2)


def _refused(call, *messages):
    with pytest.raises(ValidationError) as caught:
        call()
    assert messages_of(caught.value) == list(messages)
    return caught.value


# --- the follower -----------------------------------------------------------------------
def test_an_adopted_decision_opens_its_tracking_in_the_same_transaction(tracked, unit, settings):
    assert tracked.state == S.OPEN
    assert tracked.responsible_unit == unit
    assert tracked.decision.date == DECISION_DAY
    assert tracked.target_date == DECISION_DAY + datetime.timedelta(days=settings.RATSBUCH_TRACKING_DEFAULT_DAYS)
    assert tracked.closed_on is None
    assert tracked.history.count() == 1


@pytest.mark.parametrize("result", [R.REJECTED, R.WITHDRAWN, R.NOTED, R.DEFERRED])
def test_results_that_give_no_work_open_no_tracking(unit, committee, office, result):
    paper = decided_paper(unit, committee, office, result=result)
    assert not Tracking.objects.filter(paper=paper).exists()


def test_which_results_are_tracked_is_a_setting(unit, committee, office, settings):
    settings.RATSBUCH_TRACKING_RESULTS = [R.NOTED]
    noted = decided_paper(unit, committee, office, result=R.NOTED)
    adopted = decided_paper(unit, committee, office, result=R.ADOPTED)
    assert Tracking.objects.filter(paper=noted).exists()
    assert not Tracking.objects.filter(paper=adopted).exists()


def test_a_recommendation_opens_no_tracking(unit, committee, office):
    from tests.factories import ConsultationFactory, ReleasedPaperFactory
    from tests.resolutions.tracking.conftest import decide

    paper = ReleasedPaperFactory(body=unit.body, under_direction_of=unit)
    ConsultationFactory(paper=paper, organization=committee, authoritative=False, order=1)
    ConsultationFactory(paper=paper, organization=CommitteeFactory(body=unit.body), order=2)
    decide(paper, committee, office)
    assert not Tracking.objects.filter(paper=paper).exists()


def test_the_follower_opens_one_tracking_however_often_it_is_called(tracked, office):
    again = services.tracking_follow_decision(decision=tracked.decision, by=office)
    assert again == tracked
    assert Tracking.objects.count() == 1


# --- the traffic light ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "today", "light"),
    [
        (S.OPEN, datetime.date(2013, 3, 10), Light.GREEN),
        (S.IN_PROGRESS, datetime.date(2013, 5, 20), Light.AMBER),
        (S.OPEN, datetime.date(2013, 6, 2), Light.AMBER),
        (S.OPEN, datetime.date(2013, 6, 3), Light.RED),
        (S.DONE, datetime.date(2014, 1, 1), Light.CLOSED),
        (S.NOT_FEASIBLE, datetime.date(2014, 1, 1), Light.CLOSED),
    ],
)
def test_the_light_follows_state_and_target_date(tracked, state, today, light):
    # Due on 2 June 2013, amber from 19 May (14 days before).
    Tracking.objects.filter(pk=tracked.pk).update(
        state=state, closed_on=None if state in Tracking.OPEN_STATES else today
    )
    tracked.refresh_from_db()
    assert tracked.target_date == datetime.date(2013, 6, 2)
    assert tracked.light_on(today) == light
    assert Tracking.objects.with_light(today).get(pk=tracked.pk).light == light


# --- progress reports -------------------------------------------------------------------
@pytest.mark.parametrize("who", ["clerk", "head", "office"])
def test_the_unit_and_the_office_report_progress(request, tracked, who):
    by = user_named(request, who)
    report = services.tracking_report(
        tracking=tracked, by=by, date=REPORT_DAY, text="Ausschreibung läuft.", state=S.IN_PROGRESS
    )
    tracked.refresh_from_db()
    assert (tracked.state, tracked.closed_on) == (S.IN_PROGRESS, None)
    assert (report.author, report.text, report.state) == (by, "Ausschreibung läuft.", S.IN_PROGRESS)
    assert tracked.history.first().history_user == by


@pytest.mark.parametrize("who", ["other_clerk", "member", "anonymous"])
def test_others_may_not_report(request, tracked, who):
    _refused(
        lambda: services.tracking_report(
            tracking=tracked, by=user_named(request, who), date=REPORT_DAY, text="Fertig.", state=S.DONE
        ),
        REPORT_ROLE_ERROR,
    )
    tracked.refresh_from_db()
    assert tracked.state == S.OPEN and not tracked.reports.exists()


def test_a_head_of_a_unit_above_reports_for_the_unit_below(tracked, body):
    from council.roles import Role
    from tests.factories import UserFactory

    dezernat = UnitFactory(body=body, name="Dezernat V", short_name="V")
    tracked.responsible_unit.parent = dezernat
    tracked.responsible_unit.save()
    dezernent = UserFactory(username="dezernent", roles=[Role.HEAD])
    MembershipFactory(person=PersonFactory(body=body, user=dezernent), organization=dezernat)
    services.tracking_report(tracking=tracked, by=dezernent, date=REPORT_DAY, text="Läuft.", state=S.IN_PROGRESS)


def test_done_needs_a_closing_report(tracked, head):
    _refused(
        lambda: services.tracking_report(tracking=tracked, by=head, date=REPORT_DAY, text="  ", state=S.DONE),
        CLOSING_REPORT_EMPTY_ERROR,
    )
    _refused(
        lambda: services.tracking_report(tracking=tracked, by=head, date=REPORT_DAY, text="", state=S.IN_PROGRESS),
        TEXT_EMPTY_ERROR,
    )
    assert not ProgressReport.objects.exists()


def test_a_closing_report_closes_the_tracking_on_its_date(tracked, clerk, head):
    services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Begonnen.", state=S.IN_PROGRESS)
    closing = services.tracking_report(
        tracking=tracked, by=head, date=datetime.date(2013, 5, 6), text="Spielplatz eröffnet.", state=S.DONE
    )
    tracked.refresh_from_db()
    assert (tracked.state, tracked.closed_on) == (S.DONE, datetime.date(2013, 5, 6))
    assert tracked.closing_report == closing
    assert tracked.light == Light.CLOSED
    assert [r.state for r in tracked.reports.all()] == [S.IN_PROGRESS, S.DONE]


def test_a_closed_tracking_takes_no_more_reports(tracked, head):
    services.tracking_report(tracking=tracked, by=head, date=REPORT_DAY, text="Nicht machbar.", state=S.NOT_FEASIBLE)
    error = _refused(
        lambda: services.tracking_report(tracking=tracked, by=head, date=REPORT_DAY, text="Doch.", state=S.DONE),
        TRACKING_CLOSED_ERROR,
    )
    assert "nicht umsetzbar" in " ".join(error.messages) or "not feasible" in " ".join(error.messages)


def test_report_dates_lie_between_the_decision_and_today(tracked, clerk):
    _refused(
        lambda: services.tracking_report(
            tracking=tracked, by=clerk, date=DECISION_DAY - datetime.timedelta(days=1), text="x", state=S.OPEN
        ),
        REPORT_BEFORE_DECISION_ERROR,
    )
    _refused(
        lambda: services.tracking_report(
            tracking=tracked, by=clerk, date=datetime.date(2999, 1, 1), text="x", state=S.OPEN
        ),
        REPORT_IN_FUTURE_ERROR,
    )


def test_the_office_corrects_a_report_and_the_history_keeps_the_old_text(tracked, clerk, office):
    report = services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Ausschreibng.", state=S.OPEN)
    services.tracking_report_correct(report=report, by=office, date=REPORT_DAY, text="Ausschreibung.")
    report.refresh_from_db()
    assert report.text == "Ausschreibung."
    assert [h.text for h in report.history.order_by("history_date")] == ["Ausschreibng.", "Ausschreibung."]
    assert report.history.first().history_user == office


def test_only_the_office_corrects_reports(tracked, clerk):
    report = services.tracking_report(tracking=tracked, by=clerk, date=REPORT_DAY, text="Läuft.", state=S.OPEN)
    _refused(
        lambda: services.tracking_report_correct(report=report, by=clerk, date=REPORT_DAY, text="Anders."),
        OFFICE_ROLE_ERROR,
    )


# --- the office's changes ---------------------------------------------------------------
def test_the_office_sets_unit_person_and_target_date(tracked, office, other_clerk):
    other_unit = other_clerk.person.memberships.get().organization
    services.tracking_update(
        tracking=tracked,
        by=office,
        responsible_unit=other_unit,
        responsible_person=other_clerk.person,
        target_date=datetime.date(2013, 12, 31),
    )
    tracked.refresh_from_db()
    assert (tracked.responsible_unit, tracked.responsible_person, tracked.target_date) == (
        other_unit,
        other_clerk.person,
        datetime.date(2013, 12, 31),
    )
    # The new unit's clerk may now report, the old unit's may not.
    services.tracking_report(tracking=tracked, by=other_clerk, date=REPORT_DAY, text="Übernommen.", state=S.OPEN)


@pytest.mark.parametrize("who", ["clerk", "head", "member"])
def test_only_the_office_changes_the_tracking(request, tracked, unit, who):
    _refused(
        lambda: services.tracking_update(
            tracking=tracked,
            by=user_named(request, who),
            responsible_unit=unit,
            responsible_person=None,
            target_date=datetime.date(2013, 12, 31),
        ),
        OFFICE_ROLE_ERROR,
    )


def test_bad_changes_are_refused_with_every_reason(tracked, office, committee, clerk):
    _refused(
        lambda: services.tracking_update(
            tracking=tracked,
            by=office,
            responsible_unit=committee,
            responsible_person=None,
            target_date=DECISION_DAY - datetime.timedelta(days=1),
        ),
        NOT_A_UNIT_ERROR,
        TARGET_BEFORE_DECISION_ERROR,
    )
    stranger = PersonFactory(body=tracked.paper.body)
    _refused(
        lambda: services.tracking_update(
            tracking=tracked,
            by=office,
            responsible_unit=tracked.responsible_unit,
            responsible_person=stranger,
            target_date=DECISION_DAY,
        ),
        PERSON_NOT_OF_UNIT_ERROR,
    )
