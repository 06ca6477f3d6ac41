"""The cast of the whole suite: every persona defined once.

The fixtures in ``tests/conftest.py`` (one persona per test) and the page world in
``tests/pages.py`` (the browser, markup, permission and XSS tables) create their
people here, so a persona is the same person wherever a test meets it.
"""

from typing import Any

from django.contrib.auth import get_user_model

from accounts.roles import make_coordinator
from directory.vocabulary import get_vocabulary

PASSWORD = "pw"

CAST: dict[str, dict[str, Any]] = {
    # A coordinator of the Fach AG: reviews profiles, curates the guide and vocabulary.
    "coordinator": {"email": "koordination@example.org", "name": "Kora Koordination"},
    # Institution staff (Jobcenter Schwerin): finds MOs, sends requests, sees contacts
    # MOs share with institutions.
    "institution": {
        "email": "jobcenter@example.org",
        "name": "Jana Berger",
        "account_type": "institution",
        "institution_name": "Jobcenter Schwerin",
        "institution_type": ("institution_type", "jobcenter"),
        "institution_state": ("state", "mecklenburg-vorpommern"),
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
    user = get_user_model().objects.create_user(password=PASSWORD, **values)
    if persona == "coordinator":
        make_coordinator(user)
    return user
