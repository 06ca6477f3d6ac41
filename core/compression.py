"""Compressed answers for the open data: JSON (also the map's GeoJSON) and CSV only.

A page of 100 organisations is 175 KB of JSON in the API (20 KB with gzip),
977 KB in HSDS (110 KB) and 1.9 MB with ``full=true`` (201 KB), measured at
16,000 MOs; HTTP clients (generated ones included) ask for it with
``Accept-Encoding: gzip`` and unpack it themselves. HTML pages are left
alone: they are small next to that, many come from the page cache without
any work, and a compressed page that reflects input beside a secret is what
BREACH attacks (Django's GZipMiddleware mitigates that too, but there is no
need to take the risk).
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = ("application/json", "application/geo+json", "application/x-ndjson", "text/csv")


class OpenDataGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
