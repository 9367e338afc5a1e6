"""The search's indexes (`council.search.fts`, `council.search.sql`): FTS5 on SQLite, GIN on PostgreSQL.

Every test runs on the database of the run; those that look at an index's query plan run
on its database only. The rules: German stems on both engines, the index kept by every
write and rebuilt by `manage.py rebuild_search_index`, the count and the facets never
counting what a user may not see, and the order read without ranking every hit.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.search import (
    And,
    Not,
    Or,
    Phrase,
    PostgresEngine,
    Term,
    fts_expression,
    lexemes,
    parse_query,
    search,
)
from resolutions.models import Paper
from resolutions.search import PaperSource
from tests.factories import AgendaItemFactory, MeetingFactory, ReleasedPaperFactory

ANONYMOUS = AnonymousUser()
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")


def references(query: str, user=ANONYMOUS, **filters) -> list[str]:
    return [hit.object.reference for hit in search(query, user=user, **filters).hits if hit.kind == "paper"]


# --- German stems, the same on both engines ------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "asked"),
    [
        ("Der neue Radweg am Fluss", "Radwege"),
        ("Die Radwege am Fluss", "Radweg"),
        ("Sanierung der Straßen", "Straße"),
        ("Zwei Bündnisse der Kommunen", "Bündnis"),
        ("Die Kindertagesstätte im Quartier", "Kindertagesstätten"),
    ],
)
def test_other_forms_of_a_word_find_it(body, written, asked):
    paper = ReleasedPaperFactory(body=body, public=True, explanation=written)
    ReleasedPaperFactory(body=body, public=True, explanation="Etwas ganz anderes.")
    assert references(asked) == [paper.reference]


def test_lexemes_hold_the_place_of_stopwords_so_that_phrases_match_in_order():
    assert lexemes("Die Soziale Stadt", "und der Radweg") == "_ sozial stadt _ _ radweg"
    assert lexemes("Rheinland-Pfalz") == "rheinland-pfalz rheinland pfalz"


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("Radweg", '"radweg"'),
        ("Radweg Schule", '("radweg" AND "schul")'),
        ('"Soziale Stadt"', '"sozial stadt"'),
        ('"Bündnis für Soziale"', '"bundnis _ sozial"'),
        ("Radweg -Parkplatz", '(("radweg") NOT "parkplatz")'),
        ("Freibad or Hallenbad", '("freibad" OR "hallenbad")'),
    ],
)
def test_queries_become_fts5_expressions_of_the_same_lexemes(query, expression):
    assert fts_expression(parse_query(query)) == expression


def test_phrases_negations_and_or_find_what_postgresql_finds(body):
    social = ReleasedPaperFactory(body=body, public=True, explanation="Das Programm Soziale Stadt im Quartier.")
    apart = ReleasedPaperFactory(body=body, public=True, explanation="Soziale Fragen der Stadt im Quartier.")
    assert references('"Soziale Stadt"') == [social.reference]
    assert references("Quartier -Programm") == [apart.reference]
    assert sorted(references("Programm or Fragen")) == sorted([social.reference, apart.reference])


# --- the order: title matches first, then the newest ------------------------------------------
def test_title_matches_come_first_then_the_newest(body):
    old_body = ReleasedPaperFactory(body=body, public=True, date=datetime.date(2010, 1, 1), explanation="Der Deich.")
    new_body = ReleasedPaperFactory(body=body, public=True, date=datetime.date(2020, 1, 1), explanation="Der Deich.")
    old_title = ReleasedPaperFactory(body=body, public=True, date=datetime.date(2011, 1, 1), name="Deich am Fluss")
    new_title = ReleasedPaperFactory(body=body, public=True, date=datetime.date(2019, 1, 1), name="Deich im Süden")
    assert references("Deich") == [
        new_title.reference,
        old_title.reference,
        new_body.reference,
        old_body.reference,
    ]


# --- the index follows every write -------------------------------------------------------------
def test_the_index_follows_updates_and_deletions(body):
    paper = ReleasedPaperFactory(body=body, public=True, explanation="Ein Zebrastreifen vor der Grundschule.")
    assert references("Zebrastreifen") == [paper.reference]
    Paper.objects.filter(pk=paper.pk).update(explanation="Eine Ampel vor der Grundschule.")
    assert references("Zebrastreifen") == []
    assert references("Ampel") == [paper.reference]
    paper.name = "Querungshilfe"
    paper.save()
    assert references("Querungshilfe") == [paper.reference]
    paper.delete()
    assert references("Ampel") == []


@sqlite_only
def test_rebuild_search_index_builds_the_fts5_tables_again(body):
    paper = ReleasedPaperFactory(body=body, public=True, explanation="Die Trinkbrunnen der Innenstadt.")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts_paper")
    assert references("Trinkbrunnen") == []
    call_command("rebuild_search_index", verbosity=0)
    assert references("Trinkbrunnen") == [paper.reference]


def test_rebuild_search_index_runs_on_every_database(db, capsys):
    call_command("rebuild_search_index")
    assert " in " in capsys.readouterr().out


# --- what the public may not see is neither found nor counted -----------------------------------
def test_a_non_public_vorlage_is_neither_found_nor_counted_for_the_public(body, unit, clerk, office):
    shown = ReleasedPaperFactory(body=body, public=True, explanation="Die Kaltluftschneise am Hang.")
    hidden = ReleasedPaperFactory(
        body=body,
        public=False,
        under_direction_of=unit,
        date=datetime.date(2019, 5, 5),
        explanation="Die Kaltluftschneise und der Grundstückskauf.",
    )
    result = search("Kaltluftschneise", user=ANONYMOUS)
    assert result.total == 1 and [hit.object for hit in result.hits] == [shown]
    assert [(value.label, value.count) for value in result.facets["year"]] == [("2013", 1)]
    assert sum(value.count for value in result.facets["state"]) == 1
    assert sum(value.count for value in result.facets["kind"]) == 1
    assert all(value.value != unit.pk for value in result.facets["organization"])
    assert search("Grundstückskauf", user=ANONYMOUS).total == 0
    for insider in (clerk, office):
        assert hidden.reference in references("Grundstückskauf", user=insider)
        assert search("Kaltluftschneise", user=insider).total == 2


def test_a_non_public_vorlage_is_not_in_the_paper_list_search_for_the_public(client, body, unit, clerk):
    hidden = ReleasedPaperFactory(
        body=body, public=False, under_direction_of=unit, explanation="Der Vorkaufsrechtsfall."
    )
    url = reverse("resolutions:paper_list") + "?q=Vorkaufsrechtsfall"
    assert hidden.reference not in client.get(url).text
    client.force_login(clerk)
    assert hidden.reference in client.get(url).text


def test_a_non_public_agenda_item_is_neither_found_nor_counted_for_the_public(body, office):
    meeting = MeetingFactory(body=body)
    AgendaItemFactory(meeting=meeting, name="Personalangelegenheit Stellenbesetzung", public=False)
    result = search("Stellenbesetzung", user=ANONYMOUS)
    assert result.total == 0 and list(result.hits) == [] and result.facets["kind"] == []
    assert search("Stellenbesetzung", user=office).total == 1


# --- the indexes serve the queries -------------------------------------------------------------
def _search_sql(query: str, user=ANONYMOUS) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        result = search(query, user=user)
        result.hits[:20]
    return [entry["sql"] for entry in captured.captured_queries]


@sqlite_only
def test_sqlite_matches_counts_and_facets_on_the_fts5_tables(body):
    for number in range(3):
        ReleasedPaperFactory(body=body, public=True, name=f"Radweg {number}", explanation="Ein Radweg zur Schule.")
    sqls = _search_sql("Radweg")
    matching = [sql for sql in sqls if "MATCH" in sql]
    # The count with the facets (one statement a source) and the page's order all match on FTS5.
    assert any(sql.startswith("WITH search_hits") and "search_fts_paper MATCH" in sql for sql in matching)
    assert any(sql.startswith("SELECT") and "search_fts_paper MATCH" in sql for sql in matching)
    with connection.cursor() as cursor:
        for sql in matching:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan, sql
    # No Vorlage's text is read to match, count or order: only the page's rows are.
    assert not any("explanation" in sql for sql in matching)


@postgresql_only
def test_postgresql_counts_facets_and_orders_on_the_gin_indexes(db):
    call_command("load_demo", verbosity=0)
    sqls = [sql for sql in _search_sql("Gemeinwesenarbeit") if "tsquery" in sql and "ts_headline" not in sql]
    paper = [sql for sql in sqls if '"resolutions_paper"' in sql]
    counted = [sql for sql in paper if sql.startswith("WITH search_hits")]
    ordered = [sql for sql in paper if sql.startswith("SELECT")]
    assert counted and ordered
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test database is small: show what PostgreSQL can use
        for sql in counted:
            cursor.execute("EXPLAIN " + sql)
            plans[sql] = "\n".join(row[0] for row in cursor.fetchall())
        # On twenty rows the planner would rather walk one of the public list's partial indexes and
        # filter the title match; without them, the plan shows that the title vector's index serves
        # the order. The test's transaction rolls the DROPs back.
        for index in ("paper_public_body_id", "paper_public_newest", "paper_public_state_newest"):
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
        for sql in ordered:
            cursor.execute("EXPLAIN " + sql)
            plans[sql] = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    for sql in counted:
        assert "paper_search_gin" in plans[sql], plans[sql]
        assert "ts_rank" not in sql and "explanation" not in sql
    assert any("paper_title_search_gin" in plans[sql] for sql in ordered), [plans[sql] for sql in ordered]
    for sql in ordered:
        assert "ts_rank" not in sql and "explanation" not in sql
    # The attachments' part of every one of them: matched on the attachments' own GIN index.
    related = PaperSource.related[0]
    attachments = PostgresEngine()._related_matches(related, ANONYMOUS, "Gemeinwesenarbeit", None)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        sql, params = attachments.values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "attachment_text_gin" in plan


def test_the_tree_of_a_query_is_what_the_expressions_are_built_from():
    assert parse_query("Radweg -Parkplatz") == And((Term("radweg"), Not(Term("parkplatz"))))
    assert parse_query('"Soziale Stadt" or Deich') == Or((Phrase((("sozial", 0), ("stadt", 1))), Term("deich")))
