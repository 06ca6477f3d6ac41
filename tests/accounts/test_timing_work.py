"""Issue 14, finding 7: sign-up and password reset do the same work whether or not
the address has an account, so their answer time tells nobody which addresses
are registered.

Wall time is noisy; the work is not. Each path runs several times through the
real view (the mail only queued, as in production: the worker sends it, never
the request), and the medians of the password hashes computed and of the SQL
queries made are compared.
"""

import statistics
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hashers
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from mailer.models import OutgoingMail
from tests import personas

pytestmark = pytest.mark.django_db
User = get_user_model()
RUNS = 5
PASSWORD = "ein-langes-passwort-2026"


@contextmanager
def counting_hashes():
    """Counts the password hashes computed (encode or verify of any configured
    hasher; a hasher calling itself counts once)."""
    count = {"hashes": 0, "depth": 0}

    def counted(original):
        def wrapper(self, *args, **kwargs):
            count["depth"] += 1
            count["hashes"] += count["depth"] == 1
            try:
                return original(self, *args, **kwargs)
            finally:
                count["depth"] -= 1

        return wrapper

    patches = [
        mock.patch.object(type(hasher), name, counted(getattr(type(hasher), name)))
        for hasher in get_hashers()
        for name in ("encode", "verify")
    ]
    for patch in patches:
        patch.start()
    try:
        yield count
    finally:
        for patch in patches:
            patch.stop()


@pytest.fixture
def measure(django_capture_on_commit_callbacks):
    def run(post):
        """(hashes, queries, template of the mail queued) of one request."""
        mails = OutgoingMail.objects.count()
        # Whatever runs on commit is inside the measurement.
        with (
            counting_hashes() as count,
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = post()
        assert response.status_code in (200, 302)
        assert OutgoingMail.objects.count() - mails == 1, "every path queues exactly one mail"
        mail = OutgoingMail.objects.latest("pk")
        assert (mail.status, mail.attempts) == ("pending", 0)  # queued; the worker sends it
        return count["hashes"], len(queries), mail.template

    return run


def _medians(measure, post_for_run):
    post_for_run(-1)  # warm-up: caches (vocabulary, content types) as on a running server
    runs = [measure(lambda i=i: post_for_run(i)) for i in range(RUNS)]
    templates = {template for _, _, template in runs}
    assert len(templates) == 1, templates
    return (
        statistics.median(h for h, _, _ in runs),
        statistics.median(q for _, q, _ in runs),
        templates.pop(),
    )


@pytest.fixture
def no_rate_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "1000/m", "password_reset": "1000/m"}


def _signup(email):
    data = {
        "account_type": "organisation",
        "name": "Olga Petrowa",
        "email": email,
        "password": PASSWORD,
        "privacy": "on",
    }
    return Client().post(reverse("signup"), data)


def test_sign_up_does_the_same_work_for_new_and_existing_addresses(measure, no_rate_limits):
    verified = personas.create("member", email_verified_at=timezone.now())
    in_use = personas.create("coordinator")  # made by an administrator, never verified
    services.signup(
        email="offen@example.org",
        password=PASSWORD,
        language="de",
        name="Offen",
        account_type="organisation",
    )
    paths = {
        "new address": lambda i: _signup(f"neu-{i + 1}@example.org"),
        "unverified registration": lambda i: _signup("offen@example.org"),
        "verified account": lambda i: _signup(verified.email),
        "account in use, never verified": lambda i: _signup(in_use.email),
    }
    work = {name: _medians(measure, post) for name, post in paths.items()}
    assert work["new address"][2] == work["unverified registration"][2] == "verify-email"
    assert (
        work["verified account"][2]
        == work["account in use, never verified"][2]
        == ("signup-existing")
    )
    figures = {name: (hashes, queries) for name, (hashes, queries, _) in work.items()}
    assert figures["new address"][0] == 1, figures  # the password is hashed once
    assert len(set(figures.values())) == 1, figures


def test_password_reset_does_the_same_work_for_known_and_unknown_addresses(measure, no_rate_limits):
    known = personas.create("member")
    unverified = User.objects.create_user(
        email="offen@example.org", password=PASSWORD, name="Offen", is_active=False
    )
    paths = {
        "known address": lambda i: Client().post(reverse("password_reset"), {"email": known.email}),
        "unknown address": lambda i: Client().post(
            reverse("password_reset"), {"email": f"niemand-{i + 1}@example.org"}
        ),
        "unverified registration": lambda i: Client().post(
            reverse("password_reset"), {"email": unverified.email}
        ),
    }
    work = {name: _medians(measure, post) for name, post in paths.items()}
    assert work["known address"][2] == "password-reset"
    assert (
        work["unknown address"][2]
        == work["unverified registration"][2]
        == ("password-reset-unknown")
    )
    figures = {name: (hashes, queries) for name, (hashes, queries, _) in work.items()}
    assert len(set(figures.values())) == 1, figures
