"""Fixtures shared by the directory's tests."""

import pytest

from tests.factories import make_organisation


@pytest.fixture
def teamless(db):
    """A published profile without a team, with an e-mail and a postal address:
    the one invitations, letters and takeovers are about."""
    return make_organisation(
        "Club Dialog e. V.",
        slug="club-dialog",
        email="vorstand@club-dialog.example",
        street="Karl-Marx-Straße 12",
        postal_code="12043",
        city="Berlin",
    )
