"""Suggestions for the mapping step: which vocabulary term a value of the file
means, from the terms' German and English labels, slugs, codes (languages:
"ar", states: "NW") and the search's synonym groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from directory.models import SynonymGroup, Term
from intake import fields as F
from intake.values import split_terms, value_key

MAX_VALUES = 300  # distinct values listed per column


def term_index(terms: Iterable[Term]) -> dict[str, dict[str, str]]:
    """Per kind: value key -> slug."""
    index: dict[str, dict[str, str]] = defaultdict(dict)
    groups = [[value_key(w) for w in g.terms()] for g in SynonymGroup.objects.all()]
    for term in terms:
        names = {term.label_de, term.label_en, term.slug.replace("-", " "), term.code}
        keys = {value_key(n) for n in names if n}
        for group in groups:
            if keys & set(group):
                keys |= set(group)
        for key in keys:
            if key:
                index[term.kind].setdefault(key, term.slug)
    return dict(index)


def distinct_values(rows: Iterable[list[str]], position: int, *, many: bool) -> list[str]:
    """The values of a column, each once (by its key), in order of appearance."""
    seen: dict[str, str] = {}
    for values in rows:
        raw = values[position] if position < len(values) else ""
        for part in split_terms(raw) if many else ([raw.strip()] if raw.strip() else []):
            key = value_key(part)
            if key and key not in seen:
                seen[key] = part
                if len(seen) >= MAX_VALUES:
                    return list(seen.values())
    return list(seen.values())


def suggest_values(
    columns: dict[str, str], rows: list[list[str]], terms: Iterable[Term]
) -> dict[str, dict[str, str]]:
    """Per vocabulary field mapped: value key -> suggested slug ('' unknown)."""
    index = term_index(terms)
    suggested: dict[str, dict[str, str]] = {}
    for position, name in columns.items():
        spec = F.BY_NAME.get(name)
        if spec is None or spec.kind not in (F.TERM, F.TERMS):
            continue
        values = distinct_values(rows, int(position), many=spec.kind == F.TERMS)
        known = index.get(spec.term_kind, {})
        suggested[name] = {value_key(v): known.get(value_key(v), "") for v in values}
    return suggested
