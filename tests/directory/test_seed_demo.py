import pytest
from django.core.management import call_command

from directory.demo import DemoGenerator
from directory.models import Organisation
from directory.services import build_snapshot, search_document_from

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", "--count", "400", verbosity=0)
        yield
        Organisation.objects.all().delete()


def test_creates_the_requested_number_and_is_idempotent(seeded):
    assert Organisation.objects.count() == 400
    call_command("seed_demo", "--count", "400", verbosity=0)
    assert Organisation.objects.count() == 400


def test_the_guide_organisations_are_there(seeded):
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    assert {"club-dialog", "kontakt-schwerin", "kubi", "mozaik", "asm"} <= slugs


def test_places_in_all_16_states(seeded):
    states = Organisation.objects.values_list("state__code", flat=True).distinct()
    assert len(set(states)) == 16


def test_about_forty_percent_are_run_by_volunteers_only(seeded):
    share = Organisation.objects.filter(paid_staff=0).count() / 400
    assert 0.33 <= share <= 0.47


def test_varied_vocabulary_and_multilingual_names(seeded):
    organisation = Organisation.objects.exclude(slug__in=["club-dialog"]).first()
    assert organisation.roles.exists() and organisation.languages.exists()
    names = list(Organisation.objects.values_list("name", flat=True))
    assert any(name.startswith(("Umut", "Druschba", "Amal", "Elpida", "Sankofa")) for name in names)
    assert Organisation.objects.values("communities").distinct().count() > 20


def test_most_are_published_and_every_profile_is_searchable(seeded):
    assert Organisation.objects.published().count() > 300
    assert not Organisation.objects.filter(search_document="").exists()


def test_snapshot_search_document_and_first_version_are_those_of_the_services(seeded):
    """The bulk path derives what organisation_save would, and records a version."""
    for organisation in Organisation.objects.order_by("pk")[::40]:
        assert organisation.snapshot == build_snapshot(organisation)
        expected = search_document_from(organisation, organisation.snapshot)
        assert organisation.search_document == expected
        record = organisation.history.get()
        assert record.history_change_reason == "demo data"
        assert record.snapshot == organisation.snapshot


def test_same_seed_same_data():
    first = DemoGenerator(seed=7)
    second = DemoGenerator(seed=7)
    a = [first.organisation(i, published_only=False)[0]["name"] for i in range(50)]
    b = [second.organisation(i, published_only=False)[0]["name"] for i in range(50)]
    assert a == b


def test_published_only():
    generator = DemoGenerator(seed=3)
    statuses = {generator.organisation(i, published_only=True)[0]["status"] for i in range(200)}
    assert statuses == {"published"}
