"""Benchmark of the import (intake): 16,000 rows of a realistic MO list (the
generator of tests/intake/listfile.py, as XLSX) against a database with
existing profiles: the upload request (it checks and stores the file), the
worker's reading (rows stored, mapping suggested), dry run, import, undo; wall
time of each phase and the process's peak memory (max RSS) after each.
``--stop-after-reading`` measures only the upload and the reading. The
upload is a real POST through Django's test client (multipart parsing, the
form, the view), without a web server in front. Runs on the database of
DATABASE_URL (SQLite or PostgreSQL), which it migrates and fills: use a
database of its own.

    DATABASE_URL=sqlite:////tmp/intake-bench.sqlite3 .venv/bin/python bench/import_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_intake \\
        .venv/bin/python bench/import_bench.py

Results are appended to bench/results/import-16000.md (--write).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Seeds and bulk steps run in this process: no web statement timeout (config/database.py).
os.environ.setdefault("PORTAL_PROCESS", "command")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=16000)
    parser.add_argument("--existing", type=int, default=2000, help="profiles there before")
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--stop-after-reading",
        action="store_true",
        help="measure only the upload request and the worker's reading",
    )
    parser.add_argument(
        "--batch-seconds",
        type=float,
        default=None,
        help="the batches' time limit (default intake.services.BATCH_SECONDS; "
        "a large value: batches of 200 rows whatever they take, as before issue 19)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Organisation
    from intake import services
    from intake.models import ImportJob, ImportRow
    from tests.factories import make_organisation
    from tests.intake.listfile import as_xlsx, generate

    call_command("migrate", verbosity=0)
    call_command("load_vocabulary", verbosity=0)
    ImportJob.objects.all().delete()
    if Organisation.objects.count() < args.existing:
        call_command("seed_demo", count=args.existing, published_only=True, verbosity=0)
    data = generate(args.rows, existing=40)
    if not Organisation.objects.filter(name=data.existing[0]["name"]).exists():
        for values in data.existing:
            make_organisation(**values, slug=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    before = Organisation.objects.count()
    content = as_xlsx(data)
    figures = []
    if args.batch_seconds is not None:
        services.BATCH_SECONDS = args.batch_seconds
    # Every batch is one write transaction: its length is how long it holds
    # the locks of the profiles it writes.
    batches: list[float] = []
    run_batch = services.run_batch

    def timed_batch(**kwargs):
        started = time.perf_counter()
        try:
            return run_batch(**kwargs)
        finally:
            batches.append(time.perf_counter() - started)

    services.run_batch = timed_batch  # type: ignore[assignment]

    def phase(name, run):
        batches.clear()
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        longest = max(batches, default=0.0)
        figures.append((name, seconds, peak_mb(), len(batches), longest))
        print(f"{name}: {seconds:.1f} s, peak {peak_mb():.0f} MB", flush=True)
        return result

    def work(job):
        while services.run_jobs(seconds=3600, job_id=job.pk):
            pass
        job.refresh_from_db()

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from tests import personas

    coordinator = get_user_model().objects.filter(email=personas.CAST["coordinator"]["email"])
    client = Client()
    client.force_login(coordinator.first() or personas.create("coordinator"))

    def upload():
        response = client.post(
            reverse("intake:list"),
            {"source_name": "Benchmark", "file": SimpleUploadedFile("liste.xlsx", content)},
        )
        assert response.status_code == 302, response.status_code
        return ImportJob.objects.get()

    job = phase("upload request (POST: check, store the file)", upload)
    phase("reading (worker: read XLSX, store rows, suggest mapping)", lambda: work(job))
    assert job.state == ImportJob.State.MAPPING and job.total == args.rows, job.error
    notes = [f"- file {len(content) / 1024 / 1024:.1f} MB (XLSX)"]
    if not args.stop_after_reading:
        services.job_map(job=job, mapping=job.mapping, check=True)
        phase("dry run", lambda: work(job))
        flagged = list(job.rows.exclude(candidates=[]).values_list("number", flat=True))
        services.job_resolve(job=job, decisions=dict.fromkeys(flagged[:10], ("update", None)))
        planned = dict(job.rows.values_list("number", "planned"))
        services.job_start(job=job, publish=True, seen=job.changed_at)
        phase("import", lambda: work(job))
        result = dict(job.rows.values_list("number", "result"))
        created = sum(1 for v in result.values() if v == ImportRow.Action.CREATE)
        after = Organisation.objects.count()
        services.job_undo(job=job)
        phase("undo", lambda: work(job))
        restored = Organisation.objects.count()
        left = job.rows.filter(undo=ImportRow.Undo.LEFT).count()
        notes += [
            f"- dry run equals import: {planned == result}",
            f"- created {created:,}, updated "
            f"{sum(1 for v in result.values() if v == 'update'):,}, skipped "
            f"{sum(1 for v in result.values() if v == 'skip'):,}; profiles {before:,} -> "
            f"{after:,} -> after undo {restored:,} (rows left by undo: {left})",
        ]

    lines = [
        f"\n## {connection.vendor}, {args.rows:,} rows, {before:,} profiles before\n",
        f"batch time limit {services.BATCH_SECONDS:g} s\n",
        "| phase | seconds | rows/s | peak RSS MB | batches | longest batch s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, seconds, mb, count, longest in figures:
        lines.append(
            f"| {name} | {seconds:.1f} | {args.rows / seconds:,.0f} | {mb:.0f} "
            f"| {count or ''} | {f'{longest:.2f}' if count else ''} |"
        )
    lines += ["", *notes]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        out = ROOT / "bench" / "results" / "import-16000.md"
        if not out.exists():
            out.write_text(
                "# Import of 16,000 rows (bench/import_bench.py)\n\n"
                "Realistic list (tests/intake/listfile.py) as XLSX; the worker's code "
                "path (intake.services.run_jobs) in one process; peak RSS is the "
                "process's maximum so far (monotonic).\n"
            )
        with out.open("a") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
