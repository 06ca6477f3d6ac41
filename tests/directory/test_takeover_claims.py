"""Issue 19, gap 2: an invitation and the claims of one profile end each other.
Taking a profile over through an invitation closes the other people's pending
claims (with the reason, in a polite mail in their language); a coordinator's
approval of a claim revokes the profile's open invitation."""

import pytest
from django.db import connection

from directory import outreach, team
from directory.models import Claim, Membership, TakeoverInvitation
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

pytestmark = pytest.mark.django_db


def _profile():
    return make_organisation("Verein ohne Team", email="info@verein.example", street="Weg 1")


def _claim(organisation, persona, **fields):
    user = personas.create(persona, **fields)
    return team.claim_create(organisation=organisation, user=user, message="Das ist unser Verein.")


@pytest.mark.parametrize("channel", ["email", "letter"])
def test_a_takeover_closes_the_pending_claims_of_others_and_tells_them_why(
    channel, member, coordinator
):
    organisation = _profile()
    german = _claim(organisation, "editor_a")
    english = _claim(organisation, "editor_b", language="en")
    own = team.claim_create(organisation=organisation, user=member, message="")
    other_profile = make_organisation("Anderer Verein")
    elsewhere = _claim(other_profile, "institution")
    issued = outreach.invitation_issue(organisation=organisation, channel=channel, by=coordinator)
    invitation = (
        outreach.invitation_by_token(issued.secret)
        if channel == "email"
        else outreach.invitation_by_code(issued.code)
    )
    OutgoingMail.objects.all().delete()

    outreach.invitation_redeem(invitation=invitation, user=member)

    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses == {
        german.pk: "rejected",
        english.pk: "rejected",
        own.pk: "confirmed",  # the new owner's own claim is answered by the takeover
        elsewhere.pk: "pending",  # another profile's claim is not touched
    }
    assert Claim.objects.get(pk=german.pk).decided_at is not None
    mails = {m.to: m for m in OutgoingMail.objects.filter(template="claim-closed")}
    assert set(mails) == {"editor-a@example.org", "editor-b@example.org"}
    de, en = mails["editor-a@example.org"], mails["editor-b@example.org"]
    assert "Grund: Profil wurde über eine Einladung übernommen." in de.body_text
    assert "Vielen Dank für Ihre Anfrage zum Profil von Verein ohne Team" in de.body_text
    assert "Reason: The profile was taken over through an invitation." in en.body_text
    assert "Thank you for your request" in en.body_text and "Grund" not in en.body_text
    assert en.subject == "Your request about Verein ohne Team"


def test_approving_a_claim_revokes_the_open_invitation(member, coordinator):
    organisation = _profile()
    claim = _claim(organisation, "editor_a")
    issued = outreach.invitation_issue(organisation=organisation, channel="email", by=coordinator)
    team.claim_decide(claim=claim, by=coordinator, confirm=True)

    stored = TakeoverInvitation.objects.get()
    assert stored.revoked_at is not None and stored.used_at is None
    invitation = outreach.invitation_by_token(issued.secret)
    # The reader is told the truth: the profile has a team now (not "a newer invitation").
    assert outreach.invitation_open_for(invitation) == "has team"
    with pytest.raises(outreach.OutreachError, match="has team"):
        outreach.invitation_redeem(invitation=invitation, user=member)
    assert organisation.memberships.get().user.email == "editor-a@example.org"


def test_rejecting_a_claim_leaves_the_invitation_open(member, coordinator):
    organisation = _profile()
    claim = _claim(organisation, "editor_a")
    issued = outreach.invitation_issue(organisation=organisation, channel="letter", by=coordinator)
    team.claim_decide(claim=claim, by=coordinator, confirm=False)
    invitation = outreach.invitation_by_code(issued.code)
    assert outreach.invitation_open_for(invitation) == ""
    outreach.invitation_redeem(invitation=invitation, user=member)
    assert organisation.memberships.get().user == member


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.parametrize("channel", ["email", "letter"])
def test_an_approval_and_a_takeover_at_once_make_exactly_one_owner(channel):
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions: PostgreSQL")
    coordinator = personas.create("coordinator")
    reader = personas.create("member")
    organisation = _profile()
    claim = _claim(organisation, "editor_a")
    issued = outreach.invitation_issue(organisation=organisation, channel=channel, by=coordinator)
    invitation = (
        outreach.invitation_by_token(issued.secret)
        if channel == "email"
        else outreach.invitation_by_code(issued.code)
    )

    def approve():
        try:
            team.claim_decide(claim=claim, by=coordinator, confirm=True)
        except team.TeamError as error:
            return str(error)
        return "approved"

    def take_over():
        try:
            outreach.invitation_redeem(invitation=invitation, user=reader)
        except outreach.OutreachError as error:
            return str(error)
        return "taken over"

    results = parallel(approve, take_over)
    assert results in (["approved", "has team"], ["decided", "taken over"])
    owners = Membership.objects.filter(organisation=organisation, role="owner")
    assert owners.count() == 1 and organisation.memberships.count() == 1
    stored = TakeoverInvitation.objects.get()
    claim.refresh_from_db()
    if results[0] == "approved":
        assert owners.get().user_id == claim.user_id
        assert stored.revoked_at is not None and stored.used_at is None
        assert claim.status == "confirmed"
    else:
        assert owners.get().user_id == reader.pk
        assert stored.used_at is not None and claim.status == "rejected"
        assert OutgoingMail.objects.filter(template="claim-closed").count() == 1
