"""Suggestions for the mapping step: which vocabulary term a value of the file
means, from the terms' German and English labels, slugs, codes (languages:
"ar", states: "NW") and the search's synonym groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from directory.models import SynonymGroup, Term
from intake import fields as F
from intake.values import split_terms, value_key

# What the mapping page shows of a file's columns, computed once when the file
# is read (``column_values``): a few samples, and the distinct values with how
# often they occur, bounded so that a free-text column costs little.
MAX_VALUES = 500  # distinct values kept per column (whole cells and list parts each)
MAX_CHARS = 25_000  # characters kept per column and kind (keys and values shown)
SAMPLES = 3
SHOWN = 80  # characters of a value shown (longer ones end in "…")


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


def shown(value: str) -> str:
    """A value as the mapping page shows it: at most SHOWN characters."""
    return value if len(value) <= SHOWN else value[: SHOWN - 1].rstrip() + "…"


class _Distinct:
    """The distinct values of a column (by key) with their counts, bounded."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = {}  # key -> [shown, count]
        self.chars = 0
        self.more = False

    def add(self, key: str, value: str) -> None:
        entry = self.seen.get(key)
        if entry is not None:
            entry[1] += 1
            return
        value = shown(value)
        if len(self.seen) >= MAX_VALUES or self.chars + len(key) + len(value) > MAX_CHARS:
            self.more = True
            return
        self.seen[key] = [value, 1]
        self.chars += len(key) + len(value)

    def listed(self) -> list[list[Any]]:
        return [[key, value, count] for key, (value, count) in self.seen.items()]


def column_values(width: int, rows: Iterable[list[str]]) -> dict[str, dict[str, Any]]:
    """Per column (its index as text): ``samples``, the first SAMPLES values
    (shortened); ``cells``, the distinct whole values, and ``parts``, the
    distinct parts of lists ("Türkisch, Arabisch"; left out when they are the
    cells), each a list of [key, value shown, count] in order of appearance,
    at most MAX_VALUES; ``more``: the column has values not listed."""
    samples: list[list[str]] = [[] for _ in range(width)]
    cells = [_Distinct() for _ in range(width)]
    parts = [_Distinct() for _ in range(width)]
    keys: dict[str, str] = {}  # value -> key, for the values that repeat
    for values in rows:
        for index, raw in enumerate(values[:width]):
            raw = raw.strip()
            if not raw:
                continue
            if len(samples[index]) < SAMPLES:
                samples[index].append(shown(raw))
            for distinct, found in ((cells[index], [raw]), (parts[index], split_terms(raw))):
                for value in found:
                    key = keys.get(value)
                    if key is None:
                        key = value_key(value)
                        if len(keys) < 50_000:
                            keys[value] = key
                    if key:
                        distinct.add(key, value)
    out: dict[str, dict[str, Any]] = {}
    for index in range(width):
        column: dict[str, Any] = {
            "samples": samples[index],
            "cells": cells[index].listed(),
            "more": cells[index].more or parts[index].more,
        }
        if parts[index].listed() != column["cells"]:
            column["parts"] = parts[index].listed()
        out[str(index)] = column
    return out


def listed_values(columns: dict[str, dict[str, Any]], index: str, *, many: bool) -> list[list[Any]]:
    """The distinct values of a column as [key, value shown, count]: its
    whole values, or (``many``) the parts of its lists."""
    column = columns.get(index, {})
    if many and "parts" in column:
        return list(column["parts"])
    return list(column.get("cells", []))


def suggest_values(
    columns: dict[str, str], values: dict[str, dict[str, Any]], terms: Iterable[Term]
) -> dict[str, dict[str, str]]:
    """Per vocabulary field mapped: value key -> suggested slug ('' unknown).
    ``values``: the file's column values (``column_values``)."""
    index = term_index(terms)
    suggested: dict[str, dict[str, str]] = {}
    for position, name in columns.items():
        spec = F.BY_NAME.get(name)
        if spec is None or spec.kind not in (F.TERM, F.TERMS):
            continue
        listed = listed_values(values, position, many=spec.kind == F.TERMS)
        known = index.get(spec.term_kind, {})
        suggested[name] = {key: known.get(key, "") for key, _value, _n in listed}
    return suggested
