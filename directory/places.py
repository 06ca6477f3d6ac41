"""The gazetteer: German postcodes and places with their coordinates, offline.

Loaded from ``directory/data/gazetteer/de-postcodes.csv.gz`` (GeoNames, CC BY 4.0;
see the README there) by ``manage.py load_gazetteer``. It answers two questions:

- where is what a person typed ("Schwerin", "19053", "19053 Schwerin",
  "Frankfurt")? ``resolve``;
- where is an organisation? ``point_of`` its postal code, else its city.

A postcode stands for the centre of its places. A place name stands for the
densest group of the places of that name (there are several "Neustadt"s; the
one with the most postcodes within 20 km wins); a name that matches no place
exactly matches the start of longer names ("Frankfurt" → "Frankfurt am Main",
the one with the most postcodes).
"""

import csv
import gzip
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.geo import Point, distance_km

GAZETTEER_FILE = Path(__file__).resolve().parent / "data" / "gazetteer" / "de-postcodes.csv.gz"
CLUSTER_KM = 20.0
CITY_KM = 25.0
POSTCODE = re.compile(r"^([0-9]{5})(?:\s+(.*))?$")
BATCH = 2000


class Place(models.Model):
    """A place under a postcode, with its coordinates (one row of the gazetteer)."""

    postcode = models.CharField(_("Postleitzahl"), max_length=5)
    name = models.CharField(_("Ort"), max_length=100)
    # The name as it is looked up: lower case, umlauts spelt out (place_key).
    key = models.CharField(_("Suchschlüssel"), max_length=100)
    first_word = models.CharField(_("Erstes Wort des Suchschlüssels"), max_length=100)
    state = models.CharField(_("Land (Kürzel)"), max_length=2, blank=True)
    latitude = models.FloatField(_("Breitengrad"))
    longitude = models.FloatField(_("Längengrad"))

    class Meta:
        app_label = "directory"
        verbose_name = _("Ort im Ortsverzeichnis")
        verbose_name_plural = _("Ortsverzeichnis")
        ordering = ["postcode", "name"]
        indexes = [
            models.Index(fields=["postcode"], name="place_postcode"),
            models.Index(fields=["key"], name="place_key"),
            models.Index(fields=["first_word"], name="place_first_word"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["postcode", "name"], name="place_once_per_postcode")
        ]

    def __str__(self) -> str:
        return f"{self.postcode} {self.name}"


class Row(NamedTuple):
    postcode: str
    name: str
    key: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Location:
    """A resolved place: what to call it and where it is."""

    label: str
    point: Point


def place_key(text: str) -> str:
    text = " ".join(text.casefold().split())
    for letter, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(letter, spelt)
    return text[:100]


def first_word(key: str) -> str:
    """The first word of a place key: "frankfurt am main" → "frankfurt",
    "halle (saale)" → "halle"."""
    return re.split(r"[ (/,]", key, maxsplit=1)[0]


def _centre(rows: list[Row]) -> Point:
    return Point(
        sum(r.latitude for r in rows) / len(rows), sum(r.longitude for r in rows) / len(rows)
    )


def _densest(rows: list[Row]) -> list[Row]:
    """All rows when they lie within CITY_KM of their centre (one town: Berlin's
    postcodes reach 23 km; quick), else the rows within CLUSTER_KM of the row that
    has the most such neighbours (one of several places of the same name)."""
    centre = _centre(rows)
    if all(distance_km(centre, Point(r.latitude, r.longitude)) <= CITY_KM for r in rows):
        return rows

    def near(row: Row) -> list[Row]:
        here = Point(row.latitude, row.longitude)
        return [r for r in rows if distance_km(here, Point(r.latitude, r.longitude)) <= CLUSTER_KM]

    return max((near(row) for row in rows), key=len)


class Gazetteer:
    """Lookups in the gazetteer: one small query per lookup, or, built with
    ``preload=True``, all rows in memory at once (for locating thousands of
    organisations in bulk). Both give the same answers."""

    def __init__(self, *, preload: bool = False) -> None:
        self._preloaded = preload
        self._by_postcode: dict[str, list[Row]] = {}
        self._by_key: dict[str, list[Row]] = {}
        self._named: dict[str, Location | None] = {}  # by_name's answers, when preloaded
        if preload:
            for row in _rows(Q()):
                self._by_postcode.setdefault(row.postcode, []).append(row)
                self._by_key.setdefault(row.key, []).append(row)
                if first_word(row.key) != row.key:
                    self._by_key.setdefault(first_word(row.key), []).append(row)

    def _postcode_rows(self, postcode: str) -> list[Row]:
        if not self._preloaded:
            return _rows(Q(postcode=postcode))
        return self._by_postcode.get(postcode, [])

    def _key_rows(self, key: str) -> list[Row]:
        """Rows named ``key`` or whose name's first word is ``key``."""
        if not self._preloaded:
            return _rows(Q(key=key) | Q(first_word=key))
        return self._by_key.get(key, [])

    def _name_rows(self, key: str) -> list[Row]:
        """Rows named ``key``; else those whose name starts with it as a word
        ("Frankfurt" finds "Frankfurt am Main"); else the same for the first word
        of ``key`` ("Halle (Saale)" finds "Halle")."""
        for wanted in dict.fromkeys([key, first_word(key)]):
            rows = self._key_rows(wanted)
            exact = [r for r in rows if r.key == wanted]
            if exact or rows:
                return exact or rows
        return []

    def by_postcode(self, postcode: str, city: str = "") -> Location | None:
        rows = self._postcode_rows(postcode)
        if not rows:
            return None
        key = place_key(city)
        named = [r for r in rows if key and key in (r.key, first_word(r.key))]
        rows = named or rows
        return Location(f"{postcode} {rows[0].name}", _centre(rows))

    def by_name(self, text: str) -> Location | None:
        key = place_key(text)
        if self._preloaded:
            if key not in self._named:
                self._named[key] = self._by_name(key)
            return self._named[key]
        return self._by_name(key)

    def _by_name(self, key: str) -> Location | None:
        rows = self._name_rows(key) if key else []
        if not rows:
            return None
        by_key: dict[str, list[Row]] = {}
        for row in rows:
            by_key.setdefault(row.key, []).append(row)
        chosen = min(by_key, key=lambda k: (-len(by_key[k]), k))  # the most postcodes
        group = _densest(by_key[chosen])
        return Location(group[0].name, _centre(group))

    def resolve(self, text: str) -> Location | None:
        """Where is what a person typed: a postcode, a postcode and a place, or a place."""
        text = " ".join(text.split())[:100]
        match = POSTCODE.match(text)
        if match:
            found = self.by_postcode(match[1], match[2] or "")
            if found is not None or not match[2]:
                return found
            return self.by_name(match[2])
        return self.by_name(text)

    def point_of(self, *, postal_code: str, city: str) -> Point | None:
        """Where an organisation is: its postal code, else its city; None if unknown."""
        found = self.by_postcode(postal_code.strip(), city) if postal_code.strip() else None
        if found is None and city.strip():
            found = self.by_name(city)
        return found.point if found else None


def _rows(condition: Q) -> list[Row]:
    fields = ("postcode", "name", "key", "latitude", "longitude")
    return [Row(*values) for values in Place.objects.filter(condition).values_list(*fields)]


def resolve(text: str) -> Location | None:
    return Gazetteer().resolve(text)


def read_file(path: Path = GAZETTEER_FILE) -> list[Place]:
    """The gazetteer's rows from a CSV file (gzip'd if its name ends in .gz)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    return [
        Place(
            postcode=line["postcode"],
            name=line["place"],
            key=place_key(line["place"]),
            first_word=first_word(place_key(line["place"])),
            state=line.get("state") or "",
            latitude=float(line["latitude"]),
            longitude=float(line["longitude"]),
        )
        for line in reader
    ]


def load_places(places: Iterable[Place], *, force: bool = False) -> int:
    """Replace the gazetteer's table by ``places``; returns the number of rows
    loaded, 0 when the table holds as many rows already (unless ``force``)."""
    places = list(places)
    if not force and Place.objects.count() == len(places):
        return 0
    with transaction.atomic():
        Place.objects.all().delete()
        Place.objects.bulk_create(places, batch_size=BATCH)
    return len(places)


def coordinates(
    *, postal_code: str, city: str, gazetteer: Gazetteer | None = None
) -> tuple[float | None, float | None]:
    """An organisation's (latitude, longitude) from its postal code, else its city."""
    point = (gazetteer or Gazetteer()).point_of(postal_code=postal_code, city=city)
    return (point.latitude, point.longitude) if point else (None, None)


def locate_organisations() -> int:
    """Derive every organisation's coordinates again from the gazetteer (after
    loading it, and for rows saved before there were coordinates), in batches,
    without a new version: coordinates are derived data, like the search document.
    Returns the number of organisations whose coordinates changed."""
    from directory.models import Organisation

    gazetteer = Gazetteer(preload=True)
    changed = []
    rows = Organisation.objects.values_list("pk", "postal_code", "city", "latitude", "longitude")
    for pk, postal_code, city, latitude, longitude in rows.order_by("pk").iterator(BATCH):
        now = coordinates(postal_code=postal_code, city=city, gazetteer=gazetteer)
        if now != (latitude, longitude):
            changed.append(Organisation(pk=pk, latitude=now[0], longitude=now[1]))
    Organisation.objects.bulk_update(changed, ["latitude", "longitude"], batch_size=BATCH)
    return len(changed)
