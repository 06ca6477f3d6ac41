"""Bounded database work: how long a connection attempt and a statement may take.

A database that accepts connections and never answers would otherwise hold every
web worker for as long as the kernel keeps the connection (issue 20: nothing
answered for 9.9 s, /healthz included), and a costly query would run on in
PostgreSQL long after the worker gave up on it.

PostgreSQL: libpq's ``connect_timeout`` (at least 2 s, libpq's floor) and the
server setting ``statement_timeout`` given at connection start (``options``, no
extra round trip); a statement that runs longer is cancelled by the server
(QueryCanceled, an OperationalError: the friendly 503 page, core/errors.py).
Lock waits count against it too.

SQLite has no statement timeout. Its equivalent is the busy timeout (how long a
statement waits for another connection's write lock), set to the same seconds; a
slow statement itself runs to its end.
"""

from typing import Any

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"
SQLITE_DEFAULT_BUSY_TIMEOUT = 5  # Python's sqlite3 default, for "no timeout"


def bound_database_work(
    database: Any,  # an entry of settings.DATABASES (dj_database_url's DBConfig)
    *,
    connect_timeout: int,
    statement_timeout: int,
) -> None:
    """Set the timeouts (seconds; 0 for none) in one entry of settings.DATABASES."""
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == SQLITE:
        options["timeout"] = statement_timeout or SQLITE_DEFAULT_BUSY_TIMEOUT
    elif database["ENGINE"] == POSTGRESQL:
        if connect_timeout > 0:
            options["connect_timeout"] = connect_timeout
        if statement_timeout > 0:
            milliseconds = statement_timeout * 1000
            given = options.get("options", "")
            options["options"] = f"{given} -c statement_timeout={milliseconds}".strip()
