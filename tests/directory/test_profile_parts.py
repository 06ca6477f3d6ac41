"""A profile's heading and body are rendered once per version (directory.views.profile_parts)
and shared by every visitor who may see the profile, signed in or not; what depends on the
visitor (contact data, the team's and coordinators' buttons, the claim link, requests) is
not. Every change that shows on a profile shows at once, for signed-in visitors too."""

import re

from django.core.management import call_command

from accounts.services import delete_account
from directory import services
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from tests.factories import make_organisation

# A signed-in institution's profile page with its parts kept: the session, the user, the
# profile, the visitor's memberships, the visitor's permissions (two), the institution's
# verification, its shortlist entry, its open requests (the menu). Without the kept parts
# five more: the terms, the offers and their languages, the identity check, the owner.
KEPT_QUERIES = 9


def _page(client, organisation) -> str:
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _article(page: str) -> str:
    """The profile's article, without its forms' one-time tokens (new on every page)."""
    article = page[page.index("<article>") : page.index("</article>")]
    return re.sub(r'name="(csrfmiddlewaretoken|submit_key)" value="[^"]+"', "", article)


def test_a_signed_in_visitor_gets_the_kept_parts(
    client, institution_user, django_assert_num_queries
):
    organisation = make_organisation(
        "Brücke e. V.", roles=["kooperationspartner"], languages=["ru", "tr"],
        offers=[{"title": f"Angebot {i}"} for i in range(5)],
    )  # fmt: skip
    client.force_login(institution_user)
    first = _page(client, organisation)
    with django_assert_num_queries(KEPT_QUERIES):
        second = _page(client, organisation)
    assert _article(second) == _article(first)
    assert "Angebot 4" in second and "Russisch" in second


def test_the_kept_parts_never_carry_what_depends_on_the_visitor(
    client, institution_user, editor_a, coordinator, mo_a
):
    mo_a.email = "info@verein-a.example"
    mo_a.email_visibility = "institutions"
    mo_a.save()
    anonymous = _page(client, mo_a)  # keeps the parts
    assert "info@verein-a.example" not in anonymous
    assert "Profil bearbeiten" not in anonymous and "Prüfen" not in anonymous
    client.force_login(institution_user)
    assert "info@verein-a.example" in _page(client, mo_a)
    client.force_login(editor_a)
    assert "Profil bearbeiten" in _page(client, mo_a)
    client.force_login(coordinator)
    assert "Identität prüfen" in _page(client, mo_a)
    client.logout()
    again = _page(client, mo_a)
    assert "info@verein-a.example" not in again and "Identität prüfen" not in again
    assert _article(again) == _article(anonymous)


def test_each_language_has_its_own_parts(client, institution_user):
    organisation = make_organisation("Brücke e. V.", description="Wir beraten.",
                                     description_en="We advise.")  # fmt: skip
    client.force_login(institution_user)
    assert "Wir beraten." in _page(client, organisation)
    client.cookies["django_language"] = "en"
    assert "We advise." in _page(client, organisation)
    client.cookies["django_language"] = "de"
    assert "Wir beraten." in _page(client, organisation)


def test_a_saved_change_shows_at_once_to_signed_in_visitors(
    client, institution_user, editor_a, mo_a, commit
):
    client.force_login(institution_user)
    assert "Neue Beschreibung" not in _page(client, mo_a)
    mo_a.description = "Neue Beschreibung"
    commit(services.organisation_save, organisation=mo_a, by=editor_a,
           offers=[{"title": "Sprachcafé", "kind": "course"}])  # fmt: skip
    page = _page(client, mo_a)
    assert "Neue Beschreibung" in page and "Sprachcafé" in page


def test_a_changed_term_label_shows_at_once_to_signed_in_visitors(client, institution_user, commit):
    call_command("load_vocabulary", verbosity=0)
    organisation = make_organisation("Brücke e. V.", roles=["kooperationspartner"])
    client.force_login(institution_user)
    assert "Kooperationspartner" in _page(client, organisation)
    term = get_vocabulary().get("role", "kooperationspartner")
    term.label_de = "Partnerorganisation"

    def change() -> None:
        term.save()
        invalidate_vocabulary()

    commit(change)
    assert "Partnerorganisation" in _page(client, organisation)


def test_an_identity_check_shows_at_once_to_signed_in_visitors(
    client, institution_user, coordinator, commit
):
    organisation = make_organisation("Brücke e. V.", register_court="Amtsgericht Hamburg",
                                      register_number="VR 1")  # fmt: skip
    organisation.refresh_from_db()
    client.force_login(institution_user)
    assert "Die Koordination hat diese Angaben geprüft" not in _page(client, organisation)
    commit(services.identity_verify, organisation=organisation, by=coordinator,
           seen_key=organisation.identity_key, register_checked="online",
           exemption_checked=False)  # fmt: skip
    assert "Die Koordination hat diese Angaben geprüft" in _page(client, organisation)


def test_the_claim_link_follows_the_team(client, member, editor_a, mo_a, commit):
    client.force_login(member)
    assert "Profil übernehmen" not in _page(client, mo_a)
    commit(delete_account, editor_a)
    assert "Profil übernehmen" in _page(client, mo_a)
