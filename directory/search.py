"""Search over organisations: one behaviour, and the one place where SQLite and
PostgreSQL differ.

Both engines search the same index text (``Organisation.search_index``, made by
directory.analysis: Snowball stems, umlauts and accents folded, in weighted
sections) for the same substrings, so the same query finds the same profiles:

- SQLite: an external-content FTS5 table with the trigram tokenizer over
  ``search_index`` (``directory_organisation_fts``), kept in step by triggers
  (migration 0013); a substring of three or more characters is an index look-up.
- PostgreSQL: a pg_trgm GIN index on ``search_index``; ``LIKE '%stem%'`` uses it.

What a query means (see ``plan``):

1. Each word (stopwords aside) is stemmed; its synonyms (SynonymGroup, curated
   by coordinators) are searched too.
2. All words must match. When they find nothing among the profiles searched, a
   word that matches no profile is read as a typo of the nearest indexed words
   (SearchWord, edit distance) and the page offers "Meinten Sie …?".
3. When still nothing matches all words, the largest set of words that finds
   something is searched, and the words left out are named
   ("Ergebnisse ohne: Schwerin").
4. A word written with a minus in front excludes the profiles that hold it (or
   one of its synonyms): "Beratung -Sport". Excluded words are never relaxed.
   (PostgreSQL's websearch syntax offered this before the search became one
   behaviour on both engines; phrases in quotes are searched as their words.)

These decisions are taken on ``scope`` (the profiles being searched) only: the
answer must not tell whether an unpublished profile holds a word.

Ranking (``rank``, also explained on the page): for each word the best place
its stem (for a typo: its correction) occurs in: name and short name (8) above
offers (4) above vocabulary and place (2) above descriptions (1); a whole word
counts fully, a part of a word half. A profile found for a word only through a
synonym scores 0 for it, so it comes after the direct matches. The word scores
are added up; equal scores are ordered by name.
"""

import functools
import itertools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Func, RawSQL
from django.db.models.functions import Length

from core.pagecache import cached
from directory import analysis

MAX_QUERY_LENGTH = 200
MAX_WORDS = 6
MAX_EXPANSIONS = 4
MAX_CORRECTIONS = 3
SYNONYM_FACTOR = 0.8
TYPO_FACTOR = 0.5
SECTION_WEIGHTS = (8.0, 4.0, 2.0, 1.0)  # name, offers, terms, description
PART = 0.5  # a part of a word, against a whole word
SYNONYMS_CACHE_KEY = "directory:synonyms:v1"
FTS_TABLE = "directory_organisation_fts"
_EXCLUDED = re.compile(r"(?:^|(?<=\s))-(\S+)")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_query(query: str | None) -> str:
    """Whitespace-normalised, bounded query text ('' for nothing to search)."""
    if not query:
        return ""
    text = " ".join(query.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


# --- the index text -------------------------------------------------------------


def build_search_document(*, organisation, term_labels, offers) -> str:
    parts = [
        organisation.name,
        organisation.short_name,
        organisation.city,
        organisation.postal_code,
        organisation.description,
        organisation.description_en,
    ]
    for offer in offers:
        parts.extend([offer.title, offer.summary])
    parts.extend(term_labels)
    return " ".join(p for p in parts if p).lower()


def build_search_index(*, organisation, term_labels, offers) -> str:
    """The index text: stems in sections of falling weight (directory.analysis)."""
    return analysis.index_text(
        {
            "name": [organisation.name, organisation.short_name],
            "offers": [text for offer in offers for text in (offer.title, offer.summary)],
            "terms": [*term_labels, organisation.city, organisation.postal_code],
            "description": [organisation.description, organisation.description_en],
        }
    )


def record_words(documents: Iterable[str]) -> None:
    """Add the words of these search documents to the typo vocabulary."""
    from directory.models import SearchWord

    found = {
        word
        for document in documents
        for word in analysis.words(document)
        if 4 <= len(word) <= 60 and word.isalpha()
    }
    if found:
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, plain=analysis.plain(w)) for w in sorted(found)],
            ignore_conflicts=True,
            batch_size=1000,
        )


# --- synonyms -------------------------------------------------------------------


def synonyms() -> dict[str, list[str]]:
    """Stem (or phrase of stems) -> the stems of its synonyms, from the curated
    groups; cached until a group changes (forget_synonyms)."""
    table = cache.get(SYNONYMS_CACHE_KEY)
    if table is None:
        from directory.models import SynonymGroup

        table = {}
        for group in SynonymGroup.objects.all():
            members = [" ".join(analysis.index_stems(t)) for t in group.terms()]
            members = [m for m in members if m]
            for member in members:
                table.setdefault(member, [])
                table[member] += [m for m in members if m != member and m not in table[member]]
        cache.set(SYNONYMS_CACHE_KEY, table, None)
    return table


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_CACHE_KEY)


# --- the plan of a query ----------------------------------------------------------


@dataclass
class Word:
    """One word of a query and the stems that count as it, with their weight."""

    text: str
    expansions: list[tuple[str, float]]


@dataclass
class Plan:
    words: list[Word] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # words left out
    suggestion: str = ""  # the query with typos corrected ("Meinten Sie …?")
    excluded: list[Word] = field(default_factory=list)  # "-Sport"

    def exclusion(self) -> Q:
        condition = Q()
        for word in self.excluded:
            condition &= ~word_condition(word)
        return condition

    def condition(self) -> Q:
        condition = self.exclusion()
        for word in self.words:
            condition &= word_condition(word)
        return condition


def split_excluded(query: str) -> tuple[str, list[str]]:
    """The query without its excluded words, and those words as typed: a word
    with a minus in front ("Beratung -Sport"); a hyphen inside a word
    ("Deutsch-Russisch") is no exclusion."""
    excluded = [t for token in _EXCLUDED.findall(query) for t in analysis.query_words(token)]
    return _EXCLUDED.sub(" ", query), excluded


def _word(text: str, factor: float = 1.0) -> Word:
    stem = analysis.stem(text)
    expansions = [(stem, factor)]
    for synonym in synonyms().get(stem, []):
        expansions.append((synonym, factor * SYNONYM_FACTOR))
    return Word(text, expansions[:MAX_EXPANSIONS])


def contains(patterns: list[str]) -> Q:
    """Profiles whose index text contains any of these substrings."""
    if not is_postgres() and all(len(p) >= 3 for p in patterns):
        match = " OR ".join('"' + p.replace('"', '""') + '"' for p in patterns)
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, (match,)))
    condition = Q()
    for p in patterns:
        condition |= Q(search_index__contains=p)
    return condition


def word_condition(word: Word) -> Q:
    return contains([p for stem, _ in word.expansions for p in analysis.patterns(stem)])


def _corrections(texts: list[str]) -> dict[str, list[str]]:
    """The nearest indexed words to each of these (misspelt) words."""
    from directory.models import SearchWord

    wanted = {t: analysis.plain(t) for t in texts if analysis.typo_limit(analysis.plain(t))}
    if not wanted:
        return {}
    condition = Q()
    for plain in wanted.values():
        limit = analysis.typo_limit(plain)
        condition |= Q(
            plain__startswith=plain[0],
            length__gte=len(plain) - limit,
            length__lte=len(plain) + limit,
        )
    candidates = list(
        SearchWord.objects.annotate(length=Length("plain"))
        .filter(condition)
        .values_list("word", "plain")
    )
    found: dict[str, list[str]] = {}
    for text, plain in wanted.items():
        limit = analysis.typo_limit(plain)
        scored = sorted(
            (analysis.distance(plain, other, limit), word)
            for word, other in candidates
            if other[0] == plain[0] and other != plain
        )
        best = [w for d, w in scored if d <= limit and d == scored[0][0]]
        if best:
            found[text] = best[:MAX_CORRECTIONS]
    return found


def _found_in(scope: QuerySet, corrections: dict[str, list[str]]) -> dict[str, list[str]]:
    """Only the corrections that find something in ``scope``: a word that only
    an unpublished profile holds is never suggested."""
    candidates = sorted({c for found in corrections.values() for c in found})
    if not candidates:
        return {}
    counts = scope.aggregate(
        **{f"c{i}": Count("pk", filter=word_condition(_word(c))) for i, c in enumerate(candidates)}
    )
    useful = {c for i, c in enumerate(candidates) if counts[f"c{i}"]}
    kept = {text: [c for c in found if c in useful] for text, found in corrections.items()}
    return {text: found for text, found in kept.items() if found}


def plan(query: str, scope: QuerySet, *, relax: bool = True) -> Plan:
    """What ``query`` searches for among ``scope``: its words with their
    synonyms, typo corrections where a word finds nothing, and (``relax``) the
    words left out when not all of them can be found together.

    Kept per generation of the directory (for the query, the scope's SQL and
    ``relax``): what it reads (the profiles, the indexed words, the synonyms)
    changes only with a new generation. A misspelt word costs several counts
    over the scope (about 270 ms each at 160,000 MOs), and the directory asks
    for the plan again for the counts of each single-choice facet."""
    try:
        sql, params = scope.query.sql_with_params()
    except EmptyResultSet:
        return _plan(query, scope, relax=relax)
    return cached(
        "search-plan",
        (query, relax, sql, repr(params)),
        lambda: _plan(query, scope, relax=relax),
        namespaces=("directory",),
    )


def _plan(query: str, scope: QuerySet, *, relax: bool) -> Plan:
    query, excluded = split_excluded(clean_query(query))
    texts = analysis.query_words(query)[:MAX_WORDS]
    result = Plan(
        words=[_word(t) for t in texts], excluded=[_word(t) for t in excluded[:MAX_WORDS]]
    )
    if not result.words or scope.filter(result.condition()).exists():
        return result
    scope = scope.filter(result.exclusion())  # the decisions below among what is left
    conditions = [word_condition(w) for w in result.words]
    candidates = scope.filter(functools.reduce(operator.or_, conditions))  # for counting
    counts = candidates.aggregate(
        **{f"w{i}": Count("pk", filter=c) for i, c in enumerate(conditions)}
    )
    unknown = [w.text for i, w in enumerate(result.words) if not counts[f"w{i}"]]
    corrections = _found_in(scope, _corrections(unknown))
    if corrections:
        for index, word in enumerate(result.words):
            for correction in reversed(corrections.get(word.text, [])):
                extra = _word(correction, TYPO_FACTOR).expansions
                word.expansions = (extra + word.expansions)[: 1 + MAX_EXPANSIONS]
            if word.text in corrections:
                result.words[index] = word
        typed = analysis.as_typed(clean_query(query))
        result.suggestion = " ".join(
            [corrections[t][0] if t in corrections else typed.get(t, t) for t in texts]
            + [f"-{t}" for t in excluded]
        )
        if scope.filter(result.condition()).exists():
            return result
    if not relax or len(result.words) < 2:
        return result
    # Words that find nothing (even corrected) cannot be part of any result.
    viable = [i for i, w in enumerate(result.words) if counts[f"w{i}"] or w.text in corrections]
    if not viable:
        return result
    conditions = [word_condition(w) for w in result.words]  # with the corrections
    candidates = scope.filter(functools.reduce(operator.or_, [conditions[i] for i in viable]))
    largest = len(viable) if len(viable) < len(result.words) else len(viable) - 1
    for size in range(largest, 0, -1):
        combos = list(itertools.combinations(viable, size))
        counting = {}
        for n, combo in enumerate(combos):
            condition = Q()
            for i in combo:
                condition &= conditions[i]
            counting[f"c{n}"] = Count("pk", filter=condition)
        counts = candidates.aggregate(**counting)
        best = max(range(len(combos)), key=lambda n: (counts[f"c{n}"], -n))
        if counts[f"c{best}"]:
            kept = set(combos[best])
            typed = analysis.as_typed(clean_query(query))
            result.missing = [
                typed.get(w.text, w.text) for i, w in enumerate(result.words) if i not in kept
            ]
            result.words = [w for i, w in enumerate(result.words) if i in kept]
            return result
    return result


# --- ranking --------------------------------------------------------------------


class WordScore(Func):
    """The relevance of one word for a profile: the best section its stem
    occurs in, as a whole word (a part of a word counts half). Decided by LIKE
    patterns that place the stem before or between the section markers (each
    marker occurs once), tried from the best down: no position is computed,
    which PostgreSQL does slowly for long UTF-8 texts.

    One LIKE first asks whether the stem occurs in the head (name or offers,
    before the terms' marker): only then are the head's four patterns tried; a
    profile that has the word in its terms or description only (most of the
    matches of a common word) is decided by at most five patterns instead of
    eight (at 160,000 profiles: "Beratung" ranked in 515 instead of 733 ms)."""

    output_field = FloatField()
    HEAD = 2  # the sections before this one (name, offers) are the head

    def __init__(self, stem: str) -> None:
        super().__init__(F("search_index"))
        self.stem = stem

    def sections(self) -> list[list[tuple[str, float]]]:
        """Per section: (pattern, weight) for the stem as a whole word and as a part."""
        whole, part = f"% {self.stem} %", f"%{analysis.pattern(self.stem)}%"
        bounds = ["", *(f"{analysis.MARKERS[s]}%" for s in analysis.SECTIONS[1:])]
        found = []
        for n, weight in enumerate(SECTION_WEIGHTS):
            before = f"%{bounds[n]}" if n else ""
            after = bounds[n + 1] if n + 1 < len(bounds) else ""
            found.append(
                [
                    ((before + whole + after).replace("%%", "%"), weight),
                    ((before + part + after).replace("%%", "%"), weight * PART),
                ]
            )
        return found

    def in_head(self) -> str:
        """The stem somewhere before the first section after the head."""
        marker = analysis.MARKERS[analysis.SECTIONS[self.HEAD]]
        return f"%{analysis.pattern(self.stem)}%{marker}%"

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        column, column_params = compiler.compile(self.source_expressions[0])

        def whens(patterns: list[tuple[str, float]]) -> tuple[str, list]:
            clauses = " ".join(f"WHEN {column} LIKE %s THEN {weight}" for _, weight in patterns)
            return clauses, [
                value for pattern, _ in patterns for value in (*column_params, pattern)
            ]

        sections = self.sections()
        if " " in self.stem:
            # A phrase (never ranked today: a word's first stem is one word) could
            # begin at a marker's letter ("o saft" in " :o saft "), which the head's
            # test cannot tell apart: one flat CASE, best first.
            flat, params = whens(_best_first([p for section in sections for p in section]))
            return f"(CASE {flat} ELSE 0.0 END)", params
        head = _best_first([p for section in sections[: self.HEAD] for p in section])
        rest = _best_first([p for section in sections[self.HEAD :] for p in section])
        # Nesting keeps the order of a flat CASE, best first, because no pattern
        # after the head weighs more than one in it.
        assert head[-1][1] >= rest[0][1]
        # A stem in the head matches at least the head's weakest pattern: the ELSE.
        inner, inner_params = whens(head[:-1])
        outer, outer_params = whens(rest)
        sql = (
            f"(CASE WHEN {column} LIKE %s THEN (CASE {inner} ELSE {head[-1][1]} END) "
            f"{outer} ELSE 0.0 END)"
        )
        return sql, [*column_params, self.in_head(), *inner_params, *outer_params]


def _best_first(patterns: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return sorted(patterns, key=lambda pattern: -pattern[1])


def rank_expression(words: list[Word]):
    """The relevance of a profile for these words (see the module's docstring):
    the sum of the word scores of each word's first stem (its own, or for a
    typo its correction); a profile found only through a synonym scores 0 for
    that word and so comes after the direct matches."""
    total: Any = None
    for word in words:
        score = WordScore(word.expansions[0][0])
        total = score if total is None else total + score
    return total if total is not None else Value(0.0, output_field=FloatField())


# --- the entry points -------------------------------------------------------------


def _published():
    from directory.models import Organisation

    return Organisation.objects.published()


def searches_something(query: str) -> bool:
    """Whether ``query`` holds a word to search for or to exclude (single
    letters and punctuation do not)."""
    query, excluded = split_excluded(clean_query(query))
    return bool(analysis.query_words(query) or excluded)


def search_condition(query: str, scope: QuerySet | None = None) -> Q:
    """The condition under which an organisation of ``scope`` (default: the
    published profiles) matches ``query`` (all its words, typos corrected)."""
    scope = _published() if scope is None else scope
    return plan(query, scope, relax=False).condition()


def search(queryset: QuerySet, query: str, *, relax: bool = True) -> tuple[QuerySet, Plan]:
    """Filter to organisations matching ``query``, annotate ``rank``, and say
    what was searched (words left out, a suggestion). ``relax=False``: all
    words or nothing (the open data's contract; only the directory page, which
    names the words left out, relaxes)."""
    query = clean_query(query)
    result = plan(query, queryset, relax=relax) if query else Plan()
    if not result.words and not result.excluded:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())), result
    filtered = queryset.filter(result.condition())
    return filtered.annotate(rank=rank_expression(result.words)), result


def search_organisations(queryset: QuerySet, query: str) -> QuerySet:
    """Filter to organisations matching all words of ``query`` (typos corrected)
    and annotate ``rank``."""
    return search(queryset, query, relax=False)[0]


def place_condition(place: str) -> Q:
    """Profiles in ``place`` (a city, or a city followed by more, e.g.
    "Frankfurt" for "Frankfurt am Main"), case-insensitive also beyond ASCII:
    SQLite's LIKE and lower() fold ASCII only, so there the matching cities are
    found in Python among the distinct cities."""
    if is_postgres():
        return Q(city__iexact=place) | Q(city__istartswith=place + " ")
    from directory.models import Organisation

    wanted = place.casefold()
    cities = Organisation.objects.order_by().values_list("city", flat=True).distinct()
    matching = [
        c for c in cities if c.casefold() == wanted or c.casefold().startswith(wanted + " ")
    ]
    return Q(city__in=matching) if matching else Q(pk__isnull=True)  # nothing
