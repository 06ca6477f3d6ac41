from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Kooperationsanfragen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import EXPORT_CONTRIBUTORS
        from cooperation.services import mail_settled, personal_data
        from cooperation.views import request_action
        from directory import extensions
        from mailer.signals import mail_settled as outbox_settled

        extensions.register(extensions.profile_actions, request_action, order=10)
        if personal_data not in EXPORT_CONTRIBUTORS:
            EXPORT_CONTRIBUTORS.append(personal_data)
        outbox_settled.connect(mail_settled, dispatch_uid="cooperation.delivery")
