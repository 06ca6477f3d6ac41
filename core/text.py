import difflib
from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_slugify(value: str) -> str:
    """A URL slug that spells umlauts the German way ("München" -> "muenchen")."""
    return slugify(value.translate(_GERMAN))


def unique_slug(
    name: str, *, taken: QuerySet[Any], reserved: Collection[str] = (), fallback: str
) -> str:
    """The German slug of ``name`` (at most 200 characters; ``fallback`` if the
    name has none), then ``-2``, ``-3`` ... until it is neither a reserved path
    segment nor the ``slug`` of a row of ``taken``. Only a check: two writers at
    once may get the same slug, the unique constraint decides (the caller retries)."""
    base = german_slugify(name)[:200] or fallback
    slug, n = base, 2
    while slug in reserved or taken.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def word_diff(old: str, new: str) -> SafeString:
    """HTML with removed words in <del> and added words in <ins>."""
    a, b = (old or "").split(), (new or "").split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))


def before_stop(value: object) -> str:
    """A name that ends a sentence without doubling its own full stop: "Verein
    e. V." before the sentence's "." gives "Verein e. V.", not "e. V..". For
    translated sentences that end with the name (``%(name)s.``, ``{{ name }}.``)."""
    text = str(value)
    return text[:-1] if text.endswith(".") else text
