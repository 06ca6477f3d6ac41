"""Where a computed page's time goes: cProfile over each page type's request mix.

Production settings (DEBUG off), the anonymous page cache off, PostgreSQL, requests
through Django's test client in this process (no server, no network): the figures are
the portal's own work per request. For each page type: the mean time per request,
the share spent waiting for the database (time inside the cursor's execute), and the
functions with the largest own time and cumulative time. Written as Markdown.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prof16k \\
        .venv/bin/python bench/profile_pages.py --requests 60 --out bench/results/profile-16000.md
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PORTAL_PROCESS", "command")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["PAGE_CACHE"] = "false"
os.environ.setdefault("API_RATE", "1000000/minute")


def _short(func: tuple[str, int, str]) -> str:
    path, line, name = func
    for marker in (str(ROOT) + "/", "site-packages/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line} {name}" if line else name


def _own_code(func: tuple[str, int, str]) -> bool:
    """The portal's own functions and templates' tags, not the middleware chain."""
    path, _line, name = func
    return (
        path.startswith(str(ROOT))
        and "/.venv/" not in path
        and "/bench/" not in path
        and name != "__call__"
    )


def _top(
    stats: pstats.Stats, key: int, count: int, requests: int, *, own_code: bool = False
) -> list[str]:
    items = stats.stats.items()  # type: ignore[attr-defined]
    if own_code:
        items = [item for item in items if _own_code(item[0])]
    rows = sorted(items, key=lambda item: item[1][key], reverse=True)[:count]
    lines = [
        "| function | calls/request | own ms/request | cumulative ms/request |",
        "|---|---:|---:|---:|",
    ]
    for func, (_cc, nc, tt, ct, _callers) in rows:
        lines.append(
            f"| `{_short(func)}` | {nc / requests:.1f} | {tt * 1000 / requests:.2f} | "
            f"{ct * 1000 / requests:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--out", default="")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.mix import PAGE_TYPES
    from directory.models import Organisation

    count = Organisation.objects.filter(status="published").count()
    client = Client()
    out = [
        f"# Where the time of a computed page goes ({count:,} published MOs)",
        "",
        "Command: `python bench/profile_pages.py` on PostgreSQL, DEBUG off, page cache off,",
        f"test client in-process, {args.requests} requests per page type after a warm-up.",
        "ms/request without the profiler; profiled ms/request and the tables below with it",
        "(cProfile roughly doubles Python's time). Database: time inside the cursor's execute.",
        "",
    ]
    summary = [
        "| page type | ms/request | profiled ms/request | database ms/request | queries/request |",
        "|---|---:|---:|---:|---:|",
    ]
    details: list[str] = []
    for name, make in PAGE_TYPES.items():
        if args.pages and name not in args.pages:
            continue
        urls = make(args.requests)

        def get(entry: str) -> int:
            lang, _, path = entry.rpartition("|")
            client.cookies["django_language"] = lang or "de"
            return client.get(path).status_code

        for entry in urls[: min(20, len(urls))]:  # warm-up: vocabulary, guide, connections
            get(entry)
        plain_started = time.perf_counter()  # without the profiler: the real cost
        for entry in urls[: args.requests]:
            get(entry)
        plain = (time.perf_counter() - plain_started) * 1000 / len(urls[: args.requests])
        database = [0.0]

        def timed(execute, sql, params, many, context, spent=database):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started

        profiler = cProfile.Profile()
        statuses = []
        started = time.perf_counter()
        with connection.execute_wrapper(timed), CaptureQueriesContext(connection) as queries:
            profiler.enable()
            for entry in urls[: args.requests]:
                statuses.append(get(entry))
            profiler.disable()
        elapsed = time.perf_counter() - started
        n = len(statuses)
        summary.append(
            f"| {name} | {plain:.1f} | {elapsed * 1000 / n:.1f} | {database[0] * 1000 / n:.1f} | "
            f"{len(queries.captured_queries) / n:.1f} |"
        )
        stats = pstats.Stats(profiler, stream=io.StringIO())
        details += [f"## {name}", "", f"Statuses: {sorted(set(statuses))}.", ""]
        details += ["Largest own time:", ""]
        details += _top(stats, 2, args.top, n)
        details += ["", "The portal's own functions with the largest cumulative time:", ""]
        details += _top(stats, 3, args.top, n, own_code=True)
        details.append("")
        print(summary[-1], flush=True)
    text = "\n".join(out + summary + [""] + details)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
