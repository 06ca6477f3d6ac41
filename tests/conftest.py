"""Shared fixtures and personas for the whole suite."""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from directory.vocabulary import forget_vocabulary
from tests import personas


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass (DATABASE_URL=postgres://...).

    On another database they are reported as skipped with the reason. When the
    pass is meant to be PostgreSQL (DATABASE_URL says so) and the server is
    missing, the database set-up fails: nothing is skipped silently.

    Tests with a real Redis (``redis``: behind a proxy that can be cut,
    tests/cachefaults.py) run where REDIS_TEST_URL names one (.ci/run sets it for
    the PostgreSQL pass); elsewhere they are reported as skipped with the reason.
    """
    if not os.environ.get("REDIS_TEST_URL"):
        skip_redis = pytest.mark.skip(
            reason="needs a Redis (REDIS_TEST_URL): runs in the PostgreSQL pass of CI"
        )
        for item in items:
            if "redis" in item.keywords:
                item.add_marker(skip_redis)
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    forget_vocabulary()
    translation.activate("de")
    yield
    translation.activate("de")
    cache.clear()


@pytest.fixture(autouse=True)
def _vocabulary_after_a_flush(request):
    """A transactional test (``transaction=True``) empties every table when it ends,
    the vocabulary too, and the tests after it may run in any order: each
    transactional test loads the vocabulary first, as every installation has it
    (CI's PostgreSQL pass once failed on a missing state)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    call_command("load_vocabulary", verbosity=0)
    forget_vocabulary()


@pytest.fixture(autouse=True)
def _rate_limit_clock_stands_still(monkeypatch):
    """django-ratelimit counts in fixed windows: a test's requests may straddle a
    window's end, and the count starts again (the PostgreSQL pass of CI once saw a
    third sign-up accepted that should have been refused). Within a test the clock
    stands still."""
    import time
    import types

    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database has what every installation has: vocabulary and the guide."""
    with django_db_blocker.unblock():
        call_command("load_guide", verbosity=0)


# Personas shared by all tests: a coordinator, an institution user, the editor
# (owner) of MO A, the editor of MO B, a signed-in user without any right, and
# the anonymous visitor (the plain client).


@pytest.fixture
def coordinator(db):
    return personas.create("coordinator")


@pytest.fixture
def member(db):
    """A signed-in user without any special right."""
    return personas.create("member")


@pytest.fixture
def institution_user(db):
    return personas.create("institution")


@pytest.fixture
def mo_a():
    from tests.factories import make_organisation

    return make_organisation("Verein A e. V.", slug="verein-a", roles=["kooperationspartner"])


@pytest.fixture
def mo_b():
    from tests.factories import make_organisation

    return make_organisation("Verein B e. V.", slug="verein-b")


@pytest.fixture
def editor_a(mo_a):
    from directory.team import owner_assign

    user = personas.create("editor_a")
    owner_assign(organisation=mo_a, user=user)
    return user


@pytest.fixture
def editor_b(mo_b):
    from directory.team import owner_assign

    user = personas.create("editor_b")
    owner_assign(organisation=mo_b, user=user)
    return user


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def sent_mail(mailoutbox):
    """Deliver what the outbox holds (as the mail worker does) and return it."""
    from mailer.services import deliver_due

    def deliver():
        deliver_due()
        return mailoutbox

    return deliver


@pytest.fixture
def unverified_institution(db):
    """Signed up as "Fake-Amt" with a free-mail address, address confirmed, not verified."""
    return personas.create("institution_unverified")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """commit(write, ...) runs a write and its after-commit callbacks (the page
    cache's generations are bumped on commit), in a test inside a transaction."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run
