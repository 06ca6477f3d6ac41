"""The duplicate check on the pages: "new profile" asks "Gibt es Ihre
Organisation schon?" (published profiles only), the review page of a new
profile lists the candidates of every status."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory.models import Organisation
from directory.selfservice_views import CONFIRM_NEW
from directory.team import owner_assign
from directory.vocabulary import get_vocabulary
from tests import personas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
NEW = reverse("directory:new")
KEY = "k" * 32


def _form(**values):
    return {
        "name": "Club Dialog eV",
        "legal_form": "ev",
        "description": "Begegnung",
        "postal_code": "10117",
        "city": "Berlin",
        "state": get_vocabulary().get("state", "berlin").pk,
        **values,
    }


@pytest.fixture
def club():
    return make_organisation(
        "Club Dialog e. V.", slug="club-dialog", city="Berlin", postal_code="10117"
    )


def test_a_member_typing_an_existing_name_is_asked_first_and_nothing_is_created(
    client, member, club, django_assert_num_queries
):
    make_organisation("Club Dialog", slug="entwurf-geheim", status="draft", city="Berlin")
    make_organisation("Club Dialog", slug="pruefung-geheim", status="in_review", city="Berlin")
    client.force_login(member)
    client.get(NEW)  # the session and the vocabulary, outside the count
    # session, user, the state's validation (2), the candidates (1) and their
    # owners (1), the menu's request count, the state choices as rendered
    with django_assert_num_queries(8):
        response = client.post(NEW, _form())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gibt es Ihre Organisation schon?" in html
    assert f'href="{club.get_absolute_url()}"' in html
    assert f'href="{reverse("directory:claim", args=[club.slug])}"' in html
    assert "ähnlicher Name und gleicher Ort" in html
    # What was typed is kept; sending it again creates the profile all the same.
    assert 'value="Club Dialog eV"' in html and 'value="10117"' in html
    assert f'name="{CONFIRM_NEW}" value="1"' in html
    assert "Nein, meine Organisation ist nicht dabei – neues Profil anlegen" in html
    # No draft and no profile in review is shown to a member.
    assert "geheim" not in html
    assert Organisation.objects.filter(name="Club Dialog eV").count() == 0


def test_continuing_creates_the_profile_and_a_double_click_creates_one(client, member, club):
    client.force_login(member)
    first = client.post(NEW, _form(**{CONFIRM_NEW: "1", "submit_key": KEY}))
    again = client.post(NEW, _form(**{CONFIRM_NEW: "1", "submit_key": KEY}))
    created = Organisation.objects.get(name="Club Dialog eV")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("directory:edit", args=[created.slug])
    assert created.status == "draft"


def test_the_question_page_carries_a_new_submit_key(client, member, club):
    """The first answer (the question) is kept for its key: the second submit
    must carry a key of its own, or it would get the question again."""
    client.force_login(member)
    asked = client.post(NEW, _form(submit_key=KEY)).content.decode()
    assert "Gibt es Ihre Organisation schon?" in asked
    assert 'name="submit_key"' in asked and KEY not in asked
    assert client.post(NEW, _form(submit_key=KEY)).content.decode() == asked  # replayed
    assert not Organisation.objects.filter(name="Club Dialog eV").exists()


def test_a_profile_with_an_owner_is_offered_no_claim(client, member, editor_a, club):
    owner_assign(organisation=club, user=personas.create("kontakt_owner"))
    client.force_login(member)
    html = client.post(NEW, _form()).content.decode()
    assert f'href="{club.get_absolute_url()}"' in html
    assert reverse("directory:claim", args=[club.slug]) not in html
    assert "Bitten Sie das Team, Sie einzuladen." in html


def test_only_unpublished_lookalikes_create_at_once(client, member):
    make_organisation("Club Dialog", slug="entwurf", status="draft", city="Berlin")
    client.force_login(member)
    response = client.post(NEW, _form())
    created = Organisation.objects.get(name="Club Dialog eV")
    assert response["Location"] == reverse("directory:edit", args=[created.slug])


def test_errors_are_shown_before_any_question(client, member, club):
    client.force_login(member)
    response = client.post(NEW, _form(postal_code="101"))
    assert response.status_code == 400
    assert "Gibt es Ihre Organisation schon?" not in response.content.decode()


def test_anonymous_and_unconfirmed_accounts_cannot_ask(client, club):
    response = client.post(NEW, _form())
    assert response.status_code == 302 and reverse("login") in response["Location"]
    unconfirmed = get_user_model().objects.create_user(
        email="neu@example.org", password="pw", name="Neu", is_active=False
    )
    client.force_login(unconfirmed)
    response = client.post(NEW, _form())
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Organisation.objects.count() == 1


def test_the_review_page_of_a_new_profile_lists_candidates_of_every_status(
    client, coordinator, club, django_assert_num_queries
):
    draft = make_organisation("Club Dialog", slug="entwurf", status="draft", city="Berlin")
    make_organisation("Club Dialog", slug="archiv", status="archived", city="Berlin")
    new = make_organisation("Club Dialog eV", slug="neu", status="in_review", city="Berlin",
                            website="https://club-dialog.de")  # fmt: skip
    site = make_organisation("Ganz anders", slug="site", status="in_review", city="Köln",
                             website="http://www.club-dialog.de/impressum")  # fmt: skip
    client.force_login(coordinator)
    url = reverse("directory:review", args=[new.slug])
    client.get(url)
    # 9, the "keine Dublette" marks, the invitations, the terms for the completeness checks
    with django_assert_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert "Mögliche Dubletten" in html
    for candidate in (club, draft, site):
        assert f'href="{reverse("directory:review", args=[candidate.slug])}"' in html
    assert "archiv" not in html and "gleiche Website" in html and "Entwurf" in html
    assert f'href="{reverse("directory:review", args=["neu"])}"' not in html


def test_a_review_page_without_candidates_says_so_and_others_may_not_see_it(
    client, coordinator, member
):
    new = make_organisation("Einzigartig", slug="neu", status="in_review", city="Kiel")
    client.force_login(coordinator)
    html = client.get(reverse("directory:review", args=[new.slug])).content.decode()
    assert "Keine: Kein anderes Profil" in html
    client.force_login(member)
    assert client.get(reverse("directory:review", args=[new.slug])).status_code == 403
