from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Unterstützung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import extensions
        from support.views_assessment import edit_links

        if edit_links not in extensions.edit_links:
            extensions.edit_links.append(edit_links)

        from portal import accounts
        from support.services import personal_data

        if personal_data not in accounts.EXPORT_CONTRIBUTORS:
            accounts.EXPORT_CONTRIBUTORS.append(personal_data)
