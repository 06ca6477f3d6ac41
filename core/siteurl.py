"""The portal's own address for absolute links (mails, open data).

Production sets ``SITE_URL`` (``check --deploy`` warns without it). Unset (``make
run``, a laptop, a test server on another port) every link made during a request
uses the address that request came to (``request.build_absolute_uri('/')``,
validated against ALLOWED_HOSTS), so a mail queued while the portal runs on
http://127.0.0.1:8765/ links there. Outside a request (the worker, management
commands) it is ``SITE_URL_DEFAULT``, which ``make run`` sets to its HOST and PORT.

The address of the current request lives in a context variable, set by
``SiteUrlMiddleware`` for the request alone (threads and async tasks each see
their own), so nothing leaks from one request into another.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request_root: ContextVar[str | None] = ContextVar("site_url", default=None)


def site_url() -> str:
    """The address links start with, without a trailing slash."""
    configured: str = settings.SITE_URL
    if configured:
        return configured.rstrip("/")
    current = _request_root.get()
    if current:
        return current
    default: str = settings.SITE_URL_DEFAULT
    return default.rstrip("/")


class SiteUrlMiddleware:
    """Without SITE_URL: links made during a request use its address. Placed
    after CommonMiddleware (which has validated the host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SITE_URL:
            return self.get_response(request)
        token = _request_root.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_root.reset(token)
