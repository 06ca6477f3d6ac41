"""The HSDS 3.0 API (/api/hsds/): the endpoints, paging and query parameters of
the HSDS OpenAPI reference that apply to this directory."""

import uuid

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import get_language
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagecache import cached_each
from directory import identity, merging
from directory.models import Offer, Organisation, Term
from directory.paging import filtered_count, order_for_page
from directory.search import search_organisations
from directory.vocabulary import get_vocabulary
from opendata import hsds
from opendata.licence import licence
from opendata.queries import (
    MAX_PAGE,
    BadParameter,
    clean_search,
    filter_by_term,
    modified_since,
    offers_of_published,
    published,
    term_by_uid,
    whole_number,
    with_terms,
)

MAX_PER_PAGE = 200


def parse_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadParameter("ids are UUIDs") from None


DEFAULT_PER_PAGE = 50


class HsdsView(APIView):
    """Read-only, throttled like the rest of the API, outside our own OpenAPI
    schema (HSDS has its own)."""

    schema = None

    def paging(self, request) -> tuple[int, int]:
        """page from 1 to MAX_PAGE (past the last page: an empty page); per_page
        from 1, at most MAX_PER_PAGE (more is cut to it)."""
        params = request.query_params
        number = whole_number("page", params.get("page", "1"), maximum=MAX_PAGE)
        per_page = whole_number(
            "per_page", params.get("per_page", str(DEFAULT_PER_PAGE)), maximum=10**9
        )
        return number, min(per_page, MAX_PER_PAGE)

    def finalize_response(self, request, response, *args, **kwargs):
        """Anonymous answers may be kept for a minute (ETag: ConditionalGetMiddleware)."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["Cache-Control"] = "public, max-age=60"
        return response

    def handle_exception(self, exc):
        if isinstance(exc, BadParameter):
            return Response({"detail": str(exc)}, status=400)
        return super().handle_exception(exc)

    def paged(self, request, items, total, serialise):
        number, per_page = self.paging(request)
        start = (number - 1) * per_page
        rows = list(items[start : start + per_page]) if start < total else []
        return Response(
            hsds.page(serialise(rows), total=total, page_number=number, per_page=per_page)
        )


class ApiInfo(HsdsView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": "https://docs.openreferral.org/en/latest/hsds/schema_reference.html",
                "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
                "licence": licence(),
            }
        )


def _organisations(request):
    queryset = published()
    params = request.query_params
    if clean_search(params.get("search")):
        queryset = search_organisations(queryset, clean_search(params["search"]))
    if params.get("taxonomy_term_id"):
        term = term_by_uid(params["taxonomy_term_id"])
        queryset = filter_by_term(queryset, term) if term else queryset.none()
    if params.get("modified_after"):
        queryset = queryset.filter(updated_at__gte=modified_since(params["modified_after"]))
    return queryset.order_by("pk")


def _serialise_organisations(organisations, *, full: bool):
    """HSDS organizations, the same for every client (the public contact data only):
    a list keeps them per version of the profile and generation of the directory's data."""
    terms = with_terms(organisations)
    identity.attach(organisations)
    offers: dict[int, list[Offer]] = {}
    if full:
        for offer in Offer.objects.filter(organisation__in=organisations).prefetch_related(
            "languages"
        ):
            offers.setdefault(offer.organisation_id, []).append(offer)
    return [
        hsds.organization(o, terms[o.pk], offers.get(o.pk, []), full=full) for o in organisations
    ]


class Organizations(HsdsView):
    def get(self, request):
        queryset = _organisations(request)
        total = filtered_count(queryset)
        full = request.query_params.get("full") in ("true", "1")
        number, per_page = self.paging(request)
        return self.paged(
            request,
            order_for_page(queryset, total, ("pk", "number"), until=number * per_page),
            total,
            lambda rows: cached_each(
                "hsds-organization",
                rows,
                lambda organisation: (organisation.pk, organisation.version, full, get_language()),
                lambda missing: _serialise_organisations(missing, full=full),
                namespaces=("directory",),
            ),
        )


class OrganizationDetail(HsdsView):
    def get(self, request, id):
        organisation = published().filter(uuid=id).first()
        if organisation is None:
            # A profile merged into another: its address moved for good.
            target = merging.target_of(Organisation.objects.filter(uuid=id))
            if target is not None and target.is_published:
                url = reverse("hsds-organization", kwargs={"id": target.uuid})
                return HttpResponsePermanentRedirect(url)
            return Response({"detail": "Not found."}, status=404)
        return Response(_serialise_organisations([organisation], full=True)[0])


def _offers(request):
    queryset = offers_of_published()
    params = request.query_params
    text = clean_search(params.get("search"))
    if text:
        matching = search_organisations(published(), text).values("pk")
        queryset = queryset.filter(
            Q(organisation__in=matching) | Q(title__icontains=text) | Q(summary__icontains=text)
        )
    if params.get("taxonomy_term_id"):
        term = term_by_uid(params["taxonomy_term_id"])
        queryset = filter_by_term(queryset, term, "organisation__") if term else queryset.none()
    if params.get("organization_id"):
        queryset = queryset.filter(organisation__uuid=parse_uuid(params["organization_id"]))
    if params.get("modified_after"):
        queryset = queryset.filter(
            organisation__updated_at__gte=modified_since(params["modified_after"])
        )
    return queryset.distinct()


def _serialise_offers(offers):
    terms = with_terms({o.organisation for o in offers})
    return [hsds.service(o.organisation, terms[o.organisation_id], o) for o in offers]


class Services(HsdsView):
    def get(self, request):
        queryset = _offers(request)
        total = filtered_count(queryset)
        return self.paged(request, queryset, total, _serialise_offers)


class ServiceDetail(HsdsView):
    def get(self, request, id):
        offer = offers_of_published().filter(uuid=id).first()
        if offer is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(_serialise_offers([offer])[0])


class Taxonomies(HsdsView):
    def get(self, request):
        kinds = list(Term.Kind.values)
        return self.paged(request, kinds, len(kinds), lambda rows: [hsds.taxonomy(k) for k in rows])


class TaxonomyDetail(HsdsView):
    def get(self, request, id):
        for kind in Term.Kind.values:
            if hsds.uid("taxonomy", kind) == str(id):
                return Response(hsds.taxonomy(kind))
        return Response({"detail": "Not found."}, status=404)


class TaxonomyTerms(HsdsView):
    def get(self, request):
        terms = list(get_vocabulary().by_id.values())
        taxonomy_id = request.query_params.get("taxonomy_id")
        if taxonomy_id:
            terms = [t for t in terms if hsds.uid("taxonomy", t.kind) == taxonomy_id]
        return self.paged(
            request, terms, len(terms), lambda rows: [hsds.taxonomy_term(t) for t in rows]
        )


class TaxonomyTermDetail(HsdsView):
    def get(self, request, id):
        term = term_by_uid(str(id))
        if term is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(hsds.taxonomy_term(term))
