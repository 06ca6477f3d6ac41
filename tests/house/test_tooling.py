"""The developer tooling says what it does: make help, the pre-commit hooks."""

import re
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


def _nginx_block_of_the_deployment_guide() -> str:
    guide = (ROOT / "docs" / "deployment.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", guide, flags=re.DOTALL)
    assert len(blocks) == 1, "docs/deployment.md shows one nginx configuration"
    return blocks[0]


def test_the_deployment_guide_shows_the_tested_nginx_configuration():
    """bench/faults.py runs the portal behind deploy/nginx.conf; the guide shows
    that very file, and its upload limits fit what the portal accepts."""
    from cooperation.space import MAX_DOCUMENT_BYTES
    from directory.images import MAX_BYTES as LOGO_BYTES
    from intake.reading import MAX_BYTES as IMPORT_BYTES

    config = (ROOT / "deploy" / "nginx.conf").read_text()
    assert _nginx_block_of_the_deployment_guide() == config

    def megabytes(directive: str) -> int:
        return int(re.fullmatch(r"\s*client_max_body_size (\d+)m;", directive).group(1)) << 20

    overall, documents, imports = re.findall(r"^\s*client_max_body_size \d+m;", config, flags=re.M)
    assert LOGO_BYTES < megabytes(overall) < IMPORT_BYTES < megabytes(imports)
    assert megabytes(documents) > MAX_DOCUMENT_BYTES
    assert "location /koordination/import/ {\n        client_max_body_size" in config
    for directive in (
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "client_header_timeout",
        "client_body_timeout",
        "send_timeout",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
    ):
        assert directive in config


def test_nginx_accepts_the_configuration(tmp_path):
    from bench.faults import nginx_config
    from tests.tools import require

    # In CI a missing nginx fails the run (.ci/run installs Debian's); locally it skips.
    require(shutil.which("nginx") is not None, "nginx (Debian: nginx)", see="docs/deployment.md")

    result = subprocess.run(
        ["nginx", "-t", "-e", str(tmp_path / "error.log"), "-c", str(nginx_config(tmp_path))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
