"""The HSDS 3.0 API (/api/hsds/): the endpoints, paging and query parameters of
the HSDS OpenAPI reference that apply to this directory."""

import json
import uuid

from django.db.models import Q
from django.http import HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagecache import cached, cached_each
from directory import geo, identity, merging
from directory.models import Offer, Organisation, Term
from directory.paging import filtered_count, order_for_page
from directory.places import resolve
from directory.relations import RELATIONS
from directory.search import search_organisations
from directory.vocabulary import get_vocabulary
from opendata import hsds, hsds_openapi
from opendata.licence import licence
from opendata.queries import (
    MAX_PAGE,
    BadParameter,
    clean_search,
    filter_by_term,
    ignored_header,
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


BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
FORMATS = ("json", "ndjson")
PAGING = frozenset({"page", "per_page", "format"})
BATCH = 500


def flag(params, name: str) -> bool:
    """A boolean parameter: true/false (or 1/0); absent or empty: false."""
    value = (params.get(name) or "").lower()
    if not value:
        return False
    if value not in BOOLEANS:
        raise BadParameter(f"{name} must be true or false")
    return BOOLEANS[value]


def _batches(items):
    """All items in batches: a list at once, a queryset ordered by pk by key."""
    if isinstance(items, list):
        yield items
        return
    last = None
    while True:
        batch = list((items if last is None else items.filter(pk__gt=last))[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


class HsdsView(APIView):
    """Read-only, throttled like the rest of the API, outside our own OpenAPI
    schema (HSDS has its own). ``parameters``: the query parameters of the
    operation in the HSDS reference (and the portal's own, documented);
    others are named in X-Ignored-Parameters."""

    schema = None
    parameters: frozenset[str] = frozenset()
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        """JSON always: ``format`` is HSDS's parameter (json or ndjson, see
        listing), not DRF's choice of renderer."""
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def finalize_response(self, request, response, *args, **kwargs):
        """Anonymous answers may be kept for a minute (ETag: ConditionalGetMiddleware)."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["Cache-Control"] = "public, max-age=60"
        ignored = sorted(set(request.query_params) - self.parameters - {"format"})
        if ignored:
            response["X-Ignored-Parameters"] = ignored_header(ignored)
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name in self.parameters:
            if len(request.query_params.getlist(name)) > 1:
                raise BadParameter(f"{name} takes one value")

    def paging(self, request) -> tuple[int, int]:
        """page from 1 to MAX_PAGE (past the last page: an empty page); per_page
        from 1, at most MAX_PER_PAGE (more is cut to it); empty: the default."""
        params = request.query_params
        number = whole_number("page", params.get("page") or "1", maximum=MAX_PAGE)
        per_page = whole_number(
            "per_page",
            params.get("per_page") or str(DEFAULT_PER_PAGE),
            maximum=hsds_openapi.MAX_PER_PAGE_ASKED,
        )
        return number, min(per_page, MAX_PER_PAGE)

    def handle_exception(self, exc):
        if isinstance(exc, BadParameter):
            return Response({"detail": str(exc)}, status=400)
        return super().handle_exception(exc)

    def ndjson(self, request) -> bool:
        value = request.query_params.get("format") or "json"
        if value not in FORMATS:
            raise BadParameter("format must be json or ndjson")
        return value == "ndjson"

    def listing(self, request, items, total, serialise, *, everything=None):
        """A page of the HSDS Page object, or with format=ndjson every item, one
        JSON object per line, streamed without paging (``everything``: the
        items in pk order, if ``items`` is ordered otherwise)."""
        if self.ndjson(request):
            self.paging(request)  # validated, though a stream has no pages

            def lines():
                for batch in _batches(items if everything is None else everything):
                    for data in serialise(batch):
                        yield json.dumps(data, ensure_ascii=False) + "\n"

            return StreamingHttpResponse(lines(), content_type="application/x-ndjson")
        number, per_page = self.paging(request)
        start = (number - 1) * per_page
        rows = list(items[start : start + per_page]) if start < total else []
        return Response(
            hsds.page(serialise(rows), total=total, page_number=number, per_page=per_page)
        )


class OpenApi(HsdsView):
    """This server's HSDS API description (opendata/hsds_openapi.py)."""

    def get(self, request):
        return Response(hsds_openapi.description())


class ApiInfo(HsdsView):
    def get(self, request):
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": "https://docs.openreferral.org/en/latest/hsds/schema_reference.html",
                "openapi_url": request.build_absolute_uri(reverse("hsds-openapi")),
                "licence": licence(),
            }
        )


def _taxonomy_kind(value: str) -> str:
    for kind in Term.Kind.values:
        if hsds.uid("taxonomy", kind) == value:
            return kind
    return ""


def filter_by_taxonomy(queryset, value: str, prefix: str = ""):
    """Profiles with any term of the taxonomy (a kind of the vocabulary)."""
    kind = _taxonomy_kind(value)
    relations = [relation for relation in RELATIONS if relation.kind == kind]
    if not relations:
        return queryset.none()
    ids = [term.pk for term in get_vocabulary().kind(kind)]
    condition = Q()
    for relation in relations:
        condition |= Q(**{f"{relation.field}__in": ids})
    matching = published().filter(condition).values("pk")
    return queryset.filter(**{f"{prefix}pk__in": matching})


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
    if not full:
        return [hsds.organization_basic(o) for o in organisations]
    terms = with_terms(organisations)
    identity.attach(organisations)
    offers: dict[int, list[Offer]] = {}
    for offer in Offer.objects.filter(organisation__in=organisations).prefetch_related("languages"):
        offers.setdefault(offer.organisation_id, []).append(offer)
    return [
        hsds.organization(o, terms[o.pk], offers.get(o.pk, []), full=True) for o in organisations
    ]


class Organizations(HsdsView):
    """Basic organizations; full=true or full_service=true: fully nested, with
    their services in full."""

    parameters = PAGING | {
        "search",
        "full",
        "full_service",
        "taxonomy_term_id",
        "modified_after",
    }

    def get(self, request):
        params = request.query_params
        full = flag(params, "full") | flag(params, "full_service")
        queryset = _organisations(request)

        def serialise(rows):
            return cached_each(
                "hsds-organization:2",  # 2: the basic representation without full
                rows,
                lambda organisation: (organisation.pk, organisation.version, full, get_language()),
                lambda missing: _serialise_organisations(missing, full=full),
                namespaces=("directory",),
            )

        if self.ndjson(request):
            return self.listing(request, queryset, 0, serialise)
        total = filtered_count(queryset)
        number, per_page = self.paging(request)
        ordered = order_for_page(queryset, total, ("pk", "number"), until=number * per_page)
        return self.listing(request, ordered, total, serialise)


class OrganizationDetail(HsdsView):
    """The fully nested organization, its services in full (full_service is
    therefore always true here)."""

    parameters = frozenset({"full_service"})

    def get(self, request, id):
        flag(request.query_params, "full_service")  # validated; always full
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
    if params.get("taxonomy_id"):
        queryset = filter_by_taxonomy(queryset, params["taxonomy_id"], "organisation__")
    if params.get("organization_id"):
        queryset = queryset.filter(organisation__uuid=parse_uuid(params["organization_id"]))
    if params.get("modified_after"):
        queryset = queryset.filter(
            organisation__updated_at__gte=modified_since(params["modified_after"])
        )
    return queryset.distinct()


def _serialise_offers(offers, *, full: bool = True):
    terms = with_terms({o.organisation for o in offers})
    services = [hsds.service(o.organisation, terms[o.organisation_id], o) for o in offers]
    return services if full else [hsds.basic(s, hsds.SERVICE_BASIC) for s in services]


SERVICE_FILTERS = frozenset(
    {"search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after"}
)


class Services(HsdsView):
    """Basic services; full=true: fully nested; minimal=true: id and
    last_modified (the reference's "id and modified_date"), with name and status,
    which the reference's list schema requires."""

    parameters = PAGING | SERVICE_FILTERS | {"minimal", "full"}

    def get(self, request):
        params = request.query_params
        full, minimal = flag(params, "full"), flag(params, "minimal")
        queryset = _offers(request)

        def serialise(rows):
            if minimal:  # with what service_list requires (name, status)
                return [
                    {
                        "id": str(o.uuid),
                        "name": o.title,
                        "status": "active",
                        "last_modified": o.organisation.updated_at.isoformat(),
                    }
                    for o in rows
                ]
            return _serialise_offers(rows, full=full)

        total = 0 if self.ndjson(request) else filtered_count(queryset)
        return self.listing(request, queryset, total, serialise)


class ServiceDetail(HsdsView):
    def get(self, request, id):
        offer = offers_of_published().filter(uuid=id).first()
        if offer is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(_serialise_offers([offer])[0])


MAX_PROXIMITY = hsds_openapi.MAX_PROXIMITY


def _near(request, queryset):
    """postcode: services of MOs with this postcode; with proximity (metres):
    within that distance of the postcode's centre (directory.geo)."""
    params = request.query_params
    postcode, proximity = params.get("postcode", ""), params.get("proximity", "")
    if proximity and not postcode:
        raise BadParameter("proximity needs a postcode")
    if not postcode:
        return queryset
    if not postcode.isascii() or not postcode.isdigit() or len(postcode) != 5:
        raise BadParameter("postcode must be a German postcode of 5 digits")
    if not proximity:
        return queryset.filter(organisation__postal_code=postcode)
    metres = whole_number("proximity", proximity, maximum=MAX_PROXIMITY)
    place = resolve(postcode)
    if place is None:
        raise BadParameter("postcode is not in the gazetteer")
    matching = geo.within(published(), place.point, metres / 1000).values("pk")
    return queryset.filter(organisation__in=matching)


def service_at_location_index() -> dict[str, int]:
    """The id of each published offer's service_at_location -> the offer's pk
    (ids are derived, not stored): kept per generation of the directory."""
    return cached(
        "hsds-service-at-location-index",
        (),
        lambda: {
            hsds.uid("service_at_location", uuid_): pk
            for pk, uuid_ in offers_of_published().values_list("pk", "uuid")
        },
        namespaces=("directory",),
    )


class ServiceAtLocations(HsdsView):
    """Each offer at its MO's location; full=true: with the location and the service."""

    parameters = PAGING | SERVICE_FILTERS | {"full", "postcode", "proximity"}

    def get(self, request):
        full = flag(request.query_params, "full")
        queryset = _near(request, _offers(request))

        def serialise(rows):
            terms = with_terms({o.organisation for o in rows}) if full else {}
            return [
                hsds.service_at_location(
                    o.organisation, terms.get(o.organisation_id, {}), o, full=full
                )
                for o in rows
            ]

        total = 0 if self.ndjson(request) else filtered_count(queryset)
        return self.listing(request, queryset, total, serialise)


class ServiceAtLocationDetail(HsdsView):
    def get(self, request, id):
        pk = service_at_location_index().get(str(id))
        offer = offers_of_published().filter(pk=pk).first() if pk else None
        if offer is None:
            return Response({"detail": "Not found."}, status=404)
        terms = with_terms([offer.organisation])
        return Response(
            hsds.service_at_location(
                offer.organisation, terms[offer.organisation_id], offer, full=True
            )
        )


def _matches(text: str, *values: str) -> bool:
    needle = text.casefold()
    return any(needle in value.casefold() for value in values)


class Taxonomies(HsdsView):
    parameters = PAGING | {"search"}

    def get(self, request):
        taxonomies = [hsds.taxonomy(kind) for kind in Term.Kind.values]
        text = clean_search(request.query_params.get("search"))
        if text:
            taxonomies = [t for t in taxonomies if _matches(text, t["name"], t["description"])]
        return self.listing(request, taxonomies, len(taxonomies), lambda rows: rows)


class TaxonomyDetail(HsdsView):
    def get(self, request, id):
        kind = _taxonomy_kind(str(id))
        if not kind:
            return Response({"detail": "Not found."}, status=404)
        return Response(hsds.taxonomy(kind))


class TaxonomyTerms(HsdsView):
    """The vocabulary's terms. It is flat: every term is a top term (top_only
    changes nothing) and none has a parent (parent_id finds none)."""

    parameters = PAGING | {"search", "taxonomy_id", "top_only", "parent_id"}

    def get(self, request):
        params = request.query_params
        flag(params, "top_only")  # validated: every term is one
        terms = list(get_vocabulary().by_id.values())
        taxonomy_id = params.get("taxonomy_id")
        if taxonomy_id:
            terms = [t for t in terms if hsds.uid("taxonomy", t.kind) == taxonomy_id]
        if params.get("parent_id"):
            parse_uuid(params["parent_id"])
            terms = []
        text = clean_search(params.get("search"))
        if text:
            terms = [t for t in terms if _matches(text, t.label_de, t.label_en, t.slug, t.code)]
        return self.listing(
            request, terms, len(terms), lambda rows: [hsds.taxonomy_term(t) for t in rows]
        )


class TaxonomyTermDetail(HsdsView):
    def get(self, request, id):
        term = term_by_uid(str(id))
        if term is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(hsds.taxonomy_term(term))
