"""Distances between coordinates, the same in Python and in SQL (SQLite and PostgreSQL,
no PostGIS).

A distance is the equirectangular approximation with the longitude scaled at the
searched place: plain arithmetic, so the database can filter and order by it on
both backends, and Python computes exactly the same figure for a card. Within
100 km at German latitudes it differs from the great-circle distance by less than
1 % (a radius search of 25 km is off by at most a few hundred metres).

A radius search first narrows by the bounding box of the circle (a range on the
indexed latitude and longitude columns), then keeps what lies inside the circle.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression, ExpressionWrapper
from django.db.models.lookups import LessThanOrEqual

KM_PER_DEGREE = 6371.0088 * math.pi / 180  # mean Earth radius (IUGG), per degree of latitude
DISTANCE = "distance_sq"  # the annotation: squared distance in degrees of latitude


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def _scale(centre: Point) -> float:
    return math.cos(math.radians(centre.latitude))


def distance_km(centre: Point, other: Point) -> float:
    """The distance in km from ``centre`` (the searched place) to ``other``."""
    dlat = other.latitude - centre.latitude
    dlon = (other.longitude - centre.longitude) * _scale(centre)
    return KM_PER_DEGREE * math.sqrt(dlat * dlat + dlon * dlon)


def km_from_squared(value: float) -> float:
    """The distance in km of a ``distance_sq`` annotation."""
    return KM_PER_DEGREE * math.sqrt(max(value, 0.0))


def bounding_box(centre: Point, radius_km: float) -> Q:
    """Rows whose coordinates lie in the square around the circle (uses the index)."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = dlat / max(_scale(centre), 0.01)
    return Q(
        latitude__gte=centre.latitude - dlat,
        latitude__lte=centre.latitude + dlat,
        longitude__gte=centre.longitude - dlon,
        longitude__lte=centre.longitude + dlon,
    )


def squared_distance(centre: Point) -> ExpressionWrapper:
    """SQL for the squared distance from ``centre`` in degrees of latitude (NULL
    for a row without coordinates)."""
    dlat = F("latitude") - Value(centre.latitude)
    dlon = (F("longitude") - Value(centre.longitude)) * Value(_scale(centre))
    total = CombinedExpression(dlat * dlat, "+", dlon * dlon)
    return ExpressionWrapper(total, output_field=FloatField())


def within_condition(centre: Point, radius_km: float) -> Q:
    """Rows within ``radius_km`` of ``centre``: the bounding box (indexed), then the
    circle. A row without coordinates never meets it."""
    limit = (radius_km / KM_PER_DEGREE) ** 2
    return bounding_box(centre, radius_km) & Q(
        LessThanOrEqual(squared_distance(centre), Value(limit))
    )


def within(queryset: QuerySet, centre: Point, radius_km: float) -> QuerySet:
    """The rows of ``queryset`` within ``radius_km`` of ``centre``, annotated with
    ``distance_sq`` (see ``km_from_squared``). Rows without coordinates are out."""
    return queryset.filter(within_condition(centre, radius_km)).annotate(
        **{DISTANCE: squared_distance(centre)}
    )
