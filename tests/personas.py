"""The cast of the whole suite: every persona defined once.

The fixtures in ``tests/conftest.py`` (one persona per test) and the page world in
``tests/pages.py`` (the browser, markup, permission and XSS tables) create their
people here, so a persona is the same person wherever a test meets it.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import InstitutionVerification
from accounts.roles import make_coordinator
from directory.vocabulary import get_vocabulary

PASSWORD = "pw"

# Institution personas that a coordinator has verified.
VERIFIED_INSTITUTIONS = {"institution"}

CAST: dict[str, dict[str, Any]] = {
    # A coordinator of the Fach AG: reviews profiles, curates the guide and vocabulary.
    "coordinator": {"email": "koordination@example.org", "name": "Kora Koordination"},
    # Institution staff (Jobcenter Schwerin), verified by a coordinator: finds MOs,
    # sends requests, sees contacts MOs share with institutions.
    "institution": {
        "email": "jobcenter@example.org",
        "name": "Jana Berger",
        "account_type": "institution",
        "institution_name": "Jobcenter Schwerin",
        "institution_type": ("institution_type", "jobcenter"),
        "institution_state": ("state", "mecklenburg-vorpommern"),
    },
    # Signed up as an institution ("Fake-Amt") with a free-mail address and confirmed
    # it: not verified, so an ordinary signed-in user (public contact data only).
    "institution_unverified": {
        "email": "fake@gmx.de",
        "name": "Fritz Fake",
        "account_type": "institution",
        "institution_name": "Fake-Amt",
        "institution_type": ("institution_type", "jobcenter"),
        "institution_state": ("state", "berlin"),
    },
    # The owner of Kontakt e. V. in the page world (a volunteer; Russian is her first
    # language).
    "kontakt_owner": {"email": "verein@example.org", "name": "Olga Petrowa"},
    # The owners of MO A and MO B in the fixtures: an editor and another MO's editor.
    "editor_a": {"email": "editor-a@example.org", "name": "Editor A"},
    "editor_b": {"email": "editor-b@example.org", "name": "Editor B"},
    # Signed in, without any right.
    "member": {"email": "mitglied@example.org", "name": "Mitglied"},
}


def create(persona: str, **overrides: Any) -> Any:
    """The persona's account (a coordinator is put into the coordinators' group)."""
    values = {**CAST[persona], **overrides}
    vocab = get_vocabulary()
    for field in ("institution_type", "institution_state"):
        if isinstance(values.get(field), tuple):
            values[field] = vocab.get(*values[field])
    if persona == "institution_unverified":
        values.setdefault("email_verified_at", timezone.now())
    user = get_user_model().objects.create_user(password=PASSWORD, **values)
    if persona == "coordinator":
        make_coordinator(user)
    if persona in VERIFIED_INSTITUTIONS:
        InstitutionVerification.objects.create(
            user=user,
            method=InstitutionVerification.Method.COORDINATOR,
            reason="Persona: Jobcenter, telefonisch bestätigt",
        )
    return user
