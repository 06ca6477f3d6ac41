from django.core.management.base import BaseCommand

from directory.models import Term
from directory.vocabulary import invalidate_vocabulary, load_vocabulary


class Command(BaseCommand):
    help = "Add the curated vocabulary terms that are missing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-texts",
            action="store_true",
            help="Also overwrite labels and descriptions of existing terms.",
        )

    def handle(self, *args, reset_texts, **options):
        created, updated = load_vocabulary(Term, update=reset_texts)
        invalidate_vocabulary()
        self.stdout.write(f"Vocabulary: {created} terms added, {updated} updated.")
