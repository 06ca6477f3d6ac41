"""The rules of directory.services: slugs, saving with history, review,
confirmation, archive, restore and the yearly reminders."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from directory import services
from directory.models import Membership, Offer, Organisation
from mailer.models import OutgoingMail
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def _mails():
    return list(OutgoingMail.objects.order_by("pk").values_list("to", "template", "subject"))


def _reason(organisation):
    return organisation.history.order_by("-history_date", "-history_id").first()


# -- slugs


def test_a_slug_spells_umlauts_the_german_way():
    assert services.unique_slug("Verein der Ärzte in Görlitz e. V.") == (
        "verein-der-aerzte-in-goerlitz-e-v"
    )


@pytest.mark.parametrize("reserved", sorted(services.RESERVED_SLUGS))
def test_reserved_path_segments_are_never_a_slug(reserved):
    assert services.unique_slug(reserved.capitalize()) == f"{reserved}-2"


def test_every_fixed_path_under_organisationen_is_reserved():
    from directory.urls import urlpatterns

    fixed = {str(p.pattern).split("/")[0] for p in urlpatterns} - {"", "<slug:slug>"}
    # A file name such as karte.json (the map's points) cannot be a slug: no dots.
    assert {f for f in fixed if "." in f} == {"karte.json"}
    fixed = {f for f in fixed if "." not in f}
    assert fixed == {"neu", "pruefung", "einladung", "uebernahme"}
    assert fixed | {"export"} <= services.RESERVED_SLUGS  # export.csv, export.json


def test_a_reserved_slug_whose_numbered_form_is_taken_counts_on():
    make_organisation("Neu 2", slug="neu-2")
    assert services.unique_slug("Neu") == "neu-3"


def test_taken_slugs_are_numbered_from_2():
    make_organisation("Brücke e. V.", slug="bruecke-e-v")
    assert services.unique_slug("Brücke e. V.") == "bruecke-e-v-2"
    make_organisation("Brücke e. V.", slug="bruecke-e-v-2")
    make_organisation("Brücke e. V.", slug="bruecke-e-v-3")
    assert services.unique_slug("Brücke e. V.") == "bruecke-e-v-4"


def test_a_name_without_letters_gets_a_generic_slug():
    assert services.unique_slug("!!! ???") == "organisation"
    make_organisation("???", slug="organisation")
    assert services.unique_slug("") == "organisation-2"


def test_slugs_are_at_most_200_characters_before_the_number():
    name = "Ä" * 150  # 150 characters, a slug of 300 ("aeae...")
    assert services.unique_slug(name) == "ae" * 100
    make_organisation(name, slug="ae" * 100)
    assert services.unique_slug(name) == "ae" * 100 + "-2"


def test_the_profile_itself_does_not_take_its_slug():
    organisation = make_organisation("Brücke e. V.", slug="bruecke-e-v")
    assert services.unique_slug("Brücke e. V.", exclude_pk=organisation.pk) == "bruecke-e-v"
    assert services.unique_slug("Brücke e. V.") == "bruecke-e-v-2"


# -- saving, creating and the snapshot


def test_creating_a_profile_makes_a_draft_with_its_creator_as_owner(member):
    organisation = Organisation(name="Neu", city="Rostock", postal_code="18055")
    services.organisation_create(
        organisation=organisation,
        by=member,
        relations={"languages": [term("language", "ru")], "roles": []},
    )
    organisation.refresh_from_db()
    assert organisation.slug == "neu-2"
    assert organisation.status == Organisation.Status.DRAFT
    assert list(organisation.memberships.values_list("user", "role")) == [
        (member.pk, Membership.Role.OWNER)
    ]
    assert [(r.history_user, r.history_change_reason) for r in organisation.history.all()] == [
        (member, "created")
    ]
    assert organisation.snapshot["terms"]["languages"] == ["ru"]
    assert organisation.search_document == "neu rostock 18055 russisch russian"


def test_a_given_slug_is_kept(member):
    organisation = Organisation(name="Brücke e. V.", slug="eigene-adresse")
    services.organisation_save(organisation=organisation, by=member)
    assert Organisation.objects.get(pk=organisation.pk).slug == "eigene-adresse"


def test_the_snapshot_holds_every_relation_and_the_offers_in_order(member):
    organisation = make_organisation(
        "Brücke e. V.",
        languages=["tr", "de", "ru"],
        roles=["kooperationspartner"],
        cooperation_experience=["jobcenter"],
    )
    services.organisation_save(
        organisation=organisation,
        by=member,
        offers=[
            {
                "title": "Beratung",
                "kind": "counselling",
                "summary": "Jeden Montag",
                "languages": [term("language", "tr"), term("language", "ar")],
            },
            {"title": "Kurs", "kind": "course"},
        ],
    )
    assert organisation.snapshot == {
        "terms": {
            "roles": ["kooperationspartner"],
            "resources": [],
            "fields": [],
            "target_groups": [],
            "communities": [],
            "languages": ["de", "ru", "tr"],
            "advice_languages": [],
            "cooperation_experience": ["jobcenter"],
        },
        "offers": [
            {
                "title": "Beratung",
                "kind": "counselling",
                "summary": "Jeden Montag",
                "languages": ["ar", "tr"],
            },
            {"title": "Kurs", "kind": "course", "summary": "", "languages": []},
        ],
    }
    assert Organisation.objects.get(pk=organisation.pk).snapshot == organisation.snapshot


def test_the_search_document_has_term_labels_state_and_offers(member):
    organisation = make_organisation(
        "Brücke e. V.",
        short_name="BR",
        description="Wir helfen",
        description_en="We help",
        city="Hamburg",
        postal_code="20095",
        languages=["ru"],
        roles=["informationsvermittler"],
    )
    services.organisation_save(
        organisation=organisation,
        by=member,
        offers=[{"title": "Beratung", "kind": "counselling", "summary": "Montags"}],
    )
    assert organisation.search_document == (
        "brücke e. v. br hamburg 20095 wir helfen we help beratung montags"
        " informationsvermittler information broker russisch russian hamburg"
    )
    stored = Organisation.objects.get(pk=organisation.pk).search_document
    assert stored == organisation.search_document


def test_the_search_document_ignores_a_missing_state_and_unknown_terms(member):
    organisation = make_organisation("Brücke e. V.", state=None, city="", postal_code="")
    organisation.snapshot = {"terms": {"languages": ["xx"], "roles": []}, "offers": []}
    assert services.search_document_from(organisation, organisation.snapshot) == "brücke e. v."


def test_offers_are_replaced_in_order_and_keep_their_identity(member):
    organisation = make_organisation("Brücke e. V.")
    services.organisation_save(
        organisation=organisation,
        by=member,
        offers=[
            {"title": "Eins", "kind": "course", "languages": [term("language", "de")]},
            {"title": "Zwei", "kind": "event", "summary": "z"},
            {"title": "Drei", "kind": "other"},
        ],
    )
    first, second, third = organisation.offers.order_by("position")
    services.organisation_save(
        organisation=organisation,
        by=member,
        offers=[
            {"title": "Eins neu", "kind": "project", "summary": "neu"},
            {"title": "Zwei neu", "kind": "counselling", "languages": [term("language", "ru")]},
        ],
    )
    offers = list(organisation.offers.order_by("position"))
    assert [(o.pk, o.position, o.title, o.kind, o.summary) for o in offers] == [
        (first.pk, 0, "Eins neu", "project", "neu"),
        (second.pk, 1, "Zwei neu", "counselling", ""),
    ]
    assert [[t.slug for t in o.languages.all()] for o in offers] == [[], ["ru"]]
    assert not Offer.objects.filter(pk=third.pk).exists()


def test_offers_are_matched_by_position_not_by_age(member):
    organisation = make_organisation("Brücke e. V.")
    older = Offer.objects.create(organisation=organisation, position=1, title="Zweites")
    newer = Offer.objects.create(organisation=organisation, position=0, title="Erstes")
    services.organisation_save(
        organisation=organisation,
        by=member,
        offers=[
            {"title": "Erstes neu", "kind": "course"},
            {"title": "Zweites neu", "kind": "event"},
        ],
    )
    assert Offer.objects.get(pk=newer.pk).title == "Erstes neu"
    assert Offer.objects.get(pk=older.pk).title == "Zweites neu"
    assert [o["title"] for o in organisation.snapshot["offers"]] == ["Erstes neu", "Zweites neu"]


def test_the_snapshot_lists_offers_by_position(member):
    organisation = make_organisation("Brücke e. V.")
    Offer.objects.create(organisation=organisation, position=1, title="Zweites")
    Offer.objects.create(organisation=organisation, position=0, title="Erstes")
    snapshot = services.build_snapshot(organisation)
    assert [o["title"] for o in snapshot["offers"]] == ["Erstes", "Zweites"]


def test_the_snapshot_reads_offer_languages_in_one_query(member, django_assert_num_queries):
    from directory.vocabulary import TERM_RELATIONS, get_vocabulary

    organisation = make_organisation("Brücke e. V.", languages=["ru"])
    for position, code in enumerate(("de", "tr", "ar")):
        offer = Offer.objects.create(organisation=organisation, position=position, title=code)
        offer.languages.set([term("language", code)])
    get_vocabulary()
    # One query per relation, one for the offers and one for all their languages.
    with django_assert_num_queries(len(TERM_RELATIONS) + 2):
        snapshot = services.build_snapshot(organisation)
    assert [o["languages"] for o in snapshot["offers"]] == [["de"], ["tr"], ["ar"]]


def test_saving_without_offers_keeps_them(member):
    organisation = make_organisation("Brücke e. V.", offers=[{"title": "Kurs", "kind": "course"}])
    services.organisation_save(organisation=organisation, by=member)
    assert list(organisation.offers.values_list("title", flat=True)) == ["Kurs"]
    services.organisation_save(organisation=organisation, by=member, offers=[])
    assert not organisation.offers.exists()


def test_each_save_is_one_version_with_its_author_and_reason(member, mo_a):
    before = mo_a.history.count()
    mo_a.city = "Rostock"
    services.organisation_save(organisation=mo_a, by=member, reason="edited: kontakt")
    assert mo_a.history.count() == before + 1
    record = _reason(mo_a)
    assert (record.history_user, record.history_change_reason, record.city) == (
        member,
        "edited: kontakt",
        "Rostock",
    )


# -- reviewers and notifications


def test_reviewers_are_active_coordinators_superusers_and_holders_of_the_permission(
    django_user_model, coordinator, member, editor_a
):
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="pw")
    direct = django_user_model.objects.create_user(email="direkt@example.org", password="pw")
    direct.user_permissions.add(Permission.objects.get(codename="review_organisation"))
    both = django_user_model.objects.create_user(email="beides@example.org", password="pw")
    both.user_permissions.add(Permission.objects.get(codename="review_organisation"))
    from accounts.roles import make_coordinator

    make_coordinator(both)
    gone = django_user_model.objects.create_user(
        email="ehemalig@example.org", password="pw", is_active=False
    )
    make_coordinator(gone)
    assert sorted(u.email for u in services.reviewers()) == sorted(
        [admin.email, direct.email, both.email, coordinator.email]
    )


def test_notify_members_writes_to_each_active_member_in_their_language(
    django_user_model, mo_a, editor_a
):
    english = django_user_model.objects.create_user(
        email="english@example.org", password="pw", language="en"
    )
    Membership.objects.create(user=english, organisation=mo_a, role=Membership.Role.EDITOR)
    gone = django_user_model.objects.create_user(
        email="weg@example.org", password="pw", is_active=False
    )
    Membership.objects.create(user=gone, organisation=mo_a, role=Membership.Role.EDITOR)
    services.notify_members(mo_a, "review-approved", {})
    assert sorted(_mails()) == [
        ("editor-a@example.org", "review-approved", "Veröffentlicht: Verein A e. V."),
        ("english@example.org", "review-approved", "Published: Verein A e. V."),
    ]


def test_notify_members_reads_the_team_with_its_accounts_in_one_query(
    django_user_model, mo_a, editor_a, django_assert_num_queries
):
    editor = django_user_model.objects.create_user(email="redaktion@example.org", password="pw")
    Membership.objects.create(user=editor, organisation=mo_a, role=Membership.Role.EDITOR)
    with django_assert_num_queries(3):  # the team with its accounts, one insert per mail
        services.notify_members(mo_a, "review-approved", {})


def test_notify_members_owners_only(django_user_model, mo_a, editor_a):
    editor = django_user_model.objects.create_user(email="redaktion@example.org", password="pw")
    Membership.objects.create(user=editor, organisation=mo_a, role=Membership.Role.EDITOR)
    services.notify_members(mo_a, "reminder-confirm", {}, owners_only=True)
    assert _mails() == [
        (
            "editor-a@example.org",
            "reminder-confirm",
            "Ist das Profil von Verein A e. V. noch aktuell?",
        )
    ]


def test_notify_members_passes_the_context(mo_a, editor_a):
    services.notify_members(mo_a, "review-sent-back", {"comment": "Bitte Fotos ergänzen"})
    mail = OutgoingMail.objects.get()
    assert "Bitte Fotos ergänzen" in mail.body_text
    assert "/organisationen/verein-a/bearbeiten/" in mail.body_text


# -- review, confirmation, archive


@pytest.fixture
def draft(editor_a):
    organisation = make_organisation("Neuer Verein e. V.", slug="neuer-verein", status="draft")
    Organisation.objects.filter(pk=organisation.pk).update(confirmed_at=None)
    organisation.refresh_from_db()
    Membership.objects.create(user=editor_a, organisation=organisation, role="owner")
    return organisation


def test_submitting_asks_every_reviewer_in_their_language(
    django_user_model, draft, editor_a, coordinator
):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.org", password="pw", language="en"
    )
    services.organisation_submit(organisation=draft, by=editor_a)
    draft.refresh_from_db()
    assert draft.status == Organisation.Status.IN_REVIEW
    assert _reason(draft).history_change_reason == "submitted"
    assert sorted(_mails()) == [
        (admin.email, "review-submitted", "For review: Neuer Verein e. V."),
        (coordinator.email, "review-submitted", "Zur Prüfung: Neuer Verein e. V."),
    ]


def test_approval_publishes_clears_the_comment_and_sets_confirmed_at(draft, editor_a, coordinator):
    draft.review_comment = "Bitte ergänzen"
    services.organisation_send_back(organisation=draft, by=coordinator, comment="Bitte ergänzen")
    OutgoingMail.objects.all().delete()
    services.organisation_approve(organisation=draft, by=coordinator)
    draft.refresh_from_db()
    assert draft.status == Organisation.Status.PUBLISHED
    assert draft.review_comment == ""
    assert draft.confirmed_at == timezone.localdate()
    record = _reason(draft)
    assert (record.history_user, record.history_change_reason) == (coordinator, "approved")
    assert _mails() == [
        ("editor-a@example.org", "review-approved", "Veröffentlicht: Neuer Verein e. V.")
    ]


def test_approval_keeps_an_earlier_confirmation(draft, coordinator):
    Organisation.objects.filter(pk=draft.pk).update(confirmed_at=datetime.date(2025, 3, 1))
    draft.refresh_from_db()
    services.organisation_approve(organisation=draft, by=coordinator)
    draft.refresh_from_db()
    assert draft.confirmed_at == datetime.date(2025, 3, 1)


def test_sending_back_makes_a_draft_with_the_comment(draft, editor_a, coordinator):
    services.organisation_submit(organisation=draft, by=editor_a)
    OutgoingMail.objects.all().delete()
    comment = "Bitte die Angebote genauer beschreiben. " * 5
    services.organisation_send_back(organisation=draft, by=coordinator, comment=comment)
    draft.refresh_from_db()
    assert draft.status == Organisation.Status.DRAFT
    assert draft.review_comment == comment
    assert _reason(draft).history_change_reason == f"sent back: {comment}"[:100]
    assert len(_reason(draft).history_change_reason) == 100
    assert _mails() == [
        ("editor-a@example.org", "review-sent-back", "Bitte ergänzen: Neuer Verein e. V.")
    ]


def test_confirming_sets_today_and_records_it(mo_a, editor_a):
    Organisation.objects.filter(pk=mo_a.pk).update(confirmed_at=datetime.date(2024, 1, 1))
    mo_a.refresh_from_db()
    services.organisation_confirm_current(organisation=mo_a, by=editor_a)
    mo_a.refresh_from_db()
    assert mo_a.confirmed_at == timezone.localdate()
    record = _reason(mo_a)
    assert (record.history_user, record.history_change_reason, record.confirmed_at) == (
        editor_a,
        "confirmed as current",
        timezone.localdate(),
    )


def test_archive_and_reactivate(mo_a, editor_a):
    services.organisation_archive(organisation=mo_a, by=editor_a)
    mo_a.refresh_from_db()
    assert mo_a.status == Organisation.Status.ARCHIVED
    assert (_reason(mo_a).history_user, _reason(mo_a).history_change_reason) == (
        editor_a,
        "archived",
    )
    services.organisation_reactivate(organisation=mo_a, by=editor_a)
    mo_a.refresh_from_db()
    assert mo_a.status == Organisation.Status.DRAFT
    assert (_reason(mo_a).history_user, _reason(mo_a).history_change_reason) == (
        editor_a,
        "reactivated",
    )


def test_last_published_version(draft, editor_a, coordinator):
    services.organisation_save(organisation=draft, by=editor_a)
    assert services.last_published_version(draft) is None
    draft.city = "Kiel"
    services.organisation_approve(organisation=draft, by=coordinator)
    draft.city = "Lübeck"
    services.organisation_save(organisation=draft, by=coordinator, reason="published again")
    services.organisation_archive(organisation=draft, by=editor_a)
    record = services.last_published_version(draft)
    assert (record.city, record.history_change_reason) == ("Lübeck", "published again")


# -- restore


def test_restore_brings_back_fields_terms_offers_and_confirmed_at(mo_a, editor_a, coordinator):
    Organisation.objects.filter(pk=mo_a.pk).update(confirmed_at=datetime.date(2025, 1, 10))
    mo_a.refresh_from_db()
    mo_a.description = "Erste Fassung"
    mo_a.email_visibility = "hidden"
    services.organisation_save(
        organisation=mo_a,
        by=editor_a,
        relations={"languages": [term("language", "ru")], "roles": []},
        offers=[
            {
                "title": "Kurs",
                "kind": "course",
                "summary": "Deutsch",
                "languages": [term("language", "de")],
            }
        ],
    )
    first = _reason(mo_a)
    offer = mo_a.offers.get()
    mo_a.description = "Zweite Fassung"
    mo_a.email_visibility = "public"
    services.organisation_confirm_current(organisation=mo_a, by=editor_a)
    services.organisation_save(
        organisation=mo_a,
        by=editor_a,
        relations={
            "languages": [term("language", "tr")],
            "roles": [term("role", "projekttraeger")],
        },
        offers=[],
    )

    restored = services.organisation_restore(record=first, by=coordinator)
    restored.refresh_from_db()
    assert restored.description == "Erste Fassung" and restored.email_visibility == "hidden"
    assert restored.confirmed_at == datetime.date(2025, 1, 10)
    assert [t.slug for t in restored.languages.all()] == ["ru"]
    assert not restored.roles.exists()
    (new_offer,) = restored.offers.all()
    assert (new_offer.title, new_offer.kind, new_offer.summary) == ("Kurs", "course", "Deutsch")
    assert [t.slug for t in new_offer.languages.all()] == ["de"]
    assert new_offer.pk != offer.pk  # it was deleted in between
    record = _reason(restored)
    assert record.history_user == coordinator
    stamp = timezone.localtime(first.history_date).strftime("%Y-%m-%d %H:%M")
    assert record.history_change_reason == f"restored version of {stamp}"
    assert "russisch" in restored.search_document and "türkisch" not in restored.search_document


def test_restore_states_the_version_date_in_local_time(mo_a, editor_a, coordinator):
    services.organisation_save(organisation=mo_a, by=editor_a)
    record = _reason(mo_a)
    type(record).objects.filter(pk=record.pk).update(
        history_date=datetime.datetime(2025, 6, 1, 22, 30, tzinfo=datetime.UTC)
    )
    record = type(record).objects.get(pk=record.pk)
    services.organisation_restore(record=record, by=coordinator)
    assert _reason(mo_a).history_change_reason == "restored version of 2025-06-02 00:30"


def test_restore_of_an_unpublished_version_unpublishes(draft, editor_a, coordinator):
    services.organisation_save(organisation=draft, by=editor_a, reason="draft version")
    draft_version = _reason(draft)
    services.organisation_approve(organisation=draft, by=coordinator)
    services.organisation_restore(record=draft_version, by=coordinator)
    draft.refresh_from_db()
    assert draft.status == Organisation.Status.DRAFT
    assert draft.confirmed_at is None


def test_restore_skips_terms_that_no_longer_exist_and_versions_without_snapshot(
    mo_a, editor_a, coordinator
):
    services.organisation_save(
        organisation=mo_a, by=editor_a, relations={"languages": [term("language", "ru")]}
    )
    record = _reason(mo_a)
    record.snapshot = {
        "terms": {"languages": ["ru", "gibt-es-nicht"], "roles": ["erfunden"]},
        "offers": [{"title": "Kurs", "kind": "course", "summary": "", "languages": ["xx", "de"]}],
    }
    record.save()
    services.organisation_restore(record=record, by=coordinator)
    mo_a.refresh_from_db()
    assert [t.slug for t in mo_a.languages.all()] == ["ru"]
    assert not mo_a.roles.exists()
    assert [[t.slug for t in o.languages.all()] for o in mo_a.offers.all()] == [["de"]]

    record.snapshot = {}
    record.save()
    services.organisation_restore(record=record, by=coordinator)
    mo_a.refresh_from_db()
    assert not mo_a.languages.exists() and not mo_a.offers.exists()


# -- reminders


def _due(organisation, *, confirmed_at, reminded_at=None):
    Organisation.objects.filter(pk=organisation.pk).update(
        confirmed_at=confirmed_at, reminded_at=reminded_at
    )


def test_reminders_are_due_after_365_days(django_user_model, editor_a, mo_a):
    _due(mo_a, confirmed_at=TODAY - datetime.timedelta(days=365))
    assert services.remind_unconfirmed(today=TODAY) == 0
    _due(mo_a, confirmed_at=TODAY - datetime.timedelta(days=366))
    assert services.remind_unconfirmed(today=TODAY) == 1
    assert _mails() == [
        (
            "editor-a@example.org",
            "reminder-confirm",
            "Ist das Profil von Verein A e. V. noch aktuell?",
        )
    ]
    assert Organisation.objects.get(pk=mo_a.pk).reminded_at == TODAY


def test_never_confirmed_profiles_are_reminded(editor_a, mo_a):
    _due(mo_a, confirmed_at=None)
    assert services.remind_unconfirmed(today=TODAY) == 1
    assert Organisation.objects.get(pk=mo_a.pk).reminded_at == TODAY


def test_reminders_repeat_after_30_days(editor_a, mo_a):
    _due(mo_a, confirmed_at=datetime.date(2024, 1, 1))
    assert services.remind_unconfirmed(today=TODAY) == 1
    assert services.remind_unconfirmed(today=TODAY) == 0
    assert services.remind_unconfirmed(today=TODAY + datetime.timedelta(days=30)) == 0
    later = TODAY + datetime.timedelta(days=31)
    assert services.remind_unconfirmed(today=later) == 1
    assert Organisation.objects.get(pk=mo_a.pk).reminded_at == later
    assert [m[0] for m in _mails()] == ["editor-a@example.org", "editor-a@example.org"]


def test_a_confirmation_stops_the_reminders(editor_a, mo_a):
    _due(mo_a, confirmed_at=datetime.date(2024, 1, 1), reminded_at=datetime.date(2026, 1, 1))
    Organisation.objects.filter(pk=mo_a.pk).update(confirmed_at=TODAY)
    assert services.remind_unconfirmed(today=TODAY + datetime.timedelta(days=100)) == 0


def test_reminders_only_for_published_profiles_with_an_owner(
    django_user_model, editor_a, mo_a, mo_b
):
    old = datetime.date(2024, 1, 1)
    editor = django_user_model.objects.create_user(email="redaktion-b@example.org", password="pw")
    Membership.objects.create(user=editor, organisation=mo_b, role=Membership.Role.EDITOR)
    for status in ("draft", "in_review", "archived"):
        organisation = make_organisation(status=status, confirmed_at=old)
        Membership.objects.create(user=editor_a, organisation=organisation, role="owner")
    _due(mo_a, confirmed_at=old)
    _due(mo_b, confirmed_at=old)  # only an editor: nobody to remind
    assert services.remind_unconfirmed(today=TODAY) == 1
    assert [m[0] for m in _mails()] == ["editor-a@example.org"]
    assert Organisation.objects.get(pk=mo_b.pk).reminded_at is None


def test_reminders_count_the_profiles_reminded(django_user_model, editor_a, editor_b, mo_a, mo_b):
    make_organisation(confirmed_at=datetime.date(2024, 1, 1))  # without a team: not counted
    _due(mo_a, confirmed_at=datetime.date(2024, 1, 1))
    _due(mo_b, confirmed_at=None)
    assert services.remind_unconfirmed(today=TODAY) == 2
    assert sorted(m[0] for m in _mails()) == ["editor-a@example.org", "editor-b@example.org"]


def test_the_owner_is_reminded_and_not_the_editors(django_user_model, editor_a, mo_a):
    editor = django_user_model.objects.create_user(email="redaktion@example.org", password="pw")
    Membership.objects.create(user=editor, organisation=mo_a, role=Membership.Role.EDITOR)
    _due(mo_a, confirmed_at=datetime.date(2024, 1, 1))
    assert services.remind_unconfirmed(today=TODAY) == 1
    assert [m[0] for m in _mails()] == ["editor-a@example.org"]


def test_reminders_default_to_today(editor_a, mo_a):
    _due(mo_a, confirmed_at=timezone.localdate() - datetime.timedelta(days=366))
    assert services.remind_unconfirmed() == 1
    assert Organisation.objects.get(pk=mo_a.pk).reminded_at == timezone.localdate()
    _due(mo_a, confirmed_at=timezone.localdate() - datetime.timedelta(days=365))
    assert services.remind_unconfirmed() == 0


# -- the vocabulary reaching the profiles: holders, refreshing, term changes


def test_organisations_with_terms_finds_holders_by_state_relation_and_offer_language():
    by_state = make_organisation("Land e. V.", state="bremen")
    by_role = make_organisation("Rolle e. V.", state=None, roles=["informationsvermittler"])
    by_offer = make_organisation(
        "Angebot e. V.", state=None, offers=[{"title": "Beratung", "languages": ["ar"]}]
    )
    make_organisation("Anderer e. V.", state="hamburg", roles=["kooperationspartner"])
    bremen, role, arabic = (
        term("state", "bremen"),
        term("role", "informationsvermittler"),
        term("language", "ar"),
    )
    assert services.organisations_with_terms([bremen.pk]) == {by_state.pk}
    assert services.organisations_with_terms([role.pk]) == {by_role.pk}
    assert services.organisations_with_terms([arabic.pk]) == {by_offer.pk}
    assert services.organisations_with_terms(iter([bremen.pk, role.pk, arabic.pk])) == {
        by_state.pk,
        by_role.pk,
        by_offer.pk,
    }
    assert services.organisations_with_terms([]) == set()


def _stale(*organisations):
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(
        snapshot={}, search_document="stale"
    )


def test_refresh_derived_rebuilds_snapshot_and_search_document_and_counts_them(
    django_capture_on_commit_callbacks,
):
    from core.pagecache import generations

    brücke = make_organisation(
        "Brücke e. V.",
        state=None,
        city="",
        postal_code="",
        roles=["kooperationspartner"],
        offers=[
            {"title": "Lotsendienst", "languages": ["ru", "ar"]},
            {"title": "Sprachcafé", "summary": "montags", "kind": "counselling"},
        ],
    )
    untouched = make_organisation("Steg e. V.")
    expected = (brücke.snapshot, brücke.search_document)
    versions = brücke.history.count()
    _stale(brücke, untouched)
    before = generations(["directory"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.refresh_derived([brücke.pk]) == 1
    assert generations(["directory"]) != before  # cached pages are invalidated
    brücke.refresh_from_db()
    assert (brücke.snapshot, brücke.search_document) == expected
    assert brücke.snapshot["offers"][0]["languages"] == ["ar", "ru"]
    assert brücke.history.count() == versions  # no new version
    untouched.refresh_from_db()
    assert (untouched.snapshot, untouched.search_document) == ({}, "stale")


def test_refresh_derived_of_nothing_changes_nothing(django_capture_on_commit_callbacks):
    from core.pagecache import generations

    before = generations(["directory"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.refresh_derived([]) == 0
    assert callbacks == []
    assert generations(["directory"]) == before


def test_refresh_derived_lists_offers_by_position_not_by_age():
    organisation = make_organisation(
        "Brücke e. V.", offers=[{"title": "Erstes"}, {"title": "Zweites"}]
    )
    first, second = organisation.offers.order_by("pk")
    Offer.objects.filter(pk=first.pk).update(position=1)
    Offer.objects.filter(pk=second.pk).update(position=0)
    _stale(organisation)
    services.refresh_derived([organisation.pk])
    organisation.refresh_from_db()
    assert [o["title"] for o in organisation.snapshot["offers"]] == ["Zweites", "Erstes"]


def test_refresh_derived_works_in_batches_with_a_fixed_number_of_queries(
    monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(services, "REFRESH_BATCH", 2)
    organisations = [
        make_organisation(offers=[{"title": f"Angebot {n}", "languages": ["ru"]}]) for n in range(5)
    ]
    expected = {o.pk: (o.snapshot, o.search_document) for o in organisations}
    _stale(*organisations)
    # Per batch: the terms, the offers, their languages, the profiles, the update,
    # the new words of the typo vocabulary.
    with django_assert_num_queries(3 * 6):
        assert services.refresh_derived(reversed(list(expected))) == 5
    assert {o.pk: (o.snapshot, o.search_document) for o in Organisation.objects.all()} == expected


def test_saving_an_unchanged_term_refreshes_no_profile():
    from directory.models import Term

    organisation = make_organisation("Brücke e. V.", roles=["informationsvermittler"])
    _stale(organisation)
    services.term_save(term=Term.objects.get(kind="role", slug="informationsvermittler"))
    organisation.refresh_from_db()
    assert (organisation.snapshot, organisation.search_document) == ({}, "stale")


@pytest.mark.parametrize(
    ("field", "value"),
    [("slug", "wissenslotse"), ("label_de", "Wissenslotse"), ("label_en", "Knowledge pilot")],
)
def test_a_term_with_a_new_slug_or_label_refreshes_the_profiles_holding_it(field, value):
    from directory.models import Term

    holder = make_organisation("Brücke e. V.", roles=["informationsvermittler"])
    other = make_organisation("Steg e. V.", roles=["kooperationspartner"])
    _stale(holder, other)
    changed = Term.objects.get(kind="role", slug="informationsvermittler")
    setattr(changed, field, value)
    assert services.term_save(term=changed) is changed
    holder.refresh_from_db()
    assert holder.snapshot["terms"]["roles"] == [changed.slug]
    assert ("knowledge pilot" in holder.search_document) == (field == "label_en")
    assert ("wissenslotse" in holder.search_document) == (field == "label_de")
    other.refresh_from_db()
    assert other.search_document == "stale"


# -- deletion, and who is told and recorded


def test_deleting_records_who_and_deleted_by_default(mo_a, coordinator):
    pk = mo_a.pk
    services.organisation_delete(organisation=mo_a, by=coordinator)
    assert not Organisation.objects.filter(pk=pk).exists()
    record = Organisation.history.filter(id=pk).order_by("-history_id").first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        coordinator,
        "deleted",
    )


def test_deleting_keeps_the_first_100_characters_of_the_reason(mo_a, coordinator):
    pk = mo_a.pk
    reason = "Doppelter Eintrag, zusammengeführt mit Verein B. " * 4
    services.organisation_delete(organisation=mo_a, by=coordinator, reason=reason)
    record = Organisation.history.filter(id=pk).order_by("-history_id").first()
    assert record.history_change_reason == reason[:100]


def test_notify_reviewers_passes_reply_to(coordinator, mo_a):
    services.notify_reviewers("review-submitted", {"organisation": mo_a})
    services.notify_reviewers(
        "review-submitted", {"organisation": mo_a}, reply_to="antwort@example.org"
    )
    assert list(OutgoingMail.objects.order_by("pk").values_list("to", "reply_to")) == [
        (coordinator.email, ""),
        (coordinator.email, "antwort@example.org"),
    ]


def test_submitting_and_sending_back_record_who_did_it(draft, editor_a, coordinator):
    services.organisation_submit(organisation=draft, by=editor_a)
    assert _reason(draft).history_user == editor_a
    services.organisation_send_back(organisation=draft, by=coordinator, comment="Bitte ergänzen")
    record = _reason(draft)
    assert (record.history_user, record.history_change_reason) == (
        coordinator,
        "sent back: Bitte ergänzen",
    )


def test_members_are_the_whole_active_team_unless_owners_only(django_user_model, mo_a, editor_a):
    editor = django_user_model.objects.create_user(email="redaktion@example.org", password="pw")
    Membership.objects.create(user=editor, organisation=mo_a, role=Membership.Role.EDITOR)
    assert sorted(u.email for u in services._members(mo_a)) == [
        "editor-a@example.org",
        "redaktion@example.org",
    ]
    assert [u.email for u in services._members(mo_a, owners_only=True)] == ["editor-a@example.org"]


def test_a_snapshot_fills_in_what_is_not_given():
    offer = {"title": "Sprechstunde", "kind": "counselling"}  # no summary, no languages
    snapshot = services.snapshot_from(
        terms={"roles": [term("role", "kooperationspartner")]}, offers=[offer]
    )
    assert snapshot["terms"]["roles"] == ["kooperationspartner"]
    assert {relation: slugs for relation, slugs in snapshot["terms"].items() if slugs} == {
        "roles": ["kooperationspartner"]
    }
    assert snapshot["offers"] == [
        {"title": "Sprechstunde", "kind": "counselling", "summary": "", "languages": []}
    ]


def test_a_save_without_a_reason_records_none(member):
    organisation = make_organisation("Ohne Grund e. V.")
    organisation.city = "Kiel"
    services.organisation_save(organisation=organisation, by=member)
    assert organisation.history.first().history_change_reason in ("", None)
