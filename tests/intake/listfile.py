"""A realistic MO list for import tests and the benchmark: German headers,
umlauts, dates as date cells, as text and as Excel serial numbers, lists of
languages and fields (labels in German and English, ISO codes, unknown values),
duplicates inside the file and against existing profiles, broken rows.

``generate(n)`` returns the header, the rows (as the reader returns them: text,
dates ISO) and what each injected row is meant to be; ``as_csv`` and ``as_xlsx``
write them in the encodings of the field.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass, field

HEADER = [
    "Name der Organisation",
    "Kurzname",
    "Straße",
    "PLZ",
    "Ort",
    "Bundesland",
    "E-Mail-Adresse",
    "Homepage",
    "Telefon",
    "Gründungsdatum",
    "Mitglieder",
    "Sprachen",
    "Handlungsfelder",
    "Zielgruppen",
]

ORIGINS = [
    "Türkischer",
    "Deutsch-Russischer",
    "Vietnamesischer",
    "Kurdischer",
    "Syrischer",
    "Polnischer",
    "Griechischer",
    "Eritreischer",
    "Afghanischer",
    "Ukrainischer",
    "Marokkanischer",
    "Tamilischer",
    "Kongolesischer",
    "Ghanaischer",
    "Iranischer",
]
KINDS = [
    "Kulturverein",
    "Elternverein",
    "Frauenverein",
    "Jugendtreff",
    "Sportclub",
    "Bildungswerk",
    "Begegnungsstätte",
    "Förderkreis",
    "Chor",
    "Studentenbund",
]
TOWNS = [
    ("Köln", "50667", "Nordrhein-Westfalen"),
    ("Düsseldorf", "40213", "NW"),
    ("München", "80331", "Bayern"),
    ("Nürnberg", "90402", "Bavaria"),
    ("Berlin", "10117", "Berlin"),
    ("Hamburg", "20095", "HH"),
    ("Frankfurt am Main", "60311", "Hessen"),
    ("Stuttgart", "70173", "Baden-Württemberg"),
    ("Leipzig", "04109", "Sachsen"),
    ("Dresden", "01067", "Saxony"),
    ("Hannover", "30159", "Niedersachsen"),
    ("Bremen", "28195", "Bremen"),
    ("Erfurt", "99084", "Thüringen"),
    ("Lübeck", "23552", "Schleswig-Holstein"),
    ("Saarbrücken", "66111", "Saarland"),
]
LANGUAGES = [
    "Türkisch",
    "Arabisch",
    "Russisch",
    "Farsi",
    "Englisch",
    "Französisch",
    "uk",
    "ar",
    "Tigrinya",
    "Kurdisch",
    "Polish",
    "Vietnamesisch",
    "Klingonisch",
    "Plattdeutsch",
]
FIELDS = [
    "Bildung",
    "Kultur",
    "Soziales",
    "Sport",
    "Youth",
    "Jugend",
    "Frauen und Gleichstellung",
    "Kochen",
    "Hilfe für Geflüchtete",
    "Gesundheit und Pflege",
    "Medien",
]
GROUPS = ["Eltern und Familien", "Frauen", "Jugendliche", "Refugees", "Senioren", "Ältere Menschen"]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ze",
    "tu",
    "no",
    "vi",
    "sa",
    "be",
    "du",
    "ri",
    "fa",
    "go",
    "he",
    "ju",
    "ne",
    "po",
    "qui",
    "we",
    "xa",
    "yo",
    "lu",
    "mar",
    "tin",
    "sol",
    "ben",
    "dor",
]
STREETS = ["Haupt", "Bahnhof", "Schiller", "Goethe", "Mühlen"]
PROVIDERS = ["gmx.de", "web.de", "gmail.com", "t-online.de"]


@dataclass
class Generated:
    header: list[str]
    rows: list[list[str]]  # as the reader returns them (dates ISO)
    cells: list[list[object]]  # for the XLSX: dates as dates, serials as numbers
    file_duplicates: dict[int, int] = field(default_factory=dict)  # row number -> earlier
    database_duplicates: dict[int, str] = field(default_factory=dict)  # row number -> name
    broken: dict[int, str] = field(default_factory=dict)  # row number -> what is wrong
    existing: list[dict] = field(default_factory=list)  # profiles to create beforehand


def _word(rng: random.Random, used: set[str]) -> str:
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(4)).capitalize()
        if word not in used:
            used.add(word)
            return word


def generate(n: int, *, seed: int = 19, existing: int = 40) -> Generated:
    rng = random.Random(seed)
    used: set[str] = set()
    out = Generated(HEADER, [], [])
    # Profiles that already exist (some of them are in the file again).
    for i in range(existing):
        town, postal, _state = TOWNS[i % len(TOWNS)]
        word = _word(rng, used)
        out.existing.append(
            {
                "name": f"{rng.choice(ORIGINS)} {rng.choice(KINDS)} {word} e. V.",
                "city": town,
                "postal_code": postal,
                "website": f"https://www.{word.lower()}-verein.de",
                "email": f"info@{word.lower()}-verein.de",
            }
        )
    for index in range(n):
        number = index + 2  # row 1 is the header
        town, postal, state = TOWNS[rng.randrange(len(TOWNS))]
        postal = f"{int(postal) + rng.randrange(80):05d}"
        word = _word(rng, used)
        # A long word of its own, so that two MOs of one origin and kind in one
        # town are not look-alikes (the name's longest words are compared).
        name = f"{rng.choice(ORIGINS)} {word}{_word(rng, used).lower()} {rng.choice(KINDS)}"
        domain = f"{word.lower()}-ev.de"
        email = (
            f"kontakt@{domain}" if rng.random() < 0.7 else f"{word.lower()}@{rng.choice(PROVIDERS)}"
        )
        website = f"www.{domain}" if rng.random() < 0.6 else ""
        founded = datetime.date(rng.randint(1960, 2024), rng.randint(1, 12), rng.randint(1, 28))
        style = rng.random()
        if style < 0.4:  # a date cell
            cell: object = founded
            text = founded.isoformat()
        elif style < 0.6:  # a date cell that lost its format: Excel's serial number
            serial = (founded - datetime.date(1899, 12, 30)).days
            cell, text = serial, str(serial)
        elif style < 0.8:
            cell = text = founded.strftime("%d.%m.%Y")
        else:
            cell = text = str(founded.year)
        languages = ", ".join(rng.sample(LANGUAGES, rng.randint(0, 3)))
        fields = "; ".join(rng.sample(FIELDS, rng.randint(1, 2)))
        groups = ", ".join(rng.sample(GROUPS, rng.randint(0, 2)))
        members = str(rng.randint(5, 900))
        row = [
            name,
            "",
            f"{rng.choice(STREETS)}straße {rng.randint(1, 120)}",
            postal,
            town,
            state,
            email,
            website,
            f"0{rng.randint(200, 999)} {rng.randint(100000, 9999999)}",
            text,
            members,
            languages,
            fields,
            groups,
        ]
        kind = rng.random()
        if index > 10 and kind < 0.04:  # the same MO again, written a little differently
            earlier_index = rng.randrange(max(0, index - 300), index)
            earlier = out.rows[earlier_index]
            if earlier_index + 2 not in out.broken and earlier_index + 2 not in out.file_duplicates:
                row[0] = earlier[0].replace("Kulturverein", "Kultur-Verein") + " e.V."
                row[3], row[4], row[6], row[7] = earlier[3], earlier[4], earlier[6], earlier[7]
                out.file_duplicates[number] = earlier_index + 2
        elif kind < 0.06 and out.existing:  # an existing profile
            known = out.existing[rng.randrange(len(out.existing))]
            if not any(v == known["name"] for v in out.database_duplicates.values()):
                row[0] = known["name"].replace(" e. V.", "")
                row[3], row[4] = known["postal_code"], known["city"]
                row[6], row[7] = known["email"], ""
                out.database_duplicates[number] = known["name"]
        elif kind < 0.09:  # broken rows
            problem = rng.choice(["name", "postal", "email", "url", "year"])
            if problem == "name":
                row[0] = ""
            elif problem == "postal":
                row[3] = "123"
            elif problem == "email":
                row[6] = "kontakt(at)verein.de"
            elif problem == "url":
                row[7] = "http://exa mple"
            else:
                row[9] = cell = "irgendwann"
            out.broken[number] = problem
        out.rows.append(row)
        cells: list[object] = list(row)
        cells[9] = cell
        if row[10].isdigit():
            cells[10] = int(row[10])
        out.cells.append(cells)
    return out


def as_csv(data: Generated, *, encoding: str, delimiter: str = ";") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(data.header)
    writer.writerows(data.rows)
    text = buffer.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def as_xlsx(data: Generated) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("MOs")
    sheet.append(data.header)
    for cells in data.cells:
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
