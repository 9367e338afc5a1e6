"""Excerpts of a matching text with the query's words in <mark>, escaped for the page."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from council.search.analysis import iter_tokens
from council.search.query import positive_lexemes

# Excerpts: ts_headline's options, and the same sizes for the Python excerpt.
SNIPPET_MAX_WORDS = 30
SNIPPET_MIN_WORDS = 12
# Private-use characters mark the matches in ts_headline's output; the text is escaped
# before they become <mark> tags, so nothing of the document reaches the page as HTML.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# ts_headline drops what looks like an HTML tag; "<" stands in for itself as this
# character on the way through, so a "<script>" in a Sachverhalt is shown, escaped.
LESS_THAN = "\ue002"


def _with_marks(text: str) -> SafeString:
    """Escape a text whose matches are framed by MARK_START/MARK_STOP, and turn those into <mark>."""
    out, open_mark = [], False
    for piece in re.split(f"([{MARK_START}{MARK_STOP}])", text):
        if piece == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == MARK_STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(escape(piece.replace(LESS_THAN, "<")))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


def snippet(text: str, node) -> tuple[SafeString, bool]:
    """An excerpt of a text around its first match, the query's words in <mark>; and whether it marks any."""
    wanted = positive_lexemes(node)
    # Only the tokens up to a little past the first match's excerpt are read: a long text's
    # rest is not split (the ellipsis after the excerpt is decided by the text itself).
    found: list = []
    first = None
    for token in iter_tokens(text):
        found.append(token)
        if first is None and token.lexeme in wanted:
            first = len(found) - 1
        if first is not None and len(found) > first + SNIPPET_MAX_WORDS + 2:
            break
    if not found:
        return mark_safe(""), False

    def is_compound(index: int) -> bool:
        # A hyphenated word is followed by its parts, which lie inside it: the parts are marked.
        following = found[index + 1] if index + 1 < len(found) else None
        return following is not None and following.start == found[index].start and following.end < found[index].end

    marked = [index for index, token in enumerate(found) if token.lexeme in wanted and not is_compound(index)]
    start = max(0, marked[0] - SNIPPET_MIN_WORDS // 2) if marked else 0
    while start > 0 and found[start - 1].start <= found[start].start < found[start - 1].end:
        start -= 1  # begin with the whole hyphenated word, not with one of its parts
    end = min(len(found), start + SNIPPET_MAX_WORDS)
    begin_at, end_at = found[start].start, max(token.end for token in found[start:end])
    out, cursor, any_mark = [], begin_at, False
    for index in marked:
        token = found[index]
        if not start <= index < end or token.start < cursor:
            continue
        out += [escape(text[cursor : token.start]), "<mark>", escape(text[token.start : token.end]), "</mark>"]
        cursor, any_mark = token.end, True
    out.append(escape(text[cursor:end_at]))
    excerpt = " ".join("".join(out).split())
    if begin_at > 0:
        excerpt = "… " + excerpt
    if text[end_at:].strip():
        excerpt += " …"
    return mark_safe(excerpt), any_mark
