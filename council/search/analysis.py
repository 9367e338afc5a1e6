"""Text analysis: PostgreSQL's parser and its `german` configuration, in Python.

Text is split into tokens the way PostgreSQL's parser does, lowercased, stopwords dropped
(they still take a position), German words stemmed with PostgreSQL's Snowball stemmer
(which folds ä/ö/ü and ß), and weighted texts become a document like a weighted `tsvector`.
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

CONFIG = "german"
# Limits of a tsvector: positions above 16383 are stored as 16383, at most 256 per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256

# The stopwords of PostgreSQL's `german` configuration (tsearch_data/german.stop, the
# Snowball list): they are not indexed, but take a position, as in PostgreSQL.
_STOPWORD_LIST = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm
andern anderr anders auch auf aus bei bin bis bist da damit dann der den des dem die das daß derselbe
derselben denselben desselben demselben dieselbe dieselben dasselbe dazu dein deine deinem deinen
deiner deines denn derer dessen dich dir du dies diese diesem diesen dieser dieses doch dort durch ein
eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er ihn ihm es etwas
euer eure eurem euren eurer eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich
mich mir ihr ihre ihrem ihren ihrer ihres euch im in indem ins ist jede jedem jeden jeder jedes jene
jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen man
manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie
ihnen sind so solche solchem solchen solcher solches soll sollte sondern sonst über um und uns unse
unsem unsen unser unses unter viel vom von vor während war waren warst was weg weil weiter welche
welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde
würden zu zum zur zwar zwischen
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

_ALNUM = r"[^\W_]"
_LETTER = r"[^\W\d_]"
# In the order PostgreSQL's parser prefers them: e-mail addresses, host names, file names
# and numbers with dots or slashes (kept whole, not stemmed), hyphenated words (the whole
# word, then each part), words and numbers, and signed integers ("5-11" is 5 and -11).
TOKEN = re.compile(
    rf"(?P<email>{_ALNUM}[\w.+-]*@{_ALNUM}[\w-]*(?:\.[\w-]+)+)"
    rf"|(?P<dotted>{_ALNUM}+(?:[./]{_ALNUM}+)+)"
    rf"|(?P<hword>{_LETTER}{_ALNUM}*(?:-{_LETTER}{_ALNUM}*)+)"
    rf"|(?P<word>{_ALNUM}+)"
    r"|(?P<signed>-\d+)"
)
# Superscripts, fractions and circled numbers count as alphanumeric in Python, not in PostgreSQL.
NOT_A_LETTER = re.compile("[\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff]")
# The German Snowball stemmer as PostgreSQL ships it (tests compare it with PostgreSQL's):
# the classic algorithm of snowballstem.org. The `snowballstemmer` package's 3.x German is a newer
# revision ("arbeitet" → "arbeit", "Bereichsleiterin" → "bereichsleit", "ue" read as "ü")
# and would give other answers than PostgreSQL; the algorithm is short, so it lives here.
_VOWELS = frozenset("aeiouyäöü")
_S_ENDING = frozenset("bdfghklmnrt")
_ST_ENDING = frozenset("bdfghklmnt")


def _region_after(word: str, start: int) -> int:
    """The position after the first non-vowel that follows a vowel, from `start`; the end if none."""
    for index in range(start, len(word)):
        if word[index] in _VOWELS:
            for following in range(index + 1, len(word)):
                if word[following] not in _VOWELS:
                    return following + 1
            return len(word)
    return len(word)


def _longest(word: str, suffixes: tuple[str, ...]) -> str | None:
    return max((suffix for suffix in suffixes if word.endswith(suffix)), key=len, default=None)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The German Snowball stem of a lowercase word: "bündnisse" → "bundnis", "straße" → "strass"."""
    word = word.replace("ß", "ss")
    chars = list(word)
    for index in range(1, len(chars) - 1):
        # u and y between vowels are consonants: marked upper case until the end
        if chars[index - 1] in _VOWELS and chars[index] in "uy" and chars[index + 1] in _VOWELS:
            chars[index] = chars[index].upper()
    word = "".join(chars)
    r1 = r2 = len(word)
    if len(word) >= 3:
        r1 = _region_after(word, 0)
        r2 = _region_after(word, r1)
        r1 = max(r1, 3)
    # step 1: -em -ern -er, -e -en -es (and "niss" → "nis"), -s after a valid s-ending
    suffix = _longest(word, ("em", "ern", "er", "e", "en", "es", "s"))
    if suffix and len(word) - len(suffix) >= r1:
        if suffix != "s":
            word = word[: -len(suffix)]
            if suffix in ("e", "en", "es") and word.endswith("niss"):
                word = word[:-1]
        elif len(word) >= 2 and word[-2] in _S_ENDING:
            word = word[:-1]
    # step 2: -en -er -est, -st after a valid st-ending itself after three letters
    suffix = _longest(word, ("en", "er", "est", "st"))
    if suffix and len(word) - len(suffix) >= r1:
        if suffix != "st":
            word = word[: -len(suffix)]
        elif len(word) >= 6 and word[-3] in _ST_ENDING:
            word = word[:-2]
    # step 3: derivational suffixes in R2
    suffix = _longest(word, ("end", "ung", "ig", "ik", "isch", "lich", "heit", "keit"))
    if suffix and len(word) - len(suffix) >= r2:
        start = len(word) - len(suffix)
        if suffix in ("end", "ung"):
            word = word[:start]
            if word.endswith("ig") and len(word) - 2 >= r2 and not word[:-2].endswith("e"):
                word = word[:-2]
        elif suffix in ("ig", "ik", "isch"):
            if not word[:start].endswith("e"):
                word = word[:start]
        elif suffix in ("lich", "heit"):
            word = word[:start]
            if word.endswith(("er", "en")) and len(word) - 2 >= r1:
                word = word[:-2]
        else:
            word = word[:start]
            tail = _longest(word, ("lich", "ig"))
            if tail and len(word) - len(tail) >= r2:
                word = word[: -len(tail)]
    return word.replace("U", "u").replace("Y", "y").replace("ä", "a").replace("ö", "o").replace("ü", "u")


def _lexeme(word: str) -> str | None:
    """The lexeme of one word or number token, or None for a stopword."""
    word = word.lower()
    if any(character.isdigit() for character in word):
        return word  # numbers and words with digits: the `simple` dictionary
    if word in STOPWORDS:
        return None
    return stem(word)


@dataclass(frozen=True)
class Token:
    """A token of a text: its lexeme (None for a stopword), position from 1, and characters."""

    lexeme: str | None
    position: int
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Split a text as `to_tsvector('german', text)` does, with each token's place in the text."""
    return list(iter_tokens(text))


def iter_tokens(text: str):
    """The tokens of `tokens(text)` one by one, so that a reader may stop early (an excerpt)."""
    text = NOT_A_LETTER.sub(" ", text or "")
    position = 0
    for match in TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        position += 1
        if kind == "hword":
            whole = value.lower()
            yield (Token(whole if any(c.isdigit() for c in whole) else stem(whole), position, *match.span()))
            offset = match.start()
            for part in value.split("-"):
                position += 1
                yield (Token(_lexeme(part), position, offset, offset + len(part)))
                offset += len(part) + 1
        elif kind == "word":
            yield (Token(_lexeme(value), position, *match.span()))
        else:
            yield (Token(value.lower(), position, *match.span()))


# A document: each lexeme with its sorted (position, weight) pairs, like a weighted tsvector.
Document = dict[str, list[tuple[int, str]]]


def document(parts: Sequence[tuple[str, str]]) -> Document:
    """The weighted tsvector of texts given as (text, weight), concatenated as `||` does.

    Each text's positions continue after the highest position of the texts before it.
    """
    result: dict[str, dict[int, str]] = {}
    shift = 0
    for text, weight in parts:
        highest = 0
        positions: dict[str, set[int]] = {}
        for token in tokens(text):
            if token.lexeme is None:
                continue
            position = min(token.position, MAX_POSITION)
            positions.setdefault(token.lexeme, set()).add(position)
        for lexeme, found in positions.items():
            kept = sorted(found)[:MAX_POSITIONS_PER_LEXEME]
            highest = max(highest, kept[-1])
            slots = result.setdefault(lexeme, {})
            for position in kept:
                slots.setdefault(min(position + shift, MAX_POSITION), weight)
        shift += highest
    return {lexeme: sorted(slots.items()) for lexeme, slots in result.items()}
