"""Who may see what (directory.access): every visibility tier of every contact
field for every persona, and the 404 / 403 / login answers for profiles."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from directory import access
from directory.models import Membership, Organisation, Visibility

pytestmark = pytest.mark.django_db

PUBLIC, INSTITUTIONS, HIDDEN = Visibility.PUBLIC, Visibility.INSTITUTIONS, Visibility.HIDDEN

PERSONAS = [
    "anonymous",
    "member",  # signed in, an MO account without any membership or right
    "unverified_institution",  # signed up as an institution, e-mail not yet confirmed
    # Signed up as an institution with a free-mail address and confirmed it, but not
    # verified (issue 15): an ordinary signed-in user.
    "confirmed_unverified_institution",
    "institution",
    "own_owner",
    "own_editor",
    "other_editor",  # owner of another MO
    "coordinator",
]

# Who sees a contact field at each tier.
SEES = {
    PUBLIC: set(PERSONAS),
    INSTITUTIONS: {"institution", "own_owner", "own_editor", "coordinator"},
    HIDDEN: {"own_owner", "own_editor", "coordinator"},
}

CONTACT = {
    "website": "https://verein-a.example.org",
    "email": "post@verein-a.example.org",
    "phone": "0385 123456",
    "street": "Hauptstraße 1",
    "postal_code": "19053",
    "city": "Schwerin",
}
TIERED = ("email", "phone", "street")


@pytest.fixture
def people(
    django_user_model,
    mo_a,
    mo_b,
    editor_a,
    editor_b,
    member,
    institution_user,
    coordinator,
    unverified_institution,
):
    own_editor = django_user_model.objects.create_user(
        email="redaktion-a@example.org", password="pw", name="Redaktion A"
    )
    Membership.objects.create(user=own_editor, organisation=mo_a, role=Membership.Role.EDITOR)
    unverified = django_user_model.objects.create_user(
        email="neu@jobcenter.example.org",
        password="pw",
        account_type="institution",
        institution_name="Jobcenter Rostock",
        is_active=False,
    )
    return {
        "anonymous": AnonymousUser(),
        "member": member,
        "unverified_institution": unverified,
        "confirmed_unverified_institution": unverified_institution,
        "institution": institution_user,
        "own_owner": editor_a,
        "own_editor": own_editor,
        "other_editor": editor_b,
        "coordinator": coordinator,
    }


def _with_contact(organisation, **visibility):
    Organisation.objects.filter(pk=organisation.pk).update(**CONTACT, **visibility)
    return Organisation.objects.get(pk=organisation.pk)


def _fresh(user):
    """The user as a new request would have it (no cached memberships)."""
    if not user.is_authenticated:
        return user
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("tier", [PUBLIC, INSTITUTIONS, HIDDEN])
@pytest.mark.parametrize("field", TIERED)
def test_each_tier_of_each_contact_field_for_each_persona(people, mo_a, persona, tier, field):
    # The field under test at this tier, the other two at the other tiers, so that
    # each field is decided by its own visibility setting.
    others = [t for t in (PUBLIC, INSTITUTIONS, HIDDEN) if t != tier]
    tiers = {field: tier}
    for other_field, other_tier in zip([f for f in TIERED if f != field], others, strict=True):
        tiers[other_field] = other_tier
    organisation = _with_contact(mo_a, **{f"{f}_visibility": t for f, t in tiers.items()})

    expected = dict(CONTACT)
    for name, name_tier in tiers.items():
        if persona not in SEES[name_tier]:
            expected[name] = ""
    assert access.visible_contact(organisation, _fresh(people[persona])) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_see_per_tier(people, mo_a, persona):
    user = _fresh(people[persona])
    for tier in (PUBLIC, INSTITUTIONS, HIDDEN):
        assert access.can_see(tier, user, mo_a) is (persona in SEES[tier]), tier


def test_an_institution_never_sees_hidden_fields(people, mo_a):
    organisation = _with_contact(
        mo_a, email_visibility=HIDDEN, phone_visibility=HIDDEN, street_visibility=HIDDEN
    )
    contact = access.visible_contact(organisation, _fresh(people["institution"]))
    assert contact == {**CONTACT, "email": "", "phone": "", "street": ""}


def test_a_deactivated_institution_account_sees_only_public_fields(people, mo_a):
    institution = people["institution"]
    institution.is_active = False
    institution.save()
    organisation = _with_contact(
        mo_a, email_visibility=INSTITUTIONS, phone_visibility=PUBLIC, street_visibility=HIDDEN
    )
    contact = access.visible_contact(organisation, _fresh(institution))
    assert contact == {**CONTACT, "email": "", "street": ""}


def test_membership_of_another_mo_gives_no_right(people, mo_a, mo_b):
    organisation = _with_contact(mo_b, email_visibility=HIDDEN)
    assert access.visible_contact(organisation, _fresh(people["own_owner"]))["email"] == ""
    assert (
        access.visible_contact(organisation, _fresh(people["other_editor"]))["email"]
        == (CONTACT["email"])
    )


def test_a_superuser_sees_hidden_fields(django_user_model, mo_a):
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="pw")
    organisation = _with_contact(mo_a, email_visibility=HIDDEN)
    assert access.visible_contact(organisation, admin)["email"] == CONTACT["email"]


# -- the profile page shows exactly that contact data


PAGE_CONTACT = {
    "email_visibility": INSTITUTIONS,
    "phone_visibility": HIDDEN,
    "street_visibility": PUBLIC,
}
# Inactive accounts are not signed in at all: the unverified institution sees the
# page as an anonymous visitor does.
PAGE_SEES = {
    "anonymous": {"street"},
    "member": {"street"},
    "unverified_institution": {"street"},
    "confirmed_unverified_institution": {"street"},
    "institution": {"street", "email"},
    "own_owner": {"street", "email", "phone"},
    "own_editor": {"street", "email", "phone"},
    "other_editor": {"street"},
    "coordinator": {"street", "email", "phone"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_profile_page_shows_the_contact_data_of_the_persona(client, people, mo_a, persona):
    _with_contact(mo_a, **PAGE_CONTACT)
    if persona != "anonymous":
        client.force_login(people[persona])
    response = client.get(reverse("directory:organisation_detail", args=[mo_a.slug]))
    assert response.status_code == 200
    assert response.context["contact"] == {
        **CONTACT,
        **{f: "" for f in TIERED if f not in PAGE_SEES[persona]},
    }
    page = response.content.decode()
    for field in TIERED:
        assert (CONTACT[field] in page) is (field in PAGE_SEES[persona]), field


# -- membership_of


def test_membership_of(people, mo_a, mo_b):
    owner = _fresh(people["own_owner"])
    membership = access.membership_of(owner, mo_a)
    assert membership.organisation_id == mo_a.pk and membership.role == Membership.Role.OWNER
    assert access.membership_of(owner, mo_b) is None
    assert access.membership_of(AnonymousUser(), mo_a) is None
    assert access.membership_of(_fresh(people["coordinator"]), mo_a) is None


def test_memberships_are_read_once_per_user(people, mo_a, mo_b, django_assert_num_queries):
    owner = _fresh(people["own_owner"])
    with django_assert_num_queries(1):
        assert access.membership_of(owner, mo_a).role == Membership.Role.OWNER
        assert access.membership_of(owner, mo_b) is None
        assert access.membership_of(owner, mo_a).role == Membership.Role.OWNER
    assert set(owner._memberships) == {mo_a.pk}


def test_is_reviewer(people):
    assert {p for p in PERSONAS if access.is_reviewer(_fresh(people[p]))} == {"coordinator"}


# -- organisation_for_member, organisation_for_viewer and member_view


def _request(user, path="/organisationen/verein-a/bearbeiten/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_organisation_for_member_answers_per_persona(people, mo_a):
    outcomes = {}
    for persona in PERSONAS:
        try:
            organisation, membership = access.organisation_for_member(
                _request(_fresh(people[persona])), mo_a.slug
            )
        except PermissionDenied:
            outcomes[persona] = 403
        except Http404:
            outcomes[persona] = 404
        else:
            assert organisation == mo_a and membership.organisation_id == mo_a.pk
            outcomes[persona] = membership.role
    # Anonymous visitors never get here: login_required in front of every member view
    # sends them to the login page (tests/core/test_access.py).
    assert outcomes == {
        "anonymous": 403,
        "member": 403,
        "unverified_institution": 403,
        "confirmed_unverified_institution": 403,
        "institution": 403,
        "own_owner": "owner",
        "own_editor": "editor",
        "other_editor": 403,
        "coordinator": 403,
    }


def test_organisation_for_member_hides_unpublished_profiles_from_outsiders(people, mo_a):
    Organisation.objects.filter(pk=mo_a.pk).update(status=Organisation.Status.DRAFT)
    for persona in ("member", "institution", "other_editor", "coordinator"):
        with pytest.raises(Http404):
            access.organisation_for_member(_request(_fresh(people[persona])), mo_a.slug)
    with pytest.raises(Http404):
        access.organisation_for_member(_request(AnonymousUser()), mo_a.slug)
    organisation, membership = access.organisation_for_member(
        _request(_fresh(people["own_editor"])), mo_a.slug
    )
    assert organisation.pk == mo_a.pk and membership.role == Membership.Role.EDITOR


def test_organisation_for_member_owner_only(people, mo_a):
    organisation, membership = access.organisation_for_member(
        _request(_fresh(people["own_owner"])), mo_a.slug, owner=True
    )
    assert organisation.pk == mo_a.pk and membership.role == Membership.Role.OWNER
    with pytest.raises(PermissionDenied):
        access.organisation_for_member(
            _request(_fresh(people["own_editor"])), mo_a.slug, owner=True
        )


def test_organisation_for_member_unknown_slug_is_404_even_for_anonymous(people):
    for persona in ("anonymous", "own_owner", "coordinator"):
        with pytest.raises(Http404):
            access.organisation_for_member(_request(_fresh(people[persona])), "gibt-es-nicht")


def test_organisation_for_member_loads_the_state_with_the_profile(
    people, mo_a, django_assert_num_queries
):
    request = _request(_fresh(people["own_owner"]))
    with django_assert_num_queries(2):  # the profile with its state, the memberships
        organisation, _membership = access.organisation_for_member(request, mo_a.slug)
        assert organisation.state.slug == "hamburg"


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_organisation_for_viewer_unpublished(people, mo_a, status):
    Organisation.objects.filter(pk=mo_a.pk).update(status=status)
    seen = set()
    for persona in PERSONAS:
        try:
            organisation = access.organisation_for_viewer(
                _request(_fresh(people[persona])), mo_a.slug
            )
        except Http404:
            continue
        assert organisation.pk == mo_a.pk
        seen.add(persona)
    assert seen == {"own_owner", "own_editor", "coordinator"}


def test_organisation_for_viewer_published_and_unknown(people, mo_a, django_assert_num_queries):
    for persona in PERSONAS:
        request = _request(_fresh(people[persona]))
        assert access.organisation_for_viewer(request, mo_a.slug).pk == mo_a.pk
    with pytest.raises(Http404):
        access.organisation_for_viewer(_request(_fresh(people["coordinator"])), "gibt-es-nicht")
    with django_assert_num_queries(1):  # the profile with its state
        organisation = access.organisation_for_viewer(_request(AnonymousUser()), mo_a.slug)
        assert organisation.state.slug == "hamburg"


def test_member_view_passes_the_organisation_and_membership(people, mo_a):
    calls = []

    @access.member_view()
    def view(request, organisation, membership, *args, **kwargs):
        calls.append((organisation.pk, membership.role, args, kwargs))
        return HttpResponse("ok")

    response = view(_request(_fresh(people["own_editor"])), mo_a.slug, 7, part="kontakt")
    assert response.status_code == 200 and response.content == b"ok"
    assert calls == [(mo_a.pk, Membership.Role.EDITOR, (7,), {"part": "kontakt"})]
    assert view.__name__ == "view"


def test_member_view_sends_anonymous_visitors_to_login_with_the_full_path(mo_a):
    @access.member_view()
    def view(request, organisation, membership):
        raise AssertionError("not for anonymous visitors")

    path = "/organisationen/verein-a/bearbeiten/kontakt/?zurueck=1"
    response = view(_request(AnonymousUser(), path), mo_a.slug)
    assert response.status_code == 302
    assert response["Location"] == (
        "/konto/anmelden/?next=/organisationen/verein-a/bearbeiten/kontakt/%3Fzurueck%3D1"
    )


def test_member_view_owner_only_refuses_editors(people, mo_a):
    @access.member_view(owner=True)
    def view(request, organisation, membership):
        return HttpResponse("ok")

    assert view(_request(_fresh(people["own_owner"])), mo_a.slug).status_code == 200
    with pytest.raises(PermissionDenied):
        view(_request(_fresh(people["own_editor"])), mo_a.slug)
    with pytest.raises(PermissionDenied):
        view(_request(_fresh(people["coordinator"])), mo_a.slug)
