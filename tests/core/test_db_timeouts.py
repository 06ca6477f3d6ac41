"""Bounded database work (config/database.py, issue 20): a connect timeout and a
statement timeout for web requests; what times out is the friendly 503."""

import socket
import threading
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.urls import reverse

from config.database import bound_database_work

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


def test_postgresql_gets_a_connect_and_a_statement_timeout_at_connection_start():
    database = {"ENGINE": POSTGRESQL, "OPTIONS": {"options": "-c random_page_cost=1.1"}}
    bound_database_work(database, connect_timeout=3, statement_timeout=10)
    assert database["OPTIONS"] == {
        "options": "-c random_page_cost=1.1 -c statement_timeout=10000",
        "connect_timeout": 3,
    }


def test_zero_means_no_timeout():
    database = {"ENGINE": POSTGRESQL}
    bound_database_work(database, connect_timeout=0, statement_timeout=0)
    assert database["OPTIONS"] == {}


def test_sqlite_has_no_statement_timeout_its_busy_timeout_takes_the_seconds():
    database = {"ENGINE": SQLITE}
    bound_database_work(database, connect_timeout=3, statement_timeout=10)
    assert database["OPTIONS"] == {"timeout": 10}
    without = {"ENGINE": SQLITE}
    bound_database_work(without, connect_timeout=3, statement_timeout=0)
    assert without["OPTIONS"] == {"timeout": 5}  # Python's default


@pytest.mark.django_db
def test_an_api_request_whose_statement_was_cancelled_answers_json_503(client):
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("canceling statement due to statement timeout"),
    ):
        response = client.get("/api/organisations/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"]
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_an_api_programming_error_answers_json_500_without_details(client):
    client.raise_request_exception = False
    with mock.patch("opendata.api.licence", side_effect=ValueError("geheim")):
        response = client.get("/api/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


@pytest.mark.postgres
@pytest.mark.django_db
def test_web_connections_carry_the_statement_timeout_of_the_settings():
    # The tests run as a web process (PORTAL_PROCESS unset); manage.py sets "command".
    assert django_settings.PORTAL_PROCESS == "web"
    params = connection.get_connection_params()
    assert params["connect_timeout"] == django_settings.DB_CONNECT_TIMEOUT
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{django_settings.DB_STATEMENT_TIMEOUT}s"


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.urls("tests.core.timeout_urls")
def test_a_statement_past_the_timeout_is_cancelled_and_answers_the_friendly_503(client):
    client.raise_request_exception = False
    with connection.cursor() as cursor:  # a small timeout, for this test's transaction
        cursor.execute("SET LOCAL statement_timeout = '100ms'")
    response = client.get("/test-slow-query/")  # pg_sleep(3)
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Vorübergehend nicht erreichbar" in body
    assert "statement timeout" not in body and "Traceback" not in body


class HangingListener:
    """A TCP port that accepts connections (the kernel's backlog) and never answers.
    It closes after ``lifetime`` seconds, so that a client without a timeout
    fails the test instead of hanging it."""

    def __init__(self, lifetime: float = 20.0) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._close_later, args=(lifetime,), daemon=True)
        self.thread.start()

    def _close_later(self, lifetime: float) -> None:
        self.done.wait(lifetime)
        self.socket.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join()


@pytest.mark.postgres
def test_a_database_that_accepts_and_never_answers_costs_the_connect_timeout(
    client, django_db_blocker
):
    client.raise_request_exception = False
    listener = HangingListener()
    connect_timeout = 2  # libpq's smallest
    with django_db_blocker.unblock():
        connection.close()
        real = connection.settings_dict
        connection.settings_dict = {
            **real,
            "HOST": "127.0.0.1",
            "PORT": str(listener.port),
            "OPTIONS": {**real["OPTIONS"], "connect_timeout": connect_timeout},
        }
        try:
            started = time.monotonic()
            response = client.get(reverse("healthz"))
            elapsed = time.monotonic() - started
        finally:
            connection.close()
            connection.settings_dict = real
            listener.close()
    assert response.status_code == 503
    # Generous: without a connect timeout the request waits for the listener's
    # 20 s lifetime.
    assert elapsed < connect_timeout + 8
