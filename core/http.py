"""Redirect targets that come from the request (``next``) are checked here, in one place."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD_NAME = "next"


def is_safe_next(request: HttpRequest, url: str | None) -> bool:
    """A path on this site: same host, no other scheme (``javascript:``), no
    ``//host`` or ``/\\host``, and HTTPS kept when the request came over HTTPS."""
    if not url or not url.startswith("/"):
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str, field: str = REDIRECT_FIELD_NAME) -> str:
    """The ``next`` target of the request (POST field, else query parameter) if it
    is a page of this site, else ``default`` (a URL, not a URL name)."""
    url = request.POST.get(field, request.GET.get(field))
    return url if url is not None and is_safe_next(request, url) else default
