"""The finder page takes its MOs and figures from one pass (ranked_page); they
must be exactly those of rank() and count_matches(), which the saved-search
alerts use, for any wishes, page and database."""

import random

import pytest

from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from finder.ranking import MUST, NICE, build_criteria, count_matches, rank, ranked_page
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

ROLES = ["kooperationspartner", "informationsvermittler", "projekttraeger"]
LANGUAGES = ["ru", "ar", "tr", "de"]
CITIES = [("Schwerin", "19053"), ("Berlin", "10115"), ("Hamburg", "20095"), ("", "")]


def _world(rng: random.Random) -> None:
    for n in range(36):
        city, postal_code = rng.choice(CITIES)
        make_organisation(
            f"{rng.choice(['Ärzte', 'anadolu', 'Brücke', 'Zeta', 'Öz'])} {n} e. V.",
            city=city,
            postal_code=postal_code,
            roles=rng.sample(ROLES, rng.randint(0, 2)),
            languages=rng.sample(LANGUAGES, rng.randint(0, 2)),
            advice_languages=rng.sample(LANGUAGES, rng.randint(0, 1)),
            paid_staff=rng.choice([0, 0, 2]),
            has_rooms=rng.random() < 0.5,
            open_for_cooperation=rng.random() < 0.8,
            confirmed_at=rng.choice([None, "2026-01-01", "2026-06-01", "2026-06-01"]),
            description=rng.choice(["Beratung für Familien", "Sport", ""]),
        )


def _wishes(rng: random.Random) -> dict:
    vocab = get_vocabulary()
    data: dict = {}

    def importance():
        return rng.choice([MUST, NICE, NICE])

    if rng.random() < 0.8:
        data["role"] = vocab.get("role", rng.choice(ROLES))
        data["role_importance"] = importance()
    if rng.random() < 0.7:
        data["languages"] = [vocab.get("language", s) for s in rng.sample(LANGUAGES, 2)]
        data["languages_importance"] = importance()
    if rng.random() < 0.5:
        data["place"] = rng.choice(["Schwerin", "19", "Berlin"])
        data["region_importance"] = importance()
    if rng.random() < 0.4:
        data["paid_staff"], data["paid_staff_importance"] = True, importance()
    if rng.random() < 0.3:
        data["rooms"], data["rooms_importance"] = True, importance()
    if rng.random() < 0.3:
        data["topic"], data["topic_importance"] = "Beratung", importance()
    return data


def test_one_pass_gives_the_page_and_the_figures_of_rank_and_count_matches():
    rng = random.Random(21)
    _world(rng)
    assert Organisation.objects.count() == 36
    for _ in range(40):
        data = _wishes(rng)
        criteria = build_criteria(data)
        open_only = rng.random() < 0.5
        expected = list(rank(criteria, open_only=open_only).values_list("pk", flat=True))
        for offset in (0, 7, 30):
            ids, counts = ranked_page(criteria, open_only=open_only, offset=offset, limit=7)
            assert ids == expected[offset : offset + 7], (data, offset)
            assert counts == count_matches(criteria, open_only=open_only), data
