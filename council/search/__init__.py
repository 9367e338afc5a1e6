"""Full-text search over what a user may see: Vorlagen, agenda items, meetings, organizations, people, alliances.

One function, `search()`, and three engines behind it that give the same answers:

- **PostgreSQL**: German full-text search. Each source's weighted fields make one
  `tsvector` (title A, subject B, body text C, attachment text D), matched with
  `websearch_to_tsquery('german', …)` so that words are ANDed, `"quoted phrases"` are
  phrases, `or` and `-word` work; excerpts from `ts_headline`, `ts_rank` for the page
  shown. GIN indexes on these vectors (stored columns for the big tables) are created by
  the `…_search_indexes` and `…_search_vector(s)` migrations, on PostgreSQL only.
- **SQLite** (the embedded default): FTS5 tables of the same German lexemes, computed in
  Python (`fts`): text is split into tokens the way PostgreSQL's parser does, lowercased,
  stopwords dropped (they still take a position), German words stemmed with PostgreSQL's
  Snowball stemmer (which folds ä/ö/ü and ß); the query is parsed the way
  `websearch_to_tsquery` parses it and written as an FTS5 expression.
- **Any other database**: the same analysis in Python over candidates that SQL narrows
  with LIKE patterns (`fallback`), `ts_rank` computed by its own formula.

Both indexed engines share `sql.SqlEngine`: the hit count and the facets are SQL
aggregates over the matching rows, and the order is cheap (title matches first, then
newest first), read with `LIMIT` only up to the page shown; no hit is ranked or read
whole except those of the page.

What is searched is declared by the apps, not here: `settings.RATSBUCH_SEARCH_SOURCES`
lists `SearchSource` classes by dotted path (council's in `council.search_sources`, the
Vorlagen in `resolutions.search`, alliances in `alliances.search`), so council never
imports the apps that depend on it. A source names the rows a user may see (through the
models' own visibility rules), its weighted fields, related text (attachments), facets,
title, date and URL. Only visible rows are ever matched, counted or excerpted.

Where each part lives (everything is imported from `council.search` itself):

- `analysis`: tokens, stopwords, the German stemmer, documents (weighted tsvectors).
- `query`: the `websearch_to_tsquery` parser, matching and `ts_rank` in Python.
- `excerpts`: excerpts with the query's words in <mark>, escaped.
- `sources`: `SearchSource`, `RelatedText` and the registry of sources.
- `postgres`: the PostgreSQL engine, `document_vector()`, `search_index()`, `search_index_operation()`,
  `stored_vector_operation()` (generated tsvector columns of the big tables) and `StoredVector`.
- `sql`: what the indexed engines share (`SqlEngine`, `SearchFilters`, the order's tiers).
- `fts`: the SQLite engine `Fts5Engine`, its tables and triggers (`install`, `ensure_installed`).
- `fallback`: the Python engine, for databases with neither.
- `results`: `Hit`, `HitList`, `SearchResult`, `FacetValue`.
- `searching`: `engine()`, `search()` with its facets, and `matching()` (the pks a query finds, for list filters).
- `arguments`: `arguments_from()`, the query and facets of a request (search page and feeds).
"""

from council.search.analysis import (
    CONFIG,
    MAX_POSITION,
    MAX_POSITIONS_PER_LEXEME,
    NOT_A_LETTER,
    STOPWORDS,
    TOKEN,
    Document,
    Token,
    document,
    stem,
    tokens,
)
from council.search.arguments import (
    STATE_MAX_LENGTH,
    YEAR_MAX,
    YEAR_MIN,
    SearchArguments,
    arguments_from,
)
from council.search.excerpts import (
    LESS_THAN,
    MARK_START,
    MARK_STOP,
    SNIPPET_MAX_WORDS,
    SNIPPET_MIN_WORDS,
    snippet,
)
from council.search.fallback import PythonEngine, like_pattern
from council.search.fts import Fts5Engine, fts_expression, lexemes
from council.search.postgres import (
    PostgresEngine,
    StoredVector,
    document_vector,
    search_index,
    search_index_operation,
    source_vector,
    stored_vector_operation,
)
from council.search.query import (
    QUERY_MAX_LENGTH,
    QUERY_PIECE,
    WEIGHTS,
    And,
    Not,
    Or,
    Phrase,
    Term,
    all_lexemes,
    matches,
    parse_query,
    positive_lexemes,
    rank,
    searchable,
)
from council.search.results import FACETS, FacetValue, Hit, HitList, SearchResult
from council.search.searching import ORGANIZATION_FACET_SIZE, RANK_DIGITS, engine, matching, search
from council.search.sources import RelatedText, SearchSource, kind_choices, sources
from council.search.sql import SqlEngine, positive_part

__all__ = [
    "CONFIG",
    "FACETS",
    "LESS_THAN",
    "MARK_START",
    "MARK_STOP",
    "MAX_POSITION",
    "MAX_POSITIONS_PER_LEXEME",
    "NOT_A_LETTER",
    "ORGANIZATION_FACET_SIZE",
    "QUERY_MAX_LENGTH",
    "QUERY_PIECE",
    "RANK_DIGITS",
    "SNIPPET_MAX_WORDS",
    "SNIPPET_MIN_WORDS",
    "STATE_MAX_LENGTH",
    "STOPWORDS",
    "TOKEN",
    "WEIGHTS",
    "YEAR_MAX",
    "YEAR_MIN",
    "And",
    "Document",
    "FacetValue",
    "Fts5Engine",
    "Hit",
    "HitList",
    "Not",
    "Or",
    "Phrase",
    "PostgresEngine",
    "PythonEngine",
    "RelatedText",
    "SearchArguments",
    "SearchResult",
    "SearchSource",
    "SqlEngine",
    "StoredVector",
    "Term",
    "Token",
    "all_lexemes",
    "arguments_from",
    "document",
    "document_vector",
    "engine",
    "fts_expression",
    "kind_choices",
    "lexemes",
    "like_pattern",
    "matches",
    "matching",
    "parse_query",
    "positive_lexemes",
    "positive_part",
    "rank",
    "search",
    "search_index",
    "search_index_operation",
    "searchable",
    "snippet",
    "source_vector",
    "sources",
    "stem",
    "stored_vector_operation",
    "tokens",
]
