from django.contrib import admin

from mailer.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["template", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject", "message_id"]  # a complaint quotes the Message-ID
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
