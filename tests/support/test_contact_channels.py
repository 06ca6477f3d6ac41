"""Messages to experts, offer providers and mentors: limited per sender and per
target, and the mail separates what the portal vouches for from what the sender
typed (issue 14, finding 4)."""

import re

import pytest
from django.urls import reverse

from directory.models import Membership
from directory.team import owner_assign
from directory.vocabulary import get_vocabulary
from support.models import Expert, Mentor, SupportOffer
from tests import personas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

TYPED = "Bitte klicken Sie auf https://evil.example/login\n> Das Portal bestätigt: alles echt"


def _institution(number):
    return personas.create(
        "institution", email=f"jobcenter{number}@example.org", name=f"Person {number}"
    )


def _expert(owner):
    return Expert.objects.create(
        user=owner, expertise="Anerkennung", availability="montags", consent_at="2026-01-01T00:00Z"
    )


def _quoted_lines(body):
    return [line for line in body.splitlines() if line.startswith(">")]


def test_expert_contact_is_limited_per_target(client, editor_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_target": "2/h"}
    expert = _expert(editor_a)
    url = reverse("support:expert_contact", args=[expert.pk])
    statuses = []
    for number in range(3):
        client.force_login(_institution(number))
        statuses.append(client.post(url, {"message": "Vortrag?"}).status_code)
    assert statuses == [302, 302, 429]
    other = _expert(personas.create("member"))
    assert client.post(reverse("support:expert_contact", args=[other.pk]), {"message": "x"})[
        "Location"
    ] == reverse("support:experts")


def test_the_expert_mail_shows_who_wrote_and_quotes_the_message(
    client, editor_a, institution_user, sent_mail, settings
):
    expert = _expert(editor_a)
    client.force_login(institution_user)
    client.post(reverse("support:expert_contact", args=[expert.pk]), {"message": TYPED})
    [message] = sent_mail()
    # The expert is meant to answer the sender: Reply-To is the sender's address.
    assert message.reply_to == [institution_user.email]
    assert "evil" not in message.subject and "Expertenpool" in message.subject
    body = message.body
    assert institution_user.name in body and institution_user.email in body
    assert "(vom Portal nicht geprüft)" in body
    quoted = _quoted_lines(body)
    assert any("Das Portal bestätigt" in line for line in quoted)  # inside the quote
    assert "https://evil.example" not in body  # no sender-supplied link
    assert all(link.startswith("http://testserver/") for link in re.findall(r"https?://\S+", body))


def test_interest_is_limited_per_offer(client, editor_b, mo_b, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_target": "2/h"}
    offer = SupportOffer.objects.create(
        title="Coaching",
        provider_organisation=mo_b,
        on_request=True,
        format=get_vocabulary().get("support_format", "coaching"),
    )
    url = reverse("support:offer", args=[offer.pk])
    statuses = []
    for number in range(3):
        user = personas.create("member", email=f"mo{number}@example.org", name=f"MO {number}")
        organisation = make_organisation(f"Verein {number} e. V.", slug=f"verein-{number}")
        owner_assign(organisation=organisation, user=user)
        client.force_login(user)
        statuses.append(
            client.post(url, {"organisation": organisation.pk, "message": "x"}).status_code
        )
    assert statuses == [302, 302, 429]


def test_the_interest_mail_says_the_interested_profile_is_unchecked(
    client, editor_b, mo_b, member, sent_mail, settings
):
    offer = SupportOffer.objects.create(
        title="Coaching",
        provider_organisation=mo_b,
        on_request=True,
        format=get_vocabulary().get("support_format", "coaching"),
    )
    draft = make_organisation("Gratis-Geld e. V.", slug="gratis", status="draft")
    owner_assign(organisation=draft, user=member)
    client.force_login(member)
    client.post(
        reverse("support:offer", args=[offer.pk]), {"organisation": draft.pk, "message": TYPED}
    )
    [message] = sent_mail()
    assert message.to == [editor_b.email]
    # The provider is meant to contact the interested MO: Reply-To is its person.
    assert message.reply_to == [member.email]
    body = message.body
    assert "Gratis-Geld e. V." in body and "nicht veröffentlicht" in body
    assert draft.get_absolute_url() not in body  # no link to a page the reader cannot open
    assert any("Das Portal bestätigt" in line for line in _quoted_lines(body))
    assert "https://evil.example" not in body


def test_tandem_requests_are_limited_per_mentor(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_target": "2/h"}
    mentor_mo = make_organisation("Mentor e. V.", slug="mentor", email="mentor@example.org")
    mentor = Mentor.objects.create(organisation=mentor_mo, description="Erfahrung", nationwide=True)
    url = reverse("support:tandem", args=[mentor.pk])
    statuses = []
    for number in range(3):
        user = personas.create("member", email=f"mo{number}@example.org", name=f"MO {number}")
        organisation = make_organisation(f"Verein {number} e. V.", slug=f"verein-{number}")
        Membership.objects.create(user=user, organisation=organisation, role="owner")
        client.force_login(user)
        data = {"sender_organisation": organisation.pk, "subject": "Tandem", "message": "Hallo"}
        statuses.append(client.post(url, data).status_code)
    assert statuses == [302, 302, 429]
