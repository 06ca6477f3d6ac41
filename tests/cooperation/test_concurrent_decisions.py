"""Accept vs. decline of one cooperation request (issue 16, "Concurrent writes
at the database"): a conditional update decides, so one decision applies with
one mail and the other is refused with a message, never a 500."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from cooperation import services, views
from cooperation.models import CooperationRequest
from directory.team import owner_assign
from directory.vocabulary import invalidate_vocabulary
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

ROUNDS = 8
REQUEST = {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", "timeframe": "ab Mai"}


@pytest.fixture
def vocabulary(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()


def _decide(cooperation_request, by, accept):
    def run():
        try:
            services.request_decide(cooperation_request=cooperation_request, by=by, accept=accept)
        except services.RequestError:
            return "refused"
        return "accepted" if accept else "declined"

    return run


def _decided_mails(sender):
    return OutgoingMail.objects.filter(to=sender.email, template="request-decided").count()


@pytest.mark.postgres
def test_accept_and_decline_at_once_decide_once_with_one_mail(vocabulary):
    organisation = make_organisation("Zwei Stimmen e. V.", slug="zwei-stimmen")
    owner, colleague = personas.create("editor_a"), personas.create("editor_b")
    owner_assign(organisation=organisation, user=owner)
    organisation.memberships.create(user=colleague)
    sender = personas.create("institution")
    for _round in range(ROUNDS):
        created = services.request_send(sender=sender, organisation=organisation, **REQUEST)
        # Both editors opened the request while it was open.
        one, two = (CooperationRequest.objects.get(pk=created.pk) for _ in range(2))
        results = parallel(_decide(one, owner, True), _decide(two, colleague, False))
        assert sorted(results) in (["accepted", "refused"], ["declined", "refused"]), results
        stored = CooperationRequest.objects.get(pk=created.pk)
        assert stored.status == next(r for r in results if r != "refused")
    assert _decided_mails(sender) == ROUNDS


@pytest.mark.django_db
def test_a_decision_on_a_request_decided_meanwhile_changes_nothing(
    client, institution_user, mo_a, editor_a
):
    created = services.request_send(sender=institution_user, organisation=mo_a, **REQUEST)
    seen = CooperationRequest.objects.get(pk=created.pk)
    services.request_decide(cooperation_request=created, by=editor_a, accept=False)
    with pytest.raises(services.RequestError):
        services.request_decide(cooperation_request=seen, by=editor_a, accept=True)
    assert CooperationRequest.objects.get(pk=created.pk).status == "declined"
    assert _decided_mails(institution_user) == 1

    # Through the page: the request was loaded as open, decided by a colleague
    # before this decision reached the database.
    client.force_login(editor_a)
    with mock.patch.object(views, "_participant_request", return_value=(seen, "recipient")):
        url = reverse("cooperation:decide", args=[seen.pk])
        response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("schon entschieden" in note for note in notes), notes
    assert CooperationRequest.objects.get(pk=created.pk).status == "declined"
    assert _decided_mails(institution_user) == 1
