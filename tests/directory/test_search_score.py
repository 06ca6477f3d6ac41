"""The relevance of a word (directory.search.WordScore) on both databases equals
its definition: the best section the stem occurs in (name 8, offers 4, terms 2,
description 1), a part of a word half. The SQL tries the head (name, offers)
with one LIKE first; random index texts check that nothing is scored otherwise."""

import random

import pytest

from directory import analysis
from directory.models import Organisation
from directory.search import PART, SECTION_WEIGHTS, WordScore
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

WORDS = ["berat", "sprach", "ab", "jugend", "jugendberat", "sprachkur", "frau", "abend"]
STEMS = ["berat", "sprach", "ab", "jugend", "frau", "abend", "kur"]


def expected(text: str, stem: str) -> float:
    markers = [analysis.MARKERS[s] for s in analysis.SECTIONS[1:]]
    starts = [0, *(text.index(m) + len(m) for m in markers)]  # after each marker
    ends = [*(text.index(m) for m in markers), len(text)]
    best = 0.0
    for n, weight in enumerate(SECTION_WEIGHTS):
        section = text[starts[n] : ends[n]]
        if f" {stem} " in section:
            best = max(best, weight)
        elif analysis.pattern(stem) in section:
            best = max(best, weight * PART)
    return best


def _index(rng: random.Random) -> str:
    sections = [" ".join(rng.sample(WORDS, rng.randint(0, 3))) for _ in analysis.SECTIONS]
    parts = [sections[0]]
    for section, words in zip(analysis.SECTIONS[1:], sections[1:], strict=True):
        parts += [analysis.MARKERS[section], words]
    return " " + " ".join(p for p in parts if p) + " "


def test_word_scores_equal_their_definition_for_random_profiles():
    rng = random.Random(21)
    texts = {_index(rng) for _ in range(60)}
    for n, text in enumerate(sorted(texts)):
        organisation = make_organisation(name=f"Verein {n}")
        Organisation.objects.filter(pk=organisation.pk).update(search_index=text)
    rows = Organisation.objects.values_list("search_index", flat=True)
    assert set(rows) == texts
    checked = 0
    for stem in STEMS:
        scored = Organisation.objects.annotate(score=WordScore(stem)).values_list(
            "search_index", "score"
        )
        for text, score in scored:
            assert score == expected(text, stem), (stem, text)
            checked += score > 0
    assert checked > 100  # the texts hold the stems in every section and as parts


def test_a_phrase_that_begins_like_a_marker_scores_by_its_section():
    """ "o saft" occurs at the offers' marker (" :o saft "): not in the name."""
    organisation = make_organisation(name="Saft")
    text = " verein :o saft :t :d "
    Organisation.objects.filter(pk=organisation.pk).update(search_index=text)
    score = Organisation.objects.annotate(score=WordScore("o saft")).get().score
    assert score == expected(text, "o saft") == 0.0


def test_a_stem_in_the_name_and_the_description_scores_the_name():
    organisation = make_organisation(name="Beratung")
    Organisation.objects.filter(pk=organisation.pk).update(
        search_index=" frau berat :o sprach :t jugend :d berat "
    )
    score = Organisation.objects.annotate(score=WordScore("berat")).get().score
    assert score == SECTION_WEIGHTS[0]
