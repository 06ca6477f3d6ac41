"""The cache is optional (issue 20, "Degrade, never fail"): while the shared cache
refuses every call, every page answers (computed), forms save, logins work, rate
limits let requests through with a log line, the login lockout (database) still
holds, and /healthz says "degraded". core/cache.py; tests/cachefaults.py."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from cooperation.models import CooperationRequest
from core import cache as core_cache
from core import security
from core.once import FIELD, new_key
from directory import services
from directory.models import Organisation
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from tests.cachefaults import FlakyRedisCache, flaky_cache, settings_for
from tests.pages import build_world, page_types

User = get_user_model()

# Every call goes to the (refusing) client: no breaker, the strongest case.
EVERY_CALL = settings_for(retry_seconds=0)


@pytest.fixture
def refused():
    """The portal's backend with a Redis that refuses every call."""
    with flaky_cache(broken=True), override_settings(CACHES=EVERY_CALL):
        yield FlakyRedisCache.client


@pytest.mark.django_db
def test_every_page_type_answers_200_while_the_cache_refuses_every_call(client):
    world = build_world()
    with flaky_cache(broken=True), override_settings(CACHES=EVERY_CALL):
        failed = []
        for name, role, url in page_types(world):
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            for _ in range(2):  # the second visit is computed as well (nothing was kept)
                response = client.get(url)
                if response.status_code != 200:
                    failed.append((role, name, response.status_code))
        calls = FlakyRedisCache.client.calls
    assert failed == []
    assert calls > 0  # the cache was asked (and refused) all along
    assert FlakyRedisCache.client.data == {}


@pytest.mark.django_db
def test_the_cache_answers_as_on_a_miss(refused):
    assert cache.get("k") is None and cache.get("k", 7) == 7
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("k") is False and cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError):  # as for a key that is not there
        cache.incr("k")
    cache.delete_many(["a"])
    cache.clear()
    assert refused.calls == 15 and refused.data == {}


@pytest.mark.django_db
def test_the_breaker_skips_the_cache_after_a_failure_and_logs_once(caplog, monkeypatch):
    """A page with many cache calls waits for one failure, not one per call."""
    now = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: now[0])
    with (
        flaky_cache(broken=True),
        override_settings(CACHES=settings_for(retry_seconds=5)),
        caplog.at_level(logging.WARNING, logger="core.cache"),
    ):
        for _ in range(10):
            assert cache.get("k", "computed") == "computed"
        backend = caches["default"]
        assert FlakyRedisCache.client.calls == 1
        assert (backend.failures, backend.skipped) == (1, 9)
        assert backend.unavailable
        now[0] += 5.1  # the retry period is over: one call tries again
        assert cache.get("k", "computed") == "computed"
        assert FlakyRedisCache.client.calls == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(lines) == 2 and all(line.startswith("cache unavailable") for line in lines)
    assert "9 calls skipped" in lines[1]


@pytest.fixture
def guide_and_vocabulary():
    """A transaction test before this one may have flushed the tables."""
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    call_command("load_guide", verbosity=0)


@pytest.mark.django_db(transaction=True)  # bumps take effect on commit
def test_when_the_cache_is_back_pages_of_before_the_outage_are_not_served(
    guide_and_vocabulary, client, editor_a, mo_a, monkeypatch
):
    """A bump lost during the outage: the first call that succeeds afterwards
    advances the generation of all data, so no page of the old data is read."""
    now = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: now[0])
    with flaky_cache(broken=False), override_settings(CACHES=settings_for(retry_seconds=5)):
        url = mo_a.get_absolute_url()
        assert "Neue Beschreibung" not in client.get(url).content.decode()  # cached
        FlakyRedisCache.broken = True
        mo_a.description = "Neue Beschreibung"
        services.organisation_save(organisation=mo_a, by=editor_a)  # its bump is lost
        assert "Neue Beschreibung" in client.get(url).content.decode()  # computed
        FlakyRedisCache.broken = False
        now[0] += 5.1
        assert "Neue Beschreibung" in client.get(url).content.decode()
        assert "Neue Beschreibung" in client.get(url).content.decode()  # now from the cache


@pytest.mark.django_db
def test_a_profile_save_works_while_the_cache_is_away(client, editor_a, mo_a, refused):
    client.force_login(editor_a)
    vocab = get_vocabulary()
    data = {
        "offers-TOTAL_FORMS": "1",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "30",
        "roles": [vocab.get("role", "informationsvermittler").pk],
        "offers-0-title": "Erstberatung",
        "offers-0-kind": "counselling",
    }
    response = client.post(reverse("directory:edit_section", args=[mo_a.slug, "angebote"]), data)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    organisation = Organisation.objects.get(pk=mo_a.pk)
    assert organisation.revisions.exists() or organisation.offers.exists()


@pytest.mark.django_db
def test_login_works_and_rate_limits_let_requests_through_with_one_log_line(
    client, member, refused, caplog, settings, monkeypatch
):
    monkeypatch.setattr(security._uncounted, "_last", {})
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "1/h"}
    with caplog.at_level(logging.WARNING, logger="core.security"):
        answers = [
            client.post(reverse("password_reset"), {"email": "x@example.org"}).status_code
            for _ in range(4)
        ]
        login = client.post(reverse("login"), {"username": member.email, "password": "pw"})
    assert 429 not in answers and set(answers) == {302}
    assert login.status_code == 302 and client.get(reverse("account")).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "core.security"]
    # One line per limit and minute, not one per request.
    assert lines == [
        "rate limit 'password_reset' not counted (the cache is unavailable): request let through",
        "rate limit 'login' not counted (the cache is unavailable): request let through",
        "rate limit 'login_account' not counted (the cache is unavailable): request let through",
    ]


@pytest.mark.django_db
def test_with_a_working_cache_the_same_limit_refuses(client, settings):
    """The control: the limit of the test above does hold when it can be counted."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "1/h"}
    answers = [
        client.post(reverse("password_reset"), {"email": "x@example.org"}).status_code
        for _ in range(2)
    ]
    assert answers == [302, 429]


@pytest.mark.django_db
def test_the_login_lockout_still_locks_the_account_while_the_cache_is_away(
    client, member, refused, settings
):
    for _ in range(25):
        response = client.post(reverse("login"), {"username": member.email, "password": "falsch"})
        assert response.status_code in (200, 429)
    right = client.post(reverse("login"), {"username": member.email, "password": "pw"})
    assert right.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in right.content.decode()
    assert client.get(reverse("account")).status_code == 302  # not signed in
    attempt = AccessAttempt.objects.get(username=member.email)
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@pytest.mark.django_db
def test_a_double_click_still_sends_once_while_the_cache_is_away(
    client, institution_user, mo_a, editor_a, refused
):
    """The submit keys (core/once.py) live in the database, not in the cache:
    the protection holds and no submission is refused."""
    client.force_login(institution_user)
    key = new_key()
    data = {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", FIELD: key}
    url = reverse("cooperation:new", args=[mo_a.slug])
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert CooperationRequest.objects.count() == 1
    assert client.post(url, {**data, FIELD: new_key()}).status_code == 302
    assert CooperationRequest.objects.count() == 2


@pytest.mark.django_db
def test_the_api_its_throttling_and_the_map_data_work_while_the_cache_is_away(
    client, mo_a, refused
):
    for url in (
        "/api/",
        "/api/hsds/organizations",
        reverse("directory:organisation_map"),
        reverse("directory:organisation_list") + "?q=Verein",  # search synonyms
    ):
        assert client.get(url).status_code == 200, url
    assert refused.calls > 0


# /healthz -------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_with_database_and_cache(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_is_degraded_but_200_while_the_cache_is_away(client, refused):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_without_the_database(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "unavailable",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_healthz_reports_a_cache_backend_that_raises(client):
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.get", side_effect=OSError):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content)["cache"] == "unavailable"


def test_with_redis_url_the_settings_use_the_resilient_backend_with_short_timeouts():
    """The settings as production reads them: a Redis that refuses is a miss."""
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import cache, caches\n"
        "from core.cache import cache_status\n"
        "b = caches['default']\n"
        "print(type(b).__name__, b._options, b.retry_seconds)\n"
        "print(cache.get('k', 'miss'), cache.add('k', 1), cache_status())\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens: refused
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ResilientRedisCache {'socket_connect_timeout': 0.25, 'socket_timeout': 0.5} 5.0",
        "miss False unavailable",
    ]
