"""Deployment checks of our own (manage.py check --deploy)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: caches, rate limits and the page cache are kept per "
            "process and not shared between server processes.",
            hint="Set REDIS_URL (docs/deployment.md).",
            id="portal.W001",
        )
    ]
