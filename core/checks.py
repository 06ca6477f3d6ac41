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


@checks.register(deploy=True)
def site_url_set(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Links in mails must not depend on the address a request came to."""
    if settings.SITE_URL.startswith(("https://", "http://")):
        return []
    return [
        checks.Warning(
            "SITE_URL is not set (or not an http(s) address): links in e-mails and open "
            "data use the address each request came to, and SITE_URL_DEFAULT outside "
            "requests (the worker).",
            hint="Set SITE_URL to the portal's public address, e.g. https://mo-portal.de "
            "(docs/deployment.md).",
            id="portal.W002",
        )
    ]
