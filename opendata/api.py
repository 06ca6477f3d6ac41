"""The read-only JSON API (/api/): published organisations with the same filters
and search as the web directory, vocabulary terms, the guide, support offers."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django_filters import MultipleChoiceFilter
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import APIView

from core.pagecache import cached_each
from directory import identity, merging
from directory.access import visible_contact
from directory.filters import OrganisationFilter
from directory.models import Organisation, Term
from directory.paging import CountedPaginator, filtered_count, order_for_page
from directory.vocabulary import TERM_RELATIONS, get_vocabulary, terms_by_organisation
from guidance.models import Chapter, Item
from opendata.hsds import PUBLIC
from opendata.licence import licence
from opendata.queries import MAX_PAGE, BadParameter, ignored_header, whole_number
from support.models import SupportOffer


class Pagination(PageNumberPagination):
    """page: a whole number from 1 to MAX_PAGE (or "last"), else a 400; a page
    past the last one is DRF's 404. page_size: a whole number (else a 400, not
    silently the default), at most max_page_size given."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    known_count: int | None = None  # set by a view that counted already

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or "1"
        if number in self.last_page_strings:
            return paginator.num_pages
        try:
            return whole_number(self.page_query_param, number, maximum=MAX_PAGE)
        except BadParameter as error:
            raise ParseError(str(error)) from None

    def get_page_size(self, request):
        """A whole number (else a 400); more than max_page_size is cut to it, as
        it always was; absent or empty: the default."""
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        try:
            size = whole_number(self.page_size_query_param, value, maximum=MAX_PAGE)
        except BadParameter as error:
            raise ParseError(str(error)) from None
        return min(size, self.max_page_size)

    def page_end(self, request, total: int) -> int:
        """Where the page asked for ends (offset + page size), for the choice of
        the order's plan (opendata.paging); an invalid page is refused later."""
        try:
            size = self.get_page_size(request)
        except ParseError:
            return self.page_size
        number = request.query_params.get(self.page_query_param) or "1"
        if number in self.last_page_strings:
            return max(total, size)
        try:
            return whole_number(self.page_query_param, number, maximum=MAX_PAGE) * size
        except BadParameter:
            return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE,
                    "default": self.page_size,
                }
                parameter["description"] = f"At most {self.max_page_size} are given."
        return parameters

    # DRF only calls it (with the queryset and page size); the stubs expect a class.
    def django_paginator_class(self, object_list, per_page, **kwargs):  # type: ignore[override]
        return CountedPaginator(object_list, per_page, count=self.known_count, **kwargs)


if TYPE_CHECKING:  # a mixin for DRF's views
    _ViewBase = APIView
else:
    _ViewBase = object


# Query parameters every answer understands besides its filters and paging.
GENERAL_PARAMETERS = frozenset({"format"})


class CacheableMixin(_ViewBase):
    """Anonymous GET answers may be cached for a minute (ETag: ConditionalGetMiddleware).
    A query parameter the operation does not know (a typo, a cache buster) is
    named in the X-Ignored-Parameters header; a known one with a wrong value is
    a 400 (StrictFilterBackend, Pagination)."""

    def known_parameters(self) -> set[str]:
        known = set(GENERAL_PARAMETERS)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None and getattr(self, "action", None) == "list":
            known |= {paginator.page_query_param, paginator.page_size_query_param}
        return known

    def initial(self, request, *args, **kwargs):
        """A parameter that takes one value (all but the vocabulary lists) given
        more than once is a 400."""
        super().initial(request, *args, **kwargs)
        filterset_class = getattr(self, "filterset_class", None)
        lists = {
            name
            for name, filter_ in (filterset_class.base_filters if filterset_class else {}).items()
            if isinstance(filter_, MultipleChoiceFilter)
        }
        for name in self.known_parameters() - lists:
            if len(request.query_params.getlist(name)) > 1:
                raise ParseError(f"{name} takes one value")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["Cache-Control"] = "public, max-age=60"
        ignored = sorted(set(request.query_params) - self.known_parameters())
        if ignored:  # as written in a URL: a header holds no line break or other script
            response["X-Ignored-Parameters"] = ignored_header(ignored)
        return response


SlugList = serializers.ListField(child=serializers.CharField())


class OfferSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    languages = serializers.SerializerMethodField()

    @extend_schema_field(SlugList)
    def get_languages(self, offer) -> list[str]:
        return [t.code for t in offer.languages.all()]


class OrganisationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    url = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    street = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField()
    offers = OfferSerializer(many=True, read_only=True)
    identity_verification = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "url",
            "name",
            "short_name",
            "legal_form",
            "founding_year",
            "description",
            "description_en",
            "website",
            "email",
            "phone",
            "street",
            "postal_code",
            "city",
            "state",
            "area",
            "terms",
            "offers",
            "paid_staff",
            "volunteers",
            "members",
            "budget_band",
            "has_rooms",
            "open_for_cooperation",
            "confirmed_at",
            "updated_at",
            # Issue 19 (added; nothing above changed): as the MO entered them,
            # published whether or not a coordinator checked them
            # (identity_verification says whether).
            "register_court",
            "register_number",
            "charitable_status",
            "charitable_notice_date",
            "identity_verification",
        ]

    def _contact(self, organisation) -> dict:
        return visible_contact(organisation, PUBLIC)

    def get_url(self, organisation) -> str:
        return self.context["request"].build_absolute_uri(organisation.get_absolute_url())

    @extend_schema_field({"type": "string", "nullable": True, "description": "A state's slug."})
    def get_state(self, organisation):
        term = get_vocabulary().by_id.get(organisation.state_id)
        return term.slug if term else None

    def get_email(self, organisation) -> str:
        return self._contact(organisation)["email"]

    def get_phone(self, organisation) -> str:
        return self._contact(organisation)["phone"]

    def get_street(self, organisation) -> str:
        return self._contact(organisation)["street"]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Whether a coordinator checked the register entry and/or the "
            "notice of exemption, and when. Counts only while the values checked are unchanged.",
            "properties": {
                "verified": {"type": "boolean"},
                "verified_at": {"type": "string", "format": "date", "nullable": True},
                "checked": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["register", "exemption"]},
                },
            },
            "required": ["verified", "verified_at", "checked"],
        }
    )
    def get_identity_verification(self, organisation) -> dict:
        if not hasattr(organisation, "identity_check"):
            identity.attach([organisation])
        return identity.as_data(organisation.identity_check)

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                relation: {"type": "array", "items": {"type": "string"}}
                for relation in TERM_RELATIONS
            },
        }
    )
    def get_terms(self, organisation) -> dict:
        terms = self.context.get("terms", {}).get(organisation.pk)
        if terms is None:
            terms = terms_by_organisation([organisation.pk])[organisation.pk]
        return {relation: [t.slug for t in items] for relation, items in terms.items()}


class APIRoot(APIRootView):
    """MO-Portal open data. All data under the licence named here."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data = {
            "licence": licence(),
            "endpoints": response.data,
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "documentation": request.build_absolute_uri(reverse("api-docs")),
            "hsds": request.build_absolute_uri(reverse("hsds-info")),
            "catalog": request.build_absolute_uri(reverse("dcat-catalog")),
        }
        return response


class StrictFilterBackend(filters.DjangoFilterBackend):
    """A filter value the API does not know (a term slug, a place, a choice) is
    a 400 naming each parameter and what is wrong with it: an unknown value must
    not silently return the whole set. (The web directory stays lenient and says
    so next to the filter.)"""

    def get_filterset_kwargs(self, request, queryset, view):
        """An empty value is no filter (``area=``, ``language=``: what HTML forms
        send), as the schema says (allowEmptyValue)."""
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        data = kwargs["data"].copy()
        for name, values in list(data.lists()):
            given = [value for value in values if value != ""]
            if given:
                data.setlist(name, given)
            else:
                del data[name]
        kwargs["data"] = data
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(
                {
                    "detail": "Invalid value for: " + ", ".join(sorted(filterset.errors)),
                    "errors": {
                        name: [str(message) for message in messages]
                        for name, messages in filterset.errors.items()
                    },
                }
            )
        return filterset.qs


def _serialised(organisations: list[Organisation], context: Mapping[str, Any]) -> list[dict]:
    """The organisations as the list shows them, the same for every client (the
    public contact data only): kept per version of the profile and generation of
    the directory's data. ``url`` is the profile's path (the client's host is
    added to it)."""
    prefetch_related_objects(organisations, "offers__languages")
    terms = terms_by_organisation([o.pk for o in organisations])
    context = {**context, "terms": terms}
    identity.attach(organisations)
    data = OrganisationSerializer(organisations, many=True, context=context).data
    return [
        {**row, "url": organisation.get_absolute_url()}
        for row, organisation in zip(data, organisations, strict=True)
    ]


class OrganisationViewSet(CacheableMixin, viewsets.ReadOnlyModelViewSet):
    """Published migrant organisations; the filters and the search (q) are those
    of the web directory (an unknown value is a 400 naming the parameter),
    ordered by name. Contact data only as far as
    the MO made it public."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    filter_backends = [StrictFilterBackend]
    filterset_class = OrganisationFilter
    pagination_class = Pagination

    def get_queryset(self):
        return (
            Organisation.objects.published()
            .without_search_texts()
            .prefetch_related("offers__languages")
            .order_by("name", "pk")
        )

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A profile merged into another: its address moved for good.
            target = merging.target_of(Organisation.objects.filter(slug=kwargs.get("slug")))
            if target is None or not target.is_published:
                raise
            url = reverse("organisation-detail", kwargs={"slug": target.slug})
            return HttpResponsePermanentRedirect(url)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        total = filtered_count(queryset)
        paginator = cast(Pagination, self.paginator)
        until = paginator.page_end(request, total)
        queryset = order_for_page(queryset, total, ("name", "text"), ("pk", "number"), until=until)
        paginator.known_count = total
        # The offers are read only for the organisations not kept (serialised).
        page = self.paginate_queryset(queryset.prefetch_related(None))
        assert page is not None  # always paginated (Pagination)
        rows = cached_each(
            "api-organisation",
            page,
            lambda organisation: (organisation.pk, organisation.version),
            lambda missing: _serialised(missing, self.get_serializer_context()),
            namespaces=("directory",),
        )
        build = request.build_absolute_uri
        return self.get_paginated_response([{**row, "url": build(row["url"])} for row in rows])


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = [
            "id",
            "kind",
            "slug",
            "code",
            "label_de",
            "label_en",
            "description_de",
            "description_en",
        ]


class TermFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Term.Kind.choices)

    class Meta:
        model = Term
        fields = ["kind"]


class TermViewSet(CacheableMixin, viewsets.ReadOnlyModelViewSet):
    """The shared vocabulary: roles, resources, needs, languages, states, ..."""

    queryset = Term.objects.order_by("kind", "position", "pk")
    serializer_class = TermSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = TermFilter
    pagination_class = Pagination


class ItemSerializer(serializers.ModelSerializer):
    chapter: "serializers.SlugRelatedField[Chapter]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    terms = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "chapter",
            "slug",
            "kind",
            "label",
            "title",
            "body",
            "label_en",
            "title_en",
            "body_en",
            "en_outdated",
            "position",
            "terms",
            "url",
        ]

    @extend_schema_field(SlugList)
    def get_terms(self, item) -> list[str]:
        return [f"{t.kind}:{t.slug}" for t in item.terms.all()]

    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.get_absolute_url())


class ChapterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chapter
        fields = [
            "id",
            "number",
            "slug",
            "title",
            "subtitle",
            "intro",
            "title_en",
            "subtitle_en",
            "intro_en",
            "en_outdated",
        ]


class ChapterViewSet(CacheableMixin, viewsets.ReadOnlyModelViewSet):
    """The chapters of the guide (published texts)."""

    queryset = Chapter.objects.order_by("number")
    serializer_class = ChapterSerializer
    lookup_field = "slug"
    pagination_class = Pagination


class ItemFilter(filters.FilterSet):
    chapter = filters.CharFilter(field_name="chapter__slug")
    kind = filters.ChoiceFilter(choices=Item.Kind.choices)

    class Meta:
        model = Item
        fields = ["chapter", "kind"]


class ItemViewSet(CacheableMixin, viewsets.ReadOnlyModelViewSet):
    """The typed items of the guide: theses, recommendations, roles, checklist, ..."""

    serializer_class = ItemSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ItemFilter
    pagination_class = Pagination

    def get_queryset(self):
        return (
            Item.objects.filter(is_published=True)
            .select_related("chapter")
            .prefetch_related("terms")
            .order_by("chapter__number", "position", "pk")
        )


class SupportOfferSerializer(serializers.ModelSerializer):
    format: "serializers.SlugRelatedField[Term]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    needs: "serializers.SlugRelatedField[Term]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    states: "serializers.SlugRelatedField[Term]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    languages: "serializers.SlugRelatedField[Term]" = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    provider = serializers.CharField(read_only=True)

    class Meta:
        model = SupportOffer
        fields = [
            "id",
            "title",
            "provider",
            "format",
            "needs",
            "states",
            "languages",
            "description",
            "on_request",
            "dates",
            "costs",
            "contact_email",
            "contact_url",
        ]


class SupportOfferViewSet(CacheableMixin, viewsets.ReadOnlyModelViewSet):
    """Published support offers for the professionalisation of MOs."""

    serializer_class = SupportOfferSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return (
            SupportOffer.objects.published()
            .select_related("format", "provider_organisation")
            .prefetch_related("needs", "states", "languages")
            .order_by("title", "pk")
        )


router = DefaultRouter()
router.APIRootView = APIRoot
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("terms", TermViewSet, basename="term")
router.register("guide/chapters", ChapterViewSet, basename="chapter")
router.register("guide/items", ItemViewSet, basename="item")
router.register("support-offers", SupportOfferViewSet, basename="support-offer")
