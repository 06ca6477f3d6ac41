from django.core.management.base import BaseCommand
from django.db import transaction

from core.pagecache import clears_all
from directory.models import Term
from directory.services import organisations_with_terms, refresh_derived
from directory.vocabulary import invalidate_vocabulary, load_vocabulary

WORDING = ("slug", "label_de", "label_en")


class Command(BaseCommand):
    help = "Add the curated vocabulary terms that are missing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-texts",
            action="store_true",
            help="Also overwrite labels and descriptions of existing terms.",
        )

    @clears_all
    @transaction.atomic
    def handle(self, *args, reset_texts, **options):
        before = {pk: values for pk, *values in Term.objects.values_list("pk", *WORDING)}
        created, updated = load_vocabulary(Term, update=reset_texts)
        invalidate_vocabulary()
        self.stdout.write(f"Vocabulary: {created} terms added, {updated} updated.")
        reworded = [
            pk
            for pk, *values in Term.objects.values_list("pk", *WORDING)
            if pk in before and before[pk] != values
        ]
        if reworded:
            # The profiles holding a reworded term: their search document holds its labels.
            refreshed = refresh_derived(organisations_with_terms(reworded))
            self.stdout.write(f"Profiles with reworded terms refreshed: {refreshed}.")
