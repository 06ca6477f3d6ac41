"""Every relation to Organisation is handled by a merge (directory.merging):
a new foreign key that nobody registered fails here, before a merge leaves its
rows behind on a tombstone or deletes them with it."""

import pytest
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccountReport
from directory import merging
from directory.models import Organisation, Term
from finder.models import AlertSeen, SavedSearch
from guidance.models import Item
from support.models import Assessment, Expert, Interest, Mentor, SupportOffer
from tests import personas
from tests.factories import make_organisation, term


def _relations_to_organisation():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if (
                field.is_relation
                and field.concrete
                and not field.many_to_many  # their through tables' keys are listed
                and field.related_model is Organisation
            ):
                yield model._meta.label, field.name


def test_every_relation_to_organisation_is_handled_by_the_merge():
    found = list(_relations_to_organisation())
    assert len(found) >= 25  # the enumeration itself works
    assert merging.unhandled(found) == []


def test_the_registry_names_no_relation_that_does_not_exist():
    assert set(merging.RELATIONS) == {
        f"{label}.{name}" for label, name in _relations_to_organisation()
    }


@pytest.mark.django_db
def test_the_other_rooms_rows_move_once_and_what_may_exist_once_stays(coordinator):
    staying = make_organisation("Bleibt e. V.", slug="bleibt")
    other = make_organisation("Geht e. V.", slug="geht")
    user = personas.create("member")
    offer = SupportOffer.objects.create(
        title="Coaching",
        provider_organisation=other,
        format=Term.objects.filter(kind="support_format").first(),
        description="Coaching",
        contact_email="coaching@example.org",
    )
    Interest.objects.create(offer=offer, organisation=staying, user=user)
    Interest.objects.create(offer=offer, organisation=other, user=user)
    staying_draft = Assessment.objects.create(organisation=staying)
    other_draft = Assessment.objects.create(organisation=other)
    submitted = Assessment.objects.create(organisation=other, status="submitted")
    Mentor.objects.create(organisation=other, description="Wir helfen")
    Expert.objects.create(
        user=user,
        organisation=other,
        expertise="Vereinsrecht",
        availability="abends",
        consent_at=timezone.now(),
    )
    search = SavedSearch.objects.create(user=user, name="x", query="q=a")
    AlertSeen.objects.create(search=search, organisation=staying)
    AlertSeen.objects.create(search=search, organisation=other)
    report = AccountReport.objects.create(account=user, organisation=other, reason="Spam")
    item = Item.objects.first()
    item.featured_organisations.add(staying, other)
    staying.refresh_from_db()
    other.refresh_from_db()

    merging.organisation_merge(
        staying=staying,
        other=other,
        by=coordinator,
        choices=merging.Choices(),
        seen=(staying.version, other.version),
    )

    assert SupportOffer.objects.get(pk=offer.pk).provider_organisation_id == staying.pk
    assert list(Interest.objects.values_list("organisation_id", flat=True)) == [staying.pk]
    # One draft per profile: the other's stays with the tombstone, nothing is lost.
    assert Assessment.objects.get(pk=staying_draft.pk).organisation_id == staying.pk
    assert Assessment.objects.get(pk=other_draft.pk).organisation_id == other.pk
    assert Assessment.objects.get(pk=submitted.pk).organisation_id == staying.pk
    assert Mentor.objects.get().organisation_id == staying.pk  # the staying one had none
    assert Expert.objects.get().organisation_id == staying.pk
    assert list(AlertSeen.objects.values_list("organisation_id", flat=True)) == [staying.pk]
    assert AccountReport.objects.get(pk=report.pk).organisation_id == staying.pk
    assert list(item.featured_organisations.all()) == [staying]
    assert term("role", "kooperationspartner")  # the vocabulary is untouched
    assert not Organisation.objects.filter(Q(pk=other.pk), ~Q(merged_into=staying)).exists()
