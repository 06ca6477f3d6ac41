"""Forget the addresses of invitations that cannot be used any more
(directory.outreach.invitation_addresses_purge): the worker's daily round."""

from typing import Any

from django.core.management.base import BaseCommand

from directory.outreach import invitation_addresses_purge


class Command(BaseCommand):
    help = "Blank the addresses of used, revoked and long expired takeover invitations."

    def handle(self, *args: Any, **options: Any) -> None:
        count = invitation_addresses_purge()
        if options["verbosity"] > 1:
            self.stdout.write(f"{count} invitation addresses blanked")
