"""Personal pages are never kept by a cache (issue 14, finding 8): every answer to
a signed-in person carries the person's name in the header, a CSRF token and
often private data, so it is sent ``Cache-Control: private, no-store``; pages
for anonymous visitors stay as cacheable as before."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _is_private(response) -> bool:
    return {"private", "no-store"} <= _directives(response)


@pytest.mark.parametrize("name", ["account", "export_data", "cooperation:inbox"])
def test_personal_pages_are_private_and_not_stored(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert _is_private(response)
    assert "ETag" not in response  # nothing for a cache to revalidate either


def test_the_data_export_download_is_private(client, member):
    client.force_login(member)
    response = client.get(reverse("export_data"))
    assert response["Content-Disposition"].startswith("attachment;")
    assert member.email in response.content.decode()
    assert _is_private(response)


def test_a_public_page_seen_signed_in_is_private_and_anonymous_stays_cacheable(
    client, member, django_assert_num_queries
):
    organisation = make_organisation("Kontakt e. V.", slug="kontakt")
    url = organisation.get_absolute_url()
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert not {"private", "no-store"} & _directives(anonymous)
    with django_assert_num_queries(0):  # still from the shared page cache
        assert client.get(url).status_code == 200
    client.force_login(member)
    signed_in = client.get(url)
    assert signed_in.status_code == 200
    logout_form = f'action="{reverse("logout")}"'  # with its CSRF token, in the header
    assert logout_form in signed_in.content.decode()
    assert _is_private(signed_in)
    client.logout()
    again = client.get(url)
    assert logout_form not in again.content.decode()  # the personal page was not stored
    assert not _is_private(again)


def test_the_answer_to_the_login_itself_is_private(client, member):
    response = client.post(reverse("login"), {"username": member.email, "password": "pw"})
    assert response.status_code == 302
    assert _is_private(response)


def test_error_pages_for_signed_in_people_are_private_too(client, member):
    client.force_login(member)
    assert _is_private(client.get("/gibt-es-nicht/"))


def test_an_explicit_cache_control_of_a_view_is_kept(client, member):
    """The open-data API is the same for everybody and says so itself."""
    client.force_login(member)
    response = client.get("/api/terms/")
    assert response.status_code == 200
    assert "public" in _directives(response) and get_max_age(response) == 60


def test_anonymous_pages_get_no_private_header(client):
    for url in (reverse("home"), reverse("directory:organisation_list"), reverse("topics")):
        response = client.get(url)
        assert response.status_code == 200
        assert not _is_private(response), url
