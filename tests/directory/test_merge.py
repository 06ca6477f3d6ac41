"""Merging duplicate profiles (issue 19): a coordinator merges one profile into
another; everything of both ends up on the one that stays, the other becomes a
tombstone whose addresses redirect; "keine Dublette" marks a pair as distinct."""

import pytest
from django.urls import reverse

from cooperation import services as cooperation_services
from cooperation.models import CooperationRequest
from directory import duplicates, merging, services
from directory.models import Claim, DistinctPair, Membership, Organisation, ProfileRevision
from directory.team import owner_assign
from finder.models import ShortlistEntry
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
PREVIEW_QUERIES = 35  # measured 35: a count per shown relation (17: with references, events
# and imported event feeds), terms, team, session,
# the requests between the two (cooperation: one query for the warnings), the open
# claims the merge closes (one query)
REQUEST = {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", "timeframe": "ab Mai"}


@pytest.fixture
def old():
    """The profile that has been there for years."""
    return make_organisation(
        "Club Dialog e. V.",
        slug="club-dialog",
        city="Berlin",
        postal_code="10117",
        state="berlin",
        website="https://club-dialog.de",
        description="",
        roles=["kooperationspartner"],
        languages=["ru"],
        offers=[{"title": "Beratung auf Russisch"}],
    )


@pytest.fixture
def new():
    """The same club, created a second time."""
    return make_organisation(
        "Club Dialog",
        slug="club-dialog-2",
        status="in_review",
        city="Berlin",
        postal_code="10117",
        state="berlin",
        description="Begegnung und Beratung",
        phone="030 123456",
        languages=["uk"],
        offers=[{"title": "Sprachcafé"}],
    )


def _merge(staying, other, by, **choices):
    staying.refresh_from_db()
    other.refresh_from_db()
    return merging.organisation_merge(
        staying=staying,
        other=other,
        by=by,
        choices=merging.Choices(**choices),
        seen=(staying.version, other.version),
    )


def test_a_merge_moves_everything_of_both_and_keeps_both_histories(
    old, new, coordinator, institution_user
):
    owner_old, owner_new = personas.create("editor_a"), personas.create("editor_b")
    helper = personas.create("member")
    owner_assign(organisation=old, user=owner_old)
    owner_assign(organisation=new, user=owner_new)
    Membership.objects.create(user=helper, organisation=new)
    Membership.objects.create(user=owner_old, organisation=new)  # in both teams
    new.status = Organisation.Status.PUBLISHED  # both published: requests reach both
    services.organisation_save(organisation=new, by=None, fields=["status"])
    to_new = cooperation_services.request_send(sender=institution_user, organisation=new, **REQUEST)
    ShortlistEntry.objects.create(user=institution_user, organisation=old)
    ShortlistEntry.objects.create(user=institution_user, organisation=new, note="doppelt")
    other_user = personas.create("kontakt_owner")
    ShortlistEntry.objects.create(user=other_user, organisation=new)
    claim = Claim.objects.create(organisation=new, user=other_user, message="meins")
    old_history, new_history = old.history.count(), new.history.count()
    OutgoingMail.objects.all().delete()

    merged = _merge(old, new, coordinator)

    new.refresh_from_db()
    assert merged.pk == old.pk and merged.slug == "club-dialog"
    assert new.status == Organisation.Status.ARCHIVED and new.merged_into_id == old.pk
    team = {m.user_id: m.role for m in Membership.objects.filter(organisation=old)}
    assert team == {owner_old.pk: "owner", owner_new.pk: "editor", helper.pk: "editor"}
    assert not Membership.objects.filter(organisation=new).exists()
    assert CooperationRequest.objects.get(pk=to_new.pk).organisation_id == old.pk
    # One entry per person: the duplicate on the same shortlist goes, its note stays.
    assert sorted(ShortlistEntry.objects.values_list("user_id", "organisation_id")) == sorted(
        [(institution_user.pk, old.pk), (other_user.pk, old.pk)]
    )
    assert ShortlistEntry.objects.get(user=institution_user).note == "doppelt"
    assert Claim.objects.get(pk=claim.pk).organisation_id == old.pk
    # History: both kept, each with a record of the merge by the coordinator.
    assert old.history.count() == old_history + 1 and new.history.count() == new_history + 1
    record = old.history.latest("history_id")
    assert record.history_change_reason == f"zusammengeführt mit Club Dialog (#{new.pk})"
    assert record.history_user_id == coordinator.pk
    assert new.history.latest("history_id").history_user_id == coordinator.pk
    # Both teams told, each person once.
    told = sorted(OutgoingMail.objects.filter(template="organisation-merged").values_list("to"))
    assert told == sorted([(u.email,) for u in (owner_old, owner_new, helper)])


def test_values_default_to_the_staying_ones_unless_empty_and_can_be_chosen(old, new, coordinator):
    merged = _merge(
        old,
        new,
        coordinator,
        fields={"name": merging.OTHER},
        relations={"languages": merging.BOTH},
        offers=merging.BOTH,
    )
    assert merged.name == "Club Dialog"  # chosen
    assert merged.website == "https://club-dialog.de"  # the staying one's
    assert merged.description == "Begegnung und Beratung"  # the staying one's was empty
    assert merged.phone == "030 123456"
    assert sorted(merged.snapshot["terms"]["languages"]) == ["ru", "uk"]
    assert merged.snapshot["terms"]["roles"] == ["kooperationspartner"]
    assert [o["title"] for o in merged.snapshot["offers"]] == [
        "Beratung auf Russisch",
        "Sprachcafé",
    ]
    assert "sprachcafe" in merged.search_document or "sprachcafé" in merged.search_document


def test_offers_not_taken_stay_with_the_tombstone(old, new, coordinator):
    merged = _merge(old, new, coordinator, offers=merging.OTHER)
    assert [o.title for o in merged.offers.all()] == ["Sprachcafé"]
    assert [o.title for o in Organisation.objects.get(pk=new.pk).offers.all()] == [
        "Beratung auf Russisch"
    ]


def test_the_tombstone_redirects_for_good_and_is_gone_from_lists_search_and_api(
    client, old, new, coordinator
):
    new.status = Organisation.Status.PUBLISHED
    services.organisation_save(organisation=new, by=None, fields=["status"])
    _merge(old, new, coordinator)
    response = client.get(reverse("directory:organisation_detail", args=[new.slug]))
    assert response.status_code == 301 and response["Location"] == old.get_absolute_url()
    api = client.get(f"/api/organisations/{new.slug}/")
    assert api.status_code == 301 and api["Location"].endswith(f"/api/organisations/{old.slug}/")
    hsds = client.get(reverse("hsds-organization", args=[new.uuid]))
    assert hsds.status_code == 301
    assert hsds["Location"] == reverse("hsds-organization", args=[old.uuid])
    listing = client.get(reverse("directory:organisation_list"), {"q": "Club Dialog"})
    assert "club-dialog-2" not in listing.content.decode()
    assert "club-dialog/" in listing.content.decode()
    assert new.slug not in client.get("/api/organisations/").content.decode()
    assert str(new.uuid) not in client.get(reverse("hsds-organizations")).content.decode()
    export = b"".join(client.get(reverse("export_csv")).streaming_content).decode()
    assert "Club Dialog e. V." in export and new.slug not in export
    found = duplicates.candidates("Club Dialog", city="Berlin", postal_code="10117")
    assert [c.pk for c in found] == [old.pk]
    # An unknown slug is still a 404.
    unknown = reverse("directory:organisation_detail", args=["gibts-nicht"])
    assert client.get(unknown).status_code == 404


def test_a_second_merge_into_the_staying_profile_collapses_the_redirect_chain(
    old, new, coordinator
):
    third = make_organisation("Club Dialog Berlin", slug="club-dialog-3", city="Berlin")
    _merge(new, third, coordinator)
    _merge(old, new, coordinator)
    assert Organisation.objects.get(pk=third.pk).merged_into_id == old.pk


def test_a_change_after_the_preview_refuses_the_merge(old, new, coordinator):
    seen = (old.version, new.version)
    new.description = "Neu geschrieben"
    services.organisation_save(organisation=new, by=None, fields=["description"])
    with pytest.raises(merging.MergeError) as refused:
        merging.organisation_merge(
            staying=old, other=new, by=coordinator, choices=merging.Choices(), seen=seen
        )
    assert refused.value.code is merging.MergeError.Code.CHANGED
    assert Organisation.objects.get(pk=new.pk).merged_into_id is None


def test_an_open_revision_of_either_profile_refuses_the_merge(old, new, coordinator):
    ProfileRevision.objects.create(organisation=old, content={"description": "x"})
    with pytest.raises(merging.MergeError) as refused:
        _merge(old, new, coordinator)
    assert refused.value.code is merging.MergeError.Code.REVISION
    assert refused.value.organisation == old
    assert Organisation.objects.get(pk=new.pk).merged_into_id is None


def test_the_preview_shows_choices_team_and_what_moves(
    client, old, new, coordinator, django_assert_max_num_queries
):
    owner_assign(organisation=old, user=personas.create("editor_a"))
    owner_assign(organisation=new, user=personas.create("editor_b"))
    client.force_login(coordinator)
    url = reverse("directory:merge", args=[old.slug, new.slug])
    client.get(url)
    # Bounded by the registered relations (a count each), not by the rows.
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        html = client.get(url).content.decode()
    assert "Welche Angaben bleiben?" in html
    assert 'name="field_name"' in html and 'name="field_description"' in html
    assert 'name="field_city"' not in html  # the same in both
    assert "war verantwortlich und wird Redaktion" in html
    assert 'name="offers"' in html and 'name="terms_languages"' in html
    assert "Achtung" not in html
    # The other way round the published profile would go: the preview warns.
    reverse_html = client.get(reverse("directory:merge", args=[new.slug, old.slug]))
    assert "Das bleibende Profil ist nicht veröffentlicht" in reverse_html.content.decode()


def test_a_double_click_merges_once_and_a_stale_preview_gets_a_message(
    client, old, new, coordinator
):
    client.force_login(coordinator)
    url = reverse("directory:merge", args=[old.slug, new.slug])
    form = {"seen_staying": old.version, "seen_other": new.version}
    first = client.post(url, form)
    again = client.post(url, form)
    assert first.status_code == 302 and again.status_code == 302
    assert old.history.filter(history_change_reason__startswith="zusammengeführt").count() == 1
    followed = client.get(again["Location"]).content.decode()
    assert "bereits zusammengeführt" in followed
    # A preview of the other direction, now stale: a message, not a 500.
    back = client.post(
        reverse("directory:merge", args=[new.slug, old.slug]),
        {"seen_staying": 1, "seen_other": 1},
        follow=True,
    )
    assert back.status_code == 200
    assert "schon mit einem anderen Profil zusammengeführt" in back.content.decode()


def test_a_stale_version_in_the_form_merges_nothing(client, old, new, coordinator):
    client.force_login(coordinator)
    url = reverse("directory:merge", args=[old.slug, new.slug])
    response = client.post(
        url, {"seen_staying": old.version, "seen_other": new.version - 1}, follow=True
    )
    assert "wurde inzwischen geändert" in response.content.decode()
    assert Organisation.objects.get(pk=new.pk).merged_into_id is None


@pytest.mark.parametrize("persona", ["member", "institution", "editor_a"])
def test_only_coordinators_merge_or_mark(client, old, new, persona):
    user = personas.create(persona)
    if persona == "editor_a":
        owner_assign(organisation=new, user=user)
    client.force_login(user)
    for name in ("merge", "distinct", "distinct_undo"):
        url = reverse(f"directory:{name}", args=[old.slug, new.slug])
        assert client.post(url, {"seen_staying": 1, "seen_other": 1}).status_code == 403
    assert client.get(reverse("directory:duplicate_pairs")).status_code == 403
    assert Organisation.objects.get(pk=new.pk).merged_into_id is None
    assert not DistinctPair.objects.exists()


def test_keine_dublette_is_no_longer_suggested_and_can_be_taken_back(client, old, new, coordinator):
    review = reverse("directory:review", args=[new.slug])
    client.force_login(coordinator)
    assert "club-dialog/zusammenfuehren/club-dialog-2/" in client.get(review).content.decode()
    client.post(reverse("directory:distinct", args=[new.slug, old.slug]))
    client.post(reverse("directory:distinct", args=[old.slug, new.slug]))  # the same mark
    assert DistinctPair.objects.count() == 1
    html = client.get(review).content.decode()
    assert "zusammenfuehren" not in html and "Markierung für" in html
    assert duplicates.candidates(new.name, city="Berlin", exclude_pk=new.pk) == []
    assert duplicates.candidates(old.name, city="Berlin", exclude_pk=old.pk) == []
    client.post(reverse("directory:distinct_undo", args=[new.slug, old.slug]))
    assert not DistinctPair.objects.exists()
    assert [c.pk for c in duplicates.candidates(new.name, city="Berlin", exclude_pk=new.pk)] == [
        old.pk
    ]


def test_marks_of_the_merged_profile_move_to_the_staying_one(old, new, coordinator):
    elsewhere = make_organisation("Club Dialog", slug="club-dialog-leipzig", city="Leipzig")
    merging.distinct_mark(one=new, two=elsewhere, by=coordinator)
    merging.distinct_mark(one=new, two=old, by=coordinator)
    _merge(old, new, coordinator)
    assert list(DistinctPair.objects.values_list("first_id", "second_id")) == [
        tuple(sorted((old.pk, elsewhere.pk)))
    ]


def test_the_pairs_page_lists_likely_pairs_with_reasons_in_bounded_pages(
    client, old, new, coordinator, django_assert_max_num_queries
):
    for number in range(30):
        make_organisation(f"Verein Nummer {number}", slug=f"verein-{number}", postal_code="")
    client.force_login(coordinator)
    url = reverse("directory:duplicate_pairs")
    client.get(url)
    # session, user, permission, count, the page's profiles, one check per profile (25)
    with django_assert_max_num_queries(32):
        html = client.get(url).content.decode()
    assert "ähnlicher Name und gleicher Ort" in html
    assert reverse("directory:merge", args=[old.slug, new.slug]) in html
    assert "?page=2" in html


def test_a_tombstone_cannot_be_restored_from_its_history(client, old, new, coordinator):
    first = new.history.earliest("history_id")
    _merge(old, new, coordinator)
    client.force_login(coordinator)
    url = reverse("directory:restore", args=[new.slug, first.history_id])
    response = client.post(url, follow=True)
    assert "kann nicht wiederhergestellt werden" in response.content.decode()
    new.refresh_from_db()
    assert new.status == Organisation.Status.ARCHIVED and new.merged_into_id == old.pk


def test_the_pairs_list_names_each_pair_once(client, old, new, coordinator):
    assert [c.pk for c in duplicates.candidates(old.name, city="Berlin", newer_than=old.pk)] == [
        new.pk
    ]
    assert duplicates.candidates(new.name, city="Berlin", newer_than=new.pk) == []
    client.force_login(coordinator)
    html = client.get(reverse("directory:duplicate_pairs")).content.decode()
    assert html.count(reverse("directory:merge", args=[old.slug, new.slug])) == 1
    assert reverse("directory:merge", args=[new.slug, old.slug]) not in html


def _registered_with_the_duplicate_checked(old, new, coordinator, court):
    """Both profiles with a register entry of their own; the duplicate's checked."""
    for profile, number in ((old, "VR 1234"), (new, "VR 4711")):
        profile.register_court, profile.register_number = court, number
        services.organisation_save(
            organisation=profile, by=None, fields=["register_court", "register_number"]
        )
    new.refresh_from_db()
    services.identity_verify(
        organisation=new,
        by=coordinator,
        seen_key=new.identity_key,
        register_checked="online",
        exemption_checked=False,
    )


def test_identity_checks_move_and_count_only_for_the_values_they_saw(old, new, coordinator):
    """The duplicate's identity was checked: taking its register entry keeps the
    badge; keeping the staying profile's (unchecked, different) entry does not."""
    from directory import identity

    _registered_with_the_duplicate_checked(old, new, coordinator, "Amtsgericht Charlottenburg")
    assert "register_number" in merging.differing_fields(old, new)
    merged = _merge(old, new, coordinator, fields={"register_number": merging.OTHER})
    merged.refresh_from_db()
    assert merged.register_number == "VR 4711"
    check = identity.current_check(merged)
    assert check is not None and check.verified_by == coordinator
    assert not Organisation.objects.get(pk=new.pk).identity_verifications.exists()


def test_a_moved_identity_check_does_not_cover_other_values(old, new, coordinator):
    from directory import identity

    _registered_with_the_duplicate_checked(old, new, coordinator, "Amtsgericht Köln")
    merged = _merge(old, new, coordinator)  # the staying profile's entry, never checked
    merged.refresh_from_db()
    assert merged.register_number == "VR 1234"
    assert merged.identity_verifications.count() == 1  # kept, as history
    assert identity.current_check(merged) is None  # but no badge


def test_an_invitation_to_take_over_the_merged_away_profile_can_no_longer_be_used(
    old, new, coordinator, institution_user
):
    from directory import outreach

    old.email = "info@club-dialog.de"
    services.organisation_save(organisation=old, by=None, fields=["email"])
    issued = outreach.invitation_issue(organisation=old, channel="email", by=coordinator)
    _merge(new, old, coordinator)  # the old one goes
    invitation = outreach.invitation_by_token(issued.secret)
    assert invitation is not None and invitation.organisation_id == old.pk  # kept as its record
    assert outreach.invitation_open_for(invitation) == "expired"
    with pytest.raises(outreach.OutreachError):
        outreach.invitation_redeem(invitation=invitation, user=institution_user)
    assert not Membership.objects.filter(organisation=old).exists()
