from django.utils.text import slugify

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_slugify(value: str) -> str:
    """A URL slug that spells umlauts the German way ("München" -> "muenchen")."""
    return slugify(value.translate(_GERMAN))
