"""PostgreSQL: keep the search index text in the row (storage MAIN).

A profile's row is about 2 KB (search document ~870 bytes, search index ~630,
description ~270); past PostgreSQL's 2 KB threshold the largest texts went out
of the row into the TOAST table, the search index among them for many rows.
Every LIKE on it then fetched it from there again: ranking a common word (up to
eight LIKEs per profile) read 950,000 buffers at 160,000 profiles. MAIN moves
the other texts out first. Existing rows are written once so that the new
storage applies to them (about a minute at 160,000 profiles). SQLite: nothing.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE directory_organisation ALTER COLUMN search_index SET STORAGE MAIN",
    # A new value (not the same TOAST pointer) so that the row is stored anew.
    "UPDATE directory_organisation SET search_index = search_index || ''",
]
BACKWARD = ["ALTER TABLE directory_organisation ALTER COLUMN search_index SET STORAGE EXTENDED"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0024_finder_cover"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
