"""oparl.queries: the indexed `changed_since` finds exactly the rows `with_modified` says changed."""

import datetime

import pytest
from django.utils import timezone

from oparl import queries
from resolutions.models import Paper
from tests.factories import (
    AgendaItemFactory,
    AttachmentFactory,
    ConsultationFactory,
    MeetingFactory,
    ProgressReportFactory,
    ReleasedPaperFactory,
    TrackingFactory,
)

LONG_AGO = timezone.make_aware(datetime.datetime(2000, 1, 1))


def _age(*objects) -> None:
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(modified=LONG_AGO)


def _changed(kind: str, since) -> set[int]:
    return set(
        queries.KINDS[kind].served().filter(pk__in=queries.changed_since(kind, since)).values_list("pk", flat=True)
    )


def _annotated(kind: str, since) -> set[int]:
    served = queries.with_modified(kind, queries.KINDS[kind].served())
    return set(served.filter(oparl_modified__gte=since).values_list("pk", flat=True))


@pytest.fixture
def papers(body, committee):
    """Four public Vorlagen, each with a step on an agenda item and an attachment, all long unchanged."""
    made = []
    for _ in range(4):
        paper = ReleasedPaperFactory(body=body)
        item = AgendaItemFactory(meeting=MeetingFactory(body=body, organizations=[committee]))
        step = ConsultationFactory(paper=paper, organization=committee, agenda_item=item)
        attachment = AttachmentFactory(paper=paper, public=True)
        _age(paper, item, step, attachment)
        made.append((paper, item, step, attachment))
    return made


@pytest.mark.parametrize("kind", ["Paper", "PaperMainFile"])
@pytest.mark.parametrize("touched", ["paper", "item", "step", "attachment", "none"])
def test_changed_since_agrees_with_modified_as_served(papers, kind, touched):
    since = timezone.now() - datetime.timedelta(minutes=1)
    paper, item, step, attachment = papers[1]
    target = {"paper": paper, "item": item, "step": step, "attachment": attachment}.get(touched)
    if target is not None:
        target.save()

    changed = _changed(kind, since)

    assert changed == _annotated(kind, since)
    assert changed == ({paper.pk} if target is not None else set())


def test_a_progress_report_changes_its_paper(papers):
    tracking = TrackingFactory(paper=papers[2][0])
    _age(tracking, tracking.decision, tracking.paper, tracking.decision.consultation)
    since = timezone.now() - datetime.timedelta(minutes=1)
    ProgressReportFactory(tracking=tracking)

    assert _changed("Paper", since) == _annotated("Paper", since)


def test_kinds_without_an_index_path_keep_the_annotation(db):
    assert queries.changed_since("Meeting", timezone.now()) is None
    assert Paper.objects.count() == 0
