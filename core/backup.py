"""Backup and restore of the database, for both engines (docs/deployment.md).

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean`` (the client
tools of the server's major version). SQLite: the online backup API, safe while
the portal runs. Uploaded files (MEDIA_ROOT) are backed up separately (rsync or
object-storage versioning).
"""

import os
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import connections

from core.pagecache import clear_all


class BackupError(Exception):
    pass


def _pg_environment(settings_dict: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(target: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        arguments, environment = _pg_environment(connection.settings_dict)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *arguments],
            environment,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"No backup procedure for {connection.vendor}.")
    return target


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup's (the portal stopped).

    Then every cache derived from the data is cleared (core.pagecache.clear_all),
    also after a failed attempt: nothing cached may outlive the data it shows.
    """
    if not Path(source).exists():
        raise BackupError(f"{source} does not exist.")
    try:
        _restore(Path(source), alias)
    finally:
        try:
            clear_all()
        except Exception as error:  # the shared cache (Redis) unreachable
            raise BackupError(
                f"The caches could not be cleared ({error}): pages may show data the "
                "backup does not contain. Once the cache is reachable, run: manage.py shell "
                '-c "from core.pagecache import clear_all; clear_all()"'
            ) from error


def _restore(source: Path, alias: str) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        connection.close()
        arguments, environment = _pg_environment(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(source),
            ],
            environment,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup_copy:
            backup_copy.backup(connection.connection)
        backup_copy.close()
    else:
        raise BackupError(f"No restore procedure for {connection.vendor}.")
