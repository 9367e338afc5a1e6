"""KSD numbers and the creation of Vorlagen.

A KSD number is the year of the paper's date and a four-digit serial, per body. Numbers
are allocated in the same transaction as the paper, never reused and gap-free.
"""

import datetime
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from council.models import Body
from resolutions.models import PROVISIONAL_REFERENCE_PREFIX, Paper, PaperEvent, ReferenceCounter

REFERENCE_FORMAT_ERROR = _("A KSD number has eight digits: the year and a four-digit serial number, e.g. 20135317.")
REFERENCE_TAKEN_ERROR = _("KSD number %(reference)s is already taken in this body.")
REFERENCE_EXHAUSTED_ERROR = _("All 9999 KSD numbers of %(year)s are used up.")


def _split_reference(reference: str) -> tuple[int, int]:
    if len(reference) != 8 or not reference.isdigit() or int(reference[4:]) == 0:
        raise ValidationError({"reference": ValidationError(REFERENCE_FORMAT_ERROR, code="reference_format")})
    return int(reference[:4]), int(reference[4:])


@transaction.atomic
def paper_allocate_reference(*, body: Body, year: int) -> str:
    """Take the next KSD number of a body and year.

    The counter row is incremented with an UPDATE before the paper is inserted: the
    update takes the row lock on PostgreSQL (and SQLite's IMMEDIATE transactions take
    the database write lock), so concurrent clerks queue here and each gets its own
    number. If the caller's transaction rolls back, the increment rolls back with it,
    so numbers stay gap-free; a committed number is never handed out again, even after
    its paper is deleted, because the counter never goes down.
    """
    counter, _created = ReferenceCounter.objects.get_or_create(body=body, year=year)
    taken = ReferenceCounter.objects.filter(pk=counter.pk, last_number__lt=9999).update(
        last_number=F("last_number") + 1
    )
    if not taken:
        raise ValidationError(REFERENCE_EXHAUSTED_ERROR, code="reference_exhausted", params={"year": year})
    counter.refresh_from_db(fields=["last_number"])
    return f"{year:04d}{counter.last_number:04d}"


@transaction.atomic
def paper_reserve_reference(*, body: Body, reference: str) -> str:
    """Accept a KSD number given from outside (an import of history) and keep the counter past it."""
    year, number = _split_reference(reference)
    counter, _created = ReferenceCounter.objects.get_or_create(body=body, year=year)
    # Move the counter first: the UPDATE takes the row lock, so two imports of the same number
    # queue here and the second sees the first one's paper instead of failing on the unique
    # index. A refusal below rolls the counter back with the transaction.
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=Greatest(F("last_number"), number))
    if Paper.objects.filter(body=body, reference=reference).exists():
        raise ValidationError(
            {
                "reference": ValidationError(
                    REFERENCE_TAKEN_ERROR, code="reference_taken", params={"reference": reference}
                )
            }
        )
    return reference


def provisional_reference() -> str:
    """A reference for a paper that has no KSD number yet: unique, and never a KSD number's shape."""
    return f"{PROVISIONAL_REFERENCE_PREFIX}{uuid.uuid4().hex[:12]}"


@transaction.atomic
def paper_create(
    *,
    body: Body,
    by: AbstractBaseUser | None,
    name: str,
    date: datetime.date,
    under_direction_of,
    reference: str | None = None,
    provisional: bool = False,
    **fields,
) -> Paper:
    """Create a draft Vorlage with a fresh KSD number (or the given one) and record its creation.

    With `provisional` it gets a provisional reference instead; its number follows on receipt.
    """
    paper = Paper(body=body, name=name, date=date, under_direction_of=under_direction_of, **fields)
    # Validate everything but the number first, so a bad form does not consume a number.
    paper.full_clean(exclude=["reference"], validate_unique=False, validate_constraints=False)
    if provisional:
        paper.reference = provisional_reference()
    elif reference:
        paper.reference = paper_reserve_reference(body=body, reference=reference)
    else:
        paper.reference = paper_allocate_reference(body=body, year=date.year)
    paper.full_clean()
    paper.save()
    PaperEvent.objects.create(
        paper=paper, action=PaperEvent.Action.CREATED, from_state="", to_state=paper.state, actor=by
    )
    return paper
