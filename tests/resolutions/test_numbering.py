"""KSD numbers: YYYY + four digits, per body and year, gap-free, never reused, safe under concurrency."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from resolutions.models import Paper, PaperEvent, ReferenceCounter
from resolutions.services import (
    REFERENCE_EXHAUSTED_ERROR,
    REFERENCE_FORMAT_ERROR,
    REFERENCE_TAKEN_ERROR,
    paper_allocate_reference,
    paper_create,
)
from tests.factories import BodyFactory, OtherBodyFactory, PaperFactory, UnitFactory

FEB_20_2013 = datetime.date(2013, 2, 20)


def _errors(error: ValidationError) -> list[tuple]:
    """(field, message constant, code, params) of every message in a ValidationError."""
    if hasattr(error, "error_dict"):
        return [(field, e.message, e.code, e.params) for field, errors in error.error_dict.items() for e in errors]
    return [(None, e.message, e.code, e.params) for e in error.error_list]


def _create(unit, *, date=FEB_20_2013, by=None, **fields):
    fields.setdefault("name", "Beitritt zum Bündnis Soziale Stadt")
    return paper_create(body=unit.body, by=by, date=date, under_direction_of=unit, **fields)


def _last_number(body, year):
    return ReferenceCounter.objects.filter(body=body, year=year).values_list("last_number", flat=True).first()


# --- Allocation -------------------------------------------------------------------------


@pytest.mark.django_db
def test_numbers_count_up_per_body_and_year_independently():
    ludwigshafen, mainz = BodyFactory(), OtherBodyFactory()

    allocated = [
        paper_allocate_reference(body=ludwigshafen, year=2013),
        paper_allocate_reference(body=ludwigshafen, year=2013),
        paper_allocate_reference(body=mainz, year=2013),
        paper_allocate_reference(body=ludwigshafen, year=2014),
        paper_allocate_reference(body=ludwigshafen, year=2013),
        paper_allocate_reference(body=mainz, year=2014),
        paper_allocate_reference(body=mainz, year=2013),
    ]

    assert allocated == ["20130001", "20130002", "20130001", "20140001", "20130003", "20140001", "20130002"]
    assert _last_number(ludwigshafen, 2013) == 3
    assert _last_number(mainz, 2014) == 1


@pytest.mark.django_db
def test_paper_create_takes_the_year_from_the_papers_date(unit, clerk):
    first = _create(unit, by=clerk, date=datetime.date(2013, 12, 31))
    second = _create(unit, by=clerk, date=datetime.date(2014, 1, 1))
    third = _create(unit, by=clerk, date=datetime.date(2013, 2, 20))

    assert [first.reference, second.reference, third.reference] == ["20130001", "20140001", "20130002"]
    assert Paper.objects.get(pk=first.pk).reference == "20130001"


@pytest.mark.django_db
def test_paper_create_records_a_draft_and_its_creation(unit, clerk):
    paper = _create(unit, by=clerk)

    assert paper.state == Paper.State.DRAFT
    assert list(paper.events.values_list("action", "from_state", "to_state", "actor")) == [
        (PaperEvent.Action.CREATED, "", Paper.State.DRAFT, clerk.pk)
    ]


@pytest.mark.django_db
def test_numbers_are_never_reused_after_deletion(unit):
    first = _create(unit)
    second = _create(unit)
    assert second.reference == "20130002"

    second.delete()
    first.delete()
    third = _create(unit)

    assert third.reference == "20130003"
    assert not Paper.objects.filter(reference__in=["20130001", "20130002"]).exists()


# --- Gap-free ---------------------------------------------------------------------------


class _Abort(Exception):
    pass


@pytest.mark.django_db
def test_a_rolled_back_creation_does_not_use_up_a_number(unit):
    # Whatever fails after the number was taken (here: a later step of the same unit of work),
    # the whole transaction goes back, the counter with it.
    with pytest.raises(_Abort), transaction.atomic():
        paper = _create(unit)
        assert paper.reference == "20130001"
        raise _Abort

    assert not Paper.objects.exists()
    assert _last_number(unit.body, 2013) in (None, 0)
    assert _create(unit).reference == "20130001"


@pytest.mark.django_db
def test_a_validation_error_after_allocation_rolls_the_number_back(unit):
    def create_then_refuse():
        _create(unit)
        raise ValidationError("Die Beratungsfolge fehlt.")

    with pytest.raises(ValidationError), transaction.atomic():
        create_then_refuse()

    assert not Paper.objects.exists()
    assert _create(unit).reference == "20130001"


@pytest.mark.django_db
def test_an_invalid_paper_takes_no_number_and_writes_nothing(unit, clerk):
    with pytest.raises(ValidationError) as excinfo:
        _create(unit, by=clerk, name="")

    assert [field for field, *_ in _errors(excinfo.value)] == ["name"]
    assert not Paper.objects.exists()
    assert not PaperEvent.objects.exists()
    assert _last_number(unit.body, 2013) in (None, 0)
    assert _create(unit, by=clerk).reference == "20130001"


@pytest.mark.django_db
def test_an_invalid_field_besides_the_name_takes_no_number_either(unit):
    with pytest.raises(ValidationError) as excinfo:
        _create(unit, paper_type="Gutachten")

    assert [field for field, *_ in _errors(excinfo.value)] == ["paper_type"]
    assert _last_number(unit.body, 2013) in (None, 0)


# --- Explicit numbers (imports of history) ----------------------------------------------


@pytest.mark.django_db
def test_an_explicit_number_is_taken_as_is_and_the_counter_moves_past_it(unit):
    seed = _create(unit, reference="20135317")
    following = _create(unit)

    assert seed.reference == "20135317"
    assert following.reference == "20135318"
    assert _last_number(unit.body, 2013) == 5318


@pytest.mark.django_db
def test_an_older_explicit_number_does_not_move_the_counter_back(unit):
    for _ in range(3):
        _create(unit)
    _create(unit, reference="20130007")

    filled = _create(unit, reference="20130005")  # an imported paper filling an old gap

    assert filled.reference == "20130005"
    assert _create(unit).reference == "20130008"


@pytest.mark.django_db
def test_an_explicit_number_already_taken_is_refused(unit):
    _create(unit, reference="20135317")

    with pytest.raises(ValidationError) as excinfo:
        _create(unit, reference="20135317", name="Noch einmal")

    assert [(field, message) for field, message, *_ in _errors(excinfo.value)] == [("reference", REFERENCE_TAKEN_ERROR)]
    assert Paper.objects.filter(reference="20135317").count() == 1
    assert _last_number(unit.body, 2013) == 5317


@pytest.mark.django_db
def test_the_taken_error_names_the_number(unit):
    _create(unit, reference="20135317")

    with pytest.raises(ValidationError) as excinfo:
        _create(unit, reference="20135317", name="Noch einmal")

    assert excinfo.value.messages == [str(REFERENCE_TAKEN_ERROR % {"reference": "20135317"})]
    assert _errors(excinfo.value) == [
        ("reference", REFERENCE_TAKEN_ERROR, "reference_taken", {"reference": "20135317"})
    ]


@pytest.mark.django_db
def test_an_explicit_number_of_another_body_is_free_here(unit):
    other_unit = UnitFactory(body=OtherBodyFactory())
    _create(other_unit, reference="20135317")

    assert _create(unit, reference="20135317").body == unit.body


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["2013531", "abcd1234", "20130000", "201353170", "2013-5317"])
def test_a_malformed_explicit_number_is_refused(unit, reference):
    with pytest.raises(ValidationError) as excinfo:
        _create(unit, reference=reference)

    assert [(field, message) for field, message, *_ in _errors(excinfo.value)] == [
        ("reference", REFERENCE_FORMAT_ERROR)
    ]
    assert not Paper.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()


@pytest.mark.django_db
def test_the_format_error_carries_its_code(unit):
    with pytest.raises(ValidationError) as excinfo:
        _create(unit, reference="2013531")

    assert [code for _field, _message, code, _params in _errors(excinfo.value)] == ["reference_format"]


# --- Exhaustion -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_last_number_of_a_year_is_9999(unit):
    ReferenceCounter.objects.create(body=unit.body, year=2013, last_number=9998)

    assert _create(unit).reference == "20139999"


@pytest.mark.django_db
def test_after_9999_the_year_is_exhausted(unit):
    ReferenceCounter.objects.create(body=unit.body, year=2013, last_number=9999)

    with pytest.raises(ValidationError) as excinfo:
        paper_allocate_reference(body=unit.body, year=2013)

    assert _errors(excinfo.value) == [(None, REFERENCE_EXHAUSTED_ERROR, "reference_exhausted", {"year": 2013})]
    assert _last_number(unit.body, 2013) == 9999


@pytest.mark.django_db
def test_an_exhausted_year_leaves_other_years_and_bodies_alone(unit):
    ReferenceCounter.objects.create(body=unit.body, year=2013, last_number=9999)

    with pytest.raises((ValidationError, IntegrityError)), transaction.atomic():
        _create(unit)

    assert not Paper.objects.exists()
    assert _last_number(unit.body, 2013) == 9999
    assert _create(unit, date=datetime.date(2014, 1, 2)).reference == "20140001"
    assert _create(UnitFactory(body=OtherBodyFactory())).reference == "20130001"


# --- Concurrency ------------------------------------------------------------------------

THREADS = 12


def _create_concurrently(unit, *, threads: int, year: int) -> tuple[list[str], list[BaseException]]:
    """Let `threads` clerks press "create" at the same moment; return their numbers and errors."""
    barrier = threading.Barrier(threads)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def clerk(n):
        try:
            barrier.wait(timeout=30)
            paper = paper_create(
                body=unit.body,
                by=None,
                name=f"Gleichzeitige Vorlage {n}",
                date=datetime.date(year, 3, 1),
                under_direction_of=unit,
            )
            with lock:
                references.append(paper.reference)
        except Exception as error:  # reported to the main thread, which asserts there is none
            with lock:
                errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=clerk, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a clerk is still waiting for a number"
    return references, errors


def _assert_gap_free(unit, references, errors, *, threads, year):
    assert errors == []
    expected = [f"{year}{n:04d}" for n in range(1, threads + 1)]
    assert sorted(references) == expected
    assert sorted(Paper.objects.filter(body=unit.body).values_list("reference", flat=True)) == expected
    assert _last_number(unit.body, year) == threads


@pytest.mark.postgres_only
@pytest.mark.parametrize("counter_exists", [False, True], ids=["first-of-the-year", "counter-exists"])
def test_concurrent_creation_gives_distinct_gap_free_numbers_on_postgresql(transactional_db, counter_exists):
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL's row locks between real concurrent transactions, not {connection.vendor}")
    unit = UnitFactory(body=BodyFactory())
    if counter_exists:
        ReferenceCounter.objects.create(body=unit.body, year=2026)

    references, errors = _create_concurrently(unit, threads=THREADS, year=2026)

    _assert_gap_free(unit, references, errors, threads=THREADS, year=2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_distinct_gap_free_numbers_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant covers this database")
    if connection.is_in_memory_db():
        pytest.skip(
            "the SQLite test database is in memory (no DATABASES TEST NAME): threads share it only in "
            "shared-cache mode, whose table locks fail at once ('database table is locked') instead of "
            "waiting like IMMEDIATE transactions on a file; give the test database a file name to run this"
        )
    unit = UnitFactory(body=BodyFactory())

    references, errors = _create_concurrently(unit, threads=THREADS, year=2026)

    _assert_gap_free(unit, references, errors, threads=THREADS, year=2026)


@pytest.mark.django_db
def test_a_number_taken_past_the_counter_is_refused_not_duplicated(unit):
    # A row written without the numbering service (here by the factory) is not known to the
    # counter; the database's uniqueness still keeps the number from being handed out twice.
    PaperFactory(body=unit.body, reference="20130001", under_direction_of=unit)

    with pytest.raises(ValidationError) as excinfo:
        _create(unit)

    assert list(excinfo.value.error_dict) == ["__all__"]
    assert Paper.objects.filter(reference="20130001").count() == 1
    assert _last_number(unit.body, 2013) in (None, 0)
