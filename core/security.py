"""Security headers that Django 5.2 does not set itself.

Content-Security-Policy from settings.CONTENT_SECURITY_POLICY: every page is built
without inline script or style, so the policy allows only the portal's own files.
A page that may be framed by other sites (the widget, marked with Django's
``xframe_options_exempt``) gets ``frame-ancestors *`` instead of ``'none'``.
A view may set its own policy by setting the header itself.
(django-csp would add nonces and per-view decorators; a fixed policy needs
neither, so this is a header, not a dependency.)
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited

from core.errors import bad_request, ratelimited


def policy(*, frameable: bool = False) -> str:
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    if frameable:
        directives["frame-ancestors"] = ["*"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default = policy()
        self.frameable = policy(frameable=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            exempt = getattr(response, "xframe_options_exempt", False)
            response["Content-Security-Policy"] = self.frameable if exempt else self.default
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for rate limits and login lockout: REMOTE_ADDR, or
    behind a proxy the header it sets (settings.CLIENT_IP_HEADER, e.g.
    HTTP_X_REAL_IP from nginx, which overwrites whatever the client sent)."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip() or "0.0.0.0"


# Rate-limited form submissions: view name -> (limit in settings.RATE_LIMITS,
# what is counted). One table for the whole portal, applied here so that the
# apps stay free of it. "ip": per client address; "user_or_ip": per signed-in user.
RATE_LIMITED: dict[str, tuple[str, list[str]]] = {
    "login": ("login", ["ip"]),
    "verify_email": ("login", ["ip"]),  # the password that completes a registration
    "signup": ("signup", ["ip"]),
    "resend_verification": ("signup", ["ip", "post:email"]),
    "password_reset": ("password_reset", ["ip", "post:email"]),
    "cooperation:new": ("request", ["user_or_ip"]),
    "cooperation:detail": ("request", ["user_or_ip"]),
    "support:offer": ("interest", ["user_or_ip"]),
    "support:tandem": ("interest", ["user_or_ip"]),
    "support:expert_contact": ("interest", ["user_or_ip"]),
}


class RateLimitMiddleware:
    """POSTs to the views above beyond their rate get the 429 page (counted in the
    shared cache by django-ratelimit, so across all server processes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method != "POST" or not settings.RATELIMIT_ENABLE:
            return None
        match = request.resolver_match
        entry = RATE_LIMITED.get(match.view_name if match else "")
        if entry is None:
            return None
        kind, keys = entry
        for key in keys:
            if is_ratelimited(
                request,
                group=f"portal.{kind}.{key}",
                key=key,
                rate=settings.RATE_LIMITS[kind],
                method="POST",
                increment=True,
            ):
                return ratelimited(request)
        return None


class RejectNullCharactersMiddleware:
    """A NUL character is never part of a legitimate form, and PostgreSQL refuses
    it in text: such a POST gets the 400 page before any view sees it. (In query
    parameters the search strips it, so a pasted search still finds something.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in str(v) for v in values):
                    return bad_request(request)
        return self.get_response(request)
