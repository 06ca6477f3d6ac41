"""Benchmark: the directory page with search and filters at national size.

Runs in-process (Django test client, production settings: DEBUG off) against
PostgreSQL, so it measures the portal's own work per request: SQL, Python,
templates. The load test with gunicorn and concurrency is bench/run.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_bench \\
        .venv/bin/python bench/directory_search.py --count 16000

Writes bench/results/directory-<count>.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=16000)
    parser.add_argument("--requests", type=int, default=200, help="distinct URLs")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the URLs")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.mix import directory_urls
    from directory.models import Organisation

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_vocabulary", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", count=args.count, published_only=True, verbosity=0)
    seeded = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    published = Organisation.objects.published().count()

    client = Client()
    urls = directory_urls(args.requests)
    for url in urls[:20]:  # warm-up: connections, caches, code paths
        client.get(url)
    times, queries, statuses = [], [], {}
    for _ in range(args.rounds):
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            queries.append(len(captured.captured_queries))
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    lines = [
        f"# Directory page, {published:,} published MOs (PostgreSQL, in-process)",
        "",
        "Command: `DATABASE_URL=... .venv/bin/python bench/directory_search.py"
        f" --count {args.count}`",
        "",
        f"- distinct URLs: {len(urls)} (free text, single and combined filters, later pages),"
        f" {args.rounds} passes, {len(times)} requests; statuses: {statuses}",
        f"- seeding time: {seeded:.1f} s",
        "",
        "| p50 ms | p95 ms | p99 ms | mean ms | max ms | SQL queries per request (min–max) |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {percentile(times, 50):.1f} | {percentile(times, 95):.1f} | {percentile(times, 99):.1f}"
        f" | {statistics.mean(times):.1f} | {max(times):.1f} | {min(queries)}–{max(queries)} |",
    ]
    slow = sorted(zip(times, urls * args.rounds, strict=True), reverse=True)[:5]
    lines += ["", "Slowest requests:", ""] + [f"- {t:.1f} ms `{u}`" for t, u in slow]
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / f"directory-{args.count}.md"
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
