from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The portal as a whole: home, topics, text pages, the coordinators' figures."""

    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import extensions
        from portal.account_panel import account_panel

        extensions.register(account_panel, order=10)
