"""Small typed readers for settings from environment variables.

Each reader fails loudly on a value it cannot parse, so that a typo in a
deployment never turns into a silent default.
"""

import os
from typing import overload
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def envstr(name: str, default: str) -> str: ...
@overload
def envstr(name: str, default: None = None) -> str | None: ...
def envstr(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}.")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def envfloat(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def url_origin(name: str, url: str) -> str:
    """The origin of a URL template (a tile server's ``https://{s}.tile.example/{z}/{x}/{y}.png``)
    for the Content-Security-Policy: ``https://*.tile.example`` (``{s}``, the subdomains,
    becomes the wildcard); "" for a path on the portal's own host (``/tiles/{z}/{x}/{y}.png``,
    already allowed as 'self'). Fails loudly on anything else."""
    if url.startswith("/") and not url.startswith("//"):
        return ""
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in ("http", "https") or not host or any(c in host for c in "{}/ @"):
        raise ImproperlyConfigured(
            f"{name} must be an http(s) address like "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png, not {url!r}."
        )
    return f"{parts.scheme}://{host}"
