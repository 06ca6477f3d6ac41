"""Client-side deadlines for PostgreSQL: a database that stops answering on an open
connection costs a request seconds, not minutes.

The statement timeout (config/database.py) is kept by the server: when the server
or the network between freezes, nobody cancels anything, and libpq's
``connect_timeout`` covers only the connection attempt. A request on an already
open connection then waited until gunicorn killed its worker (issue 20:
pg-hang, slowest request 15.4 s, no friendly page).

psycopg2 hands every wait for its socket to a Python "wait callback"
(``psycopg2.extensions.set_wait_callback``). This one waits with ``select()`` up
to a deadline per wait: ``DB_CLIENT_TIMEOUT`` seconds for a statement (default:
the statement timeout plus half a second, so that the server's own cancel, after
which the connection stays usable, comes first when the server still answers) and
``DB_CONNECT_TIMEOUT`` for a connection attempt and for Django's health check of a
persistent connection (``is_usable``, a ``SELECT 1``). Past the deadline it raises
OperationalError (the friendly 503, core/errors.py); psycopg2 then marks the
connection broken, so that Django's ``is_usable`` answers False without a round
trip and the next request connects anew: recovery without a restart.

Installed by CoreConfig.ready for web processes on PostgreSQL only (commands and
the worker have no statement timeout). psycopg2 does not support COPY and large
objects while a wait callback is set; the portal uses neither. Cost: about 1-3 µs
per statement (bench/dbdeadline_bench.py).
"""

import contextlib
import select
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import psycopg2
from psycopg2 import extensions

# Seconds; set by install() from the settings (tests may change them).
statement_deadline = 10.5
connect_deadline = 3.0

# A shorter deadline for what runs inside ``shorter_deadline()`` (the health check).
_override: ContextVar[float | None] = ContextVar("dbdeadline_override", default=None)


class DeadlineExceeded(psycopg2.OperationalError):  # type: ignore[misc]
    """The database did not answer in time (client side)."""


def wait_with_deadline(conn: Any) -> None:
    """psycopg2's wait callback: poll until done or until the deadline passes."""
    if conn.status == extensions.STATUS_SETUP:
        seconds = connect_deadline
    else:
        seconds = _override.get() or statement_deadline
    deadline = time.monotonic() + seconds
    fileno = conn.fileno()
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        remaining = deadline - time.monotonic()
        if remaining > 0:
            if state == extensions.POLL_READ:
                ready = select.select([fileno], [], [], remaining)[0]
            elif state == extensions.POLL_WRITE:
                ready = select.select([], [fileno], [], remaining)[1]
            else:  # pragma: no cover (psycopg2 answers only the three states)
                raise psycopg2.OperationalError(f"unexpected poll state {state}")
            if ready:
                continue
        # psycopg2 closes the connection (closed == 2) when the callback raises.
        raise DeadlineExceeded(f"the database did not answer within {seconds:g} s")


@contextlib.contextmanager
def shorter_deadline(seconds: float) -> Iterator[None]:
    """Waits inside take at most ``seconds`` (if shorter than the statement's)."""
    token = _override.set(min(seconds, statement_deadline))
    try:
        yield
    finally:
        _override.reset(token)


_original_is_usable: Callable[[Any], bool] | None = None


def install(*, statement_seconds: float, connect_seconds: float) -> None:
    """Set the wait callback for this process and bound Django's health check."""
    global _original_is_usable, statement_deadline, connect_deadline
    statement_deadline, connect_deadline = statement_seconds, connect_seconds
    extensions.set_wait_callback(wait_with_deadline)
    if _original_is_usable is not None:
        return
    from django.db.backends.postgresql.base import DatabaseWrapper

    checked = _original_is_usable = DatabaseWrapper.is_usable

    def is_usable(self: Any) -> bool:
        # A persistent connection is checked before a request uses it: a database
        # that stopped answering costs the connect deadline here, not a statement's.
        with shorter_deadline(connect_deadline):
            return checked(self)

    DatabaseWrapper.is_usable = is_usable  # type: ignore[method-assign]


def uninstall() -> None:
    """psycopg2's own blocking waits again and Django's health check as it was."""
    global _original_is_usable
    extensions.set_wait_callback(None)
    if _original_is_usable is not None:
        from django.db.backends.postgresql.base import DatabaseWrapper

        DatabaseWrapper.is_usable = _original_is_usable  # type: ignore[method-assign,assignment]
        _original_is_usable = None


def installed() -> bool:
    return extensions.get_wait_callback() is wait_with_deadline
