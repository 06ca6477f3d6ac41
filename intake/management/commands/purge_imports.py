"""The worker's daily purge of import rows' values (settings.IMPORT_RETENTION_DAYS
after a job is done, undone, failed or left in its mapping): the report stays.
Idempotent; safe to run beside the worker (each batch is its own transaction)."""

from django.core.management.base import BaseCommand

from intake.services import purge_due


class Command(BaseCommand):
    help = "Purge the row values of imports kept longer than IMPORT_RETENTION_DAYS."

    def handle(self, *args, **options):
        jobs, rows = purge_due()
        if jobs or options["verbosity"] > 1:
            self.stdout.write(f"{jobs} imports purged ({rows} rows)")
