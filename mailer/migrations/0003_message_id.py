"""A stable Message-ID per mail. Mails still waiting get theirs now (sent and
failed ones will never go out again and keep an empty one)."""

from django.db import migrations, models

import mailer.models


def give_waiting_mail_an_id(apps, schema_editor):
    OutgoingMail = apps.get_model("mailer", "OutgoingMail")
    for mail in OutgoingMail.objects.filter(status="pending", message_id="").only("pk"):
        OutgoingMail.objects.filter(pk=mail.pk).update(message_id=mailer.models.new_message_id())


class Migration(migrations.Migration):
    dependencies = [
        ("mailer", "0002_mail_headers"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmail",
            name="message_id",
            field=models.CharField(default="", max_length=200, verbose_name="Message-ID"),
            preserve_default=False,
        ),
        migrations.RunPython(give_waiting_mail_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outgoingmail",
            name="message_id",
            field=models.CharField(
                default=mailer.models.new_message_id, max_length=200, verbose_name="Message-ID"
            ),
        ),
    ]
