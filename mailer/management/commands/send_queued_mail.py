import time

from django.core.management.base import BaseCommand

from mailer.services import deliver_due


class Command(BaseCommand):
    help = "Send queued e-mail that is due (run from cron, or as a worker with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running (a worker).")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between rounds.")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, loop, interval, limit, **options):
        while True:
            sent, waiting = deliver_due(limit=limit)
            self.stdout.write(f"Mail: {sent} sent, {waiting} waiting for a retry.")
            if not loop:
                return
            time.sleep(interval)
