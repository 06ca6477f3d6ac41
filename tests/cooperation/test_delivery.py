"""Issue 15: every request reaches someone, and its sender sees how far it got.

An MO without a team gets the request at its address on record (relayed, with a
one-time link to read, answer and take over the profile); an MO nobody can reach
is refused before anybody writes; the delivery status follows the request."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation import services
from cooperation.models import CooperationRequest
from directory.models import Claim, Membership
from directory.team import owner_assign
from mailer.models import OutgoingMail
from mailer.services import deliver, deliver_due
from support.models import Interest, Mentor, SupportOffer
from tests import personas
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db

REQUEST = {
    "subject": "Erstberatung auf Russisch",
    "message": "Wir suchen einen Partner für die Erstberatung.",
    "timeframe": "ab März",
}
HIDDEN = "vorstand@ohne-team.example"


@pytest.fixture
def teamless():
    """An imported profile: published, an address on record hidden from everybody."""
    return make_organisation(
        "Ohne Team e. V.", slug="ohne-team", email=HIDDEN, email_visibility="hidden"
    )


@pytest.fixture
def nobody():
    return make_organisation(
        "Niemand e. V.", slug="niemand", phone="+49 40 123456", phone_visibility="public"
    )


def _send(client, organisation, **extra):
    return client.post(reverse("cooperation:new", args=[organisation.slug]), {**REQUEST, **extra})


def _link(mail_body):
    return re.search(r"https?://\S+/anfragen/antwort/\S+/", mail_body).group(0)


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_request_to_an_mo_without_team_goes_to_its_address_once(
    client, institution_user, teamless
):
    client.force_login(institution_user)
    response = _send(client, teamless)
    request = CooperationRequest.objects.get()
    assert response.status_code == 302
    [mail] = OutgoingMail.objects.all()
    assert mail.to == HIDDEN and mail.template == "request-received-relayed"
    # Relayed: no Reply-To to the sender, and the sender's address is not in the mail.
    assert mail.reply_to == "" and institution_user.email not in mail.body_text
    assert "/anfragen/antwort/" in mail.body_text
    assert request.delivered_via == "address" and request.delivery == "waiting"
    # The sender is told what happened and never sees the hidden address.
    page = client.get(response["Location"]).content.decode()
    assert "E-Mail-Adresse der Organisation weiter" in page
    assert HIDDEN not in page and "wartet auf Zustellung" in page
    assert "Die Organisation wird benachrichtigt" not in page


def test_the_link_lets_the_mo_read_answer_and_the_status_follows(
    client, institution_user, teamless, mailoutbox
):
    client.force_login(institution_user)
    _send(client, teamless)
    request = CooperationRequest.objects.get()
    deliver_due()
    request.refresh_from_db()
    assert request.delivery == "delivered"  # the outbox reported the mail as sent
    url = _path(_link(mailoutbox[0].body))
    mailoutbox.clear()

    client.logout()
    page = client.get(url)
    assert page.status_code == 200 and REQUEST["message"] in page.content.decode()
    request.refresh_from_db()
    assert request.delivery == "read" and request.read_at is not None

    response = client.post(url, {"author_name": "Olga Vorstand", "body": "Gern, rufen Sie an."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.delivery == "answered" and request.answered_at is not None
    [message] = request.messages.all()
    assert message.from_recipient and message.author is None
    assert message.author_name == "Olga Vorstand"
    deliver_due()
    assert [m.to for m in mailoutbox] == [[institution_user.email]]

    client.force_login(institution_user)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Gern, rufen Sie an." in page and "Olga Vorstand" in page and "beantwortet" in page


def test_an_empty_answer_through_the_link_is_a_clear_400(client, institution_user, teamless):
    client.force_login(institution_user)
    _send(client, teamless)
    url = _path(_link(OutgoingMail.objects.get().body_text))
    client.logout()
    response = client.post(url, {"author_name": "", "body": ""})
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not CooperationRequest.objects.get().messages.exists()


def test_the_link_stops_working_when_the_address_changes_or_a_team_exists(
    client, institution_user, teamless, editor_b
):
    client.force_login(institution_user)
    _send(client, teamless)
    url = _path(_link(OutgoingMail.objects.get().body_text))
    client.logout()
    assert client.get(url).status_code == 200
    teamless.email = "neu@ohne-team.example"
    teamless.save()
    assert client.get(url).status_code == 404
    teamless.email = HIDDEN
    teamless.save()
    assert client.get(url).status_code == 200
    Membership.objects.create(user=editor_b, organisation=teamless, role="editor")
    response = client.get(url)
    assert response.status_code == 404 and "gilt nicht mehr" in response.content.decode()
    assert client.get(url[:-5] + "xxxx/").status_code == 404  # forged


def test_the_link_expires(client, institution_user, teamless, settings):
    client.force_login(institution_user)
    _send(client, teamless)
    url = _path(_link(OutgoingMail.objects.get().body_text))
    settings.REQUEST_LINK_DAYS = 0
    client.logout()
    assert client.get(url).status_code == 404


def test_a_follow_up_from_the_sender_is_relayed_with_a_new_link(client, institution_user, teamless):
    client.force_login(institution_user)
    _send(client, teamless)
    request = CooperationRequest.objects.get()
    first = _path(_link(OutgoingMail.objects.get().body_text))
    client.post(request.get_absolute_url(), {"body": "Noch eine Frage."})
    follow_up = OutgoingMail.objects.get(template="request-reply-relayed")
    assert follow_up.to == HIDDEN and follow_up.reply_to == ""
    second = _path(_link(follow_up.body_text))
    client.logout()
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 404  # only the newest link works


def test_the_link_takes_over_the_profile_once_with_a_verified_claim(
    client, institution_user, teamless, member
):
    client.force_login(institution_user)
    _send(client, teamless)
    url = _path(_link(OutgoingMail.objects.get().body_text))
    client.logout()
    claim_url = url + "uebernehmen/"
    page = client.get(claim_url)
    assert page.status_code == 200 and "Anmelden und fortfahren" in page.content.decode()
    assert client.post(claim_url, {"message": "x"})["Location"].startswith(reverse("login"))

    client.force_login(member)
    response = client.post(claim_url, {"message": "Ich bin die Vorsitzende."})
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.organisation == teamless and claim.user == member
    assert claim.verified_address == HIDDEN and claim.status == "pending"
    # Single use: a second take-over through the same link is refused.
    other = personas.create("member", email="zweite@example.org")
    client.force_login(other)
    assert client.post(claim_url, {"message": ""}).status_code == 409
    assert Claim.objects.count() == 1
    # Coordinators see that the claimant proved the address on record.
    coordinator = personas.create("coordinator")
    client.force_login(coordinator)
    queue = client.get(reverse("directory:review_queue")).content.decode()
    assert "Adresse bestätigt" in queue


def test_an_mo_nobody_can_reach_is_explained_before_writing_and_refused(
    client, institution_user, nobody, coordinator
):
    client.force_login(institution_user)
    page = client.get(reverse("cooperation:new", args=[nobody.slug])).content.decode()
    assert "nicht erreichbar" in page and "+49 40 123456" in page
    assert 'name="message"' not in page  # nothing to write in vain
    response = _send(client, nobody)
    assert response.status_code == 409 and "nicht gesendet" in response.content.decode()
    assert not CooperationRequest.objects.exists() and not OutgoingMail.objects.exists()

    client.force_login(coordinator)
    # The old list is the tab "Ohne E-Mail" of "Profile aktuell halten" now.
    old = client.get(reverse("unreachable"))
    assert old.status_code == 301 and old.url == reverse("outreach") + "?liste=ohne-e-mail"
    listing = client.get(old.url)
    names = [row.organisation.name for row in listing.context["rows"]]
    assert "Niemand e. V." in names
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("outreach") + "?liste=ohne-e-mail" in dashboard


def test_a_hidden_phone_is_not_offered_as_alternative(client, institution_user):
    mo = make_organisation("Still e. V.", phone="+49 40 999999", phone_visibility="hidden")
    client.force_login(institution_user)
    page = client.get(reverse("cooperation:new", args=[mo.slug])).content.decode()
    assert "nicht erreichbar" in page and "999999" not in page


def test_a_mail_that_finally_fails_makes_the_request_undeliverable(
    client, institution_user, teamless, coordinator
):
    client.force_login(institution_user)
    _send(client, teamless)
    mail = OutgoingMail.objects.get()
    OutgoingMail.objects.filter(pk=mail.pk).update(attempts=7)
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND="tests.cooperation.test_delivery.DownBackend"):
        deliver(mail.pk)
    request = CooperationRequest.objects.get()
    assert request.delivery == "undeliverable"
    client.force_login(coordinator)
    page = client.get(reverse("request_worklist")).content.decode()
    assert "Ohne Team e. V." in page and "nicht zustellbar" in page
    assert REQUEST["message"] not in page  # the content stays between the two sides


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_the_work_list_holds_unanswered_requests_newest_first(
    institution_user, mo_a, editor_a, settings
):
    settings.REQUEST_UNANSWERED_DAYS = 7
    now = timezone.now()
    old = services.request_send(sender=institution_user, organisation=mo_a, **REQUEST)
    older = services.request_send(sender=institution_user, organisation=mo_a, **REQUEST)
    fresh = services.request_send(sender=institution_user, organisation=mo_a, **REQUEST)
    answered = services.request_send(sender=institution_user, organisation=mo_a, **REQUEST)
    CooperationRequest.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(8))
    CooperationRequest.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(9))
    CooperationRequest.objects.filter(pk=answered.pk).update(created_at=now - datetime.timedelta(9))
    services.request_reply(cooperation_request=answered, author=editor_a, body="Ja")
    assert list(services.worklist()) == [old, older]
    assert fresh not in services.worklist()


def test_team_requests_are_delivered_read_and_answered(
    client, institution_user, mo_a, editor_a, sent_mail
):
    client.force_login(institution_user)
    _send(client, mo_a)
    request = CooperationRequest.objects.get()
    assert request.delivery == "delivered" and request.delivered_via == "team"
    assert [m.to for m in sent_mail()] == [[editor_a.email]]
    client.get(request.get_absolute_url())  # the sender looking does not make it read
    request.refresh_from_db()
    assert request.delivery == "delivered"
    client.force_login(editor_a)
    client.get(request.get_absolute_url())
    request.refresh_from_db()
    assert request.delivery == "read"
    client.post(request.get_absolute_url(), {"body": "Gern."})
    request.refresh_from_db()
    assert request.delivery == "answered"


def test_the_unread_counter_costs_one_query_and_counts_right(
    client, institution_user, mo_a, editor_a
):
    client.force_login(institution_user)
    _send(client, mo_a)
    _send(client, mo_a)
    request = CooperationRequest.objects.first()
    client.force_login(editor_a)
    page = client.get(reverse("support:catalogue")).content.decode()
    assert re.search(r'id="unread-requests">2<', page)
    client.get(request.get_absolute_url())
    page = client.get(reverse("support:catalogue")).content.decode()
    assert re.search(r'id="unread-requests">1<', page)
    client.post(request.get_absolute_url(), {"body": "Gern."})

    client.force_login(institution_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("support:catalogue")).content.decode()
    assert re.search(r'id="unread-requests">1<', page)  # the answer
    counting = [q for q in queries.captured_queries if "cooperation_cooperationrequest" in q["sql"]]
    assert len(counting) == 1
    client.get(request.get_absolute_url())
    page = client.get(reverse("support:catalogue")).content.decode()
    assert 'id="unread-requests"' not in page
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("support:catalogue"))
    assert not [q for q in queries.captured_queries if "cooperationrequest" in q["sql"]]


def test_tandem_requests_reach_a_mentor_without_team_or_are_refused(client, editor_a):
    mentor_mo = make_organisation("Mentor e. V.", slug="mentor", email="mentor@example.org")
    mentor = Mentor.objects.create(organisation=mentor_mo, description="Erfahrung", nationwide=True)
    silent_mo = make_organisation("Stummer Mentor e. V.", slug="stumm")
    silent = Mentor.objects.create(organisation=silent_mo, description="Erfahrung", nationwide=True)
    client.force_login(editor_a)
    data = {"subject": "Tandem", "message": "Hallo"}
    assert client.post(reverse("support:tandem", args=[mentor.pk]), data).status_code == 302
    [mail] = OutgoingMail.objects.all()
    assert mail.to == "mentor@example.org" and "Tandemanfrage" in mail.subject
    page = client.get(reverse("support:tandem", args=[silent.pk])).content.decode()
    assert "nicht erreichbar" in page
    assert client.post(reverse("support:tandem", args=[silent.pk]), data).status_code == 409
    assert CooperationRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("team", "address", "expected"),
    [
        (True, "anbieter@example.org", "team"),
        (False, "anbieter@example.org", "anbieter@example.org"),
        (False, "", "kontakt@example.org"),
    ],
)
def test_offer_interest_reaches_the_provider(editor_a, mo_a, team, address, expected):
    provider = make_organisation("Anbieter e. V.", slug="anbieter", email=address)
    provider_owner = personas.create("editor_b")
    if team:
        owner_assign(organisation=provider, user=provider_owner)
    offer = SupportOffer.objects.create(
        title="Coaching",
        provider_organisation=provider,
        format=term("support_format", "coaching"),
        description="x",
        contact_email="kontakt@example.org",
    )
    from support.services import interest_register

    interest_register(offer=offer, organisation=mo_a, by=editor_a, message="Gern")
    assert Interest.objects.count() == 1
    [mail] = OutgoingMail.objects.all()
    assert mail.to == (provider_owner.email if expected == "team" else expected)
    assert mail.template == "interest-registered"
