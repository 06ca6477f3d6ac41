import time

from django.core.management.base import BaseCommand

from opendata.dump import dump_path, export, is_stale


class Command(BaseCommand):
    help = (
        "Write the full open-data dump (HSDS JSON and tabular CSV package) to "
        "MEDIA_ROOT/opendata/. With --loop, a worker: every --interval seconds it "
        "writes the dump again if public data changed since (the download answers "
        "503 after a change that may have withdrawn data until then)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale", action="store_true", help="Only if public data changed since."
        )
        parser.add_argument("--loop", action="store_true", help="Keep running (a worker).")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between rounds.")

    def handle(self, *args, if_stale, loop, interval, **options):
        while True:
            if (if_stale or loop) and not is_stale():
                self.stdout.write("Open data is current.")
            else:
                started = time.monotonic()
                stamp = export()
                self.stdout.write(
                    f"Open data written to {dump_path('x').parent} in "
                    f"{time.monotonic() - started:.1f} s ({stamp.text()})."
                )
            if not loop:
                return
            time.sleep(interval)
