from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting helpers: page cache, CSV safety, text, Markdown, security, logs."""

    name = "core"
    verbose_name = _("Grundlagen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deployment checks)
