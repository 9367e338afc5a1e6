"""Data migrations of resolutions: what they make of rows written before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("resolutions", "0005_search_indexes")]
AFTER = [("resolutions", "0006_paper_event_refers")]


def _migrate(targets):
    """Migrate resolutions to `targets`; return the models as they were then, council's as they are now.

    Unapplying resolutions' migrations leaves council's applied, so its tables keep their
    newest columns and the historic models must have them too.
    """
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    council = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "council"]
    return executor.loader.project_state(targets + council).apps


@pytest.fixture
def _back_to_the_latest():
    """Leave the test database as the other tests expect it: every migration applied."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_the_latest")
def test_old_events_lose_their_copied_text_and_point_at_meeting_item_and_decision():
    apps = _migrate(BEFORE)
    Body = apps.get_model("council", "Body")
    Organization = apps.get_model("council", "Organization")
    Meeting = apps.get_model("council", "Meeting")
    AgendaItem = apps.get_model("council", "AgendaItem")
    Paper = apps.get_model("resolutions", "Paper")
    Consultation = apps.get_model("resolutions", "Consultation")
    Decision = apps.get_model("resolutions", "Decision")
    PaperEvent = apps.get_model("resolutions", "PaperEvent")

    body = Body.objects.create(name="Stadt Ludwigshafen am Rhein", short_name="Ludwigshafen", ags="07314000")
    unit = Organization.objects.create(body=body, name="Bereich 5-11", organization_type="Verwaltungsbereich")
    committee = Organization.objects.create(body=body, name="Ausschuss für Soziales", organization_type="Gremium")
    start = datetime.datetime(2013, 3, 4, 15, tzinfo=datetime.UTC)
    meeting = Meeting.objects.create(body=body, name="23. Sitzung des Sozialausschusses", start=start)
    meeting.organizations.add(committee)
    item = AgendaItem.objects.create(meeting=meeting, number="3", order=3, name="Beitritt", public=False)
    paper = Paper.objects.create(
        body=body, reference="20135317", name="Beitritt", date=datetime.date(2013, 2, 20), under_direction_of=unit
    )
    step = Consultation.objects.create(
        paper=paper, organization=committee, role="Vorberatung", order=1, agenda_item=item
    )
    decision = Decision.objects.create(
        consultation=step, agenda_item=item, result="beschlossen", date=datetime.date(2013, 3, 4)
    )

    def event(action, comment):
        return PaperEvent.objects.create(paper=paper, action=action, to_state="in_consultation", comment=comment).pk

    scheduled = event("scheduled", "23. Sitzung des Sozialausschusses, TOP 3")
    advanced = event("advanced", "Empfehlung von Ausschuss für Soziales: beschlossen")
    withdrawn = event("withdrawn", "Nicht mehr nötig.")
    # Written at another moment than the decision: a person's withdrawal keeps its words.
    PaperEvent.objects.filter(pk=withdrawn).update(created=start + datetime.timedelta(days=30))

    apps = _migrate(AFTER)
    PaperEvent = apps.get_model("resolutions", "PaperEvent")
    rows = PaperEvent.objects.in_bulk([scheduled, advanced, withdrawn])

    assert (rows[scheduled].comment, rows[scheduled].meeting_id, rows[scheduled].agenda_item_id) == (
        "",
        meeting.pk,
        item.pk,
    )
    assert (rows[advanced].comment, rows[advanced].decision_id, rows[advanced].agenda_item_id) == (
        "",
        decision.pk,
        item.pk,
    )
    assert (rows[withdrawn].comment, rows[withdrawn].decision_id) == ("Nicht mehr nötig.", None)
