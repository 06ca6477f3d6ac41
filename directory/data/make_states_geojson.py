"""Write the offline base map of the directory's map: the 16 German states as GeoJSON.

Source: the layer ``states_provinces`` of QGIS's ``world_map.gpkg`` (Natural Earth
1:10m Admin 1 – States, Provinces v4.1.0, generalised by the QGIS project), from the
Debian package ``qgis-common``::

    apt-get download qgis-common && dpkg -x qgis-common_*.deb /tmp/qgis
    python directory/data/make_states_geojson.py \\
        /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg \\
        static/vendor/natural-earth-admin1-4.1.0/de-states.geojson

Only the standard library: the GeoPackage is SQLite, its geometries are a small
header followed by WKB. Coordinates are rounded to 3 decimals (about 100 m), and
points that fall together after rounding are dropped.
"""

import json
import sqlite3
import struct
import sys
from pathlib import Path

DECIMALS = 3
Ring = list[list[float]]


class _Reader:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset
        self.order = "<"

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from(self.order + fmt, self.data, self.offset)
        self.offset += struct.calcsize(self.order + fmt)
        return values

    def geometry(self) -> list[list[Ring]]:
        """Polygons (lists of rings) of a WKB Polygon or MultiPolygon."""
        (byte_order,) = struct.unpack_from("B", self.data, self.offset)
        self.offset += 1
        self.order = "<" if byte_order == 1 else ">"
        (kind,) = self.take("I")
        if kind == 3:
            return [self.polygon()]
        if kind == 6:
            (count,) = self.take("I")
            return [self.geometry()[0] for _ in range(count)]
        raise ValueError(f"unexpected WKB geometry type {kind}")

    def polygon(self) -> list[Ring]:
        (rings,) = self.take("I")
        result = []
        for _ in range(rings):
            (points,) = self.take("I")
            ring: Ring = []
            for _ in range(points):
                x, y = self.take("dd")
                point = [round(x, DECIMALS), round(y, DECIMALS)]
                if not ring or ring[-1] != point:
                    ring.append(point)
            if len(ring) >= 4:
                result.append(ring)
        return result


def polygons(blob: bytes) -> list[list[Ring]]:
    """The polygons of a GeoPackage geometry blob (header, optional envelope, WKB)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    return [p for p in _Reader(blob, 8 + envelope).geometry() if p]


def main(source: str, target: str) -> None:
    connection = sqlite3.connect(source)
    rows = connection.execute(
        "SELECT name, geom FROM states_provinces WHERE adm0_a3 = 'DEU' ORDER BY name"
    ).fetchall()
    if len(rows) != 16:
        raise SystemExit(f"expected the 16 German states, found {len(rows)}")
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons(blob)},
        }
        for name, blob in rows
    ]
    collection = {
        "type": "FeatureCollection",
        "attribution": "Natural Earth (public domain), generalised by QGIS",
        "features": features,
    }
    Path(target).write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main(*sys.argv[1:3])
