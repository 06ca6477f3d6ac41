"""In-process benchmark of one page type: production settings (DEBUG off) on
PostgreSQL, requests through Django's test client, so the figures are the
portal's own work per request (SQL, Python, templates). bench/run.py measures
the same pages under concurrent load through gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_bench \\
        .venv/bin/python bench/inprocess.py --page directory --count 16000
    ... --page finder
    ... --page distance         # radius searches in the directory
"""

import argparse
import os
import statistics
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


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def prepare(count: int) -> tuple[int, float]:
    """Migrate, load vocabulary and guide, seed ``count`` published MOs."""
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Organisation

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_vocabulary", verbosity=0)
    call_command("load_gazetteer", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", count=count, published_only=True, verbosity=0)
    seeded = time.perf_counter() - started
    call_command("load_guide", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Organisation.objects.published().count(), seeded


def measure(urls: list[str], rounds: int):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for url in urls[:20]:  # warm-up: connections, caches, code paths
        client.get(url)
    times, queries, statuses = [], [], {}
    for _ in range(rounds):
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return times, queries, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page", choices=["directory", "finder", "distance"], default="directory")
    parser.add_argument("--count", type=int, default=16000)
    parser.add_argument("--requests", type=int, default=200, help="distinct URLs")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the URLs")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from bench import mix

    published, seeded = prepare(args.count)
    urls = getattr(mix, f"{args.page}_urls")(args.requests)
    times, queries, statuses = measure(urls, args.rounds)
    lines = [
        f"# {args.page} page, {published:,} published MOs (PostgreSQL, in-process)",
        "",
        f"Command: `DATABASE_URL=... .venv/bin/python bench/inprocess.py --page {args.page}"
        f" --count {args.count}`",
        "",
        f"- distinct URLs: {len(urls)}, {args.rounds} passes, {len(times)} requests;"
        f" statuses: {statuses}",
        f"- seeding time: {seeded:.1f} s; page cache: {settings.PAGE_CACHE}",
        "",
        "| p50 ms | p95 ms | p99 ms | mean ms | max ms | SQL queries per request (min–max) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {percentile(times, 50):.1f} | {percentile(times, 95):.1f} | {percentile(times, 99):.1f}"
        f" | {statistics.mean(times):.1f} | {max(times):.1f} | {min(queries)}–{max(queries)} |",
    ]
    slow = sorted(zip(times, urls * args.rounds, strict=True), reverse=True)[:5]
    lines += ["", "Slowest requests:", ""] + [f"- {t:.1f} ms `{u}`" for t, u in slow]
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / f"{args.page}-{args.count}.md"
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
