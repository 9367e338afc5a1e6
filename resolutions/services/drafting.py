"""Drafting, co-signing and release of Vorlagen, and their attachments.

Who may do what lives in resolutions.workflow (the TRANSITIONS table); the services here
lock the row, ask the table, write the state and the event in one transaction.
"""

import datetime
import uuid
from collections.abc import Sequence
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.models import Body, Organization
from council.roles import actor_for
from resolutions import mailing
from resolutions.attachments import InspectedFile, extract_text, inspect_upload
from resolutions.models import Attachment, CheckedFile, Consultation, Cosignature, Paper, PaperEvent
from resolutions.services.numbering import paper_allocate_reference, paper_create
from resolutions.workflow import (
    Transition,
    ensure_editable,
    ensure_transition,
    is_faction_cosigner,
    is_faction_paper,
    may_draft_for,
    paper_steps,
    unit_label,
    user_label,
    validate_beratungsfolge,
)

# --- Drafting, co-signing and release --------------------------------------------------
# The rules of who may do what live in resolutions.workflow; its messages are the ones for
# wrong states and roles. The messages below are about the input of one service.

NO_COSIGNERS_ERROR = _("Name at least one department head who co-signs this Vorlage, then submit it again.")
COSIGNER_NOT_HEAD_ERROR = _(
    "%(user)s is not an active department head (Bereichsleitung) and cannot co-sign; choose department heads as "
    "co-signers."
)
COSIGNER_IS_SUBMITTER_ERROR = _(
    "You cannot co-sign a Vorlage you submit yourself; choose another department head as co-signer."
)
STALE_EDIT_ERROR = _(
    "Someone else saved a newer version of this Vorlage while you were editing it, so your changes were not saved. "
    "Your input is kept: compare it with the current version and save again."
)
DATE_YEAR_ERROR = _(
    "The date must stay in %(year)s, the year of KSD number %(reference)s; for another year draft a new Vorlage."
)
NOT_A_UNIT_ERROR = _(
    "%(organization)s is not an administrative unit (Verwaltungsbereich) of this body; choose the Bereich that "
    "drafts the Vorlage."
)
DRAFT_CREATE_ROLE_ERROR = _("Only a clerk of %(unit)s may draft a Vorlage for it.")
FACTION_TYPE_ERROR = _("A Fraktion moves an Antrag or asks an Anfrage; choose one of these types.")
COSIGNER_NOT_FACTION_MEMBER_ERROR = _(
    "%(user)s is not a council member of %(faction)s and cannot co-sign its %(type)s; choose members of the Fraktion."
)
NOT_EDITABLE_FIELD_ERROR = "These fields of a Vorlage are not edited through this service: %s"

# What a clerk edits on a draft. The state, version, release time and KSD number move only
# through the services; the originating unit and the body are fixed at creation.
EDITABLE_FIELDS = frozenset(
    {
        "paper_type",
        "subject_line",
        "name",
        "date",
        "explanation",
        "proposal_addressee",
        "proposal",
        "financial_impact",
        "public",
    }
)


def _check_editable_fields(fields) -> None:
    # A programming error (the form offers a field it must not), not a user's mistake.
    if unknown := set(fields) - EDITABLE_FIELDS:
        raise TypeError(NOT_EDITABLE_FIELD_ERROR % ", ".join(sorted(unknown)))


def _lock(paper_pk: int) -> Paper:
    """Take the paper's row lock (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock)."""
    return Paper.objects.select_for_update().get(pk=paper_pk)


def _save_paper(paper: Paper, *, by, update_fields: list[str] | None = None) -> None:
    # simple_history writes a historical row on every save(); tell it who made the change.
    if by is not None and by.is_authenticated:
        paper._history_user = by
    paper.full_clean()
    paper.save(update_fields=update_fields)


def _advance(*, paper: Paper, transition: Transition, by, comment: str, update_fields=()) -> Paper:
    """Write the transition's state, a new version and the event, in the caller's transaction."""
    from_state = paper.state
    paper.state = transition.target
    paper.version += 1
    _save_paper(paper, by=by, update_fields=["state", "version", "modified", *update_fields])
    event = PaperEvent(
        paper=paper,
        action=transition.action,
        from_state=from_state,
        to_state=paper.state,
        actor=by,
        comment=comment.strip(),
    )
    event.full_clean()
    event.save()
    return paper


@transaction.atomic
def paper_submit(
    *, paper: Paper, by: AbstractBaseUser, cosigners: Sequence[AbstractBaseUser], comment: str = ""
) -> Paper:
    """Send a draft to the named department heads for co-signing (Mitzeichnung)."""
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "submit", by=by, comment=comment)
    signers = list(dict.fromkeys(cosigners))  # each once, in the order given
    if not signers:
        raise ValidationError({"cosigners": ValidationError(NO_COSIGNERS_ERROR, code="no_cosigners")})
    errors = []
    faction_paper = is_faction_paper(locked)
    for signer in signers:
        if signer.pk == by.pk:
            errors.append(ValidationError(COSIGNER_IS_SUBMITTER_ERROR, code="cosigner_is_submitter"))
        elif faction_paper:
            if not (signer.is_active and is_faction_cosigner(locked, signer)):
                params = {
                    "user": user_label(signer),
                    "faction": locked.under_direction_of.name,
                    "type": locked.get_paper_type_display(),
                }
                errors.append(
                    ValidationError(COSIGNER_NOT_FACTION_MEMBER_ERROR, code="cosigner_not_member", params=params)
                )
        elif not (signer.is_active and actor_for(signer).is_head):
            errors.append(
                ValidationError(COSIGNER_NOT_HEAD_ERROR, code="cosigner_not_head", params={"user": user_label(signer)})
            )
    if errors:
        raise ValidationError({"cosigners": errors})
    # A resubmission after a return asks afresh: the text may have changed since.
    locked.cosignatures.all().delete()
    for signer in signers:
        cosignature = Cosignature(paper=locked, signer=signer)
        cosignature.full_clean()
        cosignature.save()
    advanced = _advance(paper=locked, transition=transition, by=by, comment=comment)
    mailing.cosigning_requested(advanced, by=by)
    return advanced


@transaction.atomic
def paper_cosign(*, paper: Paper, by: AbstractBaseUser, comment: str = "") -> Paper:
    """Record the co-signature of a department head named as co-signer."""
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "cosign", by=by, comment=comment)
    cosignature = locked.cosignatures.select_for_update().get(signer=by)
    cosignature.signed_at = timezone.now()
    cosignature.full_clean()
    cosignature.save(update_fields=["signed_at", "modified"])
    return _advance(paper=locked, transition=transition, by=by, comment=comment)


@transaction.atomic
def paper_return(*, paper: Paper, by: AbstractBaseUser, comment: str) -> Paper:
    """Send a Vorlage in co-signing back to its clerk as a draft, saying why."""
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "return", by=by, comment=comment)
    # Signatures given so far were for a text that is about to change.
    locked.cosignatures.update(signed_at=None, modified=timezone.now())
    returned = _advance(paper=locked, transition=transition, by=by, comment=comment)
    mailing.paper_returned(returned, by=by, comment=comment.strip())
    return returned


@transaction.atomic
def paper_release(*, paper: Paper, by: AbstractBaseUser, comment: str = "") -> Paper:
    """Release a co-signed Vorlage so that the office can put it on an agenda."""
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "release", by=by, comment=comment)
    locked.released_at = timezone.now()
    released = _advance(paper=locked, transition=transition, by=by, comment=comment, update_fields=["released_at"])
    mailing.paper_released(released, by=by)
    return released


@transaction.atomic
def paper_receive(
    *, paper: Paper, by: AbstractBaseUser, comment: str = "", steps: Sequence[dict] | None = None
) -> Paper:
    """Receive a Fraktion's co-signed Antrag or Anfrage in the council office: released for its agendas.

    The office decides the Beratungsfolge here: `steps` replace what the Fraktion proposed
    (None keeps the proposal), and must be a valid Beratungsfolge. A paper drafted without a
    number gets its KSD number now, the next of its date's year.
    """
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "receive", by=by, comment=comment)
    steps = list(steps) if steps is not None else paper_steps(locked)
    validate_beratungsfolge(body=locked.body, steps=steps)
    if _step_key(steps) != _step_key(paper_steps(locked)):
        _write_steps(locked, steps)
    update_fields = ["released_at"]
    if not locked.has_ksd_number:
        locked.reference = paper_allocate_reference(body=locked.body, year=locked.date.year)
        update_fields.append("reference")
    locked.released_at = timezone.now()
    return _advance(paper=locked, transition=transition, by=by, comment=comment, update_fields=update_fields)


@transaction.atomic
def paper_withdraw(*, paper: Paper, by: AbstractBaseUser, comment: str) -> Paper:
    """Withdraw a Vorlage that is not decided yet, saying why."""
    locked = _lock(paper.pk)
    transition = ensure_transition(locked, "withdraw", by=by, comment=comment)
    return _advance(paper=locked, transition=transition, by=by, comment=comment)


@transaction.atomic
def paper_update(*, paper: Paper, by: AbstractBaseUser, expected_version: int, **fields) -> Paper:
    """Save a clerk's changes to a draft, unless someone saved a newer version meanwhile.

    `expected_version` is the version the clerk's form was based on. Under the row lock the
    stored version is compared with it, so of two saves based on the same version exactly
    one wins; the other gets STALE_EDIT_ERROR and changes nothing.
    """
    _check_editable_fields(fields)
    locked = _lock(paper.pk)
    ensure_editable(locked, by=by)
    if locked.version != expected_version:
        raise ValidationError(STALE_EDIT_ERROR, code="stale_edit")
    for field, value in fields.items():
        setattr(locked, field, value)
    # The KSD year is the date's year; a paper without its number yet may still change its date freely.
    year = int(locked.reference[:4]) if locked.has_ksd_number else None
    if year is not None and locked.date and locked.date.year != year:
        raise ValidationError(
            {
                "date": ValidationError(
                    DATE_YEAR_ERROR, code="date_year", params={"year": year, "reference": locked.reference}
                )
            }
        )
    locked.version = expected_version + 1
    _save_paper(locked, by=by)
    return locked


def _write_steps(paper: Paper, steps: Sequence[dict]) -> list[Consultation]:
    """Replace the paper's Beratungsfolge by already validated steps, numbered from 1."""
    consultations = [
        Consultation(
            paper=paper,
            organization=step["organization"],
            role=step["role"],
            authoritative=bool(step.get("authoritative")),
            order=number,
        )
        for number, step in enumerate(steps, start=1)
    ]
    # Field checks for every step before anything is deleted; the order and the single
    # authoritative step are guaranteed by construction and by the constraints.
    for consultation in consultations:
        consultation.full_clean(validate_unique=False, validate_constraints=False)
    paper.consultations.all().delete()
    for consultation in consultations:
        consultation.save()
    return consultations


@transaction.atomic
def consultations_replace(
    *, paper: Paper, by: AbstractBaseUser, steps: Sequence[dict], expected_version: int | None = None
) -> list[Consultation]:
    """Replace a draft's Beratungsfolge as a whole, or change nothing if any step is wrong.

    Each step is a dict with `organization`, `role` and `authoritative`; the list order is
    the order of deliberation.
    """
    locked = _lock(paper.pk)
    ensure_editable(locked, by=by)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(STALE_EDIT_ERROR, code="stale_edit")
    steps = list(steps)
    validate_beratungsfolge(body=locked.body, steps=steps)
    consultations = _write_steps(locked, steps)
    locked.version += 1
    _save_paper(locked, by=by, update_fields=["version", "modified"])
    return consultations


@transaction.atomic
def paper_draft_create(
    *,
    by: AbstractBaseUser,
    body: Body,
    under_direction_of: Organization,
    name: str,
    date: datetime.date,
    steps: Sequence[dict],
    **fields,
) -> Paper:
    """Create a draft Vorlage of a clerk's unit with its Beratungsfolge, or nothing at all."""
    _check_editable_fields(fields)
    faction = under_direction_of.organization_type == Organization.Type.FACTION
    if under_direction_of.body_id != body.pk or not (
        faction or under_direction_of.organization_type == Organization.Type.ADMINISTRATIVE_UNIT
    ):
        raise ValidationError(
            {
                "under_direction_of": ValidationError(
                    NOT_A_UNIT_ERROR, code="not_a_unit", params={"organization": under_direction_of.name}
                )
            }
        )
    if not may_draft_for(under_direction_of, by):
        raise ValidationError(
            DRAFT_CREATE_ROLE_ERROR, code="not_allowed", params={"unit": unit_label(under_direction_of)}
        )
    steps = list(steps)
    # Before paper_create, so that a wrong Beratungsfolge is reported without taking a number.
    validate_beratungsfolge(body=body, steps=steps)
    if faction and fields.get("paper_type") not in (Paper.Type.MOTION, Paper.Type.INQUIRY):
        raise ValidationError({"paper_type": ValidationError(FACTION_TYPE_ERROR, code="faction_type")})
    # A Fraktion's paper gets its KSD number when the council office receives it.
    paper = paper_create(
        body=body, by=by, name=name, date=date, under_direction_of=under_direction_of, provisional=faction, **fields
    )
    _write_steps(paper, steps)
    if faction:
        # OParl originatorOrganization: the Fraktion moves it.
        paper.originator_organizations.add(under_direction_of)
    return paper


# --- Attachments ----------------------------------------------------------------------
# Checks of the content live in resolutions.attachments. Storage is not transactional:
# a stored file is deleted only once the transaction that dropped it has committed, so a
# rollback never loses a file that a row still points to.


def checked_file_set(attachment: CheckedFile, inspected: InspectedFile, uploaded_file: UploadedFile) -> None:
    """Give an attachment (or an item's document) the checked upload and what its inspection found."""
    # The stored name carries a random part: files are never guessable or overwritten,
    # and the displayed name stays the clean one in `file_name`.
    attachment.file = File(uploaded_file, name=f"{uuid.uuid4().hex[:16]}-{inspected.file_name}")
    attachment.file_name = inspected.file_name
    attachment.mime_type = inspected.mime_type
    attachment.size = inspected.size
    attachment.sha512 = inspected.sha512
    attachment.checked = True
    # The text is taken in the background once the row is committed (checked_file_text_enqueue).
    attachment.text = ""
    attachment.text_state = CheckedFile.TextState.PENDING if inspected.has_text else CheckedFile.TextState.NONE


def checked_file_save(attachment: CheckedFile) -> None:
    """Save the row and write the file; if the row fails, do not leave the file behind.

    Once the transaction commits, the text for search is taken in the background.
    """
    try:
        attachment.save()
    except BaseException:
        if attachment.file.name and getattr(attachment.file, "_committed", False):
            attachment.file.storage.delete(attachment.file.name)
        raise
    checked_file_text_enqueue(attachment)


def checked_file_text_enqueue(stored: CheckedFile) -> None:
    """Enqueue the text extraction of a saved file after the transaction commits, if it waits for text."""
    if stored.text_state != CheckedFile.TextState.PENDING:
        return
    from resolutions.tasks import checked_file_text

    label, pk, sha512 = stored._meta.label, stored.pk, stored.sha512
    transaction.on_commit(lambda: checked_file_text.enqueue(label, pk, sha512))


def checked_file_text_extract(*, model: type[CheckedFile], pk: int, sha512: str) -> str | None:
    """Take the text of a stored file within the limits and store it with its state; the state, or None.

    Runs in the background task. The extraction (a child process, `attachments.extract_text`)
    runs outside any transaction; the row is written only if it still holds the same file,
    so a replacement meanwhile is left to its own task, and a second run changes nothing.
    The search index follows the `text` column (a generated tsvector on PostgreSQL).
    """
    stored = model.objects.filter(pk=pk, sha512=sha512).first()
    if stored is None or stored.text_state != CheckedFile.TextState.PENDING:
        return None
    with stored.file.open("rb") as handle:
        content = handle.read()
    extracted = extract_text(content, mime_type=stored.mime_type)
    with transaction.atomic():
        updated = model.objects.filter(pk=pk, sha512=sha512, text_state=CheckedFile.TextState.PENDING).update(
            text=extracted.text, text_state=extracted.state, modified=timezone.now()
        )
    return extracted.state if updated else None


def _lock_attachment(attachment: Attachment, *, by) -> Attachment:
    locked_paper = _lock(attachment.paper_id)
    ensure_editable(locked_paper, by=by)
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    locked.paper = locked_paper
    return locked


@transaction.atomic
def attachment_add(
    *,
    paper: Paper,
    by: AbstractBaseUser,
    uploaded_file: UploadedFile,
    name: str,
    attachment_type: str = Attachment.Type.ANNEX,
    public: bool = True,
) -> Attachment:
    """Attach a checked file to a draft, as the last in the list of annexes."""
    locked = _lock(paper.pk)
    ensure_editable(locked, by=by)
    inspected = inspect_upload(uploaded_file)
    last = locked.attachments.aggregate(last=Max("order"))["last"] or 0
    attachment = Attachment(paper=locked, attachment_type=attachment_type, name=name, public=public, order=last + 1)
    checked_file_set(attachment, inspected, uploaded_file)
    attachment.full_clean()
    checked_file_save(attachment)
    return attachment


@transaction.atomic
def attachment_replace(*, attachment: Attachment, by: AbstractBaseUser, uploaded_file: UploadedFile) -> Attachment:
    """Put a new file in place of an attachment's file; the old one goes once this commits."""
    locked = _lock_attachment(attachment, by=by)
    inspected = inspect_upload(uploaded_file)
    old_name, storage = locked.file.name, locked.file.storage
    checked_file_set(locked, inspected, uploaded_file)
    locked.full_clean()
    checked_file_save(locked)
    transaction.on_commit(partial(storage.delete, old_name))
    return locked


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: AbstractBaseUser) -> None:
    """Remove an attachment from a draft; its file goes once this commits."""
    locked = _lock_attachment(attachment, by=by)
    name, storage = locked.file.name, locked.file.storage
    locked.delete()
    transaction.on_commit(partial(storage.delete, name))


# --- Saving the edit form -------------------------------------------------------------
def _step_key(steps: Sequence[dict]) -> list[tuple[int, str, bool]]:
    return [(step["organization"].pk, step["role"], bool(step.get("authoritative"))) for step in steps]


@transaction.atomic
def paper_save_draft(
    *, paper: Paper, by: AbstractBaseUser, expected_version: int, steps: Sequence[dict], **fields
) -> Paper:
    """Save a draft's text and its Beratungsfolge together, or nothing at all.

    The edit page sends both at once; a stale version, a wrong field or a wrong step rolls
    the whole save back, so a clerk never finds the text saved and the steps not. The steps
    are rewritten only when they changed: rewriting them bumps the version a second time.
    """
    steps = list(steps)
    updated = paper_update(paper=paper, by=by, expected_version=expected_version, **fields)
    if _step_key(steps) != _step_key(paper_steps(updated)):
        consultations_replace(paper=updated, by=by, steps=steps, expected_version=updated.version)
        updated.refresh_from_db(fields=["version", "modified"])
    return updated
