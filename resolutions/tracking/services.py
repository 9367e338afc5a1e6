"""Writes of the Beschlusskontrolle: opening a tracking with the decision, progress reports, the office's changes.

`tracking_follow_decision` is one of `settings.RATSBUCH_DECISION_FOLLOWERS`:
`resolutions.services.decision_record` calls it inside the decision's transaction after a
result that settles a Vorlage, so a tracked decision never exists without its tracking.
Which results give the administration work is `settings.RATSBUCH_TRACKING_RESULTS`
(beschlossen and geändert beschlossen by default).

Who may write:

| action | who |
|---|---|
| progress report (Sachstand), closing report | clerks and heads of the responsible unit (or one above it), the office |
| responsible unit, person, target date | the council office |
| correcting a report's date or text | the council office |
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.models import Organization, Person
from council.roles import actor_for

from .models import ProgressReport, Tracking

# --- messages -------------------------------------------------------------------------
REPORT_ROLE_ERROR = _(
    "Only the clerks and the head of %(unit)s, which answers for this decision, and the council office write its "
    "progress reports."
)
OFFICE_ROLE_ERROR = _("Only the council office changes who answers for a decision and by when.")
TRACKING_CLOSED_ERROR = _(
    "This decision is already “%(state)s”; the council office can correct the reports if something is wrong."
)
TEXT_EMPTY_ERROR = _("Write what has been done; a progress report needs a text.")
CLOSING_REPORT_EMPTY_ERROR = _(
    "Closing a decision as “%(state)s” needs a closing report: write what was done, or why it cannot or need not be "
    "done."
)
REPORT_BEFORE_DECISION_ERROR = _("The report is dated before the decision of %(date)s; check the date.")
REPORT_IN_FUTURE_ERROR = _("The report is dated in the future; report what has happened up to today.")
TARGET_BEFORE_DECISION_ERROR = _(
    "The target date lies before the decision of %(date)s; a decision cannot be due before it was taken."
)
NOT_A_UNIT_ERROR = _("%(organization)s is not an administrative unit of %(body)s.")
ANSWER_RELEASE_ROLE_ERROR = _(
    "The answer to an Anfrage is released by the head of %(unit)s (or the council office); save it as “in "
    "progress” and ask the head to release it."
)
NOT_AN_INQUIRY_ERROR = _("Only an Anfrage is answered by the administration; KSD %(reference)s is a %(type)s.")
INQUIRY_NOT_RECEIVED_ERROR = _(
    "The Anfrage KSD %(reference)s has not been received by the council office yet (it is “%(state)s”)."
)
INQUIRY_ASSIGNED_ERROR = _("The Anfrage KSD %(reference)s is already with %(unit)s; change the unit on its page.")
PERSON_NOT_OF_UNIT_ERROR = _("%(person)s does not work in %(unit)s; choose someone of the responsible unit.")


# --- who may ----------------------------------------------------------------------------
def may_report(tracking: Tracking, user) -> bool:
    """Whether the user may write a progress report on the tracking."""
    actor = actor_for(user)
    if actor.is_office:
        return True
    return (actor.is_clerk or actor.is_head) and tracking.responsible_unit_id in actor.unit_ids


def _may_release_answer(tracking: Tracking, user) -> bool:
    actor = actor_for(user)
    return actor.is_office or (actor.is_head and tracking.responsible_unit_id in actor.unit_ids)


def may_manage(user) -> bool:
    """Whether the user may change the responsible unit, person and target date, and correct reports."""
    return actor_for(user).is_office


def _saved(instance, by):
    if by is not None and by.is_authenticated:
        instance._history_user = by  # simple_history records who made the change
    instance.full_clean()
    instance.save()
    return instance


def _lock(tracking: Tracking) -> Tracking:
    return (
        Tracking.objects.select_for_update(of=("self",))
        .select_related("decision", "responsible_unit")
        .get(pk=tracking.pk)
    )


# --- the decision follower --------------------------------------------------------------
def tracking_follow_decision(*, decision, by: AbstractBaseUser | None) -> Tracking | None:
    """Open the tracking of an authoritative decision that gives the administration work.

    Runs in the decision's transaction (see the module docstring). The Vorlage's unit
    answers for it at first, and it is due `RATSBUCH_TRACKING_DEFAULT_DAYS` after the
    decision until the office sets another date.
    """
    consultation = decision.consultation
    if not consultation.authoritative or decision.result not in settings.RATSBUCH_TRACKING_RESULTS:
        return None
    existing = Tracking.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    paper = consultation.paper
    # A Fraktion's Antrag has no unit of the administration behind it: the office names one.
    unit = paper.under_direction_of
    tracking = Tracking(
        decision=decision,
        paper=paper,
        responsible_unit=unit if unit.organization_type == Organization.Type.ADMINISTRATIVE_UNIT else None,
        target_date=decision.date + datetime.timedelta(days=settings.RATSBUCH_TRACKING_DEFAULT_DAYS),
    )
    return _saved(tracking, by)


# --- progress reports -------------------------------------------------------------------
def _check_report_date(tracking: Tracking, date: datetime.date) -> None:
    if date < tracking.start_date:
        raise ValidationError(
            {
                "date": ValidationError(
                    REPORT_BEFORE_DECISION_ERROR,
                    code="before_decision",
                    params={"date": tracking.start_date.strftime("%d.%m.%Y")},
                )
            }
        )
    if date > timezone.localdate():
        raise ValidationError({"date": ValidationError(REPORT_IN_FUTURE_ERROR, code="in_future")})


def _check_text(state: str, text: str) -> str:
    text = (text or "").strip()
    if not text:
        if state in Tracking.OPEN_STATES:
            raise ValidationError({"text": ValidationError(TEXT_EMPTY_ERROR, code="text_empty")})
        raise ValidationError(
            {
                "text": ValidationError(
                    CLOSING_REPORT_EMPTY_ERROR,
                    code="closing_report_empty",
                    params={"state": Tracking.State(state).label},
                )
            }
        )
    return text


@transaction.atomic
def tracking_report(
    *, tracking: Tracking, by: AbstractBaseUser, date: datetime.date, text: str, state: str
) -> ProgressReport:
    """Write a progress report (Sachstand) and move the tracking to the report's state.

    A report in a closing state (done, not feasible, obsolete) is the closing report: it
    needs a text, and the tracking is closed on the report's date.
    """
    locked = _lock(tracking)
    if not may_report(locked, by):
        raise ValidationError(REPORT_ROLE_ERROR, code="not_allowed", params={"unit": locked.responsible_unit_label})
    if not locked.is_open:
        raise ValidationError(TRACKING_CLOSED_ERROR, code="closed", params={"state": locked.get_state_display()})
    if locked.is_answer and state == Tracking.State.DONE and not _may_release_answer(locked, by):
        raise ValidationError(
            ANSWER_RELEASE_ROLE_ERROR, code="not_allowed", params={"unit": locked.responsible_unit_label}
        )
    if state not in Tracking.State.values:
        raise ValidationError({"state": ValidationError(_("Choose a state from the list."), code="invalid_state")})
    _check_report_date(locked, date)
    report = ProgressReport(tracking=locked, date=date, text=_check_text(state, text), state=state, author=by)
    _saved(report, by)
    locked.state = state
    locked.closed_on = None if state in Tracking.OPEN_STATES else date
    _saved(locked, by)
    tracking.state, tracking.closed_on = locked.state, locked.closed_on
    return report


@transaction.atomic
def tracking_report_correct(
    *, report: ProgressReport, by: AbstractBaseUser, date: datetime.date, text: str
) -> ProgressReport:
    """Let the office correct a report's date and text; the history keeps what it said before."""
    if not may_manage(by):
        raise ValidationError(OFFICE_ROLE_ERROR, code="not_allowed")
    tracking = _lock(report.tracking)
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check_report_date(tracking, date)
    locked.date, locked.text = date, _check_text(locked.state, text)
    _saved(locked, by)
    if not tracking.is_open and tracking.closing_report == locked:
        tracking.closed_on = date
        _saved(tracking, by)
    return locked


# --- the office's changes ---------------------------------------------------------------
@transaction.atomic
def tracking_update(
    *,
    tracking: Tracking,
    by: AbstractBaseUser,
    responsible_unit: Organization,
    responsible_person: Person | None,
    target_date: datetime.date,
) -> Tracking:
    """Set who answers for a decision and by when it is due (the council office)."""
    if not may_manage(by):
        raise ValidationError(OFFICE_ROLE_ERROR, code="not_allowed")
    locked = _lock(tracking)
    body = locked.paper.body
    errors = {}
    if (
        responsible_unit.body_id != body.pk
        or responsible_unit.organization_type != Organization.Type.ADMINISTRATIVE_UNIT
    ):
        errors["responsible_unit"] = ValidationError(
            NOT_A_UNIT_ERROR, code="not_a_unit", params={"organization": responsible_unit.name, "body": body.name}
        )
    elif (
        responsible_person is not None
        and not responsible_person.memberships.filter(organization=responsible_unit).exists()
    ):
        errors["responsible_person"] = ValidationError(
            PERSON_NOT_OF_UNIT_ERROR,
            code="person_not_of_unit",
            params={"person": responsible_person.name, "unit": responsible_unit.name},
        )
    if target_date < locked.start_date:
        errors["target_date"] = ValidationError(
            TARGET_BEFORE_DECISION_ERROR,
            code="target_before_decision",
            params={"date": locked.start_date.strftime("%d.%m.%Y")},
        )
    if errors:
        raise ValidationError(errors)
    locked.responsible_unit = responsible_unit
    locked.responsible_person = responsible_person
    locked.target_date = target_date
    return _saved(locked, by)


# --- the report back to the committees ----------------------------------------------------
REPORT_TWICE_ERROR = _("The report of %(organization)s as of %(date)s has already been generated: KSD %(reference)s.")
NOT_A_COMMITTEE_ERROR = _("%(organization)s is not a committee or council of %(body)s; choose one that decides.")
REPORT_GENERATE_ROLE_ERROR = _("Only the council office generates the Beschlusskontrolle report.")


def _released_mitteilung(*, body, organization, as_of, unit, by, name: str, text: str, public: bool):
    """A Mitteilung released at once, before `organization` for Kenntnisnahme: ready for its next agenda."""
    from resolutions.models import Consultation, Paper, PaperEvent
    from resolutions.services.numbering import paper_create

    paper = paper_create(
        body=body,
        by=by,
        name=name,
        date=as_of,
        under_direction_of=unit,
        paper_type=Paper.Type.COMMUNICATION,
        explanation=text,
        proposal_addressee="",
        proposal="",
        public=public,
    )
    consultation = Consultation(
        paper=paper, organization=organization, role=Consultation.Role.NOTICE, authoritative=True, order=1
    )
    consultation.full_clean()
    consultation.save()
    # The office writes the report itself: nobody co-signs it, and it is released as it is made.
    paper.state, paper.released_at, paper.version = Paper.State.RELEASED, timezone.now(), paper.version + 1
    _saved(paper, by)
    PaperEvent.objects.create(
        paper=paper,
        action=PaperEvent.Action.RELEASED,
        from_state=Paper.State.DRAFT,
        to_state=Paper.State.RELEASED,
        actor=by,
    )
    return paper


@transaction.atomic
def tracking_report_generate(*, organization: Organization, as_of: datetime.date, unit: Organization, by):
    """Generate the Beschlusskontrolle report of an organization as of a day (the council office).

    A public Mitteilung with the public decisions, and a non-public one with the others if
    there are any; both released and before `organization` for Kenntnisnahme, so the office
    puts them on its next agenda (the non-public one goes to the non-public part).
    """
    from .models import TrackingReport
    from .report import report_markdown, report_title, report_trackings

    if not may_manage(by):
        raise ValidationError(REPORT_GENERATE_ROLE_ERROR, code="not_allowed")
    body = organization.body
    if organization.organization_type != Organization.Type.COMMITTEE:
        raise ValidationError(
            {
                "organization": ValidationError(
                    NOT_A_COMMITTEE_ERROR,
                    code="not_a_committee",
                    params={"organization": organization.name, "body": body.name},
                )
            }
        )
    if unit.body_id != body.pk or unit.organization_type != Organization.Type.ADMINISTRATIVE_UNIT:
        raise ValidationError(
            {
                "unit": ValidationError(
                    NOT_A_UNIT_ERROR, code="not_a_unit", params={"organization": unit.name, "body": body.name}
                )
            }
        )
    # The organization's row serialises two offices generating the same report.
    Organization.objects.select_for_update().get(pk=organization.pk)
    if (existing := TrackingReport.objects.filter(organization=organization, as_of=as_of).first()) is not None:
        raise ValidationError(
            REPORT_TWICE_ERROR,
            code="twice",
            params={
                "organization": organization.name,
                "date": as_of.strftime("%d.%m.%Y"),
                "reference": existing.paper.reference,
            },
        )
    public_rows, nonpublic_rows = report_trackings(organization, as_of)
    common = {"body": body, "organization": organization, "as_of": as_of, "unit": unit, "by": by}
    paper = _released_mitteilung(
        **common,
        name=report_title(organization, as_of),
        text=report_markdown(public_rows, as_of=as_of),
        public=True,
    )
    nonpublic_paper = None
    if nonpublic_rows:
        nonpublic_paper = _released_mitteilung(
            **common,
            name=report_title(organization, as_of, nonpublic=True),
            text=report_markdown(nonpublic_rows, as_of=as_of),
            public=False,
        )
    report = TrackingReport(
        organization=organization, as_of=as_of, paper=paper, nonpublic_paper=nonpublic_paper, created_by=by
    )
    report.full_clean()
    report.save()
    return report


# --- the answer to an Anfrage ---------------------------------------------------------------
@transaction.atomic
def inquiry_assign(*, paper, by, responsible_unit: Organization, target_date: datetime.date) -> Tracking:
    """Give a received Anfrage to a unit of the administration to answer by a date (the council office).

    The answer is tracked like a decision: the unit reports progress, and the closing report
    (state done) is the answer, released by the head of the unit.
    """
    from resolutions.models import Paper

    if not may_manage(by):
        raise ValidationError(OFFICE_ROLE_ERROR, code="not_allowed")
    locked = Paper.objects.select_for_update().select_related("body").get(pk=paper.pk)
    params = {"reference": locked.reference, "type": locked.get_paper_type_display()}
    if locked.paper_type != Paper.Type.INQUIRY:
        raise ValidationError(NOT_AN_INQUIRY_ERROR, code="not_an_inquiry", params=params)
    if locked.released_at is None or locked.state == Paper.State.WITHDRAWN:
        raise ValidationError(
            INQUIRY_NOT_RECEIVED_ERROR, code="not_received", params={**params, "state": locked.get_state_display()}
        )
    if (existing := Tracking.objects.filter(paper=locked, decision__isnull=True).first()) is not None:
        raise ValidationError(
            INQUIRY_ASSIGNED_ERROR, code="assigned", params={**params, "unit": existing.responsible_unit_label}
        )
    tracking = Tracking(paper=locked, decision=None, responsible_unit=responsible_unit, target_date=target_date)
    errors = {}
    body = locked.body
    if (
        responsible_unit.body_id != body.pk
        or responsible_unit.organization_type != Organization.Type.ADMINISTRATIVE_UNIT
    ):
        errors["responsible_unit"] = ValidationError(
            NOT_A_UNIT_ERROR, code="not_a_unit", params={"organization": responsible_unit.name, "body": body.name}
        )
    if target_date < tracking.start_date:
        errors["target_date"] = ValidationError(
            TARGET_BEFORE_DECISION_ERROR,
            code="target_before_decision",
            params={"date": tracking.start_date.strftime("%d.%m.%Y")},
        )
    if errors:
        raise ValidationError(errors)
    return _saved(tracking, by)
