from django.db import migrations


def create(apps, schema_editor):
    from portal.page_texts import ensure_pages

    ensure_pages(apps.get_model("portal", "Page"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_pages")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
