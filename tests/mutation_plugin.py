"""pytest plugin for ``make mutation``: one kept test database per running mutant.

mutmut runs the tests that cover a mutant in a fresh pytest session (a forked
process), once per mutant. Creating the test database (the migrations with the
vocabulary, then the guide) takes longer than the tests themselves, so each
session takes a free slot (a lock file, held until the process ends) and reuses
that slot's database (``--reuse-db``): the tests roll their transactions back,
so the next mutant finds the database as the migrations left it. Parallel
sessions never share a database. A session that contains a transactional test
(which empties the tables) gets a fresh database instead. Parametrized files
are rewound before each test, as the sessions reuse the imported test modules.

Loaded by pyproject.toml ([tool.mutmut] pytest_add_cli_args), not by plain pytest.
The SQLite databases live in mutants/test-databases/; on PostgreSQL the databases
test_<name>_mutation_<n> stay on the server for the next run (drop them when done).
"""

import fcntl
from pathlib import Path

import pytest

SLOTS = 32
DIRECTORY = Path(__file__).resolve().parent.parent / "test-databases"

_held = None  # the open lock file of this session's slot
_names = {}  # alias: the database name of the settings (pytest-django leaves the test
# database's name in place of it when it keeps the database)


def _take_slot() -> int:
    global _held
    DIRECTORY.mkdir(exist_ok=True)
    for slot in range(SLOTS):
        handle = open(DIRECTORY / f"slot-{slot}.lock", "w")  # noqa: SIM115 (held open)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held = handle
        return slot
    raise RuntimeError(f"all {SLOTS} test database slots in {DIRECTORY} are taken")


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        kwargs.get("transaction")
        or kwargs.get("serialized_rollback")
        or fixtures & {"transactional_db", "live_server", "django_db_serialized_rollback"}
    )


def pytest_collection_finish(session):
    from django.db import connections

    slot = _take_slot()
    if any(_transactional(item) for item in session.items):
        session.config.option.reuse_db = False
    for alias in connections:
        settings = connections[alias].settings_dict
        name = _names.setdefault(alias, settings["NAME"])
        test = settings.setdefault("TEST", {})
        if settings["ENGINE"] == "django.db.backends.sqlite3":
            test["NAME"] = str(DIRECTORY / f"slot-{slot}-{alias}.sqlite3")
        else:
            test["NAME"] = f"test_{name}_mutation_{slot}"


def pytest_runtest_setup(item):
    """mutmut runs the tests again in the process that imported the test modules, so
    a file given as a parameter (an upload) was read by the last session: rewind it."""
    for value in getattr(getattr(item, "callspec", None), "params", {}).values():
        if hasattr(value, "seek") and not getattr(value, "closed", False):
            value.seek(0)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Close the connections (the mutants' processes are forked from this one, and
    must not share them) and give the slot free."""
    global _held
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    for alias, name in _names.items():
        settings.DATABASES[alias]["NAME"] = connections[alias].settings_dict["NAME"] = name
    if _held is not None:
        _held.close()
        _held = None
