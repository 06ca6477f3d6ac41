"""The directory's map: the current results as GeoJSON points.

``GET /organisationen/karte.json?<the directory's query>`` answers the published MOs
that the directory shows for the same parameters (``page`` and ``sort`` do not
matter), as points with their name, profile address, postal code and city (and
the distance in a radius search): nothing that is not on the public profile.
MOs without coordinates (a place the gazetteer does not know) are counted, not
drawn. One query for the counts, one for the points (only the needed columns,
at most ``settings.MAP_MAX_POINTS``, the first by name or the nearest), cached in
the shared cache under the directory's generation, so a change of any profile
shows at once. The map itself: ``static/js/directory-map.js``.
"""

import json

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from core.pagecache import cached
from directory.filters import DirectoryPageFilter
from directory.geo import DISTANCE, km_from_squared
from directory.models import Organisation

POINT_FIELDS = ("name", "slug", "postal_code", "city", "longitude", "latitude")
DECIMALS = 4  # about 10 m: a place, not an address
LOCATED = Q(latitude__isnull=False, longitude__isnull=False)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _status(total: int, located: int, shown: int) -> list[str]:
    """What the map says about itself: how many points, and what is not on it."""
    lines = [
        ngettext(
            "%(count)s Organisation auf der Karte.",
            "%(count)s Organisationen auf der Karte.",
            shown,
        )
        % {"count": _number(shown)}
    ]
    if shown < located:
        lines.append(
            ngettext(
                "Die Karte zeigt die ersten %(shown)s von %(count)s Organisation mit "
                "Ortsangabe. Grenzen Sie die Suche ein, um alle zu sehen.",
                "Die Karte zeigt die ersten %(shown)s von %(count)s Organisationen mit "
                "Ortsangabe. Grenzen Sie die Suche ein, um alle zu sehen.",
                located,
            )
            % {"shown": _number(shown), "count": _number(located)}
        )
    missing = total - located
    if missing:
        lines.append(
            ngettext(
                "%(count)s Organisation ohne Ortsangabe ist nicht auf der Karte.",
                "%(count)s Organisationen ohne Ortsangabe sind nicht auf der Karte.",
                missing,
            )
            % {"count": _number(missing)}
        )
    return lines


def map_points(query) -> bytes:
    """The GeoJSON of the directory's results for ``query`` (a QueryDict)."""
    filterset = DirectoryPageFilter(query, queryset=Organisation.objects.published())
    results = filterset.qs
    near = filterset.near_location is not None
    counts = results.aggregate(total=Count("pk"), located=Count("pk", filter=LOCATED))
    fields = [*POINT_FIELDS, DISTANCE] if near else list(POINT_FIELDS)
    order = (DISTANCE, "name", "pk") if near else ("name", "pk")
    rows = results.filter(LOCATED).order_by(*order).values_list(*fields)
    prefix = reverse("directory:organisation_detail", args=["-"])[:-2]
    features = []
    for row in rows[: settings.MAP_MAX_POINTS]:
        name, slug, postal_code, city, longitude, latitude = row[:6]
        properties = {
            "name": name,
            "url": f"{prefix}{slug}/",
            "postal_code": postal_code,
            "city": city,
        }
        if near:
            properties["distance_km"] = round(km_from_squared(row[6]))
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(longitude, DECIMALS), round(latitude, DECIMALS)],
                },
                "properties": properties,
            }
        )
    total, located = counts["total"], counts["located"]
    collection = {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "located": located,
        "status": _status(total, located, len(features)),
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


@require_GET
@gzip_page  # about a tenth of the size; public data without any secret (no BREACH risk)
def organisation_map(request: HttpRequest) -> HttpResponse:
    """The points of the directory's current results (public data only, the same for
    everybody, so one cached answer per query and language)."""
    params = sorted((k, sorted(v)) for k, v in request.GET.lists() if k not in ("page", "sort"))
    content = cached(
        "map",
        (get_language(), settings.MAP_MAX_POINTS, params),
        lambda: map_points(request.GET),
        namespaces=("directory",),
    )
    return HttpResponse(content, content_type="application/geo+json")
