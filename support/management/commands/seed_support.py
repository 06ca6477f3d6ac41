from django.core.management.base import BaseCommand

from core.pagecache import clears_all
from support.demo import seed_support


class Command(BaseCommand):
    help = "Create demo support offers and mentors (idempotent; needs the demo MOs)."

    @clears_all
    def handle(self, *args, **options):
        offers, mentors = seed_support()
        self.stdout.write(f"Support demo: {offers} offers and {mentors} mentors created.")
