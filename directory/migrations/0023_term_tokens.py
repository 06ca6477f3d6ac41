"""Organisation.term_tokens: the profile's terms as words for the partner
finder, filled for the profiles there are from their relations."""

from django.db import migrations, models

# Frozen here: directory.relations may change after this migration.
TOKENS = {
    "roles": "r",
    "resources": "s",
    "fields": "f",
    "target_groups": "t",
    "communities": "c",
    "languages": "l",
    "advice_languages": "b",
    "cooperation_experience": "k",
}
BATCH = 2000


def fill(apps, schema_editor):
    Organisation = apps.get_model("directory", "Organisation")
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        tokens: dict[int, list[str]] = {pk: [] for pk in batch}
        for field, letter in TOKENS.items():
            through = Organisation._meta.get_field(field).remote_field.through
            rows = through.objects.filter(organisation_id__in=batch).order_by("pk")
            for organisation_id, term_id in rows.values_list("organisation_id", "term_id"):
                tokens[organisation_id].append(f"{letter}{term_id}")
        rows = [
            Organisation(pk=pk, term_tokens=f" {' '.join(words)} " if words else "")
            for pk, words in tokens.items()
        ]
        Organisation.objects.bulk_update(rows, ["term_tokens"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0022_invitation_address_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="term_tokens",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
