import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """The retention clock of existing jobs: their last recorded change."""
    ImportJob = apps.get_model("intake", "ImportJob")
    ImportJob.objects.update(
        changed_at=Coalesce("undone_at", "finished_at", "checked_at", "created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_reading_in_worker"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="Zuletzt geändert"
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Werte gelöscht am"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
