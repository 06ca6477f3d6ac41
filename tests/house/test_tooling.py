"""The developer tooling says what it does: make help, the pre-commit hooks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is missing")
def test_make_help_lists_the_targets_people_look_for():
    result = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    targets = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"run", "test", "lint", "migrations-check", "bench", "mutation", "messages"} <= targets


def test_the_pre_commit_configuration_is_valid_and_runs_the_checks():
    config = ROOT / ".pre-commit-config.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = config.read_text()
    for check in ("ruff check", "ruff format", "mypy", "makemigrations --check"):
        assert check in text
    for test in ("test_architecture.py", "test_url_list.py", "test_translation_catalogue.py"):
        assert (ROOT / "tests" / "house" / test).exists() and test in text
