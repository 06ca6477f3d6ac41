"""The DCAT-AP.de catalogue of the open data (opendata.dcat)."""

import json

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from opendata.dcat import catalogue as describe


@require_safe
def catalogue(request):
    response = HttpResponse(
        json.dumps(describe(), ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
