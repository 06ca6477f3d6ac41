"""Which statement timeout a process takes (settings.PORTAL_PROCESS): web servers
the web requests' one, manage.py commands and the worker theirs (none by default)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "from django.conf import settings;"
    "print(settings.PORTAL_PROCESS, settings.DATABASES['default']['OPTIONS']['options'],"
    " settings.DATABASES['default']['OPTIONS']['connect_timeout'], sep='|')"
)


def _environment(**extra):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "PORTAL_"))}
    return {
        **environment,
        "DATABASE_URL": "postgres://u:p@db.example:5432/portal",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def _run(command, **extra):
    result = subprocess.run(
        command, cwd=ROOT, env=_environment(**extra), capture_output=True, text=True, timeout=60
    )
    return result


def test_a_web_process_gets_the_statement_timeout_and_a_command_none():
    web = _run([sys.executable, "-c", f"import django;django.setup();{PRINT}"])
    assert (
        web.stdout.strip() == "web|-c random_page_cost=1.1 -c jit=off -c statement_timeout=10000|3"
    ), web.stderr
    command = _run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT],
        DB_CONNECT_TIMEOUT="5",
    )
    assert (
        command.stdout.strip().splitlines()[-1] == "command|-c random_page_cost=1.1 -c jit=off|5"
    ), command.stderr


def test_commands_may_be_given_a_statement_timeout_and_a_wrong_process_kind_stops():
    command = _run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT],
        DB_COMMAND_STATEMENT_TIMEOUT="600",
    )
    assert "statement_timeout=600000" in command.stdout, command.stderr
    wrong = _run([sys.executable, "-c", "import django;django.setup()"], PORTAL_PROCESS="worker")
    assert wrong.returncode != 0 and "PORTAL_PROCESS is 'web' or 'command'" in wrong.stderr
