"""The finder criterion "Identität geprüft" (issue 19): must lists only MOs
whose current values a coordinator checked; nice to have ranks them first; the
card shows the badge."""

import datetime

import pytest
from django.urls import reverse

from directory import services
from tests.factories import make_organisation
from tests.finder.test_finder_criteria import _find

pytestmark = pytest.mark.django_db
URL = reverse("finder")


@pytest.fixture
def scene(coordinator):
    """Two MOs alike but for the check: "Aaa" (first by name) is not checked."""
    found = {}
    for name in ("Aaa Kulturverein", "Zzz Kulturverein"):
        found[name[:3]] = make_organisation(
            name, slug=name[:3].lower(), city="Hamburg", postal_code="20095",
            description="Verein für Nachbarschaft", confirmed_at=datetime.date(2026, 3, 1),
            register_court="Amtsgericht Hamburg", register_number=f"VR {len(found) + 1}",
        )  # fmt: skip
    checked = found["Zzz"]
    checked.refresh_from_db()
    services.identity_verify(organisation=checked, by=coordinator, seen_key=checked.identity_key,
                             register_checked="online", exemption_checked=False)  # fmt: skip
    return found


def test_must_lists_only_checked_mos(client, scene):
    assert _find(client, verified="on", verified_importance="must") == [
        ("zzz", 0, "✓ Identität geprüft")
    ]


def test_nice_to_have_ranks_the_checked_mo_first(client, scene):
    assert _find(client, verified="on", verified_importance="nice") == [
        ("zzz", 1, "✓ Identität geprüft"),
        ("aaa", 0, "✗ Identität nicht geprüft"),
    ]


def test_a_change_after_the_check_counts_as_unchecked(client, scene):
    checked = scene["Zzz"]
    checked.refresh_from_db()
    checked.legal_form = "ggmbh"
    services.organisation_save(organisation=checked, by=None, fields=["legal_form"])
    assert _find(client, verified="on", verified_importance="must") == []


def test_the_card_shows_the_badge_and_the_chip_names_the_criterion(client, scene):
    response = client.get(URL, {"verified": "on", "verified_importance": "nice"})
    page = response.content.decode()
    assert page.count("identity-badge ") == 1
    assert "Eintrag im Register am" in page
    assert any(chip.param == "verified" for chip in response.context["chips"])


def test_one_query_for_the_badges_of_a_page(client, scene, django_assert_max_num_queries):
    for number in range(10):
        make_organisation(f"Verein {number}", slug=f"v-{number}", description="Nachbarschaft")
    with django_assert_max_num_queries(14) as captured:
        client.get(URL, {"topic": "Nachbarschaft"})
    assert sum("identityverification" in q["sql"] for q in captured.captured_queries) == 1
