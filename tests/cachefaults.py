"""A shared cache that is away, for the tests of core/cache.py (issue 20).

``FlakyRedisCache`` is the portal's own backend (core.cache.ResilientRedisCache)
over an in-memory stand-in for the Redis client: while ``FlakyRedisCache.broken``
is set, every call raises redis' ConnectionError, as a refused Redis does. No
Redis needed. ``settings_for(...)`` gives the CACHES setting.

``TcpProxy`` sits between the portal and the real Redis on 127.0.0.1:6379 and
can be cut (refuse: the port is closed; hang: connections are accepted and never
answered), so that the real client's timeouts are tried. The real Redis is never
touched: ``ProxiedRedisCache`` clears only its own keys (a unique prefix).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from core.cache import ResilientRedisCache


class _MemoryClient:
    """Django's RedisCacheClient's interface over a dict (values kept as given)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.calls = 0

    def _check(self) -> None:
        self.calls += 1
        if FlakyRedisCache.broken:
            raise RedisConnectionError("Error 111 connecting to cache:6379. Connection refused.")

    def get_client(self, key: Any = None, *, write: bool = False) -> _MemoryClient:
        return self

    def ping(self) -> bool:
        self._check()
        return True

    def add(self, key: str, value: Any, timeout: Any) -> bool:
        self._check()
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def get(self, key: str, default: Any) -> Any:
        self._check()
        return self.data.get(key, default)

    def set(self, key: str, value: Any, timeout: Any) -> None:
        self._check()
        self.data[key] = value

    def touch(self, key: str, timeout: Any) -> bool:
        self._check()
        return key in self.data

    def delete(self, key: str) -> bool:
        self._check()
        return self.data.pop(key, None) is not None

    def get_many(self, keys: Any) -> dict[str, Any]:
        self._check()
        return {k: self.data[k] for k in keys if k in self.data}

    def has_key(self, key: str) -> bool:
        self._check()
        return key in self.data

    def incr(self, key: str, delta: int) -> int:
        self._check()
        if key not in self.data:
            raise ValueError(f"Key {key!r} not found.")
        self.data[key] += delta
        return int(self.data[key])

    def set_many(self, data: dict[str, Any], timeout: Any) -> None:
        self._check()
        self.data.update(data)

    def delete_many(self, keys: Any) -> None:
        self._check()
        for key in keys:
            self.data.pop(key, None)

    def clear(self) -> bool:
        self._check()
        self.data.clear()
        return True


class FlakyRedisCache(ResilientRedisCache):
    """The portal's backend whose Redis refuses every call while ``broken``."""

    broken = True
    client = _MemoryClient()  # shared by all instances (threads) of a test

    @property
    def _cache(self) -> _MemoryClient:  # type: ignore[override]
        return FlakyRedisCache.client


def settings_for(backend: str = "tests.cachefaults.FlakyRedisCache", **options: Any) -> dict:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": options.pop("location", "redis://127.0.0.1:1/0"),
            "KEY_PREFIX": options.pop("key_prefix", "test"),
            "OPTIONS": options,
        }
    }


@contextlib.contextmanager
def flaky_cache(*, broken: bool = True):
    """A fresh in-memory 'Redis', broken or not, for the duration."""
    FlakyRedisCache.client = _MemoryClient()
    FlakyRedisCache.broken = broken
    try:
        yield FlakyRedisCache
    finally:
        FlakyRedisCache.broken = True


class ProxiedRedisCache(ResilientRedisCache):
    """The real backend, whose clear() deletes only its own keys (the Redis
    behind the proxy is shared with others: never FLUSHDB)."""

    def clear(self) -> None:
        def call() -> None:
            client = self._cache.get_client(None, write=True)
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)

        self._guard(call, lambda: None, write=True)


def proxied_settings(port: int, **options: Any) -> dict:
    return settings_for(
        "tests.cachefaults.ProxiedRedisCache",
        location=f"redis://127.0.0.1:{port}/0",
        key_prefix=f"test-cachefaults-{uuid.uuid4().hex[:12]}",
        **options,
    )


class TcpProxy:
    """A TCP proxy to ``target`` on a free port of 127.0.0.1 that can be cut.

    ``refuse()``: the port is closed and open connections are dropped (new ones
    are refused at once). ``hang()``: connections are accepted and bytes read,
    but nothing is passed on or answered (a Redis that hangs). ``restore()``:
    back to passing bytes on, on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "pass"
        self.port = 0
        self.accepted = 0  # connections accepted (also while hanging)
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> TcpProxy:
        self._listen()
        return self

    def __exit__(self, *exc: object) -> None:
        self._close_listener()
        self._cut()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            listener.close()

    def _cut(self) -> None:
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _track(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._open.extend(sockets)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self.mode == "hang":
                self._track(client)  # accepted, never answered
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=2)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self._track(client, upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _swallow(self, sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while sock.recv(65536):
                pass

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self.mode == "hang":
                    continue  # read and dropped: the other side waits for ever
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def refuse(self) -> None:
        self.mode = "refuse"
        self._close_listener()
        self._cut()

    def hang(self) -> None:
        self.mode = "hang"

    def restore(self) -> None:
        self._cut()  # hung connections are dropped; the client reconnects
        if self._listener is None:
            self._listen()
        self.mode = "pass"


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
