import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore

QUESTION = "This replaces every row of the database. Type 'yes' to go on: "


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup (stop the portal first); "
        "then clear every cache derived from the data."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, source: str, yes: bool = False, **options: Any) -> None:
        if not yes:
            self.confirm(options.get("stdin") or sys.stdin)
        try:
            restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {source}; caches cleared.")

    def confirm(self, stdin: Any) -> None:
        """Ask at a terminal; without one (cron, a pipe, CI) only --yes confirms."""
        isatty = getattr(stdin, "isatty", None)
        if not (isatty and isatty()):
            raise CommandError(
                "Restore needs a confirmation: standard input is not a terminal, "
                "so pass --yes to replace every row of the database."
            )
        self.stdout.write(QUESTION, ending="")
        self.stdout.flush()
        try:
            answer = stdin.readline()
        except (OSError, KeyboardInterrupt):
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled: nothing was changed.")
