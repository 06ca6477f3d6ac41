"""The table of vocabulary relations (directory.relations) agrees with the model and
the vocabulary, and the filters, facets and forms are made of exactly its relations."""

import re

import pytest
from django.urls import reverse

from directory.facets import facet_counts
from directory.filters import OrganisationFilter
from directory.forms import SECTIONS, ContactForm
from directory.models import Organisation, Term
from directory.relations import (
    BY_FIELD,
    BY_KIND,
    BY_PARAM,
    MANY_RELATIONS,
    RELATIONS,
    STATE,
    Relation,
)
from directory.vocabulary import TERM_RELATIONS
from directory.vocabulary_data import vocabulary
from finder.forms import FinderForm
from tests.factories import make_organisation

URL = reverse("directory:organisation_list")


def _term_fields() -> dict:
    """Organisation's own fields that point to Term."""
    return {
        field.name: field
        for field in Organisation._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is Term
    }


def _first_slug(kind: str) -> str:
    return vocabulary()[kind][0][0]


@pytest.fixture
def everywhere():
    """A published MO with the first term of every relation's kind."""
    return make_organisation(
        "Überall e. V.",
        slug="ueberall",
        **{r.field: [_first_slug(r.kind)] for r in MANY_RELATIONS},
    )


def test_every_relation_of_a_profile_to_the_vocabulary_is_in_the_table():
    fields = _term_fields()
    assert set(fields) == {r.field for r in RELATIONS}
    for relation in RELATIONS:
        field = fields[relation.field]
        assert field.many_to_many is relation.many, relation.field
        assert field.remote_field.limit_choices_to == {"kind": relation.kind}, relation.field
        assert str(field.verbose_name) == str(relation.verbose_name), relation.field


def test_every_kind_is_a_kind_of_the_vocabulary():
    for relation in RELATIONS:
        assert relation.kind in Term.Kind.values, relation.field
        assert vocabulary().get(relation.kind), relation.field


def test_fields_and_params_are_unique():
    assert len(BY_FIELD) == len(RELATIONS)
    assert len(BY_PARAM) == len(RELATIONS)
    assert all(isinstance(r, Relation) for r in RELATIONS)


def test_only_the_state_is_a_single_term():
    assert [r for r in RELATIONS if not r.many] == [STATE]
    assert {r.field: r.kind for r in MANY_RELATIONS} == TERM_RELATIONS


def test_each_kind_but_needs_and_support_formats_stands_for_a_relation():
    assert set(Term.Kind.values) - set(BY_KIND) == {"need", "support_format"}
    assert BY_KIND["language"].field == "languages"  # not the advice languages


def test_the_filters_are_the_relations_in_the_tables_order():
    filters = OrganisationFilter.base_filters
    assert list(filters) == [
        "q",
        *(r.param for r in RELATIONS),
        "place",
        "radius",
        "near",
        "area",
        "paid_staff",
        "rooms",
        "open",
        "verified",
    ]
    for relation in RELATIONS:
        term_filter = filters[relation.param]
        assert term_filter.field_name == relation.field
        assert term_filter.kind == relation.kind
        assert term_filter.label == relation.label


@pytest.mark.django_db
def test_a_filter_selects_by_the_relation(everywhere):
    make_organisation("Nirgends e. V.", slug="nirgends", state=None)
    published = Organisation.objects.published()
    for relation in RELATIONS:
        value = "hamburg" if relation is STATE else [_first_slug(relation.kind)]
        result = OrganisationFilter({relation.param: value}, queryset=published).qs
        assert list(result.values_list("slug", flat=True)) == ["ueberall"], relation.param


@pytest.mark.django_db
def test_the_facets_are_the_relations(client, everywhere):
    counts = facet_counts(Organisation.objects.published())
    assert set(counts.terms) == {r.param for r in MANY_RELATIONS}
    groups = list(client.get(URL).context["facet_groups"])
    # The long lists (languages) first, then the others in the table's order.
    assert [g["param"] for g in groups] == [
        *(r.param for r in MANY_RELATIONS if r.long_list),
        STATE.param,
        *(r.param for r in MANY_RELATIONS if not r.long_list),
        "area",
        "paid_staff",
        "rooms",
        "open",
        "verified",
    ]
    labels = {g["param"]: g["label"] for g in groups}
    for relation in RELATIONS:
        assert labels[relation.param] == relation.label


@pytest.mark.django_db
def test_the_profile_forms_edit_each_relation_once():
    edited = []
    for _label, form_class in SECTIONS.values():
        form = form_class()
        for relation in form_class.relations:
            field = form.fields[relation.field]
            assert field.label == relation.verbose_name
            assert str(field.help_text).startswith(str(relation.help_text))
            assert ("glossary-help" in str(field.help_text)) == bool(relation.glossary)
            assert {t.kind for t in field.queryset} == {relation.kind}
            edited.append(relation)
    assert sorted(edited, key=RELATIONS.index) == list(MANY_RELATIONS)
    state = ContactForm().fields[STATE.field]
    assert {t.kind for t in state.queryset} == {STATE.kind}


def test_the_finder_asks_by_the_directorys_parameters():
    for relation in RELATIONS:
        field = FinderForm.base_fields.get(relation.param)
        if field is not None:
            assert field.kind == relation.kind, relation.param
    assert {"role", "field", "target_group", "community", "state", "cooperated_with"} <= set(
        FinderForm.base_fields
    )


@pytest.mark.django_db
def test_the_profile_page_links_each_relations_terms_by_its_parameter(client, everywhere):
    html = client.get(everywhere.get_absolute_url()).content.decode()
    for relation in MANY_RELATIONS:
        slug = _first_slug(relation.kind)
        assert f'href="{URL}?{relation.param}={slug}"' in html, relation.field
        # The title, linked to the glossary where it explains the word.
        title = re.search(rf">{relation.verbose_name}(</a>)?</h3>", html)
        assert title, relation.field
