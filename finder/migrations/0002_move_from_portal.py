"""Move saved searches and the shortlist out of the portal app: content types follow, tables get their own names."""

from django.db import migrations


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in ["savedsearch", "shortlistentry"]:
        if not ContentType.objects.using(db).filter(app_label="finder", model=model).exists():
            ContentType.objects.using(db).filter(app_label="portal", model=model).update(
                app_label="finder"
            )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(
        app_label="finder", model__in=["savedsearch", "shortlistentry"]
    ).update(app_label="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("finder", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.AlterModelTable(name="savedsearch", table=None),
        migrations.AlterModelTable(name="shortlistentry", table=None),
    ]
