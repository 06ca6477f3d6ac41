"""Backup and restore round trip (manage.py backup / restore): every row of
every table, history included, comes back exactly. Runs on SQLite and, in the
PostgreSQL pass, with pg_dump / pg_restore."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from directory.models import Organisation
from tests.house.test_permissions import build


def _text(value: object) -> str:
    """A cell as text; binary cells (a space's documents) by their bytes: on
    PostgreSQL they come as memoryview, whose text is only its address."""
    return repr(bytes(value)) if isinstance(value, memoryview | bytes) else str(value)


def snapshot() -> dict:
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names)
            # Sorted whole rows: the first column need not be unique (a history
            # table's "id" repeats), and PostgreSQL may return ties in any order.
            tables[table] = sorted(tuple(map(_text, row)) for row in cursor.fetchall())
    return tables


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_every_row(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    build()
    organisation = Organisation.objects.get(slug="kontakt")
    organisation.description = "Zweite Fassung"
    organisation.save()
    before = snapshot()
    history_tables = [t for t in before if "historical" in t]
    assert history_tables and all(before[t] for t in ("directory_historicalorganisation",))
    assert sum(len(rows) for rows in before.values()) > 500

    target = tmp_path / "core.backup"
    call_command("backup", str(target), stdout=io.StringIO())
    assert target.stat().st_size > 10_000

    call_command("flush", interactive=False, verbosity=0)
    assert not Organisation.objects.exists()

    call_command("restore", str(target), yes=True, stdout=io.StringIO())
    after = snapshot()
    assert after.keys() == before.keys()
    differing = [t for t in before if before[t] != after[t]]
    assert not differing, differing
    assert Organisation.objects.get(slug="kontakt").description == "Zweite Fassung"


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nope.backup"), yes=True)
