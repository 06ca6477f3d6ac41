"""The portal's background worker: one process for everything that happens
outside a request. ``make run`` starts it beside the web server; in production
it is one systemd service (docs/deployment.md).

Every round (--interval seconds): queued mail that is due (retries after a mail
server failure), the open-data dump if public data changed since it was
written, and the weekly alerts of saved searches whose week is up (each search
is claimed for its week in the transaction that queues its mail). Once a day
(and at start): reminders for profiles not confirmed for a year, the purge of
registrations nobody verified and of the submit keys of forms sent more than a
day ago (core.once). Each job is idempotent, so
a restart or a second worker does no harm; a job that fails is logged and the
others still run.
"""

import datetime
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

log = logging.getLogger(__name__)

EVERY_ROUND: list[tuple[str, list[str]]] = [
    ("send_queued_mail", []),
    ("export_open_data", ["--if-stale"]),
    ("send_alert_digests", []),  # weekly per search: only searches whose week is up
]
DAILY: list[tuple[str, list[str]]] = [
    ("remind_unconfirmed", []),
    ("purge_unverified", []),
    ("purge_submitted_forms", []),
]


class Command(BaseCommand):
    help = "Run the background jobs: mail, open-data dump, daily reminders and purges."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between rounds.")

    def handle(self, *args, once, interval, **options):
        last_daily: datetime.date | None = None
        while True:
            today = timezone.localdate()
            jobs = EVERY_ROUND + (DAILY if last_daily != today else [])
            for name, arguments in jobs:
                self._run(name, arguments)
            last_daily = today
            if once:
                return
            time.sleep(interval)

    def _run(self, name: str, arguments: list[str]) -> None:
        try:
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
        except Exception:  # one failing job must not stop the others
            log.exception("Worker job %s failed", name)
