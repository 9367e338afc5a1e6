"""Queries: `websearch_to_tsquery` in Python, and how a query matches and ranks a document."""

import math
import re
from dataclasses import dataclass
from typing import Any

from council.search.analysis import Document, tokens

# The longest query taken; the rest is cut off (a search box, not a document).
QUERY_MAX_LENGTH = 200
# ts_rank's default weights of D, C, B, A.
WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}


@dataclass(frozen=True)
class Term:
    lexeme: str


@dataclass(frozen=True)
class Phrase:
    """Lexemes at fixed distances from the first: (lexeme, offset)."""

    items: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Not:
    node: Any


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


def _operand(text: str):
    """One word or quoted phrase of a query: a Term, a Phrase, or None when it holds no lexeme."""
    found = [token for token in tokens(text) if token.lexeme is not None]
    if not found:
        return None
    if len(found) == 1:
        return Term(found[0].lexeme)
    first = found[0].position
    return Phrase(tuple((token.lexeme, token.position - first) for token in found))


QUERY_PIECE = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')


# "oder" between two words means OR, as "or" does: the help speaks German, and so may the user.
# Only between two words: "Oder" alone is the river.
GERMAN_OR = re.compile(r'("[^"]*"?)|(?<=\S)(\s+)oder(\s+)(?=\S)', re.IGNORECASE)


def with_english_operators(query: str) -> str:
    """The query with a German "oder" outside quotes written as the parser's "or"."""

    def replace(match: re.Match) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return f"{match.group(2)}or{match.group(3)}"

    return GERMAN_OR.sub(replace, query or "")


def parse_query(query: str):
    """Parse a search as `websearch_to_tsquery` does; None when nothing in it can be searched.

    Words are ANDed; "quoted text" is a phrase; `or` between words is OR (AND binds
    tighter); a leading `-` negates the next word or phrase. A word that splits into
    several tokens ("Rheinland-Pfalz", "5-11") is a phrase of them. Stopwords drop out.
    """
    pieces: list[tuple[str, str]] = []  # ("or" | "not" | "operand", text)
    for match in QUERY_PIECE.finditer((query or "")[:QUERY_MAX_LENGTH]):
        if match.group("phrase") is not None:
            pieces.append(("operand", match.group("phrase")))
            continue
        word = match.group("word")
        if word.lower() == "or":
            pieces.append(("or", word))
            continue
        negated = word.startswith("-")
        if negated:
            pieces.append(("not", "-"))
            word = word.lstrip("-")
            if not word:
                continue
        pieces.append(("operand", word))
    clauses: list[list] = [[]]
    negate = False
    for index, (kind, text) in enumerate(pieces):
        if kind == "or":
            # OR only between two operands; at the start or the end it is just a word.
            if clauses[-1] and index + 1 < len(pieces) and pieces[index + 1][0] != "or":
                clauses.append([])
                negate = False
                continue
            kind = "operand"
        if kind == "not":
            negate = True
            continue
        node = _operand(text)
        if node is not None:
            clauses[-1].append(Not(node) if negate else node)
        negate = False
    nodes = []
    for clause in clauses:
        if len(clause) == 1:
            nodes.append(clause[0])
        elif clause:
            nodes.append(And(tuple(clause)))
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))


def positive_lexemes(node) -> set[str]:
    """The lexemes a match may contain (not those under NOT): what an excerpt marks."""
    if isinstance(node, Term):
        return {node.lexeme}
    if isinstance(node, Phrase):
        return {lexeme for lexeme, _offset in node.items}
    if isinstance(node, And | Or):
        return set().union(*(positive_lexemes(child) for child in node.nodes))
    return set()


def all_lexemes(node) -> list[str]:
    """Every lexeme of the query once, in order of first appearance (ts_rank's items)."""
    if isinstance(node, Term):
        found = [node.lexeme]
    elif isinstance(node, Phrase):
        found = [lexeme for lexeme, _offset in node.items]
    elif isinstance(node, Not):
        found = all_lexemes(node.node)
    else:
        found = [lexeme for child in node.nodes for lexeme in all_lexemes(child)]
    return list(dict.fromkeys(found))


def searchable(node) -> bool:
    """Whether a query can match anything by what it contains: one purely negative is refused."""
    if isinstance(node, Term | Phrase):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(searchable(child) for child in node.nodes)
    return all(searchable(child) for child in node.nodes)


def matches(node, doc: Document) -> bool:
    """Whether a document matches a query, as `tsvector @@ tsquery`."""
    if isinstance(node, Term):
        return node.lexeme in doc
    if isinstance(node, Phrase):
        first, offset0 = node.items[0]
        if first not in doc:
            return False
        others = [({position for position, _ in doc.get(lexeme, ())}, offset) for lexeme, offset in node.items[1:]]
        return any(
            all(start - offset0 + offset in positions for positions, offset in others) for start, _ in doc[first]
        )
    if isinstance(node, Not):
        return not matches(node.node, doc)
    if isinstance(node, And):
        return all(matches(child, doc) for child in node.nodes)
    return any(matches(child, doc) for child in node.nodes)


def _word_distance(distance: int) -> float:
    if distance > 100:
        return 1e-30
    return 1.0 / (1.005 + 0.05 * math.exp(distance / 1.5 - 2))


def rank(node, doc: Document) -> float:
    """`ts_rank(doc, query)` with the default weights and no normalisation, by PostgreSQL's formula."""
    items = all_lexemes(node)
    if isinstance(node, And | Phrase) and len(items) >= 2:
        result = -1.0
        seen: list[list[tuple[int, str]]] = []
        for lexeme in items:
            found = doc.get(lexeme)
            if found is None:
                continue
            for earlier in seen:
                for position, weight in found:
                    for other_position, other_weight in earlier:
                        distance = abs(position - other_position)
                        if distance:
                            current = math.sqrt(WEIGHTS[weight] * WEIGHTS[other_weight] * _word_distance(distance))
                            result = current if result < 0 else 1.0 - (1.0 - result) * (1.0 - current)
            seen.append(found)
        return result if result > 0 else 1e-20
    result = 0.0
    for lexeme in items:
        found = doc.get(lexeme)
        if not found:
            continue
        total, heaviest, heaviest_at = 0.0, -1.0, 0
        for index, (_position, weight) in enumerate(found):
            total += WEIGHTS[weight] / ((index + 1) * (index + 1))
            if WEIGHTS[weight] > heaviest:
                heaviest, heaviest_at = WEIGHTS[weight], index
        result += (heaviest + total - heaviest / ((heaviest_at + 1) * (heaviest_at + 1))) / 1.64493406685
    result = result / len(items) if items else 0.0
    return result if result > 0 else 1e-20
