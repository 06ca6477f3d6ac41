"""The worker's import job: uploaded files to read, dry runs, imports and undos
that wait, in batches (intake.services). Safe to run twice at once: each job is
leased."""

from django.core.management.base import BaseCommand

from intake.services import run_jobs


class Command(BaseCommand):
    help = "Work on waiting imports (reading, dry run, import, undo) for up to --seconds."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=50.0)

    def handle(self, *args, seconds, **options):
        batches = run_jobs(seconds=seconds)
        if batches and options["verbosity"] > 1:
            self.stdout.write(f"{batches} import batches")
