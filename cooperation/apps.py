from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Kooperationsanfragen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cooperation.views import request_action
        from directory import extensions

        if request_action not in extensions.profile_actions:
            extensions.profile_actions.append(request_action)

        from cooperation.services import personal_data
        from portal import accounts

        if personal_data not in accounts.EXPORT_CONTRIBUTORS:
            accounts.EXPORT_CONTRIBUTORS.append(personal_data)
