from django.core.management.base import BaseCommand, CommandError

from core.pagecache import clears_all
from directory.demo import DEFAULT_SEED, seed_organisations


class Command(BaseCommand):
    help = "Create a realistic, deterministic demo set of migrant organisations."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300, help="Number of organisations.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--published-only", action="store_true", help="Publish every generated profile."
        )

    @clears_all
    def handle(self, *args, count, seed, published_only, **options):
        if count < 0:
            raise CommandError("--count must not be negative.")
        created = seed_organisations(count=count, seed=seed, published_only=published_only)
        self.stdout.write(f"Demo organisations created: {created} (requested {count}).")
