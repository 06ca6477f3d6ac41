"""The access decorators of core/access.py: built from Django's own, the same
answer everywhere (anonymous: login page with ``next``; signed in without the
right: 403; with it: the page), and no hand-written login redirects left."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import is_institution
from core.access import (
    object_access_required,
    permission_required_or_403,
    user_passes_test_or_403,
)
from directory.access import REVIEW_PERMISSION
from tests.house.test_architecture import ROOMS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _page(request: HttpRequest, *args: object) -> HttpResponse:
    return HttpResponse(repr(args))


def _request(user) -> HttpRequest:
    request = RequestFactory().get("/geschuetzt/?a=1")
    request.user = user
    return request


def _is_login_redirect(response: HttpResponse, next_url: str) -> bool:
    location = urlsplit(response["Location"])
    return (
        response.status_code == 302
        and location.path == reverse("login")
        and parse_qs(location.query)["next"] == [next_url]
    )


@pytest.mark.parametrize(
    "decorator",
    [permission_required_or_403(REVIEW_PERMISSION), user_passes_test_or_403(is_institution)],
    ids=["permission", "test"],
)
def test_anonymous_visitors_are_sent_to_the_login_page_with_next(decorator):
    response = decorator(_page)(_request(AnonymousUser()))
    assert _is_login_redirect(response, "/geschuetzt/?a=1")


def test_a_user_without_the_permission_gets_403(member, coordinator):
    view = permission_required_or_403(REVIEW_PERMISSION)(_page)
    with pytest.raises(PermissionDenied):
        view(_request(member))
    assert view(_request(coordinator)).status_code == 200


def test_a_user_who_fails_the_test_gets_403(member, institution_user):
    view = user_passes_test_or_403(is_institution)(_page)
    with pytest.raises(PermissionDenied):
        view(_request(member))
    assert view(_request(institution_user)).status_code == 200


def test_an_object_view_gets_the_helpers_objects_after_login(member):
    calls = []

    def helper(request: HttpRequest, slug: str) -> tuple[str, int]:
        calls.append(slug)
        if slug == "fremd":
            raise Http404
        return slug.upper(), 7

    view = object_access_required(helper)(_page)
    # Anonymous: the login page, before the object is looked up (so nobody
    # learns which unpublished profiles exist).
    assert _is_login_redirect(view(_request(AnonymousUser()), "fremd"), "/geschuetzt/?a=1")
    assert calls == []
    assert view(_request(member), "eigen", "mehr").content == b"('EIGEN', 7, 'mehr')"
    with pytest.raises(Http404):
        view(_request(member), "fremd")
    assert view.__name__ == "_page"


def test_an_unknown_profile_sends_anonymous_visitors_to_login_like_a_known_one(client, mo_a):
    for slug in (mo_a.slug, "gibt-es-nicht"):
        for name in ("directory:edit", "support:assessments"):
            response = client.get(reverse(name, args=[slug]))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login") + "?next=")


def test_no_hand_written_login_redirects_are_left():
    """Views use login_required and the decorators of core/access.py."""
    found = [
        str(path.relative_to(ROOT))
        for room in ROOMS
        for path in sorted((ROOT / room).rglob("*.py"))
        if "redirect_to_login" in path.read_text()
    ]
    assert found == []
