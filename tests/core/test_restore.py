"""After `restore`, no cache shows the data the backup does not contain; `restore`
without a terminal and without --yes stops with a clear message (issue 16)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core import pagecache
from directory import services
from directory.models import Organisation
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from tests.factories import make_organisation

ROOT = Path(__file__).resolve().parents[2]


class Terminal(io.StringIO):
    """Standard input as a person at a terminal types it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def _vocabulary_and_guide(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    call_command("load_guide", verbosity=0)


@pytest.mark.usefixtures("_vocabulary_and_guide")
@pytest.mark.django_db(transaction=True)
def test_a_page_cached_before_the_restore_shows_the_restored_data(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.PAGE_CACHE = True
    organisation = make_organisation(
        "Brücke e. V.",
        slug="bruecke",
        roles=["kooperationspartner"],
        description="Fassung der Sicherung",
    )
    target = tmp_path / "before.backup"
    call_command("backup", str(target), stdout=io.StringIO())

    # After the backup: a new text, a reworded term, a new profile.
    organisation.description = "Fassung nach der Sicherung"
    services.organisation_save(organisation=organisation, by=None)
    term = get_vocabulary().get("role", "kooperationspartner")
    term.label_de = "Partnerorganisation"
    term.save()
    invalidate_vocabulary()
    make_organisation("Nachzügler e. V.", slug="nachzuegler", roles=["kooperationspartner"])
    profile_url = reverse("directory:organisation_detail", args=["bruecke"])
    list_url = reverse("directory:organisation_list")
    profile = client.get(profile_url).content.decode()
    assert "Fassung nach der Sicherung" in profile and "Partnerorganisation" in profile
    assert "Nachzügler e. V." in client.get(list_url).content.decode()
    assert (
        "Nachzügler e. V." in client.get(list_url, {"role": "kooperationspartner"}).content.decode()
    )
    assert pagecache.cached("probe", 1, lambda: "after the backup") == "after the backup"

    call_command("restore", str(target), yes=True, stdout=io.StringIO())

    assert not Organisation.objects.filter(slug="nachzuegler").exists()
    profile = client.get(profile_url).content.decode()
    assert "Fassung der Sicherung" in profile
    assert "Fassung nach der Sicherung" not in profile
    assert "Kooperationspartner" in profile and "Partnerorganisation" not in profile
    assert "Nachzügler e. V." not in client.get(list_url).content.decode()
    facets = client.get(list_url, {"role": "kooperationspartner"}).content.decode()
    assert "Nachzügler e. V." not in facets
    # Values cached per generation (facet counts, the guide's statistics) are computed anew.
    assert pagecache.cached("probe", 1, lambda: "restored") == "restored"
    assert get_vocabulary().get("role", "kooperationspartner").label_de == "Kooperationspartner"


def test_restore_without_a_terminal_and_without_yes_stops_with_a_clear_message(tmp_path):
    source = tmp_path / "any.backup"
    source.write_bytes(b"not read")
    for stdin in (io.StringIO("yes\n"), io.StringIO("")):
        with pytest.raises(CommandError, match="not a terminal, so pass --yes"):
            call_command("restore", str(source), stdin=stdin, stdout=io.StringIO())


def test_restore_asks_at_a_terminal_and_a_no_changes_nothing(tmp_path, monkeypatch):
    import core.backup

    restored = []
    monkeypatch.setattr(core.backup, "_restore", lambda source, alias: restored.append(source))
    source = tmp_path / "any.backup"
    source.write_bytes(b"not read")
    out = io.StringIO()
    for answer in ("no\n", ""):
        with pytest.raises(CommandError, match="cancelled"):
            call_command("restore", str(source), stdin=Terminal(answer), stdout=out)
    assert "Type 'yes' to go on" in out.getvalue()
    assert restored == []
    call_command("restore", str(source), stdin=Terminal("yes\n"), stdout=out)
    assert restored == [source]


def test_restore_in_a_pipe_exits_non_zero_without_a_traceback(tmp_path):
    source = tmp_path / "any.backup"
    source.write_bytes(b"not read")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "restore", str(source)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CommandError: Restore needs a confirmation" in result.stderr
    assert "pass --yes" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_cache_after_the_restore_is_a_clear_message(tmp_path, monkeypatch):
    import core.backup

    def unreachable():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(core.backup, "_restore", lambda source, alias: None)
    monkeypatch.setattr(core.backup, "clear_all", unreachable)
    source = tmp_path / "any.backup"
    source.write_bytes(b"not read")
    with pytest.raises(CommandError, match="caches could not be cleared .*6379.*clear_all"):
        call_command("restore", str(source), yes=True, stdout=io.StringIO())
