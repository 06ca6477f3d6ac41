"""A PostgreSQL that stops answering on an open connection (core/dbdeadline.py,
issue 20): the client's own deadline ends the wait, the request gets the friendly
503, and the portal recovers without a restart. The database sits behind a TCP
proxy that is cut (tests/cachefaults.py); PostgreSQL itself is never touched."""

import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse

from core import dbdeadline
from tests.cachefaults import TcpProxy

pytestmark = pytest.mark.postgres

DEADLINE = 1.0  # seconds, for statements and connection attempts in these tests
SLACK = 1.5  # what a loaded CI machine may add; without a deadline it is minutes


@pytest.fixture
def proxied(transactional_db, django_db_blocker, monkeypatch):
    """Django's connection to the test database through a proxy that can be cut,
    persistent (as in production), with short deadlines. Transactional: the
    connection is closed and opened again, no test transaction can span that."""
    monkeypatch.setattr(dbdeadline, "statement_deadline", DEADLINE)
    monkeypatch.setattr(dbdeadline, "connect_deadline", DEADLINE)
    with django_db_blocker.unblock(), TcpProxy(("127.0.0.1", 5432)) as proxy:
        real = connection.settings_dict
        connection.close()
        connection.settings_dict = {
            **real,
            "HOST": "127.0.0.1",
            "PORT": str(proxy.port),
            "CONN_MAX_AGE": None,
        }
        try:
            yield proxy
        finally:
            proxy.restore()
            connection.close()
            connection.settings_dict = real


def test_web_processes_on_postgresql_wait_with_a_deadline_half_a_second_past_the_server():
    assert django_settings.PORTAL_PROCESS == "web"
    assert dbdeadline.installed()
    assert django_settings.DB_CLIENT_TIMEOUT == django_settings.DB_STATEMENT_TIMEOUT + 0.5


@pytest.mark.django_db(transaction=True)
def test_an_open_connection_to_a_hanging_server_fails_at_the_deadline_and_is_dropped(proxied):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    proxied.hang()
    started = time.monotonic()
    with (
        pytest.raises(OperationalError, match="did not answer within"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 2")
    elapsed = time.monotonic() - started
    assert DEADLINE <= elapsed < DEADLINE + SLACK
    # psycopg2 marked it broken: the health check says so without a round trip.
    started = time.monotonic()
    assert connection.is_usable() is False
    assert time.monotonic() - started < 0.5
    proxied.restore()
    connection.close()
    with connection.cursor() as cursor:  # recovery: a new connection
        cursor.execute("SELECT 3")
        assert cursor.fetchone() == (3,)


@pytest.mark.django_db(transaction=True)
def test_a_connection_attempt_to_a_hanging_server_fails_at_the_deadline(proxied):
    proxied.hang()
    started = time.monotonic()
    with pytest.raises(OperationalError):
        connection.ensure_connection()
    assert time.monotonic() - started < DEADLINE + SLACK


def _get(client, path, **params):
    """A request as the server handles it: Django's test client leaves out the
    check of persistent connections at the start and end of each request."""
    close_old_connections()
    try:
        return client.get(path, params)
    finally:
        close_old_connections()


@pytest.mark.django_db(transaction=True)
def test_requests_while_the_database_hangs_get_the_friendly_503_in_time_then_recover(
    client, proxied
):
    client.raise_request_exception = False
    page = reverse("directory:organisation_list")
    assert _get(client, page, q="vor").status_code == 200  # a persistent connection
    proxied.hang()
    for query in ("während", "noch"):  # an open connection, then a new one
        started = time.monotonic()
        response = _get(client, page, q=query)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "Vorübergehend nicht erreichbar" in response.content.decode()
        # health check of the open connection, then a connection attempt
        assert elapsed < 2 * DEADLINE + SLACK
    probe = _get(client, reverse("healthz"))
    assert probe.status_code == 503 and probe.json()["database"] == "unavailable"
    proxied.restore()
    assert _get(client, page, q="danach").status_code == 200  # no restart needed
    assert _get(client, reverse("healthz")).status_code == 200


@pytest.mark.django_db
def test_the_server_cancels_first_and_the_connection_stays_usable():
    # The server's statement timeout is shorter than the client's deadline: its
    # cancel arrives, and the connection goes on serving (no reconnect).
    with (
        pytest.raises(OperationalError, match="statement timeout"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = '100ms'")
        cursor.execute("SELECT pg_sleep(2)")
    assert connection.connection.closed == 0


@pytest.mark.django_db
def test_server_side_cursors_work_with_the_wait_callback():
    # QuerySet.iterator() uses a named cursor on PostgreSQL; COPY would not work
    # with a wait callback (psycopg2), and the portal uses none.
    from directory.models import Term

    slugs = [term.slug for term in Term.objects.order_by("pk").iterator(chunk_size=7)]
    assert len(slugs) == Term.objects.count() > 7
