"""The shared cache is optional: without Redis the portal is slower, never broken.

``ResilientRedisCache`` is Django's own Redis backend (settings.CACHES with
REDIS_URL) with every call guarded: when Redis refuses, hangs or drops the
connection, the call answers as on a miss (``get`` its default, ``get_many``
nothing, ``add`` and ``delete`` False, ``incr`` the ValueError of a missing key,
writes nothing) and the page is computed. After a failure the cache is skipped
for ``retry_seconds`` (a circuit breaker): a page with ten cache calls pays one
timeout, not ten, and a hanging Redis costs at most one short socket timeout
(settings: CACHE_CONNECT_TIMEOUT, CACHE_TIMEOUT) per process every few seconds.
Each outage is logged once per process and retry period (``cache unavailable``),
with the number of calls skipped since, and its end once (``cache available
again``): no line per call.

Why a subclass and not django-redis with ``IGNORE_EXCEPTIONS``: the portal
already uses Django's backend (same keys, same serialisation, no new dependency);
django-redis logs every ignored call with a traceback (a flood under load), has
no breaker (each call waits its timeout), and answers a failed ``incr`` with
None, which django-ratelimit and DRF's throttling would then compare as a count.
Here every method keeps Django's contract, so all callers work unchanged.

A write lost while the cache was away may be a generation bump (core.pagecache):
should Redis come back holding entries from before (a cut network rather than a
restart), pages of the old data would be served. So the first successful call
after lost writes sends ``recovered``; core.pagecache then advances the
generation of all data (every page is computed afresh once).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger("core.cache")

# What a cache that is away raises: the client's errors (refused, reset, timed
# out, a Redis that answers with an error such as OOM or LOADING) and the
# socket's own.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)

# Sent by the first successful call after writes were lost (sender: the backend).
recovered = Signal()

T = TypeVar("T")
RETRY_SECONDS = 5.0


class ThrottledLog:
    """One log line per key and period at most, with how many were held back."""

    def __init__(self, logger: logging.Logger, period: float = 60.0) -> None:
        self.logger = logger
        self.period = period
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> bool:
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.period:
            self._held[key] = self._held.get(key, 0) + 1
            return False
        held = self._held.pop(key, 0)
        self._last[key] = now
        suffix = f" ({held} more since the last line)" if held else ""
        self.logger.warning(message + suffix, *args)
        return True


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that answers as on a miss while Redis is away.

    OPTIONS as for Django's backend (passed to redis-py's connection pool, e.g.
    ``socket_connect_timeout``, ``socket_timeout``), plus ``retry_seconds``: how
    long the cache is skipped after a failure (0: try every call)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        options: dict[str, Any] = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", RETRY_SECONDS))
        self._options = options
        self._skip_until = 0.0
        self._away = False
        self._lost_writes = False
        self.failures = 0  # calls that reached Redis and failed
        self.skipped = 0  # calls not tried since the last failure (the breaker open)

    # The breaker ---------------------------------------------------------------

    @property
    def unavailable(self) -> bool:
        """Whether the last call failed and the cache is being skipped."""
        return self._away

    def _guard(self, call: Callable[[], T], miss: Callable[[], T], *, write: bool) -> T:
        if self._away and time.monotonic() < self._skip_until:
            self.skipped += 1
            self._lost_writes = self._lost_writes or write
            return miss()
        try:
            result = call()
        except CACHE_ERRORS as error:
            self._fail(error, write=write)
            return miss()
        if (self._away or self._lost_writes) and self._back() and not write:
            # What was read may be outdated by the lost writes: read again
            # after the receivers of ``recovered`` have moved on.
            return self._guard(call, miss, write=write)
        return result

    def _fail(self, error: BaseException, *, write: bool) -> None:
        self.failures += 1
        self._lost_writes = self._lost_writes or write
        self._skip_until = time.monotonic() + self.retry_seconds
        skipped, self.skipped = self.skipped, 0
        self._away = True
        logger.warning(
            "cache unavailable (%s: %s): pages are computed and rate limits not counted; "
            "next try in %.0f s (%d calls skipped before)",
            type(error).__name__,
            str(error)[:200],
            self.retry_seconds,
            skipped,
        )

    def _back(self) -> bool:
        """The cache answers again; True when lost writes were made up for."""
        if self._away:
            logger.warning("cache available again")
        self._away = False
        if not self._lost_writes:
            return False
        self._lost_writes = False
        recovered.send(sender=self)
        return True

    def ping(self) -> bool:
        """For /healthz: whether Redis answers now (bounded by the socket timeouts;
        while the breaker is open, without asking)."""

        def call() -> bool:
            return bool(self._cache.get_client(None).ping())

        return self._guard(call, lambda: False, write=False)

    # Django's cache API, each call guarded ------------------------------------

    def add(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: False,
            write=True,
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
            write=False,
        )

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
            write=True,
        )

    def touch(
        self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
            write=True,
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: False,
            write=True,
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guard(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            dict,
            write=False,
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: False,
            write=False,
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            # Django's answer for a key that is not there: callers handle it
            # (core.pagecache sets the key; django-ratelimit gives up counting,
            # which RATELIMIT_FAIL_OPEN lets through).
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")

        return self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            missing,
            write=True,
        )

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),  # Django's contract: the keys that were not stored
            write=True,
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._guard(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
            write=True,
        )

    def clear(self) -> None:
        self._guard(
            lambda: super(ResilientRedisCache, self).clear(),
            lambda: None,
            write=True,
        )


def cache_status(alias: str = "default") -> str:
    """ "ok" or "unavailable", for /healthz: asks the cache once, within its timeouts."""
    backend = caches[alias]
    ping = getattr(backend, "ping", None)
    if callable(ping):
        return "ok" if ping() else "unavailable"
    try:
        backend.get("healthz")
    except Exception:  # any backend's failure: the probe reports, never raises
        logger.warning("cache unavailable (health check)", exc_info=True)
        return "unavailable"
    return "ok"


def cache_unavailable(alias: str = "default") -> bool:
    """Whether the cache is known to be away right now (its breaker is open)."""
    return bool(getattr(caches[alias], "unavailable", False))
