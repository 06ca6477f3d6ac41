"""What the client-side deadline (core/dbdeadline.py) costs per statement.

    .venv/bin/python bench/dbdeadline_bench.py [--statements 20000]

Runs ``SELECT 1`` and a 50-row query on one PostgreSQL connection (127.0.0.1:5432,
database postgres), alternating rounds with psycopg2's own blocking wait and with
the wait callback, and prints the median time per statement of each and the
difference. Results: bench/results/dbdeadline.md.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg2  # noqa: E402
from psycopg2 import extensions  # noqa: E402

from core import dbdeadline  # noqa: E402

QUERIES = {
    "SELECT 1": "SELECT 1",
    "50 rows": "SELECT g, md5(g::text) FROM generate_series(1, 50) AS g",
}


def per_statement(cursor, sql: str, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        cursor.execute(sql)
        cursor.fetchall()
    return (time.perf_counter() - started) / count * 1e6  # microseconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    cursor = connection.cursor()
    count = args.statements // args.rounds
    print("| query | blocking wait (µs/statement) | with deadline (µs/statement) | difference |")
    print("|---|---:|---:|---:|")
    for name, sql in QUERIES.items():
        plain, bounded = [], []
        for _ in range(args.rounds):  # interleaved, so that machine load hits both
            extensions.set_wait_callback(None)
            plain.append(per_statement(cursor, sql, count))
            extensions.set_wait_callback(dbdeadline.wait_with_deadline)
            bounded.append(per_statement(cursor, sql, count))
        extensions.set_wait_callback(None)
        a, b = statistics.median(plain), statistics.median(bounded)
        print(f"| {name} | {a:.1f} | {b:.1f} | {b - a:+.1f} |")


if __name__ == "__main__":
    main()
