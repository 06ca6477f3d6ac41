from pathlib import Path

from django.core.management.base import BaseCommand

from core.pagecache import clears_all
from directory.places import GAZETTEER_FILE, load_places, locate_organisations, read_file


class Command(BaseCommand):
    help = (
        "Load the gazetteer of German postcodes and places (GeoNames, CC BY 4.0) and "
        "derive the organisations' coordinates from it. Idempotent: a table that holds "
        "as many rows as the file is left as it is (--force reloads it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=GAZETTEER_FILE, help="CSV (.gz) file.")
        parser.add_argument("--force", action="store_true", help="Reload even when loaded.")

    @clears_all
    def handle(self, *args, file, force, **options):
        loaded = load_places(read_file(file), force=force)
        located = locate_organisations()
        self.stdout.write(
            f"Gazetteer: {loaded} places loaded"
            f"{'' if loaded else ' (already loaded)'}; {located} organisations located anew."
        )
