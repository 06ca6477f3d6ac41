from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from opendata import catalog_views, downloads, hsds_views
from opendata.api import router

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("catalog.jsonld", catalog_views.catalogue, name="dcat-catalog"),
    path("hsds/", hsds_views.ApiInfo.as_view(), name="hsds-info"),
    path("hsds/openapi.json", hsds_views.OpenApi.as_view(), name="hsds-openapi"),
    path("hsds/organizations", hsds_views.Organizations.as_view(), name="hsds-organizations"),
    path(
        "hsds/organizations/<uuid:id>",
        hsds_views.OrganizationDetail.as_view(),
        name="hsds-organization",
    ),
    path("hsds/services", hsds_views.Services.as_view(), name="hsds-services"),
    path("hsds/services/<uuid:id>", hsds_views.ServiceDetail.as_view(), name="hsds-service"),
    path(
        "hsds/service_at_locations",
        hsds_views.ServiceAtLocations.as_view(),
        name="hsds-service-at-locations",
    ),
    path(
        "hsds/service_at_locations/<uuid:id>",
        hsds_views.ServiceAtLocationDetail.as_view(),
        name="hsds-service-at-location",
    ),
    path("hsds/taxonomies", hsds_views.Taxonomies.as_view(), name="hsds-taxonomies"),
    path("hsds/taxonomies/<uuid:id>", hsds_views.TaxonomyDetail.as_view(), name="hsds-taxonomy"),
    path("hsds/taxonomy_terms", hsds_views.TaxonomyTerms.as_view(), name="hsds-taxonomy-terms"),
    path(
        "hsds/taxonomy_terms/<uuid:id>",
        hsds_views.TaxonomyTermDetail.as_view(),
        name="hsds-taxonomy-term",
    ),
    path("hsds/dump/<str:name>", downloads.dump, name="hsds-dump"),
] + router.urls
