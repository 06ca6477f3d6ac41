"""Nobody changes an MO they are not a member of.

Every profile-editing URL and method, as anonymous, institution user, editor of
MO A, editor of MO B and coordinator, against MO A.
"""

import pytest
from django.urls import reverse

from directory.models import Membership, Organisation

pytestmark = pytest.mark.django_db

LOGIN, FORBIDDEN, NOT_FOUND, OK = "login", 403, 404, "ok"

SECTION_DATA = {
    "identitaet": {"name": "Verein A e. V.", "legal_form": "ev", "area": "local"},
    "angebote": {
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "30",
    },
    "ressourcen": {"paid_staff": "1", "volunteers": "2", "members": "3", "budget_band": "none"},
    "kontakt": {
        "email_visibility": "public",
        "phone_visibility": "institutions",
        "street_visibility": "hidden",
    },
}


def _requests(organisation, other_membership):
    """(method, URL, data, what the owner gets: 200 or the redirect target)."""
    slug = organisation.slug
    edit = reverse("directory:edit", args=[slug])
    team = reverse("directory:team", args=[slug])
    requests = [
        ("get", edit, {}, 200),
        ("post", reverse("directory:submit", args=[slug]), {}, edit),
        ("post", reverse("directory:confirm", args=[slug]), {}, edit),
        ("get", team, {}, 200),
        ("post", team, {"email": "neu@example.org"}, team),
        ("post", reverse("directory:team_remove", args=[slug, other_membership.pk]), {}, team),
        ("post", reverse("directory:team_transfer", args=[slug, other_membership.pk]), {}, team),
        ("post", reverse("directory:archive", args=[slug]), {}, edit),
    ]
    for section, data in SECTION_DATA.items():
        url = reverse("directory:edit_section", args=[slug, section])
        requests += [("get", url, {}, 200), ("post", url, data, edit)]
    return requests


EXPECTED = {
    "anonymous": LOGIN,
    "institution": FORBIDDEN,
    "editor_a": OK,  # what _requests says for the owner
    "editor_b": FORBIDDEN,
    "coordinator": FORBIDDEN,
}


def _outcome(response) -> object:
    """LOGIN, the redirect target, or the status code."""
    if response.status_code == 302:
        location = response["Location"]
        return LOGIN if location.startswith("/konto/anmelden/") else location
    return response.status_code


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_every_profile_editing_url_and_method(
    client, persona, mo_a, editor_a, editor_b, institution_user, coordinator, django_user_model
):
    colleague = django_user_model.objects.create_user(email="kollegin@example.org", password="pw")
    other = Membership.objects.create(user=colleague, organisation=mo_a, role="editor")
    users = {
        "anonymous": None,
        "institution": institution_user,
        "editor_a": editor_a,
        "editor_b": editor_b,
        "coordinator": coordinator,
    }
    requests = _requests(mo_a, other)
    before = Organisation.objects.get(pk=mo_a.pk).name
    for method, url, data, owner_outcome in requests:
        # Each request starts from the same team and state.
        Membership.objects.update_or_create(
            pk=other.pk, defaults={"user": colleague, "organisation": mo_a, "role": "editor"}
        )
        Membership.objects.filter(user=editor_a, organisation=mo_a).update(role="owner")
        Organisation.objects.filter(pk=mo_a.pk).update(status="published")
        client.logout()
        if users[persona]:
            client.force_login(users[persona])
        response = getattr(client, method)(url, data)
        expected = owner_outcome if EXPECTED[persona] == OK else EXPECTED[persona]
        assert _outcome(response) == expected, (persona, method, url, response.status_code)
    if EXPECTED[persona] != OK:
        mo_a.refresh_from_db()
        assert mo_a.name == before and mo_a.status == "published"
        assert Membership.objects.filter(pk=other.pk, role="editor").exists()


def test_unpublished_profiles_are_404_for_everybody_outside_the_team(
    client, editor_a, editor_b, institution_user, coordinator, mo_a
):
    Organisation.objects.filter(pk=mo_a.pk).update(status="draft")
    for user in (institution_user, editor_b, coordinator):
        client.force_login(user)
        assert client.get(reverse("directory:edit", args=[mo_a.slug])).status_code == 404
    client.force_login(editor_a)
    assert client.get(reverse("directory:edit", args=[mo_a.slug])).status_code == 200


def test_owner_only_actions_are_refused_to_editors(client, mo_a, member):
    Membership.objects.create(user=member, organisation=mo_a, role="editor")
    client.force_login(member)
    assert client.post(reverse("directory:archive", args=[mo_a.slug])).status_code == 403
    assert Organisation.objects.get(pk=mo_a.pk).status == "published"


def test_post_only_urls_refuse_get(client, editor_a, mo_a):
    client.force_login(editor_a)
    for name in ("directory:submit", "directory:confirm", "directory:archive"):
        assert client.get(reverse(name, args=[mo_a.slug])).status_code == 405


def test_review_urls_are_for_coordinators_only(
    client, mo_a, editor_a, institution_user, coordinator
):
    urls = [
        ("get", reverse("directory:review_queue")),
        ("get", reverse("directory:review", args=[mo_a.slug])),
        ("get", reverse("directory:history", args=[mo_a.slug])),
        ("post", reverse("directory:assign_owner", args=[mo_a.slug])),
    ]
    for method, url in urls:
        client.logout()
        assert getattr(client, method)(url)["Location"].startswith("/konto/anmelden/")
        for user in (editor_a, institution_user):
            client.force_login(user)
            assert getattr(client, method)(url).status_code == 403, (user, url)
        client.force_login(coordinator)
        response = getattr(client, method)(url)
        if method == "get":
            assert response.status_code == 200, url
        else:  # no e-mail address given: back to the review page
            assert response.status_code == 302, url
            assert response["Location"] == reverse("directory:review", args=[mo_a.slug])
