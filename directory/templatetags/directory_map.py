"""The settings of the directory's map for its template (templates/directory/includes/map.html)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict[str, str]:
    """The tile server and its credit; an empty ``url`` means the offline base map."""
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
