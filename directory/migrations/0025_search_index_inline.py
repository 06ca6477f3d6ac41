"""PostgreSQL: keep the search index text in the row (storage MAIN).

A profile's row is about 2 KB (search document ~870 bytes, search index ~630,
description ~270); past PostgreSQL's 2 KB threshold the largest texts went out
of the row into the TOAST table, the search index among them for many rows.
Every LIKE on it then fetched it from there again: ranking a common word (up to
eight LIKEs per profile) read 950,000 buffers at 160,000 profiles. MAIN moves
the other texts out first.

Not atomic, so that the table is never locked for long: the ALTER (an ACCESS
EXCLUSIVE lock for a moment; it gives up after 10 s rather than queue every
reader behind it) commits on its own, then existing rows are written again in
batches of 5,000, each its own transaction with row locks only, so that the new
storage applies to them. SQLite: nothing.
"""

from django.db import migrations

BATCH = 5000


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")
        try:
            cursor.execute(
                "ALTER TABLE directory_organisation ALTER COLUMN search_index SET STORAGE MAIN"
            )
        finally:
            cursor.execute("RESET lock_timeout")
        cursor.execute(
            "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), -1) FROM directory_organisation"
        )
        low, high = cursor.fetchone()
        for start in range(low, high + 1, BATCH):
            # A new value (not the same TOAST pointer), so that the row is stored anew.
            cursor.execute(
                "UPDATE directory_organisation SET search_index = search_index || '' "
                "WHERE id >= %s AND id < %s",
                [start, start + BATCH],
            )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE directory_organisation ALTER COLUMN search_index SET STORAGE EXTENDED"
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("directory", "0024_finder_cover"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
