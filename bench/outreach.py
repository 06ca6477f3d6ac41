"""The coordinators' outreach lists (issue 19) at scale: 16,000 demo MOs seeded,
copied in SQL to the given count (published, without a team; the demo owners
stay on the originals), then each list page (first page, a deep page, filtered
by state) through Django's test client as a coordinator, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_reach \\
        .venv/bin/python bench/outreach.py --count 160000
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

# Each copy: a new uuid, name and slug; every third without e-mail, every fifth
# without a street (so that all three lists have rows).
OVERRIDES = {
    "uuid": "md5(o.slug || '-copy-' || n)::uuid",
    "name": "o.name || ' ' || n",
    "slug": "o.slug || '-copy-' || n",
    "email": "CASE WHEN n %% 3 = 0 THEN '' ELSE o.email END",
    "street": "CASE WHEN n %% 5 = 0 THEN '' ELSE o.street END",
}


def copy_sql(columns: list[str]) -> str:
    names = [c for c in columns if c != "id"]
    values = [OVERRIDES.get(c, f"o.{c}") for c in names]
    return (
        f"INSERT INTO directory_organisation ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM directory_organisation o, generate_series(1, %s) AS n "
        "WHERE o.slug NOT LIKE '%%-copy-%%'"
    )


def prepare(count: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from directory.models import Organisation

    if connection.vendor != "postgresql":
        sys.exit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_vocabulary", verbosity=0)
    call_command("load_gazetteer", verbosity=0)
    if Organisation.objects.count() < count:
        Organisation.objects.all().delete()
        base = min(count, 16000)
        call_command("seed_demo", count=base, published_only=True, verbosity=0)
        copies = count // base - 1
        if copies > 0:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = 'directory_organisation'"
                )
                cursor.execute(copy_sql([row[0] for row in cursor.fetchall()]), [copies])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Organisation.objects.published().count()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=160000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory import outreach
    from tests import personas

    published = prepare(args.count)
    User = django.contrib.auth.get_user_model()  # type: ignore[attr-defined]
    user = User.objects.filter(email="bench-coordinator@example.org").first() or personas.create(
        "coordinator", email="bench-coordinator@example.org"
    )
    client = Client()
    client.force_login(user)
    urls = [
        f"/koordination/aktualitaet/?liste={name}{extra}"
        for name in outreach.LISTS
        for extra in ("", "&page=200", "&land=NW", "&land=NW&page=20")
    ] + ["/koordination/"]
    lines = [
        f"# Outreach lists, {published:,} published MOs (PostgreSQL, in-process)",
        "",
        "Command: `DATABASE_URL=... .venv/bin/python bench/outreach.py"
        f" --count {args.count}`; {args.rounds} requests per URL after one warm-up.",
        "",
        "| URL | status | p50 ms | max ms | queries | rows in list |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for url in urls:
        client.get(url)
        times, queries = [], 0
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        name = url.partition("liste=")[2].partition("&")[0]
        state = url.partition("land=")[2].partition("&")[0]
        rows = f"{outreach.outreach_list(name, state=state).count():,}" if name else "–"
        lines.append(
            f"| `{url}` | {response.status_code} | {statistics.median(times):.0f}"
            f" | {max(times):.0f} | {queries} | {rows} |"
        )
    with connection.cursor() as cursor:
        sql, params = outreach.without_team().order_by("name", "pk")[:50].query.sql_with_params()
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    lines += ["", "Plan of the first page of 'ohne-team':", "", "```", *plan, "```"]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results" / f"outreach-{args.count}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
