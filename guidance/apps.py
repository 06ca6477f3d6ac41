from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("Leitfaden")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import extensions
        from guidance.profile_panel import profile_panel

        extensions.register(extensions.profile_panels, profile_panel)
