import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import Organisation
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db


def _errors(**values) -> dict:
    organisation = Organisation(name="Verein", slug="verein", **values)
    try:
        organisation.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_a_valid_profile_has_no_errors():
    assert (
        _errors(
            postal_code="19053",
            founding_year=1998,
            website="https://verein.example",
            email="info@verein.example",
            phone="+49 385 123456",
            paid_staff=2,
        )
        == {}
    )


@pytest.mark.parametrize("code", ["1905", "190533", "19O53", "ABCDE"])
def test_postal_codes_must_have_five_digits(code):
    assert "Die Postleitzahl hat genau fünf Ziffern." in _errors(postal_code=code)["postal_code"]


def test_founding_year_in_the_future_is_refused():
    next_year = datetime.date.today().year + 1
    assert _errors(founding_year=next_year)["founding_year"] == [
        "Das Gründungsjahr darf nicht in der Zukunft liegen."
    ]


def test_founding_year_before_1900_is_refused():
    assert "founding_year" in _errors(founding_year=1850)


def test_url_and_email_formats_are_checked():
    errors = _errors(website="not a url", email="info(at)verein")
    assert set(errors) >= {"website", "email"}


def test_counts_cannot_be_negative():
    errors = _errors(paid_staff=-1, volunteers=-3, members=-1)
    assert set(errors) >= {"paid_staff", "volunteers", "members"}


def test_phone_accepts_only_phone_characters():
    assert "phone" in _errors(phone="call me maybe")


def test_the_database_refuses_an_implausible_founding_year():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="X", slug="x", founding_year=1200)


def test_only_published_profiles_are_in_the_public_queryset():
    published = make_organisation(status=Organisation.Status.PUBLISHED)
    for status in ("draft", "in_review", "archived"):
        make_organisation(status=status)
    assert list(Organisation.objects.published()) == [published]


def test_in_state_reads_the_state_code():
    hamburg = make_organisation(state="hamburg")
    make_organisation(state="bayern")
    assert list(Organisation.objects.published().in_state("HH")) == [hamburg]


def test_terms_are_limited_to_their_kind():
    field = Organisation._meta.get_field("roles")
    assert field.remote_field.limit_choices_to == {"kind": "role"}
    assert term("role", "kooperationspartner").kind == "role"
