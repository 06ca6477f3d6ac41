"""A profile's history and review speak in the reader's words: reasons, field names
and values as the profile shows them, never codes ("edited: identitaet",
"state_id 299", "approved")."""

import pytest
from django.urls import reverse
from django.utils import translation

from directory.history_labels import reason_label
from directory.services import organisation_save
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reason", "german", "english"),
    [
        ("approved", "Freigegeben", "Approved"),
        ("edited: identitaet", "Bearbeitet: Wer wir sind", "Edited: Who we are"),
        (
            "approved revision 12 v3",
            "Freigegeben: Änderungsvorschlag 12",
            "Approved: proposed change 12",
        ),
        ("sent back: Bitte Adresse", "Zurückgegeben: Bitte Adresse", "Sent back: Bitte Adresse"),
        ("confirmed as current", "Als aktuell bestätigt", "Confirmed as current"),
        ("something else", "something else", "something else"),
    ],
)
def test_recorded_reasons_read_as_words(reason, german, english):
    with translation.override("de"):
        assert reason_label(reason) == german
    with translation.override("en"):
        assert reason_label(reason) == english


def test_the_history_shows_labels_and_values_not_codes(client, coordinator):
    organisation = make_organisation("Brücke e. V.", state="hamburg")
    organisation.state = get_vocabulary().get("state", "bremen")
    organisation.email_visibility = "public"
    organisation.has_rooms = True
    organisation_save(
        organisation=organisation,
        by=coordinator,
        fields=["state", "email_visibility", "has_rooms"],
        reason="edited: kontakt",
    )
    client.force_login(coordinator)
    html = client.get(reverse("directory:history", args=[organisation.slug])).content.decode()
    assert "Bearbeitet: Kontakt und Sichtbarkeit" in html
    assert "<dt>Bundesland</dt>" in html and "Bremen" in html and "Hamburg" in html
    assert "state_id" not in html and "edited:" not in html and "email_visibility" not in html
    assert "<dt>Eigene Räume</dt>" in html and "ja" in html
    assert "Öffentlich für alle" in html
