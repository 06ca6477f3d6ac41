"""The directory's filter "Identität geprüft" (verified=ja): a checkbox with the
number of badges in the current result, a chip, the same filter in the JSON API
(additive: the earlier parameters stay) and pinned query counts."""

import pytest
from django.urls import reverse

from directory import identity, search, services
from directory.facets import facet_counts
from directory.filters import OrganisationFilter
from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from tests.directory.test_directory_pages import LIST_QUERIES
from tests.factories import make_organisation
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")
HX = {"HTTP_HX_REQUEST": "true"}


def _verify(organisation, by):
    organisation.refresh_from_db()
    return services.identity_verify(
        organisation=organisation, by=by, seen_key=organisation.identity_key,
        register_checked="online", exemption_checked=False, note="",
    )  # fmt: skip


@pytest.fixture
def profiles(coordinator):
    checked = make_organisation(
        "Afrika Forum e. V.", slug="afrika-forum", register_court="Amtsgericht Köln",
        register_number="VR 12345", languages=["fr"],
    )  # fmt: skip
    _verify(checked, coordinator)
    _verify(checked, coordinator)  # checked twice: one profile all the same
    changed = make_organisation(
        "Bosna Kultur e. V.", slug="bosna", register_court="AG Bonn", register_number="VR 777",
        languages=["fr"],
    )  # fmt: skip
    _verify(changed, coordinator)
    # The team changed the number since: the check no longer covers it.
    changed.refresh_from_db()
    changed.register_number = "VR 778"
    changed.identity_key = identity.identity_key(changed)
    changed.save(update_fields=["register_number", "identity_key"])
    make_organisation("Chor Ohne Register", slug="chor", languages=["de"])
    return checked


def _names(params):
    filterset = OrganisationFilter(params, queryset=Organisation.objects.published())
    return sorted(filterset.qs.values_list("name", flat=True))


def test_the_filter_keeps_the_profiles_whose_current_values_were_checked(profiles):
    assert _names({"verified": "ja"}) == ["Afrika Forum e. V."]
    assert _names({"verified": "nein"}) == ["Bosna Kultur e. V.", "Chor Ohne Register"]
    assert _names({"verified": "ja", "language": ["de"]}) == []
    # An unknown value is ignored (and reported), like the other filters' values.
    assert len(_names({"verified": "1"})) == 3


def test_the_facet_counts_the_badges_of_the_current_result(profiles):
    published = Organisation.objects.published()
    assert facet_counts(published).verified == 1
    german = OrganisationFilter({"language": ["de"]}, queryset=published).qs
    assert facet_counts(german).verified == 0
    ticked = facet_counts(OrganisationFilter({"verified": "ja"}, queryset=published).qs)
    assert (ticked.total, ticked.verified) == (1, 1)


def test_the_page_offers_a_checkbox_with_its_count_and_a_chip(client, profiles):
    html = client.get(URL).content.decode()
    assert 'type="checkbox" name="verified" value="ja" id="f-verified-ja">' in html
    assert 'Identität geprüft <span class="count">(1)</span>' in html
    response = client.get(URL, {"verified": "ja", "language": "fr"}, **HX)
    assert [o.name for o in response.context["organisations"]] == ["Afrika Forum e. V."]
    html = response.content.decode()
    assert 'id="f-verified-ja" checked' in html
    chips = {item.param: item for item in response.context["active_filters"]}
    assert chips["verified"].label == "Identität geprüft: ja"
    assert chips["verified"].remove_url == "?language=fr"
    assert 'data-remove-param="verified"' in html


def test_no_checkbox_when_nobody_in_the_result_is_checked(client, profiles):
    html = client.get(URL, {"language": "de"}).content.decode()
    assert 'name="verified"' not in html


def test_an_empty_result_offers_to_drop_the_filter(client, profiles):
    response = client.get(URL, {"verified": "ja", "language": "de"})
    relax = {item.label: count for item, count in response.context["relax"]}
    assert relax == {"Sprache: Deutsch": 1, "Identität geprüft: ja": 1}


def test_the_filter_adds_no_query_to_the_list(client, coordinator, django_assert_num_queries,
                                              settings):  # fmt: skip
    settings.DIRECTORY_PAGE_SIZE = 20
    for i in range(25):
        organisation = make_organisation(
            f"Verein {i:03d} e. V.", register_court="AG Bonn", register_number=f"VR {i + 1}",
            roles=["kooperationspartner"], languages=["ru"],
        )  # fmt: skip
        if i % 2:
            _verify(organisation, coordinator)
    get_vocabulary()
    search.synonyms()
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(LIST_QUERIES + 1):  # + the search's word check
        response = client.get(URL, {"verified": "ja", "language": "ru", "q": "Verein"})
    assert len(response.context["organisations"]) == 12
    assert response.context["total"] == 12


# --- the JSON API (the directory's filter set) ---------------------------------------


def test_the_api_filters_by_verified(client, profiles, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        data = client.get("/api/organisations/", {"verified": "ja"}).json()
    assert [o["slug"] for o in data["results"]] == ["afrika-forum"]
    assert all(o["identity_verification"]["verified"] for o in data["results"])
    data = client.get("/api/organisations/", {"verified": "nein"}).json()
    assert sorted(o["slug"] for o in data["results"]) == ["bosna", "chor"]
    refused = client.get("/api/organisations/", {"verified": "vielleicht"})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["verified"]


# The organisation list's query parameters before the filter: the contract.
EARLIER_PARAMETERS = {
    "q", "role", "resource", "field", "target_group", "community", "language",
    "advice_language", "cooperated_with", "state", "place", "radius", "near", "area",
    "paid_staff", "rooms", "open", "page", "page_size",
}  # fmt: skip


def test_the_openapi_schema_adds_the_parameter(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/organisations/"]["get"]["parameters"]}
    assert set(parameters) == EARLIER_PARAMETERS | {"verified"}
    assert parameters["verified"]["in"] == "query"
    assert parameters["verified"]["schema"]["enum"] == ["ja", "nein"]
