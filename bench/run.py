"""make bench: the portal under concurrent load, at national size and ten times it.

For each size (16,000 and 160,000 published MOs, seeded with the demo generator
into the same PostgreSQL database), with production settings (DEBUG off,
persistent connections, the shared Redis cache) and gunicorn, wrk loads every
page type with a mix of at least 200 distinct requests (free text, single and
combined filters, later pages, different profiles, both languages), and a
trivial Django view through the same server: the framework floor. Results:
requests/s, p50/p95/p99, ratio to the floor, SQL queries per request (counted
in-process over the same URLs) and worker memory, as Markdown in bench/results/.

    make bench                  # 16,000 and 160,000 MOs, 20 s per page type
    make bench-short            # 2,000 and 20,000 MOs, 5 s per page type
    .venv/bin/python bench/run.py --sizes 16000 --duration 10
"""

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

ENV = {
    "DEBUG": "false",
    "HTTPS": "false",  # plain HTTP on 127.0.0.1 (production sits behind TLS at nginx)
    "SECRET_KEY": "benchmark-only-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "CONN_MAX_AGE": "60",
    "BENCHMARK_FLOOR": "true",
    "API_RATE": "1000000/minute",
    "LOG_LEVEL": "WARNING",
}

# Page types whose anonymous pages come from the shared page cache
# (core.pagecache.anonymous_page); measured a second time computed.
PAGE_CACHED = ("directory search", "profile", "partner finder", "guide chapter", "term page")

LUA = """
local paths = {%s}
local counter = 0
setup = function(thread)
  thread:set("offset", math.random(1, #paths))
end
init = function(args)
  counter = tonumber(wrk.thread:get("offset")) or 0
end
request = function()
  counter = counter + 1
  local entry = paths[(counter %% #paths) + 1]
  local lang, path = entry:match("^(%%a%%a)|(.*)$")
  if path == nil then lang, path = "de", entry end
  local headers = {["Accept-Language"] = lang, ["Cookie"] = "django_language=" .. lang}
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "errors": %%d, "status_errors": %%d, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d, "mean": %%f}\\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def manage(env, *args):
    run([PYTHON, "manage.py", *args], env, stdout=subprocess.DEVNULL)


def reset_database(url: str) -> None:
    """An empty benchmark database: the sizes are seeded from small to large."""
    from urllib.parse import urlsplit

    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def prepare(env, size: int) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_vocabulary")
    manage(env, "load_gazetteer")
    started = time.perf_counter()
    manage(env, "seed_demo", "--count", str(size), "--published-only")
    print(f"  seeded {size:,} MOs in {time.perf_counter() - started:.0f} s", flush=True)
    manage(env, "load_guide")
    run(
        [
            PYTHON,
            "-c",
            "import django;django.setup();from django.db import connection;"
            "connection.cursor().execute('VACUUM ANALYZE')",
        ],
        {**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )


def mixes(env, requests: int) -> dict:
    """URL mixes per page type and the SQL queries per request (in-process)."""
    code = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from bench.mix import PAGE_TYPES
client = Client()
out = {{}}
for name, make in PAGE_TYPES.items():
    urls = make({requests})
    counts = []
    for entry in urls[:40]:
        lang, _, path = entry.rpartition("|")
        client.cookies["django_language"] = lang or "de"
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        if status == 200:
            counts.append(len(captured.captured_queries))
    out[name] = {{"urls": urls, "queries": [min(counts), max(counts)] if counts else [0, 0]}}
print("MIXES " + json.dumps(out))
"""
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "PAGE_CACHE": "false",  # count the queries of the computed pages
        },
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("MIXES "))
    return json.loads(line[len("MIXES ") :])


def start_server(env, workers: int, *, page_cache: bool = True, port: int = PORT):
    env = {**env, "PAGE_CACHE": "true" if page_cache else "false"}
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--max-requests",
            "0",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_floor/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def worker_memory_mb(server) -> float:
    """The largest resident memory of the gunicorn workers."""
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    largest = 0
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    largest = max(largest, int(line.split()[1]))
        except OSError:
            pass
    return largest / 1024


def visit_each(urls: list[str], connections: int) -> None:
    """Request every distinct URL once (warm-up: caches, connections, code paths)."""

    def get(entry):
        lang, _, path = entry.rpartition("|")
        lang = lang or "de"
        request = urllib.request.Request(
            BASE + path, headers={"Accept-Language": lang, "Cookie": f"django_language={lang}"}
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=60).read()

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(get, urls))


def load(urls: list[str], duration: int, connections: int, threads: int, base=BASE) -> dict:
    script = ROOT / "bench" / "results" / ".mix.lua"
    script.write_text(LUA % ", ".join(json.dumps(u) for u in urls))
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    data = json.loads(line[len("RESULT ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    script.unlink()
    return data


def measure(env, size, args) -> dict:
    print(f"== {size:,} MOs", flush=True)
    prepare(env, size)
    print("  building request mixes and counting SQL queries", flush=True)
    page_types = mixes(env, args.requests)
    subprocess.run(["redis-cli", "-n", "5", "FLUSHDB"], capture_output=True)
    results, memory = {}, 0.0
    floor = [("framework floor", {"urls": ["/_floor/"], "queries": [0, 0]})]
    passes = [
        # Production: anonymous pages from the shared cache once computed.
        (True, "", floor + list(page_types.items())),
        # The same pages computed on every request (the shared facet and
        # statistics caches stay on): what a first visit or a change costs.
        (False, " (computed)", [(n, m) for n, m in page_types.items() if n in PAGE_CACHED]),
    ]
    for page_cache, suffix, items in passes:
        server = start_server(env, args.workers, page_cache=page_cache)
        try:
            for name, mix in items:
                visit_each(mix["urls"], args.connections)
                load(mix["urls"], max(2, args.duration // 4), args.connections, args.threads)
                data = load(mix["urls"], args.duration, args.connections, args.threads)
                data["queries"] = mix["queries"]
                data["distinct"] = len(mix["urls"])
                results[name + suffix] = data
                print(
                    f"  {name + suffix:30} {data['rps']:8.1f} req/s"
                    f"  p95 {data['p95'] / 1000:7.1f} ms  errors {data['errors']}",
                    flush=True,
                )
            memory = max(memory, worker_memory_mb(server))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return {"size": size, "results": results, "memory_mb": memory}


def table(measurement, args, command) -> str:
    floor = measurement["results"]["framework floor"]["rps"]
    lines = [
        f"## {measurement['size']:,} published MOs",
        "",
        f"gunicorn {args.workers} sync workers, wrk {args.threads} threads / {args.connections} "
        f"connections, {args.duration} s per page type after a warm-up (every distinct request "
        f"once, then wrk); PostgreSQL, Redis cache, DEBUG off. Largest worker memory after the "
        f"run: **{measurement['memory_mb']:.0f} MB**.",
        "",
        "Rows marked *(computed)* serve the same requests with the anonymous page cache off: "
        "every page is built from the database (facet counts and term statistics still come "
        "from the shared cache). SQL queries are counted for the computed pages.",
        "",
        "| page type | distinct requests | req/s | p50 ms | p95 ms | p99 ms | ratio to floor"
        " | SQL queries/request | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, data in measurement["results"].items():
        q = data["queries"]
        lines.append(
            f"| {name} | {data['distinct']} | {data['rps']:.1f} | {data['p50'] / 1000:.1f} | "
            f"{data['p95'] / 1000:.1f} | {data['p99'] / 1000:.1f} | {data['rps'] / floor:.1%} | "
            f"{q[0]}–{q[1]} | {data['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[16000, 160000])
    parser.add_argument("--duration", type=int, default=20, help="seconds per page type")
    parser.add_argument("--requests", type=int, default=200, help="distinct requests per page type")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--short", action="store_true", help="2,000 and 20,000 MOs, 5 s per page")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/moportal_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    if args.short:
        args.sizes, args.duration = [2000, 20000], 5
    env = {**os.environ, **ENV, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url}
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    RESULTS.mkdir(parents=True, exist_ok=True)
    reset_database(args.database_url)
    measurements = [measure(env, size, args) for size in sorted(args.sizes)]
    report = [
        "# Benchmark: the portal under load",
        "",
        f"Command: `{command.strip()}` (make bench). Machine: {os.cpu_count()} cores, "
        f"{platform.platform()}, {time.strftime('%Y-%m-%d %H:%M')}.",
        "Absolute times drift on a shared machine; compare the ratio to the framework floor.",
        "",
    ]
    report += [table(m, args, command) for m in measurements]
    if len(measurements) > 1:
        small, large = measurements[0], measurements[-1]
        report += [
            f"## p95 at {large['size']:,} relative to {small['size']:,}",
            "",
            "| page type | p95 small ms | p95 large ms | factor |",
            "|---|---:|---:|---:|",
        ]
        for name in small["results"]:
            a, b = small["results"][name]["p95"], large["results"][name]["p95"]
            report.append(f"| {name} | {a / 1000:.1f} | {b / 1000:.1f} | {b / max(a, 1):.2f} |")
    name = "short" if args.short else "-".join(str(s) for s in sorted(args.sizes))
    out = RESULTS / f"load-{name}.md"
    out.write_text("\n".join(report) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
