from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import checks  # noqa: F401  (registers the deployment checks)
        from portal.roles import ensure_groups

        # Group set-up data, like Django's own permissions, follows the migrations.
        post_migrate.connect(ensure_groups, dispatch_uid="portal.ensure_groups")
