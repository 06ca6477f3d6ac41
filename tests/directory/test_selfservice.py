"""MO self-service: create, edit in sections, uploads, visibility, confirmation, archive."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from directory import revisions, services
from directory.models import Membership, Organisation
from directory.services import organisation_save
from directory.vocabulary import get_vocabulary
from tests.images import decompression_bomb, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _state(slug="hamburg"):
    return get_vocabulary().get("state", slug).pk


def test_a_representative_creates_a_draft_profile_and_owns_it(client, member):
    client.force_login(member)
    response = client.post(
        reverse("directory:new"),
        {
            "name": "Brücke Schwerin e. V.",
            "legal_form": "ev",
            "description": "Beratung für Neuzugewanderte",
            "postal_code": "19053",
            "city": "Schwerin",
            "state": _state("mecklenburg-vorpommern"),
        },
    )
    organisation = Organisation.objects.get(name="Brücke Schwerin e. V.")
    assert response["Location"] == reverse("directory:edit", args=[organisation.slug])
    assert organisation.slug == "bruecke-schwerin-e-v"
    assert organisation.status == "draft"
    assert Membership.objects.get(organisation=organisation).role == "owner"
    assert organisation.history.count() == 1
    assert organisation.history.first().history_user == member
    # A draft is not public.
    client.logout()
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_validation_errors_are_shown_next_to_the_field_and_keep_the_input(client, editor_a, mo_a):
    client.force_login(editor_a)
    url = reverse("directory:edit_section", args=[mo_a.slug, "kontakt"])
    response = client.post(
        url,
        {
            "website": "nicht eine adresse",
            "email": "info(at)verein",
            "email_visibility": "public",
            "phone": "ruf mich an",
            "phone_visibility": "public",
            "street": "Hauptstraße 1",
            "street_visibility": "public",
            "postal_code": "1905",
            "city": "Schwerin-Lankow",
            "state": _state(),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("website", "email", "phone", "postal_code"):
        assert f'id="error_1_id_{field}"' in html, field
    assert "Die Postleitzahl hat genau fünf Ziffern." in html
    assert 'value="Schwerin-Lankow"' in html and 'value="Hauptstraße 1"' in html
    mo_a.refresh_from_db()
    assert mo_a.city == "Hamburg"


def _approve(organisation):
    """A published profile's changes wait for review: approve them as shown."""
    revision = revisions.open_revision(organisation)
    services.revision_approve(revision=revision, by=None, seen=revision.version)
    organisation.refresh_from_db()


def test_identity_section_with_terms_and_a_logo(client, editor_a, mo_a):
    client.force_login(editor_a)
    vocab = get_vocabulary()
    response = client.post(
        reverse("directory:edit_section", args=[mo_a.slug, "identitaet"]),
        {
            "name": "Verein A e. V.",
            "legal_form": "ev",
            "founding_year": "1999",
            "area": "regional",
            "description": "Neue Beschreibung",
            "fields": [vocab.get("field", "bildung").pk],
            "languages": [vocab.get("language", "ru").pk, vocab.get("language", "de").pk],
            "logo_upload": image_file("JPEG", exif=True),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    _approve(mo_a)
    assert mo_a.founding_year == 1999 and mo_a.description == "Neue Beschreibung"
    assert sorted(t.slug for t in mo_a.languages.all()) == ["de", "ru"]
    assert mo_a.snapshot["terms"]["languages"] == ["de", "ru"]
    assert "russisch" in mo_a.search_document
    stored = Image.open(mo_a.logo.path)
    assert stored.format == "PNG" and max(stored.size) <= 600
    assert not stored.getexif()  # camera and GPS data are gone
    with open(mo_a.logo.path, "rb") as stored_file:
        assert b"SecretCam" not in stored_file.read()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image at all"), "kein gültiges Bild"),
        (SimpleUploadedFile("logo.png", b"<?php echo 1; ?>" * 10), "kein gültiges Bild"),
        (image_file("GIF", name="logo.gif"), "Nur Bilder im Format JPEG, PNG oder WebP"),
        (image_file("BMP", name="logo.png"), "Nur Bilder im Format JPEG, PNG oder WebP"),
        (SimpleUploadedFile("gross.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1)), "zu groß"),
        (decompression_bomb(), "zu viele Bildpunkte"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(client, editor_a, mo_a, upload, message):
    client.force_login(editor_a)
    response = client.post(
        reverse("directory:edit_section", args=[mo_a.slug, "identitaet"]),
        {"name": "Verein A e. V.", "legal_form": "ev", "area": "local", "logo_upload": upload},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    mo_a.refresh_from_db()
    assert not mo_a.logo


def test_offers_are_edited_as_a_list(client, editor_a, mo_a):
    client.force_login(editor_a)
    vocab = get_vocabulary()
    data = {
        "offers-TOTAL_FORMS": "3",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "30",
        "roles": [vocab.get("role", "informationsvermittler").pk],
        "offers-0-title": "Erstberatung",
        "offers-0-kind": "counselling",
        "offers-0-languages": [vocab.get("language", "ar").pk],
        "offers-1-title": "Deutschkurs",
        "offers-1-kind": "course",
        "offers-2-title": "",
        "offers-2-kind": "counselling",
    }
    response = client.post(reverse("directory:edit_section", args=[mo_a.slug, "angebote"]), data)
    assert response.status_code == 302
    _approve(mo_a)
    assert list(mo_a.offers.values_list("title", flat=True)) == ["Erstberatung", "Deutschkurs"]
    assert [t.slug for t in mo_a.roles.all()] == ["informationsvermittler"]
    assert [o["languages"] for o in Organisation.objects.get(pk=mo_a.pk).snapshot["offers"]] == [
        ["ar"],
        [],
    ]


CONTACT = {
    "email": "info@verein-a.example",
    "phone": "+49 40 123456",
    "street": "Hauptstraße 1",
}


def _set_contact(organisation, visibility):
    for field, value in CONTACT.items():
        setattr(organisation, field, value)
        setattr(organisation, f"{field}_visibility", visibility)
    organisation_save(organisation=organisation, by=None)


@pytest.mark.parametrize("visibility", ["public", "institutions", "hidden"])
def test_contact_data_appears_only_as_the_mo_allowed(
    client, mo_a, editor_a, member, institution_user, coordinator, visibility
):
    _set_contact(mo_a, visibility)
    expected = {
        "anonymous": visibility == "public",
        "member": visibility == "public",
        "institution": visibility in ("public", "institutions"),
        "editor": True,
        "coordinator": True,
    }
    people = {
        "anonymous": None,
        "member": member,
        "institution": institution_user,
        "editor": editor_a,
        "coordinator": coordinator,
    }
    for persona, user in people.items():
        client.logout()
        if user:
            client.force_login(user)
        html = client.get(mo_a.get_absolute_url()).content.decode()
        for value in CONTACT.values():
            assert (value in html) is expected[persona], (persona, value)


def test_confirming_the_profile_sets_the_date(client, editor_a, mo_a):
    client.force_login(editor_a)
    Organisation.objects.filter(pk=mo_a.pk).update(confirmed_at=datetime.date(2024, 1, 1))
    client.post(reverse("directory:confirm", args=[mo_a.slug]))
    mo_a.refresh_from_db()
    assert mo_a.confirmed_at == datetime.date.today()


def test_archived_profiles_leave_the_directory_but_are_kept(client, editor_a, mo_a):
    client.force_login(editor_a)
    client.post(reverse("directory:archive", args=[mo_a.slug]), {"confirm": "yes"})
    mo_a.refresh_from_db()
    assert mo_a.status == "archived"
    client.logout()
    assert client.get(mo_a.get_absolute_url()).status_code == 404
    assert (
        "Verein A e. V." not in client.get(reverse("directory:organisation_list")).content.decode()
    )
    assert Organisation.objects.filter(pk=mo_a.pk).exists()


def test_reminders_go_to_owners_of_profiles_unconfirmed_for_a_year(editor_a, mo_a, mo_b, sent_mail):
    old = datetime.date.today() - datetime.timedelta(days=400)
    Organisation.objects.filter(pk__in=[mo_a.pk, mo_b.pk]).update(confirmed_at=old)
    Organisation.objects.filter(pk=mo_b.pk).update(confirmed_at=datetime.date.today())
    out = io.StringIO()
    call_command("remind_unconfirmed", stdout=out)
    assert "1 organisations" in out.getvalue()
    messages = sent_mail()
    assert [m.to for m in messages] == [["editor-a@example.org"]]
    assert "noch aktuell" in messages[0].subject
    call_command("remind_unconfirmed", stdout=io.StringIO())  # not again within 30 days
    assert len(sent_mail()) == 1
