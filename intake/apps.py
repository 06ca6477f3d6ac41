from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Imports of MO lists (spreadsheets of networks and municipalities) by coordinators."""

    name = "intake"
    verbose_name = _("Import")
    default_auto_field = "django.db.models.BigAutoField"
