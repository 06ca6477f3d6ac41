"""Two coordinators merging at once (PostgreSQL, real threads): both rows are
locked in primary-key order, so the same merge twice merges once, and A into B
racing B into A ends with one profile that holds every row of both."""

import pytest
from django.core.management import call_command

from cooperation.models import CooperationRequest
from directory import merging
from directory.models import Membership, Organisation
from directory.team import owner_assign
from directory.vocabulary import invalidate_vocabulary
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

ROUNDS = 6


@pytest.fixture
def vocabulary(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()


def _merge(staying, other, by):
    def run():
        try:
            merging.organisation_merge(
                staying=staying,
                other=other,
                by=by,
                choices=merging.Choices(),
                seen=(staying.version, other.version),
            )
        except merging.MergeError as error:
            return f"refused: {error.code.value}"
        return "done"

    return run


def _pair(number, sender):
    one = make_organisation(f"Runde {number} e. V.", slug=f"runde-{number}")
    two = make_organisation(f"Runde {number}", slug=f"runde-{number}-b")
    for organisation, persona in ((one, "editor_a"), (two, "editor_b")):
        owner = personas.create(persona, email=f"{persona}-{number}@example.org")
        owner_assign(organisation=organisation, user=owner)
        CooperationRequest.objects.create(
            sender=sender, organisation=organisation, subject="s", message="m"
        )
    return Organisation.objects.get(pk=one.pk), Organisation.objects.get(pk=two.pk)


@pytest.mark.postgres
def test_the_same_merge_twice_at_once_merges_once(vocabulary):
    first, second = (
        personas.create("coordinator"),
        personas.create("coordinator", email="zweite@example.org"),
    )
    sender = personas.create("institution")
    for number in range(ROUNDS):
        one, two = _pair(number, sender)
        results = parallel(_merge(one, two, first), _merge(one, two, second))
        assert results.count("done") == 1, results
        assert one.history.filter(history_change_reason__startswith="zusammengeführt").count() == 1
        assert Membership.objects.filter(organisation=one).count() == 2
        assert CooperationRequest.objects.filter(organisation=one).count() == 2


@pytest.mark.postgres
def test_a_into_b_racing_b_into_a_leaves_one_profile_with_all_rows(vocabulary):
    first, second = (
        personas.create("coordinator"),
        personas.create("coordinator", email="zweite@example.org"),
    )
    sender = personas.create("institution")
    for number in range(ROUNDS):
        one, two = _pair(number, sender)
        results = parallel(_merge(one, two, first), _merge(two, one, second))
        assert results.count("done") == 1, results
        stays = one if results[0] == "done" else two
        gone = two if stays is one else one
        gone.refresh_from_db()
        assert gone.merged_into_id == stays.pk and gone.status == "archived"
        assert Organisation.objects.get(pk=stays.pk).merged_into_id is None
        # No lost rows: both teams (one owner) and both requests on the one that stays.
        roles = sorted(Membership.objects.filter(organisation=stays).values_list("role", flat=True))
        assert roles == ["editor", "owner"]
        assert CooperationRequest.objects.filter(organisation=stays).count() == 2
        assert not CooperationRequest.objects.filter(organisation=gone).exists()
