"""Decisions that two requests can race (issue 16, "Concurrent writes at the
database"): approve vs. edit of a profile in review, two approvals, claim vs.
claim, invitation accept twice or accept vs. withdraw, ownership transfer vs.
removal. Each deciding service locks the row it decides on and checks the state
again inside the lock; a decision that no longer fits changes nothing.

The races run in real threads on PostgreSQL; the "no longer fits" answers are
checked one after the other on both databases."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from directory import review_views, services, team
from directory.models import Claim, Invitation, Membership, Organisation
from directory.vocabulary import TERM_RELATIONS, invalidate_vocabulary
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import COMPLETE_DESCRIPTION, make_organisation, term
from tests.parallel import parallel

ROUNDS = 8


@pytest.fixture
def vocabulary(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()


# A text long enough to be published (directory.completeness).
REVIEWED = f"geprüft. {COMPLETE_DESCRIPTION}"


def _in_review(slug, **values):
    return make_organisation(
        f"{slug.title()} e. V.", slug=slug, status="in_review", description=REVIEWED, **values
    )


def _approve(organisation, by):
    def run():
        try:
            services.organisation_approve(organisation=organisation, by=by)
        except services.ReviewError:
            return "refused"
        return "approved"

    return run


def _mails(template):
    return OutgoingMail.objects.filter(template=template).count()


# Approve vs. edit ---------------------------------------------------------------


@pytest.mark.postgres
def test_approve_and_edit_at_once_never_lose_the_edit_nor_publish_it_unseen(vocabulary):
    coordinator = personas.create("coordinator")
    editor = personas.create("editor_a")
    outcomes = []
    for n in range(ROUNDS):
        organisation = _in_review(f"rennen-{n}")
        owner_membership = team.owner_assign(organisation=organisation, user=editor)
        assert owner_membership.role == "owner"
        seen = Organisation.objects.get(pk=organisation.pk)  # what the coordinator decides on
        form = Organisation.objects.get(pk=organisation.pk)  # the editor's form
        form.description = "ungeprüft"

        def edit(form=form):
            services.organisation_save(organisation=form, by=editor, reason="edited: about")
            return "saved"

        outcome, _saved = parallel(_approve(seen, coordinator), edit)
        outcomes.append(outcome)
        stored = Organisation.objects.get(pk=organisation.pk)
        assert stored.description == "ungeprüft", f"round {n}: the confirmed edit was lost"
        published = list(stored.history.filter(status="published"))
        assert [r.description for r in published] == ([REVIEWED] if outcome == "approved" else [])
        reasons = sorted(stored.history.values_list("history_change_reason", flat=True))
        expected = ["approved"] if outcome == "approved" else []
        assert reasons == sorted(["created", "edited: about", *expected])
    assert _mails("review-approved") == outcomes.count("approved")


@pytest.mark.postgres
def test_two_coordinators_approving_at_once_publish_once_with_one_mail(vocabulary):
    first = personas.create("coordinator")
    second = personas.create("coordinator", email="zweite@example.org", name="Zweite")
    editor = personas.create("editor_a")
    for n in range(ROUNDS):
        organisation = _in_review(f"doppelt-{n}")
        team.owner_assign(organisation=organisation, user=editor)
        one, two = (Organisation.objects.get(pk=organisation.pk) for _ in range(2))
        results = parallel(_approve(one, first), _approve(two, second))
        assert sorted(results) == ["approved", "refused"], f"round {n}: {results}"
        history = organisation.history.filter(history_change_reason="approved")
        assert history.count() == 1
    assert _mails("review-approved") == ROUNDS


@pytest.mark.django_db
def test_an_approval_of_a_profile_edited_since_it_was_loaded_changes_nothing(coordinator):
    organisation = _in_review("spaet")
    seen = Organisation.objects.get(pk=organisation.pk)
    organisation.description = "ungeprüft"
    services.organisation_save(organisation=organisation, by=None, reason="edited: about")
    versions = organisation.history.count()

    with pytest.raises(services.ReviewError):
        services.organisation_approve(organisation=seen, by=coordinator)
    with pytest.raises(services.ReviewError):
        services.organisation_send_back(organisation=seen, by=coordinator, comment="Bitte ...")
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.status, stored.description) == ("in_review", "ungeprüft")
    assert organisation.history.count() == versions
    assert not OutgoingMail.objects.filter(template__startswith="review-").exclude(
        template="review-submitted"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "send_back"])
def test_the_review_page_says_when_the_profile_changed_during_the_decision(
    client, coordinator, action
):
    organisation = _in_review("geaendert")
    seen = Organisation.objects.get(pk=organisation.pk)
    organisation.description = "ungeprüft"
    services.organisation_save(organisation=organisation, by=None, reason="edited: about")
    client.force_login(coordinator)
    # The edit lands between the page's loading of the profile and the decision.
    with mock.patch.object(review_views, "get_object_or_404", return_value=seen):
        response = client.post(
            reverse("directory:review", args=[organisation.slug]),
            {"action": action, "comment": "Bitte ergänzen."},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:review", args=[organisation.slug])
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("inzwischen geändert" in note for note in notes), notes
    assert Organisation.objects.get(pk=organisation.pk).status == "in_review"


@pytest.mark.django_db
def test_an_approval_of_a_profile_no_longer_in_review_changes_nothing(coordinator):
    organisation = _in_review("zurueck")
    seen = Organisation.objects.get(pk=organisation.pk)
    services.organisation_send_back(organisation=organisation, by=coordinator, comment="Nein")
    with pytest.raises(services.ReviewError):
        services.organisation_approve(organisation=seen, by=coordinator)
    assert Organisation.objects.get(pk=organisation.pk).status == "draft"
    assert not organisation.history.filter(history_change_reason="approved").exists()


# Claims -------------------------------------------------------------------------


def _decide(claim, by, confirm=True):
    def run():
        try:
            team.claim_decide(claim=claim, by=by, confirm=confirm)
        except team.TeamError:
            return "refused"
        return "confirmed" if confirm else "rejected"

    return run


@pytest.mark.postgres
def test_two_claims_for_one_profile_confirmed_at_once_make_one_owner(vocabulary):
    first = personas.create("coordinator")
    second = personas.create("coordinator", email="zweite@example.org", name="Zweite")
    claimants = [personas.create("editor_a"), personas.create("editor_b")]
    for n in range(ROUNDS):
        organisation = make_organisation(f"Ohne {n} e. V.", slug=f"ohne-{n}")
        claims = [
            team.claim_create(organisation=organisation, user=user, message="Wir sind es.")
            for user in claimants
        ]
        results = parallel(_decide(claims[0], first), _decide(claims[1], second))
        assert sorted(results) == ["confirmed", "refused"], f"round {n}: {results}"
        owners = Membership.objects.filter(organisation=organisation, role="owner")
        assert owners.count() == 1
        statuses = sorted(Claim.objects.filter(organisation=organisation).values_list("status"))
        assert statuses == [("confirmed",), ("rejected",)]
    assert _mails("claim-confirmed") == ROUNDS


@pytest.mark.postgres
def test_one_claim_confirmed_and_rejected_at_once_is_decided_once(vocabulary):
    first = personas.create("coordinator")
    second = personas.create("coordinator", email="zweite@example.org", name="Zweite")
    claimant = personas.create("editor_a")
    for n in range(ROUNDS):
        organisation = make_organisation(f"Eins {n} e. V.", slug=f"eins-{n}")
        claim = team.claim_create(organisation=organisation, user=claimant, message="")
        results = parallel(_decide(claim, first, True), _decide(claim, second, False))
        assert results.count("refused") == 1, f"round {n}: {results}"
        claim.refresh_from_db()
        owners = Membership.objects.filter(organisation=organisation, role="owner").count()
        assert owners == (1 if claim.status == "confirmed" else 0)
    assert _mails("claim-confirmed") + _mails("claim-rejected") == ROUNDS


# Invitations --------------------------------------------------------------------


def _invite(organisation, owner, email="mitglied@example.org"):
    return team.invitation_send(organisation=organisation, email=email, by=owner, language="de")


def _accept(invitation, user):
    def run():
        try:
            team.invitation_accept(invitation=invitation, user=user)
        except team.TeamError as problem:
            return str(problem)
        return "accepted"

    return run


def _withdraw(invitation):
    def run():
        try:
            team.invitation_withdraw(invitation=invitation)
        except team.TeamError as problem:
            return str(problem)
        return "withdrawn"

    return run


@pytest.mark.postgres
def test_an_invitation_accepted_twice_at_once_is_accepted_once(vocabulary):
    owner, member = personas.create("editor_a"), personas.create("member")
    for n in range(ROUNDS):
        organisation = make_organisation(f"Einladung {n} e. V.", slug=f"einladung-{n}")
        team.owner_assign(organisation=organisation, user=owner)
        invitation = _invite(organisation, owner)
        copy = Invitation.objects.get(pk=invitation.pk)
        results = parallel(_accept(invitation, member), _accept(copy, member))
        assert sorted(results) == ["accepted", "used"], f"round {n}: {results}"
        assert Membership.objects.filter(organisation=organisation, user=member).count() == 1


@pytest.mark.postgres
def test_accept_and_withdraw_at_once_end_in_one_consistent_outcome(vocabulary):
    owner, member = personas.create("editor_a"), personas.create("member")
    for n in range(ROUNDS):
        organisation = make_organisation(f"Rueckzug {n} e. V.", slug=f"rueckzug-{n}")
        team.owner_assign(organisation=organisation, user=owner)
        invitation = _invite(organisation, owner)
        copy = Invitation.objects.get(pk=invitation.pk)
        accepted, withdrawn = parallel(_accept(invitation, member), _withdraw(copy))
        joined = Membership.objects.filter(organisation=organisation, user=member).exists()
        stored = Invitation.objects.filter(pk=invitation.pk).first()
        if accepted == "accepted":
            assert withdrawn == "used", f"round {n}: withdrawn after it was accepted"
            assert joined and stored is not None and stored.accepted_at is not None
        else:
            assert (accepted, withdrawn) == ("withdrawn", "withdrawn"), f"round {n}"
            assert not joined and stored is None


@pytest.mark.django_db
def test_accepting_a_withdrawn_invitation_or_withdrawing_an_accepted_one_changes_nothing(
    editor_a, mo_a, member, client
):
    invitation = _invite(mo_a, editor_a)
    copy = Invitation.objects.get(pk=invitation.pk)
    team.invitation_withdraw(invitation=invitation)
    with pytest.raises(team.TeamError, match="withdrawn"):
        team.invitation_accept(invitation=copy, user=member)
    assert not Membership.objects.filter(organisation=mo_a, user=member).exists()

    invitation = _invite(mo_a, editor_a, email="zwei@example.org")
    stale = Invitation.objects.get(pk=invitation.pk)
    other = personas.create("member", email="zwei@example.org", name="Zwei")
    team.invitation_accept(invitation=invitation, user=other)
    with pytest.raises(team.TeamError, match="used"):
        team.invitation_withdraw(invitation=stale)
    assert Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_team_page_says_when_a_withdrawal_came_too_late(client, editor_a, mo_a, member):
    invitation = _invite(mo_a, editor_a)
    client.force_login(editor_a)
    url = reverse("directory:invitation_withdraw", args=[mo_a.slug, invitation.pk])
    # The invited person accepts between the page's loading and the withdrawal.
    with mock.patch("directory.selfservice_views.get_object_or_404", return_value=invitation):
        team.invitation_accept(invitation=Invitation.objects.get(pk=invitation.pk), user=member)
        response = client.post(url)
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("schon angenommen" in note for note in notes), notes
    assert Membership.objects.filter(organisation=mo_a, user=member).exists()


# Ownership ----------------------------------------------------------------------


@pytest.mark.postgres
def test_a_transfer_and_a_removal_of_its_receiver_at_once_leave_exactly_one_owner(vocabulary):
    owner, member = personas.create("editor_a"), personas.create("member")
    for n in range(ROUNDS):
        organisation = make_organisation(f"Uebergabe {n} e. V.", slug=f"uebergabe-{n}")
        team.owner_assign(organisation=organisation, user=owner)
        target = Membership.objects.create(user=member, organisation=organisation)
        copy = Membership.objects.get(pk=target.pk)

        def transfer(target=target, organisation=organisation):
            try:
                team.ownership_transfer(organisation=organisation, to=target, by=owner)
            except team.TeamError:
                return "refused"
            return "transferred"

        def remove(copy=copy):
            try:
                team.membership_remove(membership=copy)
            except team.TeamError:
                return "refused"
            return "removed"

        results = parallel(transfer, remove)
        owners = list(Membership.objects.filter(organisation=organisation, role="owner"))
        assert len(owners) == 1, f"round {n}: {results}"
        if results[0] == "transferred":
            assert results[1] == "refused" and owners[0].user == member
        else:
            assert results == ["refused", "removed"] and owners[0].user == owner
            assert not Membership.objects.filter(organisation=organisation, user=member).exists()


@pytest.mark.postgres
def test_two_transfers_at_once_hand_over_once(vocabulary):
    owner = personas.create("editor_a")
    members = [personas.create("member"), personas.create("editor_b")]
    for n in range(ROUNDS):
        organisation = make_organisation(f"Zwei {n} e. V.", slug=f"zwei-{n}")
        team.owner_assign(organisation=organisation, user=owner)
        targets = [Membership.objects.create(user=u, organisation=organisation) for u in members]

        def transfer(target, organisation=organisation):
            def run():
                try:
                    team.ownership_transfer(organisation=organisation, to=target, by=owner)
                except team.TeamError:
                    return "refused"
                return "transferred"

            return run

        results = parallel(transfer(targets[0]), transfer(targets[1]))
        assert sorted(results) == ["refused", "transferred"], f"round {n}: {results}"
        assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1


# Double clicks of the team's own decisions ----------------------------------------


def _as(user):
    """A fresh client per thread with the user's session."""
    signed_in = Client()
    signed_in.force_login(user)

    def client():
        fresh = Client()
        fresh.raise_request_exception = False
        fresh.cookies = signed_in.cookies
        return fresh

    return client


@pytest.mark.postgres
def test_a_double_click_on_submit_submits_once(vocabulary):
    personas.create("coordinator")
    editor = personas.create("editor_a")
    client = _as(editor)
    for n in range(ROUNDS):
        organisation = make_organisation(f"Klick {n} e. V.", slug=f"klick-{n}", status="draft")
        team.owner_assign(organisation=organisation, user=editor)
        url = reverse("directory:submit", args=[organisation.slug])
        responses = parallel(*[lambda url=url: client().post(url)] * 2)
        assert [r.status_code for r in responses] == [302, 302]
        reasons = organisation.history.filter(history_change_reason="submitted")
        assert reasons.count() == 1, f"round {n}"
    assert _mails("review-submitted") == ROUNDS


@pytest.mark.postgres
def test_a_double_click_on_archive_archives_and_does_not_reactivate(vocabulary):
    owner = personas.create("editor_a")
    client = _as(owner)
    for n in range(ROUNDS):
        organisation = make_organisation(f"Archiv {n} e. V.", slug=f"archiv-{n}")
        team.owner_assign(organisation=organisation, user=owner)
        url = reverse("directory:archive", args=[organisation.slug])
        # Both clicks on the button of the page showing the published profile.
        responses = parallel(
            *[lambda url=url: client().post(url, {"to": "archived", "confirm": "yes"})] * 2
        )
        assert [r.status_code for r in responses] == [302, 302]
        assert Organisation.objects.get(pk=organisation.pk).status == "archived", f"round {n}"
        assert organisation.history.filter(history_change_reason="archived").count() == 1


@pytest.mark.django_db
def test_a_stale_submit_or_archive_changes_nothing_and_says_so(client, editor_a, mo_a):
    from directory import access

    real_membership_of = access.membership_of

    def first_click_lands_meanwhile(user, organisation):
        # The page has loaded the profile; the first click's archive commits now.
        services.organisation_archive(organisation=Organisation.objects.get(pk=mo_a.pk), by=user)
        return real_membership_of(user, organisation)

    client.force_login(editor_a)
    url = reverse("directory:archive", args=[mo_a.slug])
    with mock.patch.object(access, "membership_of", side_effect=first_click_lands_meanwhile):
        response = client.post(url, {"confirm": "yes"})  # would reactivate on the stale state
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("inzwischen geändert" in note for note in notes), notes
    assert Organisation.objects.get(pk=mo_a.pk).status == "archived"
    assert mo_a.history.filter(history_change_reason="archived").count() == 1
    assert not mo_a.history.filter(history_change_reason="reactivated").exists()

    # The second click arrives after the first was done: the button said "archive".
    response = client.post(url, {"to": "archived", "confirm": "yes"})
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("inzwischen geändert" in note for note in notes), notes
    assert Organisation.objects.get(pk=mo_a.pk).status == "archived"
    assert (
        'name="to" value="draft"'
        in client.get(reverse("directory:edit", args=[mo_a.slug])).content.decode()
    )

    complete = Organisation.objects.get(pk=mo_a.pk)  # what a submission needs
    complete.description, complete.email = COMPLETE_DESCRIPTION, "kontakt@verein-a.example"
    services.organisation_save(
        organisation=complete,
        by=None,
        relations={"fields": [term(TERM_RELATIONS["fields"], "bildung")]},
        fields=["description", "email"],
    )
    stale = Organisation.objects.get(pk=mo_a.pk)
    services.organisation_reactivate(organisation=Organisation.objects.get(pk=mo_a.pk), by=None)
    with pytest.raises(services.ReviewError):
        services.organisation_reactivate(organisation=stale, by=editor_a)
    draft = Organisation.objects.get(pk=mo_a.pk)
    services.organisation_submit(organisation=Organisation.objects.get(pk=mo_a.pk), by=editor_a)
    with pytest.raises(services.ReviewError):
        services.organisation_submit(organisation=draft, by=editor_a)
    assert mo_a.history.filter(history_change_reason="submitted").count() == 1
    assert mo_a.history.filter(history_change_reason="reactivated").count() == 1
