"""Exactly once (core/once.py): a repeated form is answered like the first time,
and neither parallel submits nor parallel senders pass a limit (issue 15,
"Twice is twice")."""

import datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation.models import CooperationRequest
from core.models import SubmittedForm
from core.once import FIELD, new_key
from directory.models import Invitation
from directory.vocabulary import invalidate_vocabulary
from mailer.models import OutgoingMail
from portal.management.commands.run_worker import DAILY
from support.models import Assessment
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

REQUEST = {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", "timeframe": "ab Mai"}


def _send(client, organisation, key=None, **data):
    payload = {**REQUEST, **data}
    if key is not None:
        payload[FIELD] = key
    return client.post(reverse("cooperation:new", args=[organisation.slug]), payload)


@pytest.mark.django_db
def test_a_double_click_sends_one_request_with_one_mail(client, institution_user, mo_a, editor_a):
    client.force_login(institution_user)
    key = new_key()
    first = _send(client, mo_a, key)
    mails = OutgoingMail.objects.count()
    second = _send(client, mo_a, key)
    assert CooperationRequest.objects.count() == 1
    assert mails == 1 and OutgoingMail.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    notes = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("schon abgeschickt" in note for note in notes)


@pytest.mark.django_db
def test_a_post_without_a_key_runs_as_before(client, institution_user, mo_a, editor_a):
    client.force_login(institution_user)
    assert _send(client, mo_a).status_code == 302
    assert _send(client, mo_a).status_code == 302
    assert CooperationRequest.objects.count() == 2
    assert not SubmittedForm.objects.exists()


@pytest.mark.django_db
def test_a_form_with_errors_forgets_its_key_so_the_corrected_form_goes_through(
    client, institution_user, mo_a, editor_a
):
    client.force_login(institution_user)
    key = new_key()
    assert _send(client, mo_a, key, subject="").status_code == 400
    assert not SubmittedForm.objects.filter(key=key).exists()
    assert _send(client, mo_a, key).status_code == 302
    assert CooperationRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_key_of_another_person_is_refused_and_changes_nothing(client, mo_a, editor_a):
    first, second = (
        personas.create("institution", email=f"amt{n}@example.org", name=f"Amt {n}")
        for n in range(2)
    )
    key = new_key()
    client.force_login(first)
    assert _send(client, mo_a, key).status_code == 302
    client.force_login(second)
    assert _send(client, mo_a, key).status_code == 400
    assert CooperationRequest.objects.get().sender == first


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["kurz", "x" * 65, "<script>alert(1)</script>-----"])
def test_a_malformed_key_is_a_clean_400(client, institution_user, mo_a, editor_a, key):
    client.force_login(institution_user)
    assert _send(client, mo_a, key).status_code == 400
    assert not CooperationRequest.objects.exists()


@pytest.mark.django_db
def test_a_server_error_keeps_nothing_neither_the_request_nor_the_key(
    client, institution_user, mo_a, editor_a
):
    client.force_login(institution_user)
    client.raise_request_exception = False
    key = new_key()
    with mock.patch("cooperation.views.redirect", side_effect=RuntimeError("after the write")):
        assert _send(client, mo_a, key).status_code == 500
    assert not CooperationRequest.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert _send(client, mo_a, key).status_code == 302  # the retry is carried out
    assert CooperationRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_repeated_sign_up_gets_the_same_page_and_one_mail():
    data = {
        "account_type": "organisation",
        "name": "Olga Petrowa",
        "email": "olga@example.org",
        "password": "ein-langes-passwort-2026",
        "privacy": "on",
        FIELD: new_key(),
    }
    first = Client().post(reverse("signup"), data)
    second = Client().post(reverse("signup"), data)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert "olga@example.org" in second.content.decode()
    assert OutgoingMail.objects.filter(to="olga@example.org").count() == 1


@pytest.mark.django_db
def test_keys_are_purged_after_a_day_by_the_worker(client, institution_user, mo_a, editor_a):
    client.force_login(institution_user)
    _send(client, mo_a, new_key())
    old = SubmittedForm.objects.create(
        key=new_key(),
        view_name="cooperation:new",
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1),
    )
    assert ("purge_submitted_forms", []) in DAILY
    call_command("purge_submitted_forms")
    assert not SubmittedForm.objects.filter(pk=old.pk).exists()
    assert SubmittedForm.objects.count() == 1  # the recent one stays


# Parallel submits: real threads, each with its own database connection, on
# PostgreSQL (where requests of several server processes meet).


@pytest.fixture
def vocabulary(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()


def _parallel(count, action):
    """Run ``action(i)`` in ``count`` threads released at the same moment."""
    return parallel(*[lambda i=i: action(i) for i in range(count)])


def _signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def _as(user):
    """A fresh client per thread with the user's session."""
    cookies = _signed_in_client(user).cookies

    def client():
        fresh = Client()
        fresh.raise_request_exception = False
        fresh.cookies = cookies
        return fresh

    return client


@pytest.mark.postgres
def test_parallel_identical_requests_create_one_request_and_no_error(vocabulary, settings):
    settings.RATELIMIT_ENABLE = False
    organisation = make_organisation("Parallel e. V.", slug="parallel")
    team = personas.create("editor_a")
    from directory.team import owner_assign

    owner_assign(organisation=organisation, user=team)
    sender = personas.create("institution")
    client, key = _as(sender), new_key()
    responses = _parallel(5, lambda i: _send(client(), organisation, key))

    assert [r.status_code for r in responses] == [302] * 5
    assert len({r["Location"] for r in responses}) == 1
    assert CooperationRequest.objects.count() == 1
    assert OutgoingMail.objects.filter(to=team.email).count() == 1


@pytest.mark.postgres
def test_the_daily_limit_holds_under_15_parallel_posts(vocabulary, settings):
    settings.RATELIMIT_ENABLE = False  # the database limit is under test, not the cache's
    settings.REQUESTS_PER_DAY = 10
    organisation = make_organisation("Viele e. V.", slug="viele", email="info@viele.example")
    sender = personas.create("institution")
    client = _as(sender)
    responses = _parallel(15, lambda i: _send(client(), organisation, new_key(), subject=f"A{i}"))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302] * 10 + [429] * 5
    assert CooperationRequest.objects.filter(sender=sender).count() == 10


@pytest.mark.postgres
def test_parallel_sign_ups_for_one_address_answer_all_without_error(vocabulary, settings):
    settings.RATELIMIT_ENABLE = False
    data = {
        "account_type": "organisation",
        "name": "Olga Petrowa",
        "email": "olga@example.org",
        "password": "ein-langes-passwort-2026",
        "privacy": "on",
    }

    def sign_up(i):
        client = Client()
        client.raise_request_exception = False
        return client.post(reverse("signup"), data).status_code

    assert _parallel(6, sign_up) == [200] * 6
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(email="olga@example.org").count() == 1


@pytest.mark.postgres
def test_pending_invitations_of_an_unpublished_profile_hold_their_limit_in_parallel(
    vocabulary, settings
):
    from directory.team import TeamError, invitation_send, owner_assign

    settings.INVITATIONS_PENDING_UNPUBLISHED = 3
    draft = make_organisation("Entwurf e. V.", slug="entwurf", status="draft")
    owner = personas.create("editor_a")
    owner_assign(organisation=draft, user=owner)

    def invite(i):
        try:
            invitation_send(
                organisation=draft, email=f"person{i}@example.org", by=owner, language="de"
            )
        except TeamError:
            return "refused"
        return "sent"

    results = _parallel(8, invite)
    assert results.count("sent") == 3 and results.count("refused") == 5
    assert Invitation.objects.filter(organisation=draft).count() == 3


@pytest.mark.postgres
def test_parallel_starts_of_a_needs_assessment_open_one_round(vocabulary):
    from support.services import assessment_start

    organisation = make_organisation("Runde e. V.", slug="runde")
    owner = personas.create("editor_a")
    rounds = _parallel(6, lambda i: assessment_start(organisation=organisation, by=owner).pk)
    assert len(set(rounds)) == 1
    assert Assessment.objects.filter(organisation=organisation).count() == 1


@pytest.mark.postgres
def test_parallel_shortlist_adds_without_a_key_keep_one_entry_and_no_error(vocabulary):
    from finder.models import ShortlistEntry

    organisation = make_organisation("Merken e. V.", slug="merken")
    user = personas.create("institution")
    client = _as(user)
    url = reverse("shortlist_toggle", args=[organisation.slug])
    responses = _parallel(4, lambda i: client().post(url))
    assert {r.status_code for r in responses} == {302}
    assert ShortlistEntry.objects.filter(user=user, organisation=organisation).count() <= 1
