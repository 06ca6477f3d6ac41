"""Long vocabulary lists (languages): German collation, the common languages
first, the ones nobody is counselled in left out, a selection kept."""

import re

import pytest
from django.urls import reverse

from directory.forms import IdentityForm, OfferForm
from directory.term_choices import common_codes, excluded_codes, german_key
from directory.vocabulary import get_vocabulary
from finder.forms import FinderForm
from tests.factories import make_organisation


def test_german_collation_folds_umlauts_sharp_s_and_accents():
    labels = [
        "Zulu",
        "Türkisch",
        "Tschechisch",
        "Ukrainisch",
        "Öl",
        "Ofen",
        "Straße",
        "Strasse",
        "Guaraní",
        "Guarani",
        "Äthiopisch",
        "Afar",
        "Bündnerromanisch",
        "Bulgarisch",
    ]
    assert sorted(labels, key=german_key) == [
        "Afar", "Äthiopisch", "Bulgarisch", "Bündnerromanisch", "Guarani", "Guaraní",
        "Ofen", "Öl", "Strasse", "Straße", "Tschechisch", "Türkisch", "Ukrainisch", "Zulu",
    ]  # fmt: skip
    assert german_key("Ärger")[0] == "arger"  # no locale needed: the key is plain text


def _options(html: str) -> list[str]:
    return re.findall(r"<option value=\"[^\"]*\"[^>]*>([^<]*)</option>", html)


def _groups(html: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]*)">', html)


@pytest.mark.django_db
def test_languages_common_first_then_all_others_in_german_order():
    html = str(IdentityForm()["languages"])
    assert _groups(html) == ["Häufig", "Weitere Sprachen (A–Z)"]
    common_part, other_part = html.split('<optgroup label="Weitere Sprachen (A–Z)">')
    common, others = _options(common_part), _options(other_part)
    assert common[:3] == ["Albanisch", "Amharisch", "Arabisch"]
    assert {"Deutsch", "Englisch", "Türkisch", "Ukrainisch", "Persisch (Farsi)"} <= set(common)
    assert common == sorted(common, key=german_key)
    assert others == sorted(others, key=german_key)
    assert not set(common) & set(others)  # each language once
    # Türkisch sorts as "turkisch": after Tschechisch, not after Zulu
    assert others.index("Tschuwaschisch") < others.index("Tswana") < others.index("Twi")
    assert "Färöisch" in others and others.index("Fidschianisch") < others.index("Finnisch")
    labels = {t.code: t.label for t in get_vocabulary().kind("language")}
    assert len(common) == len(common_codes())
    assert len(common) + len(others) == len(labels) - len(excluded_codes())


@pytest.mark.django_db
def test_excluded_languages_are_out_of_every_language_list_but_stay_in_the_data():
    vocab = get_vocabulary()
    assert vocab.get("language", "vo") is not None and vocab.get("language", "ae") is not None
    for html in (
        str(IdentityForm()["languages"]),
        str(OfferForm()["languages"]),
        str(FinderForm()["languages"]),
    ):
        options = _options(html)
        assert "Volapük" not in options and "Avestisch" not in options
        assert "Lateinisch" not in options and "Esperanto" in options


@pytest.mark.django_db
def test_an_excluded_language_already_selected_is_shown_and_can_be_removed(client, editor_a, mo_a):
    vocab = get_vocabulary()
    latin, russian = vocab.get("language", "la"), vocab.get("language", "ru")
    mo_a.languages.set([latin, russian])
    client.force_login(editor_a)
    url = reverse("directory:edit_section", args=[mo_a.slug, "identitaet"])
    html = client.get(url).content.decode()
    assert f'<option value="{latin.pk}" selected>Lateinisch</option>' in html
    assert "Volapük" not in html
    # The selection stays valid as it is, and can be removed.
    form = IdentityForm(
        instance=mo_a,
        data={"name": mo_a.name, "legal_form": "ev", "area": "regional", "languages": [russian.pk]},
    )
    form.is_valid()
    assert "languages" not in form.errors
    assert list(form.cleaned_data["languages"]) == [russian]
    kept = IdentityForm(instance=mo_a, data={"languages": [latin.pk, russian.pk]})
    kept.is_valid()
    assert "languages" not in kept.errors


@pytest.mark.django_db
def test_finder_keeps_an_excluded_language_from_a_saved_link():
    latin = get_vocabulary().get("language", "la")
    form = FinderForm(data={"languages": [str(latin.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["languages"] == [latin]
    assert f'<option value="{latin.pk}" selected>Lateinisch</option>' in str(form["languages"])


@pytest.mark.django_db
def test_the_select_box_carries_the_texts_of_the_search_field():
    html = str(FinderForm()["languages"])
    assert "data-multiselect" in html and 'data-search-label="Sprache suchen"' in html
    assert 'data-remove="%s entfernen"' in html


@pytest.mark.django_db
def test_directory_language_facet_ties_in_german_order(client):
    for languages in (["tr"], ["tr"], ["uk"], ["cs"], ["fo"], ["fj"]):
        make_organisation(languages=languages)
    html = client.get(reverse("directory:organisation_list")).content.decode()
    facet = html.split('name="language"', 1)[1]
    order = [facet.index(f'value="{code}"') for code in ("tr", "fo", "fj", "cs", "uk")]
    assert order == sorted(order)  # by count, then Färöisch, Fidschianisch, Tschechisch, Ukrainisch
