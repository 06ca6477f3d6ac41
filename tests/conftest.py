"""Shared fixtures and personas for the whole suite."""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass (DATABASE_URL=postgres://...).

    On another database they are reported as skipped with the reason. When the
    pass is meant to be PostgreSQL (DATABASE_URL says so) and the server is
    missing, the database set-up fails: nothing is skipped silently.
    """
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
    translation.activate("de")
    yield
    translation.activate("de")
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database has what every installation has: vocabulary and the guide."""
    with django_db_blocker.unblock():
        call_command("load_guide", verbosity=0)


@pytest.fixture
def coordinator(django_user_model):
    from portal.roles import make_coordinator

    user = django_user_model.objects.create_user("koordination", "k@example.org", "pw")
    make_coordinator(user)
    return user


@pytest.fixture
def member(django_user_model):
    """A signed-in user without any special right."""
    return django_user_model.objects.create_user("mitglied", "m@example.org", "pw")


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
