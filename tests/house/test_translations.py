"""The English catalogue is complete and compiled."""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def _entries():
    return [e for e in polib.pofile(str(CATALOGUE / "django.po")) if not e.obsolete]


def test_no_entry_of_the_english_catalogue_is_untranslated_or_fuzzy():
    problems = []
    for entry in _entries():
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                problems.append(f"untranslated plural: {entry.msgid}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {entry.msgid}")
    assert problems == []


def test_the_compiled_catalogue_matches_the_source():
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    stale = []
    for entry in _entries():
        found = compiled.get((entry.msgctxt, entry.msgid))
        if found is None:
            stale.append(entry.msgid)
        elif entry.msgid_plural:
            if found.msgstr_plural != entry.msgstr_plural:
                stale.append(entry.msgid)
        elif found.msgstr != entry.msgstr:
            stale.append(entry.msgid)
    assert stale == [], "run: python manage.py compilemessages"
