import os

from django.core.management.base import BaseCommand

from opendata.downloads import dump_path
from opendata.dump import write_json, write_tabular


class Command(BaseCommand):
    help = (
        "Write the full open-data dump (HSDS JSON and tabular CSV package) to MEDIA_ROOT/opendata/."
    )

    def handle(self, *args, **options):
        folder = dump_path("x").parent
        folder.mkdir(parents=True, exist_ok=True)
        for name, write in (("hsds.json", write_json), ("hsds-tabular.zip", write_tabular)):
            temporary = folder / f".{name}.tmp"
            mode = "w" if name.endswith(".json") else "wb"
            with temporary.open(mode, **({"encoding": "utf-8"} if mode == "w" else {})) as handle:
                write(handle)
            os.replace(temporary, folder / name)  # readers never see a half-written file
        self.stdout.write(f"Open data written to {folder}.")
