"""How the directory's search reads German text: the same on both databases.

A word is lower-cased, its accents are dropped (é = e; the umlauts are kept for
the stemmer) and it is reduced to its stem by the Snowball German stemmer
(PyStemmer, the Snowball project's own C build: the algorithm of PostgreSQL's
``german`` configuration), which also folds the umlauts and ß both ways
(ü = ue = u, ß = ss): "Türkisch", "Tuerkisch" and "Turkisch" are all
``turkisch``.

A profile's index text (``Organisation.search_index``) is its stems in
sections of falling weight, each opened by a marker that no stem contains:

    " <name and short name> :o <offers> :t <vocabulary, place> :d <descriptions> "

Searching matches a query word's stem as a substring of the index text, so
that a stem finds its inflections and the compounds that contain it
("Lotsen" -> ``lots`` -> "Arbeitsmarktlotsen"). Stems shorter than
INFIX_MIN_LENGTH only match at the start of a word (``" ar"``), since short
strings occur inside too many unrelated words.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable

import Stemmer

SECTIONS = ("name", "offers", "terms", "description")
MARKERS = {"offers": ":o", "terms": ":t", "description": ":d"}
INFIX_MIN_LENGTH = 4
MIN_WORD_LENGTH = 2
KEEP = set("äöüßÄÖÜ")
_WORD = re.compile(r"\w+")
_stemmer = Stemmer.Stemmer("german")

# Words too common to narrow a search ("Verein für Bildung" means Verein, Bildung).
STOPWORDS = frozenset(
    [
        "aber",
        "als",
        "am",
        "an",
        "auch",
        "auf",
        "aus",
        "bei",
        "bis",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "durch",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "er",
        "es",
        "fur",
        "für",
        "im",
        "in",
        "ist",
        "mit",
        "nach",
        "oder",
        "sie",
        "so",
        "über",
        "um",
        "und",
        "uns",
        "von",
        "vor",
        "was",
        "wie",
        "wir",
        "zu",
        "zum",
        "zur",
        "and",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "e",
        "v",
        "ev",
    ]
)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in KEEP:
        return char
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-cased, accents dropped (umlauts and ß kept for the stemmer)."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to drop (most words): the fast way
        return lowered
    return "".join(map(_fold_char, lowered))


@functools.lru_cache(maxsize=65536)
def plain(word: str) -> str:
    """A word as compared for typos: folded, umlauts as their base vowel, ß as ss."""
    folded = fold(word)
    return folded.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


def words(text: str) -> list[str]:
    """The words of a text, folded (not stemmed)."""
    return _WORD.findall(fold(text).replace("_", " "))


def stem(word: str) -> str:
    return _stemmer.stemWord(fold(word))


def stems(text: str) -> list[str]:
    return [_stemmer.stemWord(w) for w in words(text)]


def index_stems(text: str) -> list[str]:
    """The stems that a text is searched by: stopwords left out (on both sides,
    also in phrases of synonyms)."""
    return [_stemmer.stemWord(w) for w in words(text) if w not in STOPWORDS]


def index_text(sections: dict[str, Iterable[str]]) -> str:
    """The index text of a profile from the texts of its sections: each stem
    once per section, so that the text (and each search through it) stays short."""
    parts = []
    for section in SECTIONS:
        if section != SECTIONS[0]:
            parts.append(MARKERS[section])
        text = " ".join(t for t in sections.get(section, ()) if t)
        parts.append(" ".join(dict.fromkeys(index_stems(text))))
    return " " + " ".join(p for p in parts if p) + " "


def pattern(stem_text: str) -> str:
    """The substring that finds a stem (or a phrase of stems) in an index text."""
    if len(stem_text) >= INFIX_MIN_LENGTH or " " in stem_text:
        return stem_text
    return " " + stem_text


def patterns(stem_text: str) -> list[str]:
    """The substrings that find a stem: ``pattern``, and where the stemmer
    shortens the stem once more at the end of a compound ("Kurse" -> ``kurs``,
    but "Deutschkurs" -> ``deutschkur``), that shorter stem at the end of a word."""
    found = [pattern(stem_text)]
    shorter = _stemmer.stemWord(stem_text) if " " not in stem_text else stem_text
    if shorter != stem_text and len(shorter) >= 3:
        found.append(shorter + " ")
    return found


def query_words(query: str) -> list[str]:
    """The words of a query that narrow it: not stopwords, at least two characters
    (all words when nothing else is left)."""
    found = words(query)
    kept = [w for w in found if len(w) >= MIN_WORD_LENGTH and w not in STOPWORDS]
    return kept or [w for w in found if len(w) >= MIN_WORD_LENGTH]


def as_typed(query: str) -> dict[str, str]:
    """Each folded word of a query -> the word as it was typed ("schwerin" ->
    "Schwerin"), to name words back to the person who typed them."""
    typed = _WORD.findall(query.replace("_", " "))
    folded = words(query)
    return dict(zip(folded, typed, strict=False)) if len(typed) == len(folded) else {}


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once),
    or limit + 1 when it is more than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_limit(word: str) -> int:
    """How many edits a word of this length may have: none below 4 letters,
    one up to 7, two from 8."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2
