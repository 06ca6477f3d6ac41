from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Unterstützung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import EXPORT_CONTRIBUTORS
        from directory import extensions
        from support.services import personal_data
        from support.views_assessment import edit_links

        extensions.register(extensions.edit_links, edit_links)
        if personal_data not in EXPORT_CONTRIBUTORS:
            EXPORT_CONTRIBUTORS.append(personal_data)
