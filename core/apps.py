from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting helpers: page cache, CSV safety, text, Markdown, security, logs."""

    name = "core"
    verbose_name = _("Grundlagen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deployment checks)

        _bound_database_waits()

        # migrate and flush (Django's) change data in bulk: once per run, not per app.
        post_migrate.connect(_data_replaced, sender=self, dispatch_uid="core.clear_caches")


def _data_replaced(**kwargs: Any) -> None:
    from core.pagecache import clear_all

    clear_all()


def _bound_database_waits() -> None:
    """Web processes on PostgreSQL wait for the database at most DB_CLIENT_TIMEOUT
    per statement (core/dbdeadline.py)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if (
        engine == "django.db.backends.postgresql"
        and settings.PORTAL_PROCESS == "web"
        and settings.DB_CLIENT_TIMEOUT > 0
    ):
        from core import dbdeadline

        dbdeadline.install(
            statement_seconds=settings.DB_CLIENT_TIMEOUT,
            connect_seconds=float(settings.DB_CONNECT_TIMEOUT or settings.DB_CLIENT_TIMEOUT),
        )
