from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to a file (pg_dump custom format, or an SQLite copy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", nargs="?", help="file to write (default: a dated name)")

    def handle(self, *args: Any, target: str | None = None, **options: Any) -> None:
        name = target or f"moportal-{timezone.now():%Y%m%d-%H%M%S}.backup"
        try:
            path = backup(Path(name))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written to {path}")
