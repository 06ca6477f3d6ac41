"""The embeddable widget: a small page for an iframe on other websites showing
a fixed selection of MOs. The only page of the portal that may be framed."""

from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from directory.filters import OrganisationFilter
from directory.models import Organisation

LIMIT = 50


@xframe_options_exempt
def widget(request):
    filterset = OrganisationFilter(request.GET, queryset=Organisation.objects.published())
    organisations = list(
        filterset.qs.select_related("state")
        .only("name", "slug", "city", "postal_code", "state")
        .order_by("name", "pk")[:LIMIT]
    )
    query = request.GET.urlencode()
    response = render(
        request,
        "opendata/widget.html",
        {"organisations": organisations, "query": query, "limit": LIMIT},
    )
    return response
