"""Requests accepted before the cooperation space existed get their space, with
the guide's checklist as a new acceptance would (cooperation.space.space_open)."""

from django.db import migrations


def open_spaces(apps, schema_editor):
    CooperationRequest = apps.get_model("cooperation", "CooperationRequest")
    Cooperation = apps.get_model("cooperation", "Cooperation")
    ChecklistEntry = apps.get_model("cooperation", "ChecklistEntry")
    Item = apps.get_model("guidance", "Item")
    points = list(
        Item.objects.filter(chapter__number=8, kind="checklist", is_published=True).order_by(
            "position", "pk"
        )
    )
    for cooperation_request in CooperationRequest.objects.filter(status="accepted", space=None):
        cooperation = Cooperation.objects.create(
            request=cooperation_request, opened_at=cooperation_request.updated_at
        )
        ChecklistEntry.objects.bulk_create(
            ChecklistEntry(
                cooperation=cooperation,
                text=item.body.replace("*", "").strip()[:300],
                guide_item=item,
                position=index,
            )
            for index, item in enumerate(points)
        )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0003_space")]

    operations = [migrations.RunPython(open_spaces, migrations.RunPython.noop)]
