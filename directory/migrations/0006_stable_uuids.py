"""Stable identifiers for open data (HSDS): a UUID per organisation and offer.

Added in three steps so that existing rows get distinct values.
"""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for model in ("Organisation", "Offer"):
        Model = apps.get_model("directory", model)
        for pk in Model.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
            Model.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_memberships_users")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(
                editable=False, null=True, verbose_name="Kennung (offene Daten)"
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="uuid",
            field=models.UUIDField(
                editable=False, null=True, verbose_name="Kennung (offene Daten)"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="Kennung (offene Daten)",
            ),
        ),
        migrations.AlterField(
            model_name="offer",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                unique=True,
                verbose_name="Kennung (offene Daten)",
            ),
        ),
    ]
