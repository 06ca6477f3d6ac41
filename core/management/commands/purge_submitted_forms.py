"""Forget the submit keys of forms sent more than a day ago (core.once)."""

from typing import Any

from django.core.management.base import BaseCommand

from core.once import purge


class Command(BaseCommand):
    help = "Delete the submit keys of forms sent more than a day ago."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge()
        if options["verbosity"] > 1:
            self.stdout.write(f"{count} submit keys purged")
