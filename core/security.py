"""Security headers that Django 5.2 does not set itself.

Content-Security-Policy from settings.CONTENT_SECURITY_POLICY: every page is built
without inline script or style, so the policy allows only the portal's own files.
A page that may be framed by other sites (the widget, marked with Django's
``xframe_options_exempt``) gets ``frame-ancestors *`` instead of ``'none'``.
A view may set its own policy by setting the header itself.
(django-csp would add nonces and per-view decorators; a fixed policy needs
neither, so this is a header, not a dependency.)
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject
from django_ratelimit.core import get_usage

from core.cache import CACHE_ERRORS, ThrottledLog
from core.errors import bad_request, page_not_found, ratelimited

# "Rate limit not counted" once a minute per limit and process, not per request.
_uncounted = ThrottledLog(logging.getLogger("core.security"), period=60.0)


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
# a dotted name: a key function above (an address, normalised). Per sender every
# POST counts. A pair (limit, key) counts with its own limit; its key may name a
# target of a message, counted only for sends that went through (see
# RateLimitMiddleware): "kwarg:<name>": the object named in the URL (view name +
# value: an MO's slug, an expert's pk); "address:<field>": an e-mail address in
# the form, normalised (an invited person).
#
# Logins are limited per client address and, across all addresses, per account
# ("login_account"): the lockout (axes) counts per account *and* address, so
# without it guesses spread over many addresses would be unlimited. The price: who
# knows an address can keep its owner from logging in for as long as they keep
# sending more than that many attempts (a denial of service against one person,
# not a takeover). The limit is therefore set well above what a person ever types
# (settings.RATE_LIMITS) and counts every POST for the account, right or wrong.
Key = str | tuple[str, str]
RATE_LIMITED: dict[str, tuple[str, list[Key]]] = {
    "login": ("login", ["ip", ("login_account", LOGIN_IDENTITY)]),
    "admin:login": ("login", ["ip", ("login_account", LOGIN_IDENTITY)]),
    "verify_email": ("login", ["ip"]),  # the password that completes a registration
    "signup": ("signup", ["ip"]),
    "resend_verification": ("signup", ["ip", EMAIL_IDENTITY]),
    "password_reset": ("password_reset", ["ip", EMAIL_IDENTITY]),
    "cooperation:new": ("request", ["user_or_ip", ("contact_target", "kwarg:slug")]),
    "cooperation:detail": ("request", ["user_or_ip", ("contact_target", "kwarg:pk")]),
    # The one-time link of an MO without team: answers per address and per link.
    "cooperation:relay": ("request", ["ip", ("contact_target", "kwarg:token")]),
    "cooperation:relay_claim": ("claim", ["user_or_ip"]),
    "support:offer": ("interest", ["user_or_ip", ("contact_target", "kwarg:pk")]),
    "support:tandem": ("interest", ["user_or_ip", ("contact_target", "kwarg:pk")]),
    "support:expert_contact": ("interest", ["user_or_ip", ("contact_target", "kwarg:pk")]),
    "page": ("feedback", ["ip"]),  # the accessibility feedback (the only form on a page)
    "directory:team": (
        "invitation",
        [
            "user_or_ip",
            ("invitation_organisation", "kwarg:slug"),
            ("invitation_address", "address:email"),
        ],
    ),
    "directory:claim": ("claim", ["user_or_ip"]),
    # Taking a profile over with a letter's code or a link: guesses per address.
    "directory:takeover_code": ("takeover_code", ["ip", "user_or_ip"]),
    "directory:takeover_link": ("takeover_code", ["ip"]),
    "cooperation:report": ("report", ["user_or_ip"]),  # an MO reports an account
}


def _kwarg_key(name: str) -> Callable[[str, HttpRequest], str]:
    def key(group: str, request: HttpRequest) -> str:
        match = request.resolver_match
        if match is None:
            return ""
        return f"{match.view_name}:{match.kwargs.get(name, '')}"

    return key


def _address_key(field: str) -> Callable[[str, HttpRequest], str]:
    def key(group: str, request: HttpRequest) -> str:
        return normalise_identity(request.POST.get(field))

    return key


def is_target(key: str) -> bool:
    """Whether a key of the table names the target of a message (counted only
    for sends that went through) rather than its sender."""
    return key.startswith(("kwarg:", "address:"))


def rate_key(key: str) -> str | Callable[[str, HttpRequest], str]:
    """django-ratelimit's key for an entry of the table."""
    if key.startswith("kwarg:"):
        return _kwarg_key(key.removeprefix("kwarg:"))
    if key.startswith("address:"):
        return _address_key(key.removeprefix("address:"))
    return key


class RateLimitMiddleware:
    """POSTs to the views above beyond their rate get the 429 page (counted in the
    shared cache by django-ratelimit, so across all server processes).

    Per sender (a plain key) every POST counts. Per target (a pair) only a POST
    that went through counts (the view answered with a redirect that is not the
    login page): a sender without the right to write, or a form with errors,
    cannot use up someone else's inbox for the legitimate senders."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        targets: list[tuple[str, str, Callable[[str, HttpRequest], str]]] = getattr(
            request, "_rate_targets", []
        )
        if targets and _went_through(response):
            for kind, group, key in targets:
                usage = _usage(
                    request,
                    group=group,
                    key=key,
                    rate=settings.RATE_LIMITS[kind],
                    method="POST",
                    increment=True,
                )
                if usage is None:
                    _not_counted(kind)
        return response

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
        targets = []
        for item in keys:
            kind, key = item if isinstance(item, tuple) else (default_kind, item)
            group = f"portal.{kind}.{key}"
            counted = rate_key(key)
            if not is_target(key):
                usage = _usage(
                    request,
                    group=group,
                    key=counted,
                    rate=settings.RATE_LIMITS[kind],
                    method="POST",
                    increment=True,
                )
                if usage is None:
                    _not_counted(kind)
                elif usage["should_limit"]:
                    return ratelimited(request)
                continue
            assert callable(counted), "a pair counts per target: kwarg:... or address:..."
            value = counted(group, request)
            if not value:
                continue
            fixed = _fixed(value)
            rate = settings.RATE_LIMITS[kind]
            usage = _usage(
                request, group=group, key=fixed, rate=rate, method="POST", increment=False
            )
            if usage is None:
                _not_counted(kind)
            elif usage["should_limit"] or usage["count"] >= usage["limit"]:
                return ratelimited(request)
            targets.append((kind, group, fixed))
        request._rate_targets = targets  # type: ignore[attr-defined]
        return None


def _usage(request: HttpRequest, **kwargs: Any) -> dict[str, Any] | None:
    """django-ratelimit's count, or None when it cannot be had: the portal's cache
    answers as on a miss while Redis is away (core.cache), another backend may
    raise."""
    try:
        usage: dict[str, Any] | None = get_usage(request, **kwargs)
    except CACHE_ERRORS:
        return None
    return usage


def _not_counted(kind: str) -> None:
    """The count could not be read or written (the shared cache is away): the
    request goes through (settings.RATELIMIT_FAIL_OPEN) rather than every one
    being refused. Logins stay protected by the lockout per account and address,
    which django-axes counts in the database."""
    _uncounted.warning(
        kind, "rate limit %r not counted (the cache is unavailable): request let through", kind
    )


def _fixed(value: str) -> Callable[[str, HttpRequest], str]:
    """The key as it was before the view ran (the view may change the request)."""
    return lambda group, request: value


def _went_through(response: HttpResponse) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    login = resolve_url(settings.LOGIN_URL)
    return not str(response.get("Location", "")).startswith(login)


class RejectNullCharactersMiddleware:
    """A NUL character is never part of a legitimate form, and PostgreSQL refuses
    it in text: such a POST gets the 400 page before any view sees it. No address
    of the portal has one either: a path with NUL is the 404 page (the JSON 404
    under /api/), before a view looks it up. (In query parameters the search
    strips it, so a pasted search still finds something.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return page_not_found(request)
        if request.method == "POST":
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in str(v) for v in values):
                    return bad_request(request)
        return self.get_response(request)
