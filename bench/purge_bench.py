"""Benchmark of the import's retention (intake): purging the values of a
finished import of 16,000 rows (the worker's daily ``purge_imports``) and
deleting a dry run of 16,000 rows left standing (a coordinator's button).
Reports the wall time of the purge, of its longest batch (one transaction:
how long the job's row is locked) and of the delete. Runs on the database of
DATABASE_URL, which it migrates and fills: use a database of its own.

    DATABASE_URL=sqlite:////tmp/purge-bench.sqlite3 .venv/bin/python bench/purge_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_purge \\
        .venv/bin/python bench/purge_bench.py

Results are appended to bench/results/import-16000.md (--write).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=16000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from intake import services
    from intake.models import ImportJob, ImportRow

    call_command("migrate", verbosity=0)
    ImportJob.objects.all().delete()
    old = timezone.now() - datetime.timedelta(days=400)

    def job(state: str) -> ImportJob:
        made = ImportJob.objects.create(
            source_name="Bench", file_name="b.xlsx", state=state, total=args.rows, changed_at=old
        )
        ImportRow.objects.bulk_create(
            (
                ImportRow(
                    job=made,
                    number=i + 2,
                    values=[
                        f"Verein {i} e. V.",
                        "Hauptstr. 1",
                        "10117",
                        "Berlin",
                        f"info{i}@verein.example",
                        "+49 30 1234567",
                        "Ansprechperson",
                    ],
                    planned="update",
                    result="update" if state == "done" else "",
                    organisation_pk=i + 1,
                    reasons=[{"code": "invalid", "field": "email", "value": "x(at)y"}]
                    if i % 10 == 0
                    else [],
                    before={"fields": {"email": f"alt{i}@verein.example"}, "terms": {}},
                )
                for i in range(args.rows)
            ),
            batch_size=2000,
        )
        return made

    done = job("done")
    longest = 0.0
    original = transaction.atomic

    class Timed:
        def __init__(self, *a, **k):
            self.inner = original(*a, **k)

        def __enter__(self):
            self.start = time.perf_counter()
            return self.inner.__enter__()

        def __exit__(self, *exc):
            nonlocal longest
            out = self.inner.__exit__(*exc)
            longest = max(longest, time.perf_counter() - self.start)
            return out

    services.transaction.atomic = Timed  # type: ignore[misc]
    start = time.perf_counter()
    rows = services.purge_job(job_id=done.pk)
    purge = time.perf_counter() - start
    services.transaction.atomic = original
    assert rows == args.rows and not done.rows.exclude(values=[]).exists()

    checked = job("checked")
    start = time.perf_counter()
    assert services.job_delete(job=checked)
    delete = time.perf_counter() - start

    line = (
        f"- purge/delete {args.rows} rows, {connection.vendor}: purge {purge:.2f} s "
        f"(batches of {services.PURGE_BATCH}, longest transaction {longest:.2f} s), "
        f"delete of a dry run {delete:.2f} s ({datetime.date.today().isoformat()})"
    )
    print(line)
    if args.write:
        with open(ROOT / "bench" / "results" / "import-16000.md", "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
