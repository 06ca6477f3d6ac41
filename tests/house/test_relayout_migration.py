"""An existing installation migrates forward across the re-layout.

The fixtures are databases of the schema before accounts, saved searches and the
shortlist left the portal app (made by ``tests/fixtures/make_legacy_schema.py`` with
that code): vocabulary, a coordinator, an institution user with a permission, an MO
owner, a saved search, a shortlist entry and an admin log entry. ``migrate`` must take
them forward without a manual step and keep every row where the new code finds it.
"""

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

CHECK = """
import json
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from accounts.roles import COORDINATOR_GROUP
from directory.models import Membership
from finder.models import SavedSearch, ShortlistEntry
from portal.models import Page
User = get_user_model()
institution = User.objects.get(email="legacy-jobcenter@example.org")
print(json.dumps({
    "password": institution.check_password("legacy-pw"),
    "institution_type": institution.institution_type.slug,
    "coordinator": User.objects.filter(
        email="legacy-koordination@example.org", groups__name=COORDINATOR_GROUP).exists(),
    "owner": Membership.objects.filter(
        user__email="legacy-verein@example.org", organisation__slug="legacy-ev",
        role="owner").exists(),
    "saved": list(SavedSearch.objects.filter(user=institution).values_list("name", "query")),
    "shortlist": list(ShortlistEntry.objects.filter(user=institution).values_list(
        "organisation__slug", "note")),
    "permission": institution.has_perm("finder.view_savedsearch"),
    "log": str(LogEntry.objects.get().content_type.model_class()._meta.label),
    "pages": Page.objects.count(),
    "tables": sorted(t for t in connection.introspection.table_names()
                     if t.endswith(("_user", "_savedsearch", "_shortlistentry"))),
    "stale_content_types": list(ContentType.objects.filter(app_label="portal")
                                .exclude(model__in=[m._meta.model_name for m in
                                                    apps.get_app_config("portal").get_models()])
                                .values_list("model", flat=True)),
}))
"""

EXPECTED = {
    "password": True,
    "institution_type": "jobcenter",
    "coordinator": True,
    "owner": True,
    "saved": [["Russisch in Schwerin", "languages=ru"]],
    "shortlist": [["legacy-ev", "anrufen"]],
    "permission": True,
    "log": "accounts.User",
    "pages": 3,
    "tables": ["accounts_user", "finder_savedsearch", "finder_shortlistentry"],
    "stale_content_types": [],
}


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    environment = dict(
        os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _migrate_and_check(database_url: str) -> None:
    _manage(database_url, "migrate", "--noinput")
    _manage(database_url, "migrate", "--check")  # nothing left unapplied
    _manage(database_url, "makemigrations", "--check", "--dry-run")
    result = _manage(database_url, "shell", "-c", CHECK)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == EXPECTED


def test_an_existing_sqlite_database_migrates_forward(tmp_path):
    database = tmp_path / "existing.sqlite3"
    script = gzip.decompress(
        (FIXTURES / "schema-2026-11-before-relayout.sqlite.sql.gz").read_bytes()
    )
    with sqlite3.connect(database) as db:
        db.executescript(script.decode())
    _migrate_and_check(f"sqlite:///{database}")


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_existing_postgresql_database_migrates_forward():
    import psycopg2

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_legacy"
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        script = gzip.decompress(
            (FIXTURES / "schema-2026-11-before-relayout.postgresql.sql.gz").read_bytes()
        ).decode()
        legacy = psycopg2.connect(
            dbname=name,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"],
        )
        legacy.autocommit = True
        with legacy.cursor() as cursor:
            cursor.execute(script)
        legacy.close()
        user = settings_dict["USER"] or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        netloc = f"{user}{password}@{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}"
        _migrate_and_check(urlunsplit(("postgres", netloc, f"/{name}", "", "")))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
