"""The finder tests a wish for a term on the profile's term tokens
(Organisation.term_tokens). They must say exactly what the relations hold,
after every kind of write, or the finder would list the wrong MOs."""

import importlib

import pytest
from django.apps import apps

from directory import merging
from directory.models import Organisation, Term
from directory.relations import MANY_RELATIONS
from directory.services import organisation_save, term_delete
from finder.ranking import _has
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _from_relations() -> dict[int, set[str]]:
    found: dict[int, set[str]] = {
        pk: set() for pk in Organisation.objects.values_list("pk", flat=True)
    }
    for relation in MANY_RELATIONS:
        through = getattr(Organisation, relation.field).through
        for organisation_id, term_id in through.objects.values_list("organisation_id", "term_id"):
            found[organisation_id].add(f"{relation.token}{term_id}")
    return found


def _assert_tokens_hold() -> None:
    expected = _from_relations()
    stored = dict(Organisation.objects.values_list("pk", "term_tokens"))
    assert {pk: set(tokens.split()) for pk, tokens in stored.items()} == expected
    # And the finder's test of a term lists exactly the holders.
    for relation in MANY_RELATIONS:
        through = getattr(Organisation, relation.field).through
        for term_id in set(through.objects.values_list("term_id", flat=True)):
            holders = set(
                through.objects.filter(term_id=term_id).values_list("organisation_id", flat=True)
            )
            listed = set(
                Organisation.objects.filter(_has(relation.field, term_id)).values_list(
                    "pk", flat=True
                )
            )
            assert listed == holders, (relation.field, term_id)


def test_tokens_follow_every_write(coordinator):
    # A language spoken by one and advised in by another: two different tokens.
    one = make_organisation(roles=["kooperationspartner"], languages=["ru", "ar"])
    two = make_organisation(
        roles=["projekttraeger", "kooperationspartner"], advice_languages=["ru"], fields=[]
    )
    three = make_organisation(languages=["tr"], communities=[])
    _assert_tokens_hold()
    assert "l" in one.term_tokens and "b" in two.term_tokens

    # A profile's terms change.
    organisation_save(
        organisation=one,
        by=None,
        relations={"roles": [], "languages": [Term.objects.get(kind="language", slug="tr")]},
    )
    _assert_tokens_hold()

    # Two profiles are merged, the terms of both kept.
    two.refresh_from_db()
    three.refresh_from_db()
    merging.organisation_merge(
        staying=two,
        other=three,
        by=coordinator,
        choices=merging.Choices(relations={"languages": merging.BOTH}),
        seen=(two.version, three.version),
    )
    _assert_tokens_hold()

    # A term is deleted from the vocabulary.
    term_delete(term=Term.objects.get(kind="role", slug="kooperationspartner"), by=coordinator)
    _assert_tokens_hold()


def test_the_migration_fills_the_tokens_of_existing_profiles():
    make_organisation(roles=["kooperationspartner"], languages=["ru"], advice_languages=["ar"])
    make_organisation(state=None)  # no terms at all
    Organisation.objects.update(term_tokens="")
    migration = importlib.import_module("directory.migrations.0023_term_tokens")
    migration.fill(apps, None)
    _assert_tokens_hold()
