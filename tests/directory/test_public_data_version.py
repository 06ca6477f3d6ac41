"""The version of the public data (issue 14, finding 6): every change of a
published profile or of the vocabulary is counted in its own transaction, and
whatever withdraws public data (publication ended, contact data hidden, replaced
or removed) is counted as a withdrawal, so that copies
made before it (the open-data dump) are no longer served. Drafts are not public:
their changes count nothing."""

import pytest

from directory import services
from directory.models import Organisation, PublicDataVersion, Term, Visibility
from tests.factories import COMPLETE_DESCRIPTION, make_organisation, term

pytestmark = pytest.mark.django_db

ADDS, WITHDRAWS, NOTHING = "adds", "withdraws", "nothing"


def _counted(change) -> str:
    before = PublicDataVersion.current()
    change()
    after = PublicDataVersion.current()
    if after.number == before.number:
        assert after.withdrawn == before.withdrawn
        return NOTHING
    assert after.number == before.number + 1, "one change, one count"
    if after.withdrawn == after.number:
        assert after.withdrawn_at == after.changed_at
        return WITHDRAWS
    assert after.withdrawn == before.withdrawn
    return ADDS


@pytest.fixture
def profile():
    return make_organisation(
        "Kontakt e. V.",
        description="Beratung",
        email="info@kontakt.example",
        email_visibility=Visibility.INSTITUTIONS,
        phone="+49 40 123",
        phone_visibility=Visibility.PUBLIC,
        languages=["ru"],
        offers=[{"title": "Sprechstunde"}],
    )


def _save(organisation, **changes):
    def change():
        for name, value in changes.items():
            setattr(organisation, name, value)
        services.organisation_save(organisation=organisation, by=None)

    return change


def _relations(organisation, **relations):
    def change():
        services.organisation_save(
            organisation=organisation,
            by=None,
            relations={
                name: [term("language", slug) for slug in slugs]
                for name, slugs in relations.items()
            },
        )

    return change


def _offers(organisation, titles):
    def change():
        offers = [{"title": t, "kind": "counselling", "summary": ""} for t in titles]
        services.organisation_save(organisation=organisation, by=None, offers=offers)

    return change


@pytest.mark.parametrize(
    ("change", "counted"),
    [
        (lambda o: _save(o, email_visibility=Visibility.PUBLIC), ADDS),
        (lambda o: _save(o, email_visibility=Visibility.HIDDEN), WITHDRAWS),
        (lambda o: _save(o, phone_visibility=Visibility.INSTITUTIONS), WITHDRAWS),
        (lambda o: _save(o, website="https://kontakt.example"), ADDS),  # was empty
        (lambda o: _save(o, description="Anders"), ADDS),  # an update, nothing personal
        (lambda o: _save(o, email="neu@kontakt.example"), WITHDRAWS),
        (lambda o: _save(o, phone=""), WITHDRAWS),
        (lambda o: _relations(o, languages=["ru", "tr"]), ADDS),
        (lambda o: _relations(o, languages=["tr"]), ADDS),
        (lambda o: _offers(o, ["Sprechstunde", "Kurs"]), ADDS),
        (lambda o: _offers(o, ["Kurs"]), ADDS),
        (lambda o: _save(o), ADDS),  # saved unchanged: counted, withdraws nothing
        (lambda o: lambda: services.organisation_archive(organisation=o, by=None), WITHDRAWS),
        (lambda o: _save(o, status=Organisation.Status.DRAFT), WITHDRAWS),
        (lambda o: lambda: services.organisation_delete(organisation=o, by=None), WITHDRAWS),
    ],
)
def test_changes_of_a_published_profile(profile, change, counted):
    assert _counted(change(profile)) == counted


def test_publication_adds_and_drafts_count_nothing():
    draft = make_organisation("Entwurf e. V.", status=Organisation.Status.DRAFT)
    assert (
        _counted(
            _save(draft, description=f"Geheim. {COMPLETE_DESCRIPTION}", email="x@entwurf.example")
        )
        == NOTHING
    )
    assert _counted(lambda: services.organisation_submit(organisation=draft, by=None)) == NOTHING
    assert _counted(lambda: services.organisation_approve(organisation=draft, by=None)) == ADDS
    assert _counted(lambda: make_organisation("Neu e. V.")) == ADDS
    other = make_organisation("Anderer Entwurf e. V.", status=Organisation.Status.DRAFT)
    assert _counted(lambda: services.organisation_delete(organisation=other, by=None)) == NOTHING


def test_vocabulary_changes_are_public_data():
    new = Term(kind=Term.Kind.LANGUAGE, slug="xx", code="xx", label_de="Xisch", label_en="Xish")
    assert _counted(lambda: services.term_save(term=new)) == ADDS
    assert _counted(lambda: services.term_save(term=new)) == NOTHING  # unchanged
    new.label_de = "Ixisch"
    assert _counted(lambda: services.term_save(term=new)) == ADDS  # nothing personal
    assert _counted(lambda: services.term_delete(term=new, by=None)) == ADDS


def test_the_counter_row_is_made_by_the_first_change():
    PublicDataVersion.objects.all().delete()
    assert PublicDataVersion.current().number == 0
    make_organisation("Erster e. V.")
    assert PublicDataVersion.objects.get().number == 1
