"""Caching that never shows outdated data.

Every cached value is stored under the current *generation* of the data it
depends on ("directory": profiles and vocabulary, "guide": the guide's texts).
Whoever changes such data calls ``bump()``; it takes effect when the
transaction commits, so no request can read old data and store it under the
new generation. Old entries are never read again and expire by themselves.
The cache is the shared one (Redis in production), so all server processes
see the same generations.

Every key also carries the generation of *all* data: ``clear_all()`` advances it
after a change that may touch anything (``restore``, the bulk commands, a
migration or ``flush``), so no page or value cached before is read again, and it
sends ``cleared`` so that the rooms above drop what they keep outside the
generations (the directory's vocabulary and synonyms).

The cache is optional (core.cache): while it is away every lookup misses and the
page or value is computed; a bump that could not be written is made up for by
advancing the generation of all data as soon as the cache answers again
(``core.cache.recovered``), so entries from before the outage are never read.
"""

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from core.cache import recovered

NAMESPACES = ("directory", "guide")
EVERYTHING = "*"  # the generation of all data, part of every key
PAGE_TIMEOUT = 3600

T = TypeVar("T")
V = TypeVar("V")
P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]

# Sent by clear_all(): receivers drop the caches they keep outside the generations.
cleared = Signal()


def _key(namespace: str) -> str:
    return f"generation:{namespace}"


def bump(*namespaces: str) -> None:
    """Mark data of these namespaces as changed (after the current transaction)."""
    namespaces = namespaces or NAMESPACES

    transaction.on_commit(lambda: _advance(namespaces))


def _advance(namespaces: Sequence[str]) -> None:
    for namespace in namespaces:
        try:
            cache.incr(_key(namespace))
        except ValueError:  # not there yet (or the cache was emptied)
            cache.set(_key(namespace), time.time_ns(), timeout=None)


def _cache_recovered(**kwargs: object) -> None:
    """Writes were lost while the cache was away (maybe a bump): forget everything."""
    _advance([EVERYTHING])
    cleared.send(sender=clear_all)


recovered.connect(_cache_recovered, dispatch_uid="core.pagecache.recovered")


def clear_all() -> None:
    """Forget every cached page and value, of all generations and namespaces.

    For changes that may touch any data: a restore, a bulk command, a migration.
    Takes effect at once and again when the current transaction commits (a
    request in between may have stored data of the old state).
    """

    def clear() -> None:
        _advance([EVERYTHING])
        cleared.send(sender=clear_all)

    clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(clear)


def clears_all(handle: Callable[P, T]) -> Callable[P, T]:
    """A management command's handle() that ends with clear_all(), also when it fails
    halfway (what it wrote up to then is committed)."""

    @wraps(handle)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return handle(*args, **kwargs)
        finally:
            clear_all()

    wrapped.clears_all = True  # type: ignore[attr-defined]
    return wrapped


def generations(namespaces: Sequence[str] = NAMESPACES) -> str:
    keys = [_key(n) for n in (EVERYTHING, *namespaces)]
    found = cache.get_many(keys)
    missing = {k: time.time_ns() for k in keys if k not in found}
    if missing:
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return "-".join(str(found[k]) for k in keys)


def hash_params(parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached(
    name: str,
    parts: object,
    compute: Callable[[], T],
    *,
    namespaces: Sequence[str] = NAMESPACES,
    timeout: int = PAGE_TIMEOUT,
) -> T:
    """A value computed once per generation of its data (and per ``parts``)."""
    digest = hash_params(parts)
    key = f"cached:{name}:{generations(namespaces)}:{digest}"
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_each(
    name: str,
    items: Sequence[T],
    parts: Callable[[T], object],
    compute: Callable[[list[T]], list[V]],
    *,
    namespaces: Sequence[str] = NAMESPACES,
    timeout: int = PAGE_TIMEOUT,
) -> list[V]:
    """One value per item, each computed once per generation of its data (and per
    ``parts(item)``): those not kept are computed together by ``compute`` (one
    value per item given, in order) and kept."""
    generation = generations(namespaces)
    keys = [f"cached:{name}:{generation}:{hash_params(parts(item))}" for item in items]
    found = cache.get_many(keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    if missing:
        values = compute([items[index] for index in missing])
        computed = {keys[index]: value for index, value in zip(missing, values, strict=True)}
        cache.set_many(computed, timeout)
        found.update(computed)
    return [found[key] for key in keys]


def anonymous_page(*namespaces: str) -> Callable[[View[P]], View[P]]:
    """Serve the same page to every anonymous visitor from the shared cache.

    Only GET requests without a session (no personal content), and never a
    page that carries a CSRF token or a message for its visitor. A partial
    update of a page (htmx sends ``HX-Request``) is a different answer than the
    page itself: the flag is part of the key, and the view's ``Vary`` is kept.
    """
    namespaces = namespaces or NAMESPACES

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if request.method != "GET" or request.user.is_authenticated or not settings.PAGE_CACHE:
                return view(request, *args, **kwargs)
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
            part = "fragment" if is_fragment_request(request) else "page"
            key = f"page:{generations(namespaces)}:{get_language()}:{part}:{path}"
            hit = cache.get(key)
            if hit is not None:
                status, content_type, content, vary = hit
                response = HttpResponse(content, status=status, content_type=content_type)
                patch_vary_headers(response, ["Cookie", "Accept-Language", *vary])
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not getattr(response, "streaming", False)
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not _has_messages(request)
            ):
                response.render() if hasattr(response, "render") else None
                cache.set(
                    key,
                    (
                        response.status_code,
                        response["Content-Type"],
                        response.content,
                        [v.strip() for v in response.get("Vary", "").split(",") if v.strip()],
                    ),
                    PAGE_TIMEOUT,
                )
            return response

        return wrapped

    return decorator


def is_fragment_request(request: HttpRequest) -> bool:
    """A partial update of a page by htmx (not its history restore, which wants the page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage and (getattr(storage, "_queued_messages", None) or storage.used))
