from django.core.management.base import BaseCommand

from core.pagecache import clears_all
from guidance.loader import load_guide


class Command(BaseCommand):
    help = "Load the guide (chapters, typed items, imprint) from guidance/content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite curated texts with the 2013 edition and drop pending drafts.",
        )

    @clears_all
    def handle(self, *args, reset, **options):
        result = load_guide(reset=reset)
        self.stdout.write(
            f"Guide: {result.chapters} chapters and {result.items} items loaded, "
            f"{result.links} organisations linked."
        )
