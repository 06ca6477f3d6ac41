import pytest

from directory.models import Term
from directory.vocabulary import get_vocabulary, load_vocabulary

pytestmark = pytest.mark.django_db


def test_a_new_installation_has_the_whole_vocabulary():
    counts = {kind: len(terms) for kind, terms in get_vocabulary().by_kind.items()}
    assert counts["role"] == 6
    assert counts["state"] == 16
    assert counts["language"] == 184
    for kind in Term.Kind.values:
        assert counts.get(kind, 0) > 0, kind


def test_the_six_roles_of_chapter_4():
    labels = [t.label_de for t in get_vocabulary().kind("role")]
    assert labels == [
        "Informationsvermittler",
        "Interessenvertreter",
        "Kooperationspartner",
        "Eigenständiger Projektträger",
        "Expertengremium für die Zielgruppe",
        "Expertengremium für fachliche Themen",
    ]


def test_every_term_has_german_and_english_labels():
    missing = Term.objects.filter(label_de="") | Term.objects.filter(label_en="")
    assert not missing.exists()


def test_languages_are_iso_639_1_with_names_in_both_languages():
    russian = get_vocabulary().get("language", "ru")
    assert (russian.code, russian.label_de, russian.label_en) == ("ru", "Russisch", "Russian")


def test_states_carry_their_official_codes():
    codes = sorted(t.code for t in get_vocabulary().kind("state"))
    assert codes == sorted(
        [
            "BW",
            "BY",
            "BE",
            "BB",
            "HB",
            "HH",
            "HE",
            "MV",
            "NI",
            "NW",
            "RP",
            "SL",
            "SN",
            "ST",
            "SH",
            "TH",
        ]
    )


def test_labels_follow_the_active_language(settings):
    from django.utils import translation

    term = get_vocabulary().get("state", "bayern")
    with translation.override("en"):
        assert term.label == "Bavaria"
    with translation.override("de"):
        assert term.label == "Bayern"


def test_loading_again_adds_nothing_and_keeps_edits():
    Term.objects.filter(kind="role", slug="kooperationspartner").update(label_de="Partner")
    assert load_vocabulary(Term) == (0, 0)
    assert Term.objects.get(kind="role", slug="kooperationspartner").label_de == "Partner"


def test_loading_restores_a_deleted_term():
    Term.objects.filter(kind="need", slug="vereinsrecht").delete()
    created, _updated = load_vocabulary(Term)
    assert created == 1
    assert Term.objects.filter(kind="need", slug="vereinsrecht").exists()
