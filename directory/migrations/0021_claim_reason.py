"""Why a claim was closed. Existing closed claims get the reason their rows
still tell: closed together with a takeover through an invitation (no
coordinator, an invitation of the profile used at that moment), closed because
another claim was confirmed (a confirmed claim of the profile decided at that
moment), otherwise a coordinator's rejection."""

import datetime

from django.db import migrations, models

# The rows of one closing were written in one transaction, seconds apart at most.
WINDOW = datetime.timedelta(seconds=60)


def set_reasons(apps, schema_editor):
    Claim = apps.get_model("directory", "Claim")
    TakeoverInvitation = apps.get_model("directory", "TakeoverInvitation")
    for claim in Claim.objects.filter(status="rejected").iterator():
        reason = "rejected"
        if claim.decided_at is not None:
            window = (claim.decided_at - WINDOW, claim.decided_at + WINDOW)
            if (
                claim.decided_by_id is None
                and TakeoverInvitation.objects.filter(
                    organisation_id=claim.organisation_id, used_at__range=window
                ).exists()
            ):
                reason = "invitation"
            elif Claim.objects.filter(
                organisation_id=claim.organisation_id, status="confirmed", decided_at__range=window
            ).exists():
                reason = "other_claim"
        Claim.objects.filter(pk=claim.pk).update(close_reason=reason)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0020_profile_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="close_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("rejected", "Von der Koordination abgelehnt"),
                    ("other_claim", "Die Anfrage einer anderen Person wurde bestätigt"),
                    ("invitation", "Profil wurde über eine Einladung übernommen"),
                    ("merged", "Profil wurde mit einem anderen Profil zusammengeführt"),
                ],
                default="",
                max_length=20,
                verbose_name="Grund der Schließung",
            ),
        ),
        migrations.RunPython(set_reasons, migrations.RunPython.noop),
    ]
