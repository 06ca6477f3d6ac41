"""Facet counts of the directory (directory.facets): every facet the module
computes, counted within the current result only."""

import pytest
from django.urls import reverse

from directory.facets import FacetCounts, facet_counts
from directory.models import Organisation
from directory.relations import MANY_RELATIONS
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    """Five published MOs whose counts differ from facet to facet, and a draft."""
    return {
        "a": make_organisation(
            "Alpha e. V.",
            state="berlin",
            area="national",
            paid_staff=12,
            has_rooms=True,
            open_for_cooperation=True,
            roles=["kooperationspartner", "projekttraeger"],
            resources=["mehrsprachigkeit"],
            fields=["bildung"],
            target_groups=["neuzugewanderte"],
            communities=["russischsprachige"],
            languages=["de", "ru"],
            advice_languages=["ru"],
            cooperation_experience=["jobcenter", "kammer"],
        ),
        "b": make_organisation(
            "Beta e. V.",
            state="berlin",
            area="local",
            paid_staff=1,
            has_rooms=False,
            open_for_cooperation=True,
            roles=["kooperationspartner"],
            fields=["bildung", "sport"],
            communities=["tuerkei"],
            languages=["de"],
            advice_languages=["ru", "de"],
            cooperation_experience=["jobcenter"],
        ),
        "c": make_organisation(
            "Gamma e. V.",
            state="hamburg",
            area="local",
            paid_staff=2,
            has_rooms=True,
            open_for_cooperation=False,
            roles=["informationsvermittler"],
            resources=["mehrsprachigkeit", "raeume"],
            communities=["tuerkei"],
            languages=["de", "tr"],
        ),
        "d": make_organisation(
            "Delta e. V.",
            state=None,
            area="regional",
            paid_staff=0,
            has_rooms=False,
            open_for_cooperation=True,
            target_groups=["frauen"],
            cooperation_experience=["kommune"],
        ),
        "e": make_organisation(
            "Epsilon e. V.",
            state="bayern",
            area="local",
            paid_staff=3,
            has_rooms=False,
            open_for_cooperation=False,
            roles=["kooperationspartner"],
            target_groups=["frauen"],
            languages=["tr"],
            cooperation_experience=["jobcenter"],
        ),
        "draft": make_organisation(
            "Entwurf e. V.",
            status="draft",
            state="hamburg",
            area="state",
            paid_staff=5,
            has_rooms=True,
            open_for_cooperation=True,
            roles=["kooperationspartner", "projekttraeger"],
            languages=["ru"],
            cooperation_experience=["jobcenter", "kommune"],
        ),
    }


def _ids(kind, counts):
    return {term(kind, slug).pk: n for slug, n in counts.items()}


def test_every_facet_of_the_published_directory(orgs, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = facet_counts(Organisation.objects.published())
    assert counts == FacetCounts(
        total=5,
        terms={
            "role": _ids(
                "role", {"kooperationspartner": 3, "projekttraeger": 1, "informationsvermittler": 1}
            ),
            "resource": _ids("resource", {"mehrsprachigkeit": 2, "raeume": 1}),
            "field": _ids("field", {"bildung": 2, "sport": 1}),
            "target_group": _ids("target_group", {"neuzugewanderte": 1, "frauen": 2}),
            "community": _ids("community", {"russischsprachige": 1, "tuerkei": 2}),
            "language": _ids("language", {"de": 3, "ru": 1, "tr": 2}),
            "advice_language": _ids("language", {"ru": 2, "de": 1}),
            "cooperated_with": _ids(
                "institution_type", {"jobcenter": 3, "kammer": 1, "kommune": 1}
            ),
        },
        states=_ids("state", {"berlin": 2, "hamburg": 1, "bayern": 1}),
        areas={"local": 3, "regional": 1, "state": 0, "national": 1},
        flags={
            "paid_staff": {"ja": 4, "nein": 1},
            "rooms": {"ja": 2, "nein": 3},
            "open": {"ja": 3, "nein": 2},
        },
    )


def test_the_module_computes_a_facet_for_every_term_filter(orgs):
    counts = facet_counts(Organisation.objects.published())
    assert set(counts.terms) == {relation.param for relation in MANY_RELATIONS}
    assert set(counts.flags) == {"paid_staff", "rooms", "open"}


def test_counts_are_within_the_current_result(orgs):
    counts = facet_counts(Organisation.objects.published().filter(state__slug="berlin"))
    assert counts == FacetCounts(
        total=2,
        terms={
            "role": _ids("role", {"kooperationspartner": 2, "projekttraeger": 1}),
            "resource": _ids("resource", {"mehrsprachigkeit": 1}),
            "field": _ids("field", {"bildung": 2, "sport": 1}),
            "target_group": _ids("target_group", {"neuzugewanderte": 1}),
            "community": _ids("community", {"russischsprachige": 1, "tuerkei": 1}),
            "language": _ids("language", {"de": 2, "ru": 1}),
            "advice_language": _ids("language", {"ru": 2, "de": 1}),
            "cooperated_with": _ids("institution_type", {"jobcenter": 2, "kammer": 1}),
        },
        states=_ids("state", {"berlin": 2}),
        areas={"local": 1, "regional": 0, "state": 0, "national": 1},
        flags={
            "paid_staff": {"ja": 2, "nein": 0},
            "rooms": {"ja": 1, "nein": 1},
            "open": {"ja": 2, "nein": 0},
        },
    )


def test_paid_staff_means_at_least_one_paid_person(orgs):
    for slug, paid in (("b", 1), ("d", 0)):
        counts = facet_counts(Organisation.objects.filter(pk=orgs[slug].pk))
        assert counts.flags["paid_staff"] == {"ja": paid, "nein": 1 - paid}, slug


def test_an_organisation_without_state_counts_in_no_state(orgs):
    counts = facet_counts(Organisation.objects.filter(pk=orgs["d"].pk))
    assert counts.total == 1
    assert counts.states == {}
    assert counts.areas == {"local": 0, "regional": 1, "state": 0, "national": 0}
    assert counts.terms == {
        "target_group": _ids("target_group", {"frauen": 1}),
        "cooperated_with": _ids("institution_type", {"kommune": 1}),
    }


def test_an_empty_result_counts_zero_everywhere(orgs):
    counts = facet_counts(Organisation.objects.filter(pk=-1))
    assert counts == FacetCounts(
        total=0,
        terms={},
        states={},
        areas={"local": 0, "regional": 0, "state": 0, "national": 0},
        flags={
            "paid_staff": {"ja": 0, "nein": 0},
            "rooms": {"ja": 0, "nein": 0},
            "open": {"ja": 0, "nein": 0},
        },
    )


def test_ordering_and_annotations_of_the_result_do_not_matter(orgs):
    from django.db.models import Count

    results = (
        Organisation.objects.published()
        .annotate(n_languages=Count("languages"))
        .filter(n_languages__gte=1)
        .order_by("-name")
    )
    counts = facet_counts(results)
    assert counts.total == 4  # all but Delta
    assert counts.flags["rooms"] == {"ja": 2, "nein": 2}
    assert counts.terms["language"] == _ids("language", {"de": 3, "ru": 1, "tr": 2})


def test_the_directory_page_offers_the_paid_staff_rooms_and_cooperated_with_facets(client, orgs):
    response = client.get(reverse("directory:organisation_list"))
    assert response.status_code == 200
    assert response.context["total"] == 5
    groups = {group["param"]: group for group in response.context["facet_groups"]}
    options = {
        param: {(o.value, o.count) for o in groups[param]["options"]}
        for param in ("paid_staff", "rooms", "open", "cooperated_with", "area")
    }
    assert options == {
        "paid_staff": {("ja", 4), ("nein", 1)},
        "rooms": {("ja", 2), ("nein", 3)},
        "open": {("ja", 3), ("nein", 2)},
        "cooperated_with": {("jobcenter", 3), ("kammer", 1), ("kommune", 1)},
        "area": {("local", 3), ("regional", 1), ("national", 1)},
    }
