"""The search (`council.search`) and its page `/suche/`: the same answers on SQLite and PostgreSQL.

The demo answers the questions a citizen asks; factories build the cases the demo lacks
(HTML in a Sachverhalt, many hits). On PostgreSQL, more tests compare the Python analysis
with PostgreSQL's own (`to_tsvector`, `websearch_to_tsquery`, `ts_rank`) and check that
the GIN indexes serve the queries.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

import council.search as search_module
from council.models import AgendaItem, Organization, Person
from council.queries import is_insider
from council.roles import actor_for
from council.search import And, Not, Or, Phrase, Term, document, parse_query, search, stem, tokens
from resolutions.demo import DRAFT_TITLE, POOL_TITLE, PROPERTY_TITLE, SEED_REFERENCE
from resolutions.models import Paper
from tests.factories import AttachmentFactory, ReleasedPaperFactory

# The most queries one search with its facets and first page may take, on either engine.
SEARCH_MAX_QUERIES = 12
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")
ANONYMOUS = AnonymousUser()


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def demo_user(name: str):
    return ANONYMOUS if name == "anonymous" else User.objects.get(username=name)


def found(query: str, user=ANONYMOUS, **filters) -> list[tuple[str, str]]:
    """The hits as (kind, title) in order."""
    return [(hit.kind, hit.title) for hit in search(query, user=user, **filters).hits]


def paper_titles(query: str, user=ANONYMOUS, **filters) -> list[str]:
    return [hit.object.reference for hit in search(query, user=user, **filters).hits if hit.kind == "paper"]


# --- the analysis ------------------------------------------------------------------------------
def test_words_are_lowercased_stemmed_and_folded_like_postgresql_german():
    assert stem("bündnisse") == stem("bündnis") == "bundnis"
    assert stem("kommunen") == stem("kommune") == "kommun"
    assert stem("straße") == "strass"
    lexemes = [token.lexeme for token in tokens("Bund-Länder-Programm für Kommunen, 5-11 und z.B. 18.03.2013")]
    assert lexemes == [
        "bund-lander-programm",
        "bund",
        "land",
        "programm",
        None,  # "für" is a stopword: no lexeme, but a position
        "kommun",
        "5",
        "-11",
        None,
        "z.b",
        "18.03.2013",
    ]


def test_stopwords_keep_their_place_and_fields_follow_each_other():
    doc = document([("Bündnis für Soziale Stadt", "A"), ("Soziale Arbeit", "C")])
    assert doc["bundnis"] == [(1, "A")]
    assert doc["sozial"] == [(3, "A"), (5, "C")]  # the second text starts after position 4
    assert doc["arbeit"] == [(6, "C")]


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("Kommune Bündnisse", And((Term("kommun"), Term("bundnis")))),
        ('"Soziale Stadt"', Phrase((("sozial", 0), ("stadt", 1)))),
        ('"Bündnis für Soziale"', Phrase((("bundnis", 0), ("sozial", 2)))),
        ("Rheinland-Pfalz", Phrase((("rheinland-pfalz", 0), ("rheinland", 1), ("pfalz", 2)))),
        ("Stadt or Bündnis", Or((Term("stadt"), Term("bundnis")))),
        ("Stadt -Bündnis", And((Term("stadt"), Not(Term("bundnis"))))),
        ("Stadt - Bündnis", And((Term("stadt"), Not(Term("bundnis"))))),
        ("or Stadt", And((Term("or"), Term("stadt")))),
        ("für Stadt", Term("stadt")),
        ("für und", None),
        ("", None),
        ('""', None),
    ],
)
def test_queries_are_read_like_websearch_to_tsquery(query, parsed):
    assert parse_query(query) == parsed


# --- the demo ----------------------------------------------------------------------------------
def test_the_seed_is_found_by_a_word_of_its_sachverhalt(demo):
    references = paper_titles("Gemeinwesenarbeit")
    assert SEED_REFERENCE in references
    # The Vorlage with the word in its title ranks above the seed, which has it in the text only.
    pool = Paper.objects.get(name=POOL_TITLE).reference
    assert references.index(pool) < references.index(SEED_REFERENCE)
    # With a word of its title, the seed comes first of everything.
    first = search("Gemeinwesenarbeit Beitritt", user=ANONYMOUS).hits[0]
    assert (first.kind, first.object.reference) == ("paper", SEED_REFERENCE)
    assert first.url == reverse("resolutions:paper_detail", kwargs={"reference": SEED_REFERENCE})


def test_other_forms_of_a_word_find_it(demo):
    # The Sachverhalt says "Kommunen" and "Bündnis".
    assert SEED_REFERENCE in paper_titles("Kommune Bündnisse")


def test_a_phrase_must_occur_in_order(demo):
    assert SEED_REFERENCE in paper_titles('"Soziale Stadt"')
    seed = Paper.objects.get(reference=SEED_REFERENCE)
    text = f"{seed.name} {seed.subject_line} {seed.explanation} {seed.proposal}"
    assert "Soziale" in text and "Stadt" in text  # both words are there, just not in this order
    assert found('"Stadt Soziale"') == []
    assert SEED_REFERENCE in paper_titles("Stadt Soziale")


def test_attachment_text_finds_its_vorlage_with_an_excerpt_from_it(demo):
    # Only the accession declaration says "Vorbehalt"; the Vorlage's own text does not.
    seed = Paper.objects.get(reference=SEED_REFERENCE)
    assert "Vorbehalt" not in seed.explanation + seed.proposal
    hits = search("Vorbehalt", user=ANONYMOUS).hits
    assert [(hit.kind, hit.object.reference) for hit in hits] == [("paper", SEED_REFERENCE)]
    assert "<mark>Vorbehalt</mark>" in hits[0].snippet


def test_facets_count_and_filter(demo):
    result = search("Gemeinwesenarbeit", user=ANONYMOUS)
    kinds = {value.value: value.count for value in result.facets["kind"]}
    assert kinds == {"paper": 3, "organization": 1, "alliance": 1}
    assert result.total == 5
    states = {value.value: value.count for value in result.facets["state"]}
    assert states == {"released": 1, "in_consultation": 1, "decided": 1}

    only_papers = search("Gemeinwesenarbeit", user=ANONYMOUS, kinds=["paper"])
    assert only_papers.total == 3 and {hit.kind for hit in only_papers.hits} == {"paper"}
    # The kind facet still offers the other kinds with their counts.
    assert {value.value: value.count for value in only_papers.facets["kind"]} == kinds
    assert [value.value for value in only_papers.facets["kind"] if value.selected] == ["paper"]

    decided = search("Gemeinwesenarbeit", user=ANONYMOUS, state="decided")
    assert [hit.object.reference for hit in decided.hits] == [SEED_REFERENCE]
    in_2013 = search("Gemeinwesenarbeit", user=ANONYMOUS, year=2013)
    assert [hit.object.reference for hit in in_2013.hits] == [SEED_REFERENCE]
    assert {value.value: value.count for value in in_2013.facets["year"]}[2012] == 1  # the alliance's founding

    stadtrat = Organization.objects.get(name="Stadtrat")
    organizations = {value.value: value.count for value in result.facets["organization"]}
    assert organizations[stadtrat.pk] == 3
    before_stadtrat = search("Gemeinwesenarbeit", user=ANONYMOUS, organization=stadtrat)
    assert before_stadtrat.total == 3 and {hit.kind for hit in before_stadtrat.hits} == {"paper"}


@pytest.mark.parametrize(
    ("query", "kind", "title", "allowed"),
    [
        # the draft: its clerk, the head of the unit and the office
        ("Entwurf", "paper", DRAFT_TITLE, {"clerk", "head", "office"}),
        # the non-public land deal: its unit, the members of its committees, the office
        ("Flurstück", "paper", PROPERTY_TITLE, {"clerk", "head", "member", "office"}),
        # its item on the Stadtrat's agenda: members of the Stadtrat and the office
        ("Grundstücksangelegenheit", "agendaitem", "Grundstücksangelegenheit", {"member", "office"}),
        # the clerk, a member of the administration only: the office
        ("Jonas Brückner", "person", "Jonas Brückner", {"office"}),
    ],
)
def test_nothing_is_found_by_who_may_not_see_it(demo, query, kind, title, allowed):
    for name in ("anonymous", "clerk", "head", "member", "office"):
        result = search(query, user=demo_user(name))
        titles = [hit.title for hit in result.hits if hit.kind == kind]
        if name in allowed:
            assert any(title in hit for hit in titles), name
        else:
            assert not any(title in hit for hit in titles), name
            facet_kinds = {value.value for value in result.facets["kind"]}
            assert kind not in facet_kinds or result.total, name
    assert search(query, user=ANONYMOUS).total == 0


def test_the_agenda_item_rule_is_the_insider_rule_of_the_meeting_page(demo):
    items = list(AgendaItem.objects.select_related("meeting").prefetch_related("meeting__organizations"))
    for name in ("anonymous", "clerk", "head", "member", "office"):
        user = demo_user(name)
        actor = actor_for(user)
        expected = {item.pk for item in items if item.public or is_insider(item.meeting, actor)}
        assert set(AgendaItem.objects.visible_to(user).values_list("pk", flat=True)) == expected, name


# --- factories: the cases the demo lacks -------------------------------------------------------
def test_title_ranks_above_body(body):
    in_body = ReleasedPaperFactory(body=body, public=True, explanation="Es geht um den Quartiersplatz.")
    in_title = ReleasedPaperFactory(body=body, public=True, name="Neugestaltung des Quartiersplatzes")
    assert paper_titles("Quartiersplatz") == [in_title.reference, in_body.reference]


def test_snippets_mark_the_words_and_escape_the_text(body):
    ReleasedPaperFactory(
        body=body,
        public=True,
        explanation='Die Quartiersarbeit <script>alert("x")</script> & danach <b>fett</b>.',
    )
    hit = search("Quartiersarbeit", user=ANONYMOUS).hits[0]
    assert "<mark>Quartiersarbeit</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<script>" not in hit.snippet
    assert "<b>" not in hit.snippet and "&amp;" in hit.snippet


def test_a_non_public_attachment_finds_nothing_for_the_public(body, unit, clerk):
    paper = ReleasedPaperFactory(body=body, under_direction_of=unit, public=True, explanation="Öffentlich.")
    AttachmentFactory(paper=paper, public=False, text="Die Kaufpreisverhandlung steht noch aus.")
    assert search("Kaufpreisverhandlung", user=ANONYMOUS).total == 0
    hits = search("Kaufpreisverhandlung", user=clerk).hits
    assert [hit.object for hit in hits] == [paper]
    assert "<mark>Kaufpreisverhandlung</mark>" in hits[0].snippet


def test_an_empty_query_finds_nothing(body):
    ReleasedPaperFactory(body=body, public=True, name="Und für die Stadt")
    for query in ("", "   ", "und für", "-Stadt", '""'):
        result = search(query, user=ANONYMOUS)
        assert result.total == 0 and list(result.hits) == [], query


# --- the page ----------------------------------------------------------------------------------
def test_search_url_round_trip():
    assert reverse("council:search") == "/suche/"
    assert resolve("/suche/").view_name == "council:search"


def test_page_shows_hits_facets_and_keeps_the_query(client, demo):
    response = client.get("/suche/", {"q": "Gemeinwesenarbeit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "5 hits for “Gemeinwesenarbeit”" in html
    assert reverse("resolutions:paper_detail", kwargs={"reference": SEED_REFERENCE}) in html
    assert "<mark>Gemeinwesenarbeit</mark>" in html
    assert "?q=Gemeinwesenarbeit&amp;kind=paper" in html  # a facet link keeps the query
    response = client.get("/suche/", {"q": "Gemeinwesenarbeit", "kind": "paper"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "3 hits for" in response.content.decode()


def test_page_without_query_explains_and_the_navbar_has_a_search_box(client, db):
    response = client.get("/suche/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Put a phrase in quotes" in html
    assert "noindex" not in html
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<form action="/suche/" method="get" role="search"', home)
    assert 'aria-label="Search Vorlagen, meetings, people …"' in home


def test_page_with_nothing_found_gives_tips(client, db):
    html = client.get("/suche/", {"q": "Zzyzx"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing found." in html and "Use fewer words" in html


def test_bad_filters_are_ignored(client, db):
    response = client.get(
        "/suche/", {"q": "Stadt", "year": "20x3", "organization": "-1", "page": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200


def test_the_arguments_of_a_request_are_read_strictly_and_carried_into_links():
    arguments = search_module.arguments_from(
        QueryDict("q=+Soziale+Stadt+&kind=paper&kind=nonsense&organization=%C2%B2&year=1899&state=" + "x" * 40)
    )
    assert arguments.query == "Soziale Stadt"
    assert arguments.filters == {"kinds": ["paper"], "organization": None, "year": None, "state": "x" * 30}
    assert arguments.filtered
    assert arguments.parameters == [("q", "Soziale Stadt"), ("kind", "paper"), ("state", "x" * 30)]
    plain = search_module.arguments_from(QueryDict("q=Stadt&organization=7&year=2013"))
    assert plain.filters == {"kinds": None, "organization": 7, "year": 2013, "state": None}
    assert plain.parameters == [("q", "Stadt"), ("organization", "7"), ("year", "2013")]
    assert not search_module.arguments_from(QueryDict("q=Stadt")).filtered


def test_pagination(client, body):
    for number in range(25):
        ReleasedPaperFactory(body=body, public=True, name=f"Haushaltssperre Nummer {number}")
    first = client.get("/suche/", {"q": "Haushaltssperre"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(first.context["hits"]) == 20 and first.context["result"].total == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/suche/", {"q": "Haushaltssperre", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(second.context["hits"]) == 5
    assert not {hit.object.pk for hit in first.context["hits"]} & {hit.object.pk for hit in second.context["hits"]}


# Every source one query for its matches (and one for related text on SQLite), one per
# organization path, the page's objects by kind, the organization names, the session's
# user and its groups: a fixed number, however many hits.
@pytest.mark.parametrize("count", [5, 50])
def test_query_count_does_not_grow_with_the_hits(client, body, office, count, django_assert_max_num_queries):
    for number in range(count):
        paper = ReleasedPaperFactory(body=body, public=True, name=f"Haushaltssperre Nummer {number}")
        AttachmentFactory(paper=paper, text="Haushaltssperre im Anhang")
    client.force_login(office)
    with django_assert_max_num_queries(18):
        response = client.get("/suche/", {"q": "Haushaltssperre"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["result"].total == count


# --- PostgreSQL: the Python analysis is PostgreSQL's -------------------------------------------
def _tsvector(text: str) -> dict[str, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('german', %s)::text", [text])
        value = cursor.fetchone()[0]
    return {
        lexeme.replace("''", "'"): [int(position) for position in positions.split(",")]
        for lexeme, positions in re.findall(r"'((?:[^']|'')*)':([\d,]+)", value)
    }


def _tsquery(query) -> str:
    """A parsed query written the way PostgreSQL prints a tsquery."""
    if isinstance(query, Term):
        return f"'{query.lexeme}'"
    if isinstance(query, Phrase):
        out = f"'{query.items[0][0]}'"
        for (_previous, before), (lexeme, offset) in zip(query.items, query.items[1:], strict=False):
            distance = offset - before
            out += f" <-> '{lexeme}'" if distance == 1 else f" <{distance}> '{lexeme}'"
        return out
    if isinstance(query, Not):
        return "!" + _tsquery(query.node)
    joiner = " & " if isinstance(query, And) else " | "
    return joiner.join(_tsquery(node) for node in query.nodes)


@postgresql_only
def test_documents_are_postgresqls_tsvectors(demo):
    texts = []
    for paper in Paper.objects.all():
        texts += [paper.name, paper.subject_line, paper.explanation, paper.proposal]
        texts += [attachment.text for attachment in paper.attachments.all()]
    texts += [item.name for item in AgendaItem.objects.all()]
    texts += [str(person) for person in Person.objects.all()[:80]]
    for text in texts:
        ours = {lexeme: [position for position, _ in places] for lexeme, places in document([(text, "D")]).items()}
        assert ours == _tsvector(text), text


@postgresql_only
@pytest.mark.parametrize(
    "query",
    [
        "Kommune Bündnisse",
        '"Soziale Stadt"',
        '"Bündnis für Soziale"',
        "Rheinland-Pfalz",
        "Kommune,Bündnisse",
        "Stadt or Bündnis",
        "Stadt -Bündnis",
        '"Stadt" Bündnis OR Kommune Land',
        "5-11",
        "Straße Fußgänger-Zone",
        "für Stadt",
        '"unclosed phrase',
    ],
)
def test_queries_are_postgresqls_tsqueries(db, query):
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('german', %s)::text", [query])
        assert _tsquery(parse_query(query)) == cursor.fetchone()[0]


@postgresql_only
@pytest.mark.parametrize("name", ["anonymous", "member", "office"])
def test_both_engines_give_the_same_answers(demo, monkeypatch, name):
    user = demo_user(name)
    queries = [
        "Gemeinwesenarbeit",
        "Kommune Bündnisse",
        '"Soziale Stadt"',
        "Stadt or Bündnis",
        "Stadt -Bündnis",
        "Rheinland-Pfalz",
        "Sitzung",
        "Vorbehalt",
        "Flurstück Hemshof",
        "Ausschuss Soziales",
    ]

    def answers(engine):
        # `search()` looks its engine up in `council.search.searching`, so that is where it is swapped.
        monkeypatch.setattr(search_module.searching, "engine", engine)
        return {
            query: [(hit.kind, hit.object.pk, hit.rank) for hit in search(query, user=user).hits] for query in queries
        }

    assert answers(search_module.PythonEngine) == answers(search_module.PostgresEngine)


@postgresql_only
def test_postgresql_uses_the_gin_indexes(demo):
    with CaptureQueriesContext(connection) as captured:
        search("Gemeinwesenarbeit", user=demo_user("office"))
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        for query in captured.captured_queries:
            if "websearch_to_tsquery" in query["sql"] and "ts_headline" not in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET enable_seqscan = on")
    used = "\n".join(plans)
    for index in (
        "paper_search_gin",
        "attachment_text_gin",
        "agendaitem_search_gin",
        "meeting_search_gin",
        "organization_search_gin",
        "person_search_gin",
        "alliance_search_gin",
        "allianceaim_text_gin",
    ):
        assert f"Index Scan on {index}" in used, index


# --- German operators and the help in German ------------------------------------------------
@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("Stadt oder Bündnis", "Stadt or Bündnis"),
        ("Stadt ODER Bündnis", "Stadt or Bündnis"),
        ('"Stadt oder Land" oder Bund', '"Stadt oder Land" or Bund'),
        ("Oder", "Oder"),
        ("oder Stadt", "oder Stadt"),
        ("Oderbruch", "Oderbruch"),
    ],
)
def test_oder_between_words_is_or(query, written):
    assert search_module.query.with_english_operators(query) == written


def test_a_search_with_oder_finds_either_word(body):
    north = ReleasedPaperFactory(body=body, name="Straßenreinigung im Norden")
    south = ReleasedPaperFactory(body=body, name="Gemeinwesenarbeit im Süden")

    assert sorted(paper_titles("Straßenreinigung oder Gemeinwesenarbeit")) == sorted([north.reference, south.reference])
    assert search("Straßenreinigung oder Gemeinwesenarbeit", user=ANONYMOUS).query == (
        "Straßenreinigung oder Gemeinwesenarbeit"
    )


def test_the_german_help_says_oder_and_the_placeholder_is_escaped(client, db):
    html = client.get("/suche/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "schreiben Sie oder zwischen Alternativen" in html
    assert 'placeholder="z. B. Gemeinwesenarbeit oder &quot;Soziale Stadt&quot;"' in html


def _plans(sqls: list[str]) -> str:
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # the demo is small: make PostgreSQL show what it can use
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET enable_seqscan = on")
    return "\n".join(plans)


@postgresql_only
def test_postgresql_matches_and_ranks_vorlagen_on_their_stored_vectors(demo):
    with CaptureQueriesContext(connection) as captured:
        search("Gemeinwesenarbeit", user=demo_user("office"))
    matching = [
        query["sql"]
        for query in captured.captured_queries
        if "websearch_to_tsquery" in query["sql"] and "ts_headline" not in query["sql"]
    ]
    paper_queries = [sql for sql in matching if '"resolutions_paper"' in sql]
    assert paper_queries
    for sql in paper_queries:
        # Neither matching nor ranking parses a Vorlage's or an attachment's text again.
        assert '"search_vector"' in sql
        assert 'to_tsvector(\'german\'::regconfig, COALESCE(("resolutions_paper"."explanation")' not in sql
        assert "explanation" not in sql
    used = _plans(paper_queries)
    assert "paper_search_gin" in used
    assert "attachment_text_gin" in used


@postgresql_only
def test_postgresql_paper_list_query_uses_the_gin_index(demo, client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("resolutions:paper_list") + "?q=Gemeinwesenarbeit")
    assert SEED_REFERENCE in response.text
    listed = [query["sql"] for query in captured.captured_queries if "websearch_to_tsquery" in query["sql"]]
    assert listed
    assert "Index Scan on paper_search_gin" in _plans(listed)


@postgresql_only
def test_postgresql_stores_the_vector_of_a_row_written_later(db):
    paper = ReleasedPaperFactory(explanation="Ein Zebrastreifen vor der Grundschule.")
    assert paper_titles("Zebrastreifen") == [paper.reference]
    Paper.objects.filter(pk=paper.pk).update(explanation="Eine Ampel vor der Grundschule.")
    assert paper_titles("Zebrastreifen") == []
    assert paper_titles("Ampel") == [paper.reference]


@pytest.mark.parametrize("count", [3, 40])
def test_search_queries_do_not_grow_with_the_hits(db, django_assert_max_num_queries, count):
    for number in range(count):
        paper = ReleasedPaperFactory(name=f"Radweg {number}", explanation="Ein Radweg an der Schule.")
        AttachmentFactory(paper=paper, text="Der Radweg im Plan.")

    # The count, the facets and one page: per source, whatever the number of hits.
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        result = search("Radweg", user=ANONYMOUS)
        page = result.hits[:20]

    assert result.total == count
    assert len(page) == min(count, 20)
