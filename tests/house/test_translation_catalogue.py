"""Every translatable string of the code and the templates has an English translation
in the committed catalogue, and the compiled catalogue is current.

The strings are extracted as a translator extracts them (Django's makemessages with GNU
xgettext), but from a temporary copy of the project's apps and template directories into
a temporary catalogue: the committed catalogue is only read. The apps and templates are
found from the settings (the apps inside the project directory, the TEMPLATES dirs,
the STATICFILES_DIRS for JavaScript), so that moving a module between apps needs no
change here.

To fix a failure: python manage.py makemessages -l en --ignore=node_modules, translate
the new entries in locale/en/LC_MESSAGES/django.po, python manage.py compilemessages
(or: make messages).
"""

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.tools import require

ROOT = Path(settings.BASE_DIR).resolve()
CATALOGUES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
GETTEXT_PROGRAMS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")
# Third-party code shipped with the project, and what is not source.
NOT_SOURCE = ("vendor", "locale", "__pycache__", "*.pyc", "node_modules")


def _require_gettext():
    for program in GETTEXT_PROGRAMS:
        require(
            shutil.which(program) is not None,
            f"GNU gettext's {program}",
            see="apt-get install gettext",
        )


def _project_directories(domain: str) -> list[Path]:
    """The directories holding the project's translatable files (outermost only)."""
    candidates = [Path(app.path) for app in apps.get_app_configs()]
    if domain == "django":
        candidates += [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    else:
        candidates += [
            Path(d[1] if isinstance(d, tuple | list) else d) for d in settings.STATICFILES_DIRS
        ]
    found = []
    for path in sorted({p.resolve() for p in candidates}):
        if path == ROOT or not path.is_relative_to(ROOT) or not path.is_dir():
            continue  # installed packages (the virtual environment is a symlink)
        relative = path.relative_to(ROOT)
        if any(part.startswith(".") or part == "node_modules" for part in relative.parts):
            continue
        if not any(path.is_relative_to(outer) for outer in found):
            found.append(path)
    return found


def _extract(domain: str, tmp_path: Path, monkeypatch) -> list[polib.POEntry]:
    """The entries makemessages extracts for English, in a catalogue of its own."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for directory in _project_directories(domain):
        shutil.copytree(
            directory,
            tree / directory.relative_to(ROOT),
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules"),
        )
    locale = tmp_path / "locale"
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command(
            "makemessages",
            locale=["en"],
            domain=domain,
            ignore_patterns=list(NOT_SOURCE),
            verbosity=0,
            stdout=StringIO(),
        )
    po = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
    return [e for e in polib.pofile(str(po)) if not e.obsolete] if po.exists() else []


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _problems(extracted: list[polib.POEntry], committed_path: Path) -> list[str]:
    committed = {}
    if committed_path.exists():
        committed = {
            (e.msgctxt, e.msgid): e for e in polib.pofile(str(committed_path)) if not e.obsolete
        }
    problems = []
    for entry in extracted:
        found = committed.get((entry.msgctxt, entry.msgid))
        name = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        where = ":".join(entry.occurrences[0]) if entry.occurrences else "?"
        if found is None or found.msgid_plural != entry.msgid_plural:
            problems.append(f"missing: {name!r} ({where})")
        elif "fuzzy" in found.flags:
            problems.append(f"fuzzy: {name!r} ({where})")
        elif not _translated(found):
            problems.append(f"untranslated: {name!r} ({where})")
    return problems


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_translatable_string_has_an_english_translation(domain, tmp_path, monkeypatch):
    _require_gettext()
    extracted = _extract(domain, tmp_path, monkeypatch)
    if domain == "django":
        assert len(extracted) > 100, "makemessages found almost nothing: wrong directories?"
    problems = _problems(extracted, CATALOGUES / f"{domain}.po")
    assert problems == [], (
        f"locale/en/LC_MESSAGES/{domain}.po lacks {len(problems)} English translation(s) "
        f"(see {Path(__file__).name}):\n" + "\n".join(problems)
    )


def _contents(mo: Path) -> tuple[dict, dict]:
    catalogue = polib.mofile(str(mo))
    entries = {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, sorted(e.msgstr_plural.items()))
        for e in catalogue
    }
    return catalogue.metadata, entries


def test_every_compiled_catalogue_is_current(tmp_path):
    _require_gettext()
    sources = sorted(CATALOGUES.glob("*.po"))
    assert sources, f"no catalogue in {CATALOGUES}"
    stale = []
    for po in sources:
        compiled = po.with_suffix(".mo")
        fresh = tmp_path / compiled.name
        # What compilemessages runs.
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", str(fresh), str(po)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"msgfmt {po.name}: {result.stderr}"
        if not compiled.exists() or _contents(compiled) != _contents(fresh):
            stale.append(compiled.name)
    assert stale == [], f"{stale} out of date: run python manage.py compilemessages"
