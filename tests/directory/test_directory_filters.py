"""Filters and facet counts of /organisationen/."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse

from directory.facets import facet_counts
from directory.filters import OrganisationFilter
from directory.models import Organisation
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")


@pytest.fixture
def orgs():
    return {
        "dialog": make_organisation(
            "Club Dialog e. V.",
            state="berlin",
            city="Berlin",
            postal_code="10405",
            roles=["kooperationspartner", "projekttraeger"],
            languages=["de", "ru"],
            advice_languages=["ru"],
            communities=["russischsprachige"],
            resources=["mehrsprachigkeit"],
            fields=["bildung"],
            target_groups=["neuzugewanderte"],
            cooperation_experience=["jobcenter"],
            paid_staff=12,
            has_rooms=True,
            area="national",
        ),
        "kontakt": make_organisation(
            "Kontakt e. V.",
            state="mecklenburg-vorpommern",
            city="Schwerin",
            postal_code="19053",
            roles=["kooperationspartner", "informationsvermittler"],
            languages=["de", "ru"],
            communities=["russischsprachige"],
            paid_staff=0,
            has_rooms=False,
            open_for_cooperation=True,
        ),
        "umut": make_organisation(
            "Umut Elternverein e. V.",
            state="hamburg",
            city="Hamburg",
            postal_code="20095",
            roles=["informationsvermittler"],
            languages=["de", "tr"],
            communities=["tuerkei"],
            paid_staff=0,
            has_rooms=True,
            open_for_cooperation=False,
        ),
        "draft": make_organisation(
            "Entwurf e. V.", status="draft", roles=["kooperationspartner"], languages=["ru"]
        ),
    }


def _query(params) -> QueryDict:
    return QueryDict(urlencode(params, doseq=True))


def _names(params) -> list[str]:
    filterset = OrganisationFilter(_query(params), queryset=Organisation.objects.published())
    return sorted(filterset.qs.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"role": "kooperationspartner"}, ["Club Dialog e. V.", "Kontakt e. V."]),
        ({"role": ["kooperationspartner", "informationsvermittler"]}, ["Kontakt e. V."]),
        ({"language": "tr"}, ["Umut Elternverein e. V."]),
        ({"advice_language": "ru"}, ["Club Dialog e. V."]),
        ({"community": "russischsprachige"}, ["Club Dialog e. V.", "Kontakt e. V."]),
        ({"resource": "mehrsprachigkeit"}, ["Club Dialog e. V."]),
        ({"field": "bildung"}, ["Club Dialog e. V."]),
        ({"target_group": "neuzugewanderte"}, ["Club Dialog e. V."]),
        ({"cooperated_with": "jobcenter"}, ["Club Dialog e. V."]),
        ({"state": "hamburg"}, ["Umut Elternverein e. V."]),
        ({"place": "schwerin"}, ["Kontakt e. V."]),
        ({"place": "Schwerin"}, ["Kontakt e. V."]),
        ({"place": "19"}, ["Kontakt e. V."]),
        ({"place": "1"}, ["Club Dialog e. V.", "Kontakt e. V."]),
        ({"area": "national"}, ["Club Dialog e. V."]),
        ({"paid_staff": "ja"}, ["Club Dialog e. V."]),
        ({"paid_staff": "nein"}, ["Kontakt e. V.", "Umut Elternverein e. V."]),
        ({"rooms": "ja"}, ["Club Dialog e. V.", "Umut Elternverein e. V."]),
        ({"open": "nein"}, ["Umut Elternverein e. V."]),
        (
            {"role": "kooperationspartner", "paid_staff": "nein", "language": "ru"},
            ["Kontakt e. V."],
        ),
        ({}, ["Club Dialog e. V.", "Kontakt e. V.", "Umut Elternverein e. V."]),
    ],
)
def test_each_filter_narrows_the_published_result(orgs, params, expected):
    assert _names(params) == expected


def test_unknown_filter_values_are_ignored(orgs):
    assert _names({"role": "no-such-role", "state": "atlantis", "paid_staff": "vielleicht"}) == [
        "Club Dialog e. V.",
        "Kontakt e. V.",
        "Umut Elternverein e. V.",
    ]


def test_facet_counts_are_counts_within_the_current_result(orgs):
    filterset = OrganisationFilter(
        _query({"language": "ru"}), queryset=Organisation.objects.published()
    )
    counts = facet_counts(filterset.qs)
    assert counts.total == 2
    assert counts.terms["role"] == {
        term("role", "kooperationspartner").pk: 2,
        term("role", "projekttraeger").pk: 1,
        term("role", "informationsvermittler").pk: 1,
    }
    assert counts.terms["language"] == {term("language", "de").pk: 2, term("language", "ru").pk: 2}
    assert counts.states == {
        term("state", "berlin").pk: 1,
        term("state", "mecklenburg-vorpommern").pk: 1,
    }
    assert counts.areas["national"] == 1
    assert counts.flags["paid_staff"] == {"ja": 1, "nein": 1}
    assert counts.flags["rooms"] == {"ja": 1, "nein": 1}
    assert counts.flags["open"] == {"ja": 2, "nein": 0}


def test_each_facet_count_equals_the_result_of_adding_that_filter(orgs):
    base = {"role": "kooperationspartner"}
    counts = facet_counts(
        OrganisationFilter(_query(base), queryset=Organisation.objects.published()).qs
    )
    for term_id, count in counts.terms["language"].items():
        slug = Organisation.languages.field.related_model.objects.get(pk=term_id).slug
        assert len(_names({**base, "language": slug})) == count


def test_the_page_shows_counts_next_to_options(client, orgs):
    response = client.get(URL, {"language": "ru"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 Organisationen gefunden" in html
    assert 'id="f-role-kooperationspartner" checked' not in html
    assert 'Kooperationspartner <span class="count">(2)</span>' in html
    assert "Türkisch" not in html  # not in the current result


def test_all_state_is_in_the_url_and_each_active_filter_can_be_removed(client, orgs):
    response = client.get(URL, {"role": "kooperationspartner", "language": "ru", "sort": "name"})
    labels = {item.label: item.remove_url for item in response.context["active_filters"]}
    assert labels["Sprache: Russisch"] == "?role=kooperationspartner&sort=name"
    assert labels["Rolle: Kooperationspartner"] == "?language=ru&sort=name"


def test_an_empty_result_says_which_filters_to_relax(client, orgs):
    response = client.get(URL, {"language": "tr", "paid_staff": "ja"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keine Organisation passt zu allen Angaben." in html
    relax = {item.label: count for item, count in response.context["relax"]}
    assert relax == {"Sprache: Türkisch": 1, "Hauptamtliche: ja": 1}


def test_unknown_values_are_reported_next_to_the_filters(client, orgs):
    response = client.get(URL, {"role": "erfunden"})
    assert response.status_code == 200
    assert "Einige Filterwerte sind unbekannt" in response.content.decode()
    assert response.context["total"] == 3


def test_sorting_by_recently_confirmed(client, orgs):
    from django.utils import timezone

    # The others were confirmed 30 days ago (tests.factories).
    Organisation.objects.filter(pk=orgs["umut"].pk).update(confirmed_at=timezone.localdate())
    response = client.get(URL, {"sort": "confirmed"})
    assert [o.name for o in response.context["organisations"]][0] == "Umut Elternverein e. V."
    response = client.get(URL, {"sort": "name"})
    assert [o.name for o in response.context["organisations"]] == [
        "Club Dialog e. V.",
        "Kontakt e. V.",
        "Umut Elternverein e. V.",
    ]
