"""The portal's background worker: one process for everything that happens
outside a request. ``make run`` starts it beside the web server; in production
it is one systemd service (docs/deployment.md).

Every round (--interval seconds): queued mail that is due, the open-data dump if
public data changed since it was written, the weekly alerts of saved searches
whose week is up (each search is claimed for its week in the transaction that
queues its mail), the coordinators' queued bulk reminders and invitations
(directory.outreach), and the imports of MO lists that wait (intake: reading the
uploaded file, dry run, import, undo; each job leased, in batches whose position
is recorded). Once a day (and at start): reminders for profiles not confirmed
for a year, the purge of registrations nobody verified, of the submit keys of
forms sent more than a day ago (core.once), and of the values of import rows
kept IMPORT_RETENTION_DAYS (intake: the report stays). Each job is idempotent,
so a restart or a second worker does no harm; a job that fails is logged and the
others still run.

Mail is not left to wait for the round: requests only queue it (no SMTP in a
request), and every --mail-interval seconds (2) between rounds the worker asks
the outbox whether anything is due (one probe of an index) and sends it then.
"""

import datetime
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils import timezone

from mailer.services import mail_due

log = logging.getLogger(__name__)

EVERY_ROUND: list[tuple[str, list[str]]] = [
    ("send_queued_mail", []),
    ("export_open_data", ["--if-stale"]),
    ("send_alert_digests", []),  # weekly per search: only searches whose week is up
    ("run_outreach", []),  # coordinators' bulk reminders and invitations (directory.outreach)
    ("run_imports", []),  # MO lists: reading, dry runs, imports, undos; leased batches
    ("import_event_feeds", []),  # external iCalendar feeds, each every 6 hours (events)
]
DAILY: list[tuple[str, list[str]]] = [
    ("remind_unconfirmed", []),
    ("purge_unverified", []),
    ("purge_submitted_forms", []),
    ("purge_imports", []),  # import rows' values after IMPORT_RETENTION_DAYS (intake)
    ("purge_invitation_addresses", []),
]


def _drop_broken_connections() -> None:
    """A connection the database broke (restart, timeout) or that is older than
    CONN_MAX_AGE is closed here and opened anew by the next query: the worker
    outlives a database outage without a restart. (Never inside a transaction:
    the tests run the worker in one.)"""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = "Run the background jobs: mail, open-data dump, daily reminders and purges."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One round, then stop.")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between rounds.")
        parser.add_argument(
            "--mail-interval",
            type=float,
            default=2.0,
            help="Seconds between the checks for due mail (between the rounds).",
        )

    def handle(self, *args, once, interval, mail_interval, **options):
        last_daily: datetime.date | None = None
        next_round = time.monotonic()
        while True:
            _drop_broken_connections()
            if time.monotonic() >= next_round:
                today = timezone.localdate()
                jobs = EVERY_ROUND + (DAILY if last_daily != today else [])
                for name, arguments in jobs:
                    self._run(name, arguments)
                last_daily = today
                next_round = time.monotonic() + interval
                if once:
                    return
            else:
                self._mail_if_due()
            time.sleep(max(0.0, min(mail_interval, next_round - time.monotonic())))

    def _mail_if_due(self) -> None:
        try:
            due = mail_due()
        except Exception as error:  # the database is away: the next check tries again
            log.warning("Worker could not check the outbox: %s", error)
            return
        if due:
            self._run("send_queued_mail", [])

    def _run(self, name: str, arguments: list[str]) -> None:
        try:
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
        except Exception:  # one failing job must not stop the others
            log.exception("Worker job %s failed", name)
