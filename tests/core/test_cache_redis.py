"""The real Redis client behind a proxy that is cut (issue 20): refused and
hanging, pages answer 200, a hanging Redis costs one socket timeout per retry
period (the breaker), not one per cache call, and everything comes back.
The Redis itself (REDIS_TEST_URL) is never stopped: only the proxy is cut."""

import logging
import os
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse

from core import cache as core_cache
from tests.cachefaults import TcpProxy, proxied_settings, redis_answers
from tests.factories import make_organisation

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

CONNECT_TIMEOUT, READ_TIMEOUT, RETRY = 0.25, 0.5, 5.0


@pytest.fixture
def redis_address():
    url = urlsplit(os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0"))
    address = (url.hostname or "127.0.0.1", url.port or 6379)
    assert redis_answers(*address), f"no Redis answers at {address} (REDIS_TEST_URL)"
    return address


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def proxied(redis_address, clock):
    """The portal's cache through a proxy to the real Redis, as in production."""
    with TcpProxy(redis_address) as proxy:
        caches_setting = proxied_settings(
            proxy.port,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=READ_TIMEOUT,
            retry_seconds=RETRY,
        )
        with override_settings(CACHES=caches_setting):
            try:
                yield proxy
            finally:
                proxy.restore()
                clock[0] += RETRY + 1
                cache.get("after-the-test")  # the cache is back (what it sends on that is written)
                cache.clear()  # then only this test's keys are deleted (ProxiedRedisCache)


def _pages():
    organisation = make_organisation("Brücke e. V.", roles=["kooperationspartner"])
    return [
        reverse("home"),
        reverse("directory:organisation_list"),
        organisation.get_absolute_url(),
        reverse("guidance:overview"),
        reverse("finder"),
    ]


def test_through_the_proxy_the_cache_works(client, proxied, django_assert_num_queries):
    url = _pages()[2]
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200  # from Redis
    assert client.get(reverse("healthz")).json()["cache"] == "ok"


def test_refused_pages_answer_and_the_breaker_tries_once_per_period(client, proxied, clock):
    pages = _pages()
    proxied.refuse()
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
    backend = caches["default"]
    assert backend.failures == 1 and backend.skipped > len(pages)
    health = client.get(reverse("healthz"))
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    login = client.post(reverse("login"), {"username": "x@example.org", "password": "falsch"})
    assert login.status_code == 200  # the form again, not a 500 from the rate limit
    clock[0] += RETRY + 0.1
    assert client.get(pages[0]).status_code == 200
    assert backend.failures == 2  # one try per retry period


def test_hanging_costs_one_read_timeout_per_period_not_one_per_call(client, proxied, clock, caplog):
    pages = _pages()
    assert client.get(pages[1]).status_code == 200  # the pool holds a live connection
    proxied.hang()
    backend = caches["default"]
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        answers = [client.get(url).status_code for url in pages]
    assert answers == [200] * len(pages)
    # One call waited (at most socket_timeout = 0.5 s); every other call of all
    # five pages skipped the cache without waiting.
    assert backend.failures == 1 and backend.skipped >= 2 * len(pages) - 1
    lines = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(lines) == 1 and "Timeout" in lines[0]


def test_a_new_connection_to_a_hanging_redis_times_out_too(client, proxied, clock, caplog):
    """No live connection in the pool: connecting succeeds (the proxy accepts),
    the answer never comes, the read timeout ends the wait."""
    proxied.hang()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert client.get(reverse("home")).status_code == 200
    assert caches["default"].failures == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(lines) == 1 and "Timeout" in lines[0]


def test_after_the_outage_the_cache_is_used_again(client, proxied, clock, caplog):
    url = _pages()[2]
    proxied.refuse()
    assert client.get(url).status_code == 200
    proxied.restore()
    clock[0] += RETRY + 0.1
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert client.get(url).status_code == 200
    assert "cache available again" in [r.getMessage() for r in caplog.records]
    assert client.get(reverse("healthz")).json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
    }
