"""Writes on Vorlagen: every change that touches several rows, checks who may, or numbers.

Every function is keyword-only, annotated, runs in one transaction and validates before it
saves; error messages are module constants that the tests reuse. The package is split by
concern; import from here:

- `numbering`: KSD numbers and the creation of a Vorlage;
- `drafting`: editing a draft, its Beratungsfolge, co-signing, release, withdrawal, attachments.
"""

from resolutions.services.drafting import (
    COSIGNER_IS_SUBMITTER_ERROR,
    COSIGNER_NOT_HEAD_ERROR,
    DATE_YEAR_ERROR,
    DRAFT_CREATE_ROLE_ERROR,
    EDITABLE_FIELDS,
    NO_COSIGNERS_ERROR,
    NOT_A_UNIT_ERROR,
    STALE_EDIT_ERROR,
    attachment_add,
    attachment_remove,
    attachment_replace,
    consultations_replace,
    paper_cosign,
    paper_draft_create,
    paper_release,
    paper_return,
    paper_submit,
    paper_update,
    paper_withdraw,
)
from resolutions.services.numbering import (
    REFERENCE_EXHAUSTED_ERROR,
    REFERENCE_FORMAT_ERROR,
    REFERENCE_TAKEN_ERROR,
    paper_allocate_reference,
    paper_create,
    paper_reserve_reference,
)

__all__ = [
    "COSIGNER_IS_SUBMITTER_ERROR",
    "COSIGNER_NOT_HEAD_ERROR",
    "DATE_YEAR_ERROR",
    "DRAFT_CREATE_ROLE_ERROR",
    "EDITABLE_FIELDS",
    "NO_COSIGNERS_ERROR",
    "NOT_A_UNIT_ERROR",
    "REFERENCE_EXHAUSTED_ERROR",
    "REFERENCE_FORMAT_ERROR",
    "REFERENCE_TAKEN_ERROR",
    "STALE_EDIT_ERROR",
    "attachment_add",
    "attachment_remove",
    "attachment_replace",
    "consultations_replace",
    "paper_allocate_reference",
    "paper_cosign",
    "paper_create",
    "paper_draft_create",
    "paper_release",
    "paper_reserve_reference",
    "paper_return",
    "paper_submit",
    "paper_update",
    "paper_withdraw",
]
