"""Reproduction of issue 15 (delivery): each of these failed before the fix."""

import pytest
from django.urls import reverse

from cooperation.models import CooperationRequest
from mailer.models import OutgoingMail
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

REQUEST = {"subject": "Erstberatung", "message": "Wir suchen einen Partner.", "timeframe": ""}


def test_a_request_to_an_mo_without_team_reaches_its_address(client, institution_user):
    mo = make_organisation("Ohne Team e. V.", email="info@ohne-team.example")
    client.force_login(institution_user)
    client.post(reverse("cooperation:new", args=[mo.slug]), REQUEST)
    assert CooperationRequest.objects.count() == 1
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == ["info@ohne-team.example"]


def test_the_dashboard_shows_a_coordinator_their_own_count(client, coordinator, institution_user):
    mo = make_organisation("Ohne Team e. V.", email="info@ohne-team.example")
    client.force_login(institution_user)
    client.post(reverse("cooperation:new", args=[mo.slug]), REQUEST)
    client.force_login(coordinator)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Offene Kooperations- und Tandemanfragen: <strong>1</strong>" in page
