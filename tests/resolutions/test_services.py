"""Editing a draft: the optimistic lock, the Beratungsfolge as a whole, drafting a Vorlage."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from council.models import Organization
from resolutions import services
from resolutions.models import Consultation, Paper, PaperEvent, ReferenceCounter
from resolutions.services import DATE_YEAR_ERROR, DRAFT_CREATE_ROLE_ERROR, NOT_A_UNIT_ERROR, STALE_EDIT_ERROR
from resolutions.workflow import (
    DUPLICATE_ORGANIZATION_ERROR,
    EDIT_NOT_DRAFT_ERROR,
    EDIT_ROLE_ERROR,
    MANY_AUTHORITATIVE_ERROR,
    NO_AUTHORITATIVE_ERROR,
    NO_STEPS_ERROR,
    NOT_COMMITTEE_ERROR,
    OTHER_BODY_ERROR,
    STEP_ROLE_ERROR,
)
from tests.factories import CommitteeFactory, OtherBodyFactory
from tests.resolutions.conftest import messages_of, rendered

R = Consultation.Role


def _step(organization, role=R.PRELIMINARY, authoritative=False) -> dict:
    return {"organization": organization, "role": role, "authoritative": authoritative}


def _steps_of(paper: Paper) -> list[tuple]:
    return list(
        paper.consultations.order_by("order").values_list("organization__name", "role", "authoritative", "order")
    )


# --- paper_update ---------------------------------------------------------------------
def test_update_saves_the_changes_and_bumps_the_version(draft, clerk):
    paper = services.paper_update(
        paper=draft, by=clerk, expected_version=draft.version, explanation="Neuer Sachverhalt.", public=False
    )

    paper.refresh_from_db()
    assert (paper.explanation, paper.public, paper.version) == ("Neuer Sachverhalt.", False, draft.version + 1)
    latest = paper.history.latest()
    assert (latest.explanation, latest.version, latest.history_user) == ("Neuer Sachverhalt.", 2, clerk)


def test_second_save_of_the_same_version_is_refused_and_the_first_kept(draft, clerk, admin_user):
    mine = Paper.objects.get(pk=draft.pk)
    theirs = Paper.objects.get(pk=draft.pk)
    services.paper_update(paper=theirs, by=admin_user, expected_version=theirs.version, name="Ihr Titel")

    with pytest.raises(ValidationError) as excinfo:
        services.paper_update(paper=mine, by=clerk, expected_version=mine.version, name="Mein Titel")

    assert messages_of(excinfo.value) == [STALE_EDIT_ERROR]
    stored = Paper.objects.get(pk=draft.pk)
    assert (stored.name, stored.version) == ("Ihr Titel", 2)
    assert stored.history.count() == 2  # created, their save


def test_update_refused_once_submitted(cosigning, clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.paper_update(paper=cosigning, by=clerk, expected_version=cosigning.version, name="Anders")
    assert messages_of(excinfo.value) == [EDIT_NOT_DRAFT_ERROR]
    assert Paper.objects.get(pk=cosigning.pk).name == cosigning.name


@pytest.mark.parametrize("who", ["head", "other_clerk", "office", "member"])
def test_update_refused_to_all_but_clerks_of_the_unit(request, draft, who):
    with pytest.raises(ValidationError) as excinfo:
        services.paper_update(paper=draft, by=request.getfixturevalue(who), expected_version=1, name="Anders")
    assert messages_of(excinfo.value) == [EDIT_ROLE_ERROR]
    assert "Bereich Stadtentwicklung (5-11)" in rendered(excinfo.value)
    assert Paper.objects.get(pk=draft.pk).version == 1


def test_update_keeps_the_date_in_the_ksd_year(draft, clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.paper_update(paper=draft, by=clerk, expected_version=1, date=datetime.date(2014, 1, 2))
    assert messages_of(excinfo.value) == [DATE_YEAR_ERROR]
    assert "2013" in rendered(excinfo.value) and draft.reference in rendered(excinfo.value)
    assert Paper.objects.get(pk=draft.pk).date == datetime.date(2013, 2, 20)


def test_update_validates_the_fields(draft, clerk):
    with pytest.raises(ValidationError) as excinfo:
        services.paper_update(paper=draft, by=clerk, expected_version=1, name="", paper_type="Flugblatt")
    assert set(excinfo.value.error_dict) == {"name", "paper_type"}
    assert Paper.objects.get(pk=draft.pk).version == 1


@pytest.mark.parametrize("field", ["state", "version", "released_at", "reference", "under_direction_of", "body"])
def test_update_does_not_touch_what_only_services_move(draft, clerk, field):
    with pytest.raises(TypeError, match=field):
        services.paper_update(paper=draft, by=clerk, expected_version=1, **{field: None})


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_version_let_exactly_one_win(body, unit, clerk, steps):
    paper = services.paper_draft_create(
        by=clerk, body=body, under_direction_of=unit, name="Vorlage", date=datetime.date(2013, 2, 20), steps=steps
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def save(title):
        try:
            barrier.wait()
            services.paper_update(paper=paper, by=clerk, expected_version=1, name=title)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(messages_of(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Erster", "Zweiter")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted(["saved", [STALE_EDIT_ERROR]], key=str)
    assert Paper.objects.get(pk=paper.pk).version == 2


# --- consultations_replace ------------------------------------------------------------
def test_replace_steps_numbers_them_in_order(draft, clerk, committee, city_council, body):
    finance = CommitteeFactory(body=body, name="Haupt- und Finanzausschuss")

    consultations = services.consultations_replace(
        paper=draft,
        by=clerk,
        steps=[_step(finance), _step(committee, R.HEARING), _step(city_council, R.DECISION, True)],
    )

    assert [c.order for c in consultations] == [1, 2, 3]
    assert _steps_of(draft) == [
        ("Haupt- und Finanzausschuss", R.PRELIMINARY, False, 1),
        ("Ausschuss für Soziales und Integration", R.HEARING, False, 2),
        ("Stadtrat", R.DECISION, True, 3),
    ]
    assert Paper.objects.get(pk=draft.pk).version == draft.version + 1


def test_replace_steps_checks_the_version_when_given(draft, clerk, city_council):
    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(
            paper=draft, by=clerk, steps=[_step(city_council, R.DECISION, True)], expected_version=7
        )
    assert messages_of(excinfo.value) == [STALE_EDIT_ERROR]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("none", NO_STEPS_ERROR),
        ("no_decision", NO_AUTHORITATIVE_ERROR),
        ("two_decisions", MANY_AUTHORITATIVE_ERROR),
        ("other_body", OTHER_BODY_ERROR),
        ("unit", NOT_COMMITTEE_ERROR),
        ("faction", NOT_COMMITTEE_ERROR),
        ("duplicate", DUPLICATE_ORGANIZATION_ERROR),
        ("bad_role", STEP_ROLE_ERROR),
    ],
)
def test_wrong_beratungsfolge_leaves_the_steps_untouched(
    draft, clerk, committee, city_council, unit, faction, case, message
):
    mainz = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    steps = {
        "none": [],
        "no_decision": [_step(committee), _step(city_council)],
        "two_decisions": [_step(committee, R.DECISION, True), _step(city_council, R.DECISION, True)],
        "other_body": [_step(committee), _step(mainz, R.DECISION, True)],
        "unit": [_step(unit), _step(city_council, R.DECISION, True)],
        "faction": [_step(faction), _step(city_council, R.DECISION, True)],
        "duplicate": [_step(committee), _step(committee), _step(city_council, R.DECISION, True)],
        "bad_role": [_step(committee, "Abnicken"), _step(city_council, R.DECISION, True)],
    }[case]
    before = _steps_of(draft)

    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(paper=draft, by=clerk, steps=steps)

    assert messages_of(excinfo.value) == [message]
    assert _steps_of(draft) == before
    assert Paper.objects.get(pk=draft.pk).version == draft.version


def test_wrong_beratungsfolge_reports_every_problem_at_once(draft, clerk, unit, committee):
    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(paper=draft, by=clerk, steps=[_step(unit), _step(committee), _step(committee)])
    assert messages_of(excinfo.value) == [NOT_COMMITTEE_ERROR, DUPLICATE_ORGANIZATION_ERROR, NO_AUTHORITATIVE_ERROR]
    assert "Bereich Stadtentwicklung" in rendered(excinfo.value)


def test_other_body_error_names_both_bodies(draft, clerk):
    mainz = CommitteeFactory(body=OtherBodyFactory(), name="Stadtrat Mainz")
    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(paper=draft, by=clerk, steps=[_step(mainz, R.DECISION, True)])
    assert "Stadtrat Mainz" in rendered(excinfo.value)
    assert "Stadt Ludwigshafen am Rhein" in rendered(excinfo.value)


def test_replace_steps_refused_once_submitted(cosigning, clerk, city_council):
    before = _steps_of(cosigning)
    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(paper=cosigning, by=clerk, steps=[_step(city_council, R.DECISION, True)])
    assert messages_of(excinfo.value) == [EDIT_NOT_DRAFT_ERROR]
    assert _steps_of(cosigning) == before


def test_replace_steps_refused_to_other_units(draft, other_clerk, city_council):
    with pytest.raises(ValidationError) as excinfo:
        services.consultations_replace(paper=draft, by=other_clerk, steps=[_step(city_council, R.DECISION, True)])
    assert messages_of(excinfo.value) == [EDIT_ROLE_ERROR]


# --- paper_draft_create ---------------------------------------------------------------
def _create(by, body, unit, steps, **fields):
    return services.paper_draft_create(
        by=by,
        body=body,
        under_direction_of=unit,
        name="Beitritt",
        date=datetime.date(2013, 2, 20),
        steps=steps,
        **fields,
    )


def test_clerk_drafts_a_vorlage_with_its_beratungsfolge(body, unit, clerk, steps):
    paper = _create(clerk, body, unit, steps, subject_line='Bund-Länder-Programm "Soziale Stadt"')

    assert (paper.state, paper.version, paper.reference) == (Paper.State.DRAFT, 1, "20130001")
    assert paper.subject_line == 'Bund-Länder-Programm "Soziale Stadt"'
    assert _steps_of(paper) == [
        ("Ausschuss für Soziales und Integration", R.PRELIMINARY, False, 1),
        ("Stadtrat", R.DECISION, True, 2),
    ]
    event = paper.events.get()
    assert (event.action, event.to_state, event.actor) == (PaperEvent.Action.CREATED, Paper.State.DRAFT, clerk)


@pytest.mark.parametrize("who", ["head", "other_clerk", "office", "member"])
def test_drafting_refused_to_all_but_clerks_of_the_unit(request, body, unit, steps, who):
    with pytest.raises(ValidationError) as excinfo:
        _create(request.getfixturevalue(who), body, unit, steps)
    assert messages_of(excinfo.value) == [DRAFT_CREATE_ROLE_ERROR]
    assert not Paper.objects.exists()


def test_drafting_needs_an_administrative_unit_of_the_body(body, committee, clerk, steps):
    with pytest.raises(ValidationError) as excinfo:
        _create(clerk, body, committee, steps)
    assert messages_of(excinfo.value) == [NOT_A_UNIT_ERROR]


def test_drafting_with_a_wrong_beratungsfolge_creates_nothing_and_takes_no_number(body, unit, clerk, steps, committee):
    with pytest.raises(ValidationError) as excinfo:
        _create(clerk, body, unit, [_step(committee)])
    assert messages_of(excinfo.value) == [NO_AUTHORITATIVE_ERROR]
    assert not Paper.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()
    assert _create(clerk, body, unit, steps).reference == "20130001"


def test_drafting_offers_only_the_editable_fields(body, unit, clerk, steps):
    with pytest.raises(TypeError, match="state"):
        _create(clerk, body, unit, steps, state=Paper.State.RELEASED)


def test_admin_may_draft_for_any_unit(body, unit, admin_user, steps):
    assert _create(admin_user, body, unit, steps).under_direction_of == unit


def test_unit_of_another_body_is_refused(body, clerk, steps):
    from tests.factories import UnitFactory

    foreign = UnitFactory(body=OtherBodyFactory(), organization_type=Organization.Type.ADMINISTRATIVE_UNIT)
    with pytest.raises(ValidationError) as excinfo:
        _create(clerk, body, foreign, steps)
    assert messages_of(excinfo.value) == [NOT_A_UNIT_ERROR]
