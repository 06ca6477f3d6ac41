"""Distance in the partner finder: "im Umkreis von N km um <Ort oder PLZ>" as a
criterion (must: only MOs within; nice to have: one point), the distance on each
card, and the distance as the tie-breaker after the points (runs on SQLite and
PostgreSQL). MOs without a known address never meet it and come last among equals.
"""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import make_organisation
from tests.pages import GAZETTEER_SAMPLE as SAMPLE

pytestmark = pytest.mark.django_db
URL = reverse("finder")


@pytest.fixture
def orgs():
    from directory.places import load_places, read_file

    load_places(read_file(SAMPLE))
    same = {"confirmed_at": datetime.date(2026, 3, 1), "paid_staff": 0}
    # Named so that by name alone the far ones would come first.
    return [
        make_organisation("A Hamburg e. V.", postal_code="20095", city="Hamburg", **same),
        make_organisation("B Ohne Adresse e. V.", postal_code="", city="", **same),
        make_organisation("C Wismar e. V.", postal_code="23966", city="Wismar", **same),
        make_organisation("D Schwerin e. V.", postal_code="19053", city="Schwerin", **same),
        make_organisation(
            "E Greifswald e. V.", postal_code="17489", city="Greifswald", has_rooms=True, **same
        ),
    ]


def _find(client, **params):
    response = client.get(URL, {"open_only": "on", **params})
    assert response.status_code == 200
    results = response.context["results"]
    return [(o.name, o.score, str(o.explanation), o.distance_km) for o in results]


def test_must_lists_only_mos_within_the_radius_nearest_first(client, orgs):
    found = _find(client, near="19053", radius="50", near_importance="must")
    assert [(name, km) for name, _, _, km in found] == [
        ("D Schwerin e. V.", 0),
        ("C Wismar e. V.", 29),
    ]


def test_nice_to_have_earns_a_point_and_distance_breaks_ties(client, orgs):
    found = _find(client, near="Schwerin", radius="50", near_importance="nice")
    assert [name for name, *_ in found] == [
        "D Schwerin e. V.",  # 1 point, 1 km
        "C Wismar e. V.",  # 1 point, 30 km
        "A Hamburg e. V.",  # 0 points, 93 km
        "E Greifswald e. V.",  # 0 points, 139 km
        "B Ohne Adresse e. V.",  # 0 points, no address: last
    ]
    assert [score for _, score, _, _ in found] == [1, 1, 0, 0, 0]
    explanations = {name: text for name, _, text, _ in found}
    assert explanations["C Wismar e. V."] == "✓ im Umkreis von 50 km um Schwerin"
    assert explanations["A Hamburg e. V."] == "✗ weiter als 50 km von Schwerin"
    assert explanations["B Ohne Adresse e. V."] == "✗ weiter als 50 km von Schwerin"
    assert found[-1][3] is None


def test_points_come_before_distance(client, orgs):
    found = _find(client, near="Schwerin", radius="10", near_importance="nice", rooms="on")
    # Greifswald has rooms (1 point) but is far; Schwerin is near (1 point) without rooms.
    assert [name for name, *_ in found][:2] == ["D Schwerin e. V.", "E Greifswald e. V."]


def test_the_card_shows_the_distance(client, orgs):
    response = client.get(URL, {"near": "19053", "radius": "100", "near_importance": "must"})
    html = response.content.decode()
    assert re.findall(r'<span class="distance">([^<]+)</span>', html) == [
        "unter 1 km entfernt",
        "29 km entfernt",
        "93 km entfernt",
    ]


def test_an_unknown_place_is_explained_next_to_the_field(client, orgs):
    response = client.get(URL, {"near": "Atlantis", "radius": "25"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_near_error"[^>]*>„Atlantis“ kennen wir nicht', html)
    assert response.context["searched"] is False


def test_a_finder_search_by_distance_makes_a_fixed_number_of_queries(
    client, orgs, django_assert_max_num_queries
):
    for n in range(5):
        make_organisation(f"Nachbar {n} e. V.", postal_code="19055", city="Schwerin")
    with django_assert_max_num_queries(8):  # with the page's confirmed references
        client.get(URL, {"near": "Schwerin", "radius": "50", "open_only": "on"})


def test_a_topic_wish_joined_to_the_scores_keeps_distance_as_the_tie_breaker(client, orgs):
    """A topic is collected in a pass of its own (ranking.ranked_page) and joined:
    its point adds to the others, and the distance still orders equal scores."""
    from directory.models import Organisation
    from directory.services import refresh_derived

    advising = Organisation.objects.filter(name__in=["A Hamburg e. V.", "E Greifswald e. V."])
    advising.update(description="Sprachkurse und Beratung")
    refresh_derived(advising.values_list("pk", flat=True))
    found = _find(
        client,
        near="Schwerin",
        radius="50",
        near_importance="nice",
        topic="Beratung",
        topic_importance="nice",
    )
    assert [(name, score) for name, score, *_ in found] == [
        ("D Schwerin e. V.", 1),  # near, 1 km
        ("C Wismar e. V.", 1),  # near, 30 km
        ("A Hamburg e. V.", 1),  # topic, 93 km
        ("E Greifswald e. V.", 1),  # topic, 139 km
        ("B Ohne Adresse e. V.", 0),
    ]
    explanations = {name: text for name, _, text, _ in found}
    assert "✓ Thema „Beratung“" in explanations["A Hamburg e. V."]
    assert "✗ Thema „Beratung“ nicht erwähnt" in explanations["D Schwerin e. V."]
