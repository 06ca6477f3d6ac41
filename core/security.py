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
from django.utils.functional import SimpleLazyObject
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


class PrivateResponseMiddleware:
    """Every answer to a signed-in person is ``Cache-Control: private, no-store``
    (unless its view set a Cache-Control itself): its header carries the
    person's name and a CSRF token, many pages private data. Browsers and shared
    caches keep none of it; ConditionalGetMiddleware then sets no ETag either.
    Pages for anonymous visitors are left as they were (the shared page cache,
    core.pagecache.anonymous_page, stores only those).

    Placed right after AuthenticationMiddleware. Without a session cookie nobody
    can be signed in except by a login in this very request (which replaces
    ``request.user``), so the session is not touched for anonymous visitors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response and _signed_in(request):
            response["Cache-Control"] = "private, no-store"
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and isinstance(user, SimpleLazyObject):
        return False
    return bool(user.is_authenticated)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for rate limits and login lockout: REMOTE_ADDR, or
    behind a proxy the header it sets (settings.CLIENT_IP_HEADER, e.g.
    HTTP_X_REAL_IP from nginx, which overwrites whatever the client sent)."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip() or "0.0.0.0"


def normalise_identity(value: object) -> str:
    """The one form of a login identity (an e-mail address): without surrounding
    spaces, lower-case. Addresses are stored so (accounts.models.UserManager) and
    are unique case-insensitively; the login form, the lockout (django-axes,
    AXES_USERNAME_CALLABLE) and the rate limits all count this form, so that
    ``Probe@example.org`` and ``probe@example.org`` are one person everywhere."""
    return value.strip().lower() if isinstance(value, str) else ""


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the identity from the credentials handed to
    ``authenticate()`` or, failing that, from the posted form (both the portal's
    and the admin's login post ``username``)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return normalise_identity(credentials.get(field))
    data = getattr(request, "POST", None)
    return normalise_identity(data.get(field) if data is not None else None)


def login_identity(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the posted login name, normalised."""
    return normalise_identity(request.POST.get(settings.AXES_USERNAME_FORM_FIELD))


def email_identity(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the posted e-mail address, normalised."""
    return normalise_identity(request.POST.get("email"))


LOGIN_IDENTITY = "core.security.login_identity"
EMAIL_IDENTITY = "core.security.email_identity"

# Rate-limited form submissions: view name -> (limit in settings.RATE_LIMITS,
# what is counted). One table for the whole portal, applied here so that the
# apps stay free of it. "ip": per client address; "user_or_ip": per signed-in user;
# a dotted name: a key function above (an address, normalised). A key may carry its
# own limit as (limit, key).
#
# Logins are limited per client address and, across all addresses, per account
# ("login_account"): the lockout (axes) counts per account *and* address, so
# without it guesses spread over many addresses would be unlimited. The price: who
# knows an address can keep its owner from logging in for as long as they keep
# sending more than that many attempts (a denial of service against one person,
# not a takeover). The limit is therefore set well above what a person ever types
# (settings.RATE_LIMITS) and counts every POST for the account, right or wrong.
RATE_LIMITED: dict[str, tuple[str, list[str | tuple[str, str]]]] = {
    "login": ("login", ["ip", ("login_account", LOGIN_IDENTITY)]),
    "admin:login": ("login", ["ip", ("login_account", LOGIN_IDENTITY)]),
    "verify_email": ("login", ["ip"]),  # the password that completes a registration
    "signup": ("signup", ["ip"]),
    "resend_verification": ("signup", ["ip", EMAIL_IDENTITY]),
    "password_reset": ("password_reset", ["ip", EMAIL_IDENTITY]),
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
        default_kind, keys = entry
        for counted in keys:
            kind, key = counted if isinstance(counted, tuple) else (default_kind, counted)
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
