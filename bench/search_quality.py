"""Search quality: recall and precision of the directory search over a judged
query set, on the demo data, on whichever database DATABASE_URL names.

What a query means is judged from the data itself: each query carries one or
more patterns over the profile's readable search document (name, short name,
place, descriptions, offers, the German and English labels of its vocabulary);
a profile is expected when it matches every pattern. A query means what it
means in either language ("counselling" is also "Beratung"), as the profiles
carry German and English labels but mostly German texts. Where no profile matches
all of them (several words), the expected profiles are those of the largest
set of the query's words that matches (dropping the later words first): the
search should then show these, naming the words it left out.

    DATABASE_URL=sqlite:////tmp/quality.sqlite3 .venv/bin/python bench/search_quality.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moportal_quality \\
        .venv/bin/python bench/search_quality.py --count 2000

Prints one line per query (recall, precision, found, expected) and the
averages; --out writes the table as Markdown.
"""

import argparse
import itertools
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Seeds and bulk steps run in this process: no web statement timeout (config/database.py).
os.environ.setdefault("PORTAL_PROCESS", "command")

# (category, query, language, patterns: one regex per meaning; all must match)
QUERIES: list[tuple[str, str, str, list[str]]] = [
    ("inflection", "Kulturvereine", "de", ["kulturverein"]),
    ("inflection", "Jugendlichen", "de", ["jugend"]),
    ("inflection", "Dolmetscher", "de", ["dolmetsch|sprachmittl|übersetz"]),
    ("inflection", "Beratungszentren", "de", ["beratungszentr"]),
    ("inflection", "Familien", "de", ["famil"]),
    ("inflection", "Frauenvereine", "de", ["frauenverein"]),
    ("inflection", "Beratungen", "de", ["beratung"]),
    ("inflection", "Kurse", "de", ["kurs"]),
    ("inflection", "Netzwerke", "de", ["netzwerk"]),
    ("compound", "Mentoring", "de", ["mentoring"]),
    ("compound", "Lotsen", "de", ["lotse"]),
    ("compound", "Bewerbung", "de", ["bewerbung"]),
    ("compound", "Training", "de", ["training"]),
    ("compound", "Zentrum", "de", ["zentrum"]),
    ("compound", "Markt", "de", ["markt"]),
    ("typo", "Arabich", "de", ["arab"]),
    ("typo", "Dolmetchen", "de", ["dolmetsch|sprachmittl|übersetz"]),
    ("typo", "Schwerinn", "de", ["schwerin"]),
    ("typo", "Beratnug", "de", ["beratung"]),
    ("typo", "Bewerbungstrainig", "de", ["bewerbungstraining"]),
    ("typo", "Intgration", "de", ["integration"]),
    ("umlaut", "Tuerkisch", "de", ["türkisch|turkish"]),
    ("umlaut", "Gruender", "de", ["gründer|founder"]),
    ("umlaut", "Muenchen", "de", ["münchen"]),
    ("umlaut", "Koeln", "de", ["köln"]),
    ("umlaut", "Duesseldorf", "de", ["düsseldorf"]),
    ("umlaut", "Nurnberg", "de", ["nürnberg"]),
    ("umlaut", "Giessen", "de", ["gießen"]),
    ("accent", "Elterncafe", "de", ["elterncafé"]),
    ("accent", "Lumiere", "de", ["lumière"]),
    ("accent", "Raices", "de", ["raíces"]),
    ("synonym", "Flüchtlinge", "de", ["geflüchtet|flüchtling|schutzsuchend|refugee"]),
    ("synonym", "Sprachmittlung", "de", ["dolmetsch|sprachmittl|übersetz"]),
    (
        "synonym",
        "Arbeitsagentur",
        "de",
        ["agentur für arbeit|arbeitsagentur|employment agency|jobcenter"],
    ),
    ("synonym", "Übersetzung", "de", ["dolmetsch|sprachmittl|übersetz"]),
    ("synonym", "Senioren", "de", ["ältere menschen|senior|older people"]),
    ("words", "Erstberatung Russisch Schwerin", "de", ["erstberatung", "russisch", "schwerin"]),
    ("words", "Kulturverein Berlin", "de", ["kulturverein", "berlin"]),
    ("words", "Beratung Arabisch Hamburg", "de", ["beratung", "arab", "hamburg"]),
    ("words", "Deutschkurs Frauen", "de", ["deutschkurs", "frau"]),
    ("name", "Kontakt", "de", ["kontakt"]),
    ("name", "MOZAIK", "de", ["mozaik"]),
    ("name", "Druschba", "de", ["druschba"]),
    ("name", "ASM", "de", [r"\basm\b"]),
    ("place", "Schwerin", "de", ["schwerin"]),
    ("place", "Frankfurt", "de", ["frankfurt"]),
    ("place", "Halle", "de", ["halle"]),
    ("language", "Russisch", "de", ["russisch|russian"]),
    ("language", "Arabisch", "de", ["arab"]),
    ("language", "Persisch", "de", ["persisch|persian"]),
    ("english", "counselling", "en", ["counsel|beratung"]),
    ("english", "refugees", "en", ["refugee|geflüchtet|flüchtling|schutzsuchend"]),
    ("english", "young people", "en", ["young", "people"]),
    ("english", "women", "en", ["women|frau"]),
    ("english", "Turkish", "en", ["türkisch|turkish"]),
    ("english", "Syria", "en", ["syri"]),
]


def expected_ids(documents: dict[int, str], patterns: list[str]) -> set[int]:
    compiled = [re.compile(p) for p in patterns]
    for size in range(len(compiled), 0, -1):
        for kept in itertools.combinations(range(len(compiled)), size):
            found = {
                pk for pk, text in documents.items() if all(compiled[i].search(text) for i in kept)
            }
            if found:
                return found
    return set()


def prepare(count: int) -> None:
    from django.core.management import call_command

    from directory.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("load_vocabulary", verbosity=0)
    missing = count - Organisation.objects.published().count()
    if missing > 0:
        call_command("seed_demo", count=count, published_only=True, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--out", help="write the table as Markdown to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from directory.models import Organisation
    from directory.search import search_organisations

    prepare(args.count)
    published = Organisation.objects.published()
    documents = dict(published.values_list("pk", "search_document"))
    rows = []
    for category, query, language, patterns in QUERIES:
        expected = expected_ids(documents, patterns)
        with translation.override(language):
            found = set(search_organisations(published, query).values_list("pk", flat=True))
        hits = len(found & expected)
        recall = hits / len(expected) if expected else (1.0 if not found else 0.0)
        precision = hits / len(found) if found else (1.0 if not expected else 0.0)
        rows.append((category, query, language, recall, precision, len(found), len(expected)))

    vendor = connection.vendor
    lines = [
        f"# Search quality, {len(documents):,} published demo MOs ({vendor})",
        "",
        "Command: `DATABASE_URL=... .venv/bin/python bench/search_quality.py"
        f" --count {args.count}`",
        "",
        "| category | query | UI | recall | precision | found | expected |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for category, query, language, recall, precision, found_n, expected_n in rows:
        lines.append(
            f"| {category} | {query} | {language} | {recall:.2f} | {precision:.2f}"
            f" | {found_n} | {expected_n} |"
        )
    mean_recall = statistics.mean(r[3] for r in rows)
    mean_precision = statistics.mean(r[4] for r in rows)
    lines += [
        "",
        f"**Average over {len(rows)} queries: recall {mean_recall:.2f},"
        f" precision {mean_precision:.2f}**",
    ]
    report = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
