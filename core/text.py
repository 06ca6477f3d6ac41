import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_slugify(value: str) -> str:
    """A URL slug that spells umlauts the German way ("München" -> "muenchen")."""
    return slugify(value.translate(_GERMAN))


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
