"""Issue 15, finding 4: sending a profile back says what actually happened."""

import pytest
from django.urls import reverse

from directory.team import owner_assign
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _send_back(client, organisation):
    url = reverse("directory:review", args=[organisation.slug])
    response = client.post(url, {"action": "send_back", "comment": "Bitte ergänzen"}, follow=True)
    return response.content.decode()


def test_a_profile_with_a_team_tells_the_team(client, coordinator):
    mo = make_organisation("Mit Team e. V.", status="in_review")
    owner_assign(organisation=mo, user=personas.create("editor_a"))
    client.force_login(coordinator)
    assert "Das Team wurde benachrichtigt" in _send_back(client, mo)
    assert OutgoingMail.objects.get().template == "review-sent-back"


def test_a_profile_without_team_is_told_at_its_address(client, coordinator):
    mo = make_organisation("Ohne Team e. V.", status="in_review", email="info@ohne.example")
    client.force_login(coordinator)
    page = _send_back(client, mo)
    assert "Das Team wurde benachrichtigt" not in page
    assert "per E-Mail an die Adresse der Organisation" in page
    [mail] = OutgoingMail.objects.all()
    assert mail.to == "info@ohne.example" and mail.reply_to == coordinator.email
    assert "Bitte ergänzen" in mail.body_text


def test_a_profile_nobody_can_reach_tells_the_coordinator_to_act(client, coordinator):
    mo = make_organisation("Niemand e. V.", status="in_review", incomplete=True)  # no address
    client.force_login(coordinator)
    page = _send_back(client, mo)
    assert "Das Team wurde benachrichtigt" not in page
    assert "niemand wurde benachrichtigt" in page
    assert not OutgoingMail.objects.exists()
