"""The choices of a long vocabulary list (languages): German collation, the
common ones first, the ones nobody asks for left out.

German collation without a locale (DIN 5007-1, the dictionary order): umlauts
sort as their base letter (ä = a, ö = o, ü = u), ß as ss, accents are ignored,
case only breaks ties. Which languages come first and which are left out is
curated in data/language_choices.json (with the reasons); the terms stay in the
vocabulary, and a selection a profile already has is still shown (the widget
hides an excluded option only while it is not selected).
"""

import json
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.vocabulary import get_vocabulary

COMMON_GROUP = _("Häufig")
OTHER_GROUP = _("Weitere Sprachen (A–Z)")


def german_key(label: str) -> tuple[str, str]:
    """Sort key for German labels (DIN 5007-1), independent of the locale."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())  # casefold: ß -> ss
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base, label


def collated(terms: Iterable[Any]) -> list[Any]:
    """Terms sorted by their label (in the current language) in German collation."""
    return sorted(terms, key=lambda t: german_key(t.label))


@cache
def _language_rules() -> tuple[tuple[str, ...], frozenset[str]]:
    path = Path(__file__).parent / "data" / "language_choices.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["common"]["codes"]), frozenset(data["excluded"]["codes"])


def common_codes() -> tuple[str, ...]:
    return _language_rules()[0]


def excluded_codes() -> frozenset[str]:
    return _language_rules()[1]


def _pk(term: Any) -> str:
    return str(term.pk)


def term_choices(kind: str, value: Callable[[Any], str] = _pk) -> Callable[[], list]:
    """The choices of one kind of terms, as a callable (read when rendered).

    Languages come in two groups, the common ones first; every term is in the
    choices (so a selection stays valid); ``hidden_values`` names the ones the
    widget leaves out unless they are selected.
    """

    def compute() -> list:
        terms = collated(get_vocabulary().kind(kind))
        if kind != "language":
            return [(value(t), t.label) for t in terms]
        common = set(common_codes())
        first = [(value(t), t.label) for t in terms if t.code in common]
        rest = [(value(t), t.label) for t in terms if t.code not in common]
        return [(str(COMMON_GROUP), first), (str(OTHER_GROUP), rest)]

    def choices() -> list:
        # Sorted once per process, language and vocabulary version, not per form.
        key = ("term_choices", kind, value, get_language())
        return list(get_vocabulary().derived(key, compute))

    return choices


def hidden_values(kind: str, value: Callable[[Any], str] = _pk) -> Callable[[], frozenset[str]]:
    """The values of the terms left out of the choices (unless selected)."""

    def compute() -> frozenset[str]:
        excluded = excluded_codes()
        return frozenset(value(t) for t in get_vocabulary().kind(kind) if t.code in excluded)

    def hidden() -> frozenset[str]:
        if kind != "language":
            return frozenset()
        return get_vocabulary().derived(("hidden_values", kind, value), compute)

    return hidden
