"""Institution profiles: what institutions offer MOs (guide ch. 6/7) with a contact
person for MOs; who sees and edits what, the list MOs search, the version check,
revoked verification, bad input."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import institution_services as services
from accounts import services as account_services
from accounts.institutions import contact_visible, profile_of
from accounts.models import InstitutionEditor, InstitutionOffer, InstitutionProfile
from core.concurrency import Conflict
from directory.vocabulary import get_vocabulary
from tests import personas

pytestmark = pytest.mark.django_db
User = get_user_model()

CONTACT_EMAIL = "integration@jobcenter-schwerin.example"
CONTACT_PHONE = "+49 385 555 0101"


def values(**changes):
    vocab = get_vocabulary()
    data = {
        "name": "Jobcenter Schwerin",
        "institution_type": vocab.get("institution_type", "jobcenter"),
        "state": vocab.get("state", "mecklenburg-vorpommern"),
        "city": "Schwerin",
        "postal_code": "19053",
        "description": "Wir beraten Arbeitsuchende in Schwerin.",
        "website": "https://jobcenter-schwerin.example",
        "contact_name": "Petra Brückner",
        "contact_function": "Beauftragte für Migration",
        "contact_email": CONTACT_EMAIL,
        "contact_phone": CONTACT_PHONE,
        "offer_details": "Unser Saal ist dienstags frei.",
    }
    data.update(changes)
    return data


def make_profile(by, *, published=True, offers=("rooms", "training"), **changes):
    profile = services.profile_create(by=by, values=values(**changes), offers=offers)
    if published:
        profile = services.profile_publish(profile=profile, published=True)
    return profile


def form_data(profile=None, **changes):
    """The edit form's POST data (as the browser sends it)."""
    data = values(**changes)
    for field in ("institution_type", "state"):
        data[field] = str(data[field].pk) if data[field] is not None else ""
    data = {k: v for k, v in data.items() if v is not None}
    data["offers"] = changes.get("offers", ["rooms", "shadowing"])
    if profile is not None:
        data["version"] = str(profile.version)
    return data


@pytest.fixture
def other_institution(db):
    """Another verified institution (Agentur für Arbeit), not an editor of the profile."""
    return personas.create(
        "institution",
        email="arbeitsagentur@example.org",
        name="Aron Agentur",
        institution_name="Agentur für Arbeit Rostock",
    )


@pytest.fixture
def profile(institution_user):
    return make_profile(institution_user)


@pytest.fixture
def draft(institution_user):
    return make_profile(institution_user, published=False, name="Jobcenter Schwerin Entwurf")


@pytest.fixture
def people(
    institution_user, other_institution, unverified_institution, member, editor_a, coordinator
):
    return {
        "anonymous": None,
        "member": member,
        "unverified": unverified_institution,
        "editor": institution_user,
        "other_institution": other_institution,
        "mo_editor": editor_a,
        "coordinator": coordinator,
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def outcome(response):
    if response.status_code == 302 and reverse("login") in response["Location"]:
        return "login"
    return response.status_code


PERSONAS = [
    "anonymous",
    "member",
    "unverified",
    "editor",
    "other_institution",
    "mo_editor",
    "coordinator",
]


def row(anonymous, member, unverified, editor, other_institution, mo_editor, coordinator):
    return dict(zip(PERSONAS, [anonymous, member, unverified, editor, other_institution,
                               mo_editor, coordinator], strict=True))  # fmt: skip


# URL name, which profile, GET outcome per persona, POST (empty form) outcome.
MATRIX = [
    ("institution_profiles", None, row(*[200] * 7), row(*[405] * 7)),
    ("institution_profile", "profile", row(*[200] * 7), row(*[405] * 7)),
    (
        "institution_profile",
        "draft",
        row(404, 404, 404, 200, 404, 404, 200),
        row(404, 404, 404, 405, 404, 404, 405),
    ),
    # The editor edits a profile already: the new-profile page leads there.
    (
        "institution_profile_new",
        None,
        row("login", 403, 403, 302, 200, 403, 403),
        row("login", 403, 403, 302, 400, 403, 403),
    ),
    (
        "institution_profile_edit",
        "profile",
        row("login", 403, 403, 200, 403, 403, 200),
        row("login", 403, 403, 400, 403, 403, 400),
    ),
    (
        "institution_profile_edit",
        "draft",
        row("login", 404, 404, 200, 404, 404, 200),
        row("login", 404, 404, 400, 404, 404, 400),
    ),
    (
        "institution_profile_editors",
        "profile",
        row("login", 403, 403, 200, 403, 403, 200),
        row("login", 403, 403, 400, 403, 403, 400),
    ),
    (
        "institution_profile_editors",
        "draft",
        row("login", 404, 404, 200, 404, 404, 200),
        row("login", 404, 404, 400, 404, 404, 400),
    ),
    (
        "institution_profile_publish",
        "profile",
        row("login", 403, 403, 405, 403, 403, 405),
        row("login", 403, 403, 400, 403, 403, 400),
    ),
    (
        "institution_profile_publish",
        "draft",
        row("login", 404, 404, 405, 404, 404, 405),
        row("login", 404, 404, 400, 404, 404, 400),
    ),
]


@pytest.mark.parametrize(("name", "which", "get", "post"), MATRIX)
def test_every_persona_on_every_url(people, profile, draft, name, which, get, post):
    target = {"profile": profile, "draft": draft}.get(which)
    url = reverse(name, args=[target.slug] if target else [])
    mismatches = []
    for persona in PERSONAS:
        client = client_for(people[persona])
        for method, expected in (("get", get), ("post", post)):
            got = outcome(getattr(client, method)(url))
            if got != expected[persona]:
                mismatches.append(f"{method.upper()} {url} as {persona}: {got} != {expected}")
    assert not mismatches, "\n".join(mismatches)
    # The empty POSTs changed nothing.
    profile.refresh_from_db()
    draft.refresh_from_db()
    assert (profile.published, draft.published) == (True, False)
    assert (profile.version, draft.version) == (2, 1)


def test_unverified_institution_gets_the_page_that_explains_verification(
    unverified_institution, profile
):
    client = client_for(unverified_institution)
    for url in (
        reverse("institution_profile_new"),
        reverse("institution_profile_edit", args=[profile.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Nur für verifizierte Institutionen" in response.content.decode()
        assert reverse("account") in response.content.decode()


def test_contact_details_only_for_mo_teams_institutions_and_coordinators(people, profile):
    sees = {"mo_editor", "other_institution", "coordinator", "editor"}
    url = profile.get_absolute_url()
    for persona, user in people.items():
        page = client_for(user).get(url).content.decode()
        # Name and function of the contact person are public.
        assert "Petra Brückner" in page and "Beauftragte für Migration" in page, persona
        assert (CONTACT_EMAIL in page) == (persona in sees), persona
        assert (CONTACT_PHONE in page) == (persona in sees), persona
        if user is not None:
            assert contact_visible(user, profile) == (persona in sees), persona
    anonymous = client_for(None).get(url).content.decode()
    assert "E-Mail und Telefon sehen angemeldete Teams" in anonymous


def test_offer_state_type_and_text_filters_find_the_right_profiles(
    client, institution_user, other_institution
):
    vocab = get_vocabulary()
    rooms = make_profile(institution_user, name="Jobcenter Schwerin", offers=["rooms"])
    shadowing = make_profile(
        other_institution,
        name="Agentur für Arbeit Rostock",
        offers=["shadowing", "funding"],
        institution_type=vocab.get("institution_type", "agentur-fuer-arbeit"),
        city="Rostock",
        description="Hospitationen für Vereine.",
    )
    berlin = make_profile(
        other_institution,
        name="IHK Berlin",
        offers=["shadowing"],
        state=vocab.get("state", "berlin"),
        institution_type=vocab.get("institution_type", "kammer"),
        city="Berlin",
        description="Kammer.",
        offer_details="",
    )
    make_profile(institution_user, name="Entwurf mit Räumen", offers=["rooms"], published=False)

    def found(**params):
        response = client.get(reverse("institution_profiles"), params)
        assert response.status_code == 200
        return {p.pk for p in response.context["page"].object_list}

    assert found() == {rooms.pk, shadowing.pk, berlin.pk}  # not the draft
    assert found(offer="rooms") == {rooms.pk}
    assert found(offer="shadowing") == {shadowing.pk, berlin.pk}
    assert found(offer="training") == set()
    assert found(state=vocab.get("state", "berlin").pk) == {berlin.pk}
    assert found(type=vocab.get("institution_type", "kammer").pk, offer="shadowing") == {berlin.pk}
    assert found(q="Hospitationen") == {shadowing.pk}
    assert found(q="rostock") == {shadowing.pk}
    # Bad filter values: the form says so, the page does not break.
    response = client.get(reverse("institution_profiles"), {"offer": "bogus", "state": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"offer", "state"}


def test_list_without_javascript_has_labels_and_pages(client, institution_user, settings):
    from accounts import institution_views

    for number in range(institution_views.PAGE_SIZE + 3):
        make_profile(institution_user, name=f"Institution {number:02d}")
    page = client.get(reverse("institution_profiles")).content.decode()
    assert '<form method="get"' in page
    for field in ("id_q", "id_offer", "id_state", "id_type"):
        assert f'for="{field}"' in page
    assert "page=2" in page
    second = client.get(reverse("institution_profiles"), {"page": 2, "offer": "rooms"})
    assert len(second.context["page"].object_list) == 3


def test_list_query_count_does_not_grow_with_profiles(
    client, institution_user, django_assert_max_num_queries
):
    for number in range(3):
        make_profile(institution_user, name=f"Institution {number}")
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("institution_profiles"))
    for number in range(3, 15):
        make_profile(institution_user, name=f"Institution {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("institution_profiles"), {"offer": "rooms"})


def test_verified_institution_creates_an_unpublished_profile(client, other_institution):
    client.force_login(other_institution)
    page = client.get(reverse("institution_profile_new"))
    assert page.context["form"].initial["name"] == "Agentur für Arbeit Rostock"
    response = client.post(
        reverse("institution_profile_new"),
        form_data(name="Agentur für Arbeit Rostock", offers=["training", "other"]),
    )
    profile = InstitutionProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    assert profile.slug == "agentur-fuer-arbeit-rostock"
    assert not profile.published and profile.created_by == other_institution
    assert set(profile.offers.values_list("kind", flat=True)) == {"training", "other"}
    assert list(profile.editors.values_list("user", flat=True)) == [other_institution.pk]
    assert profile_of(other_institution) == profile
    # Unpublished: nobody else sees it.
    assert Client().get(profile.get_absolute_url()).status_code == 404
    # Publish it: now everybody does.
    client.post(reverse("institution_profile_publish", args=[profile.slug]), {"published": "1"})
    assert Client().get(profile.get_absolute_url()).status_code == 200
    client.post(reverse("institution_profile_publish", args=[profile.slug]), {"published": "0"})
    assert Client().get(profile.get_absolute_url()).status_code == 404


def test_slug_is_unique_and_stable(institution_user, other_institution):
    first = make_profile(institution_user, name="Jobcenter Schwerin")
    second = make_profile(other_institution, name="Jobcenter Schwerin")
    neu = make_profile(other_institution, name="Neu")
    assert (first.slug, second.slug, neu.slug) == (
        "jobcenter-schwerin",
        "jobcenter-schwerin-2",
        "neu-2",  # "neu" is the new-profile page
    )
    services.profile_update(
        profile=first,
        values=values(name="Jobcenter Westmecklenburg"),
        offers=[],
        expected_version=None,
    )
    first.refresh_from_db()
    assert first.slug == "jobcenter-schwerin" and first.name == "Jobcenter Westmecklenburg"


def test_editor_saves_and_coordinator_saves(client, institution_user, coordinator, profile):
    client.force_login(institution_user)
    url = reverse("institution_profile_edit", args=[profile.slug])
    response = client.post(url, form_data(profile, description="Neu beschrieben."))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.description == "Neu beschrieben." and profile.version == 3
    assert set(profile.offers.values_list("kind", flat=True)) == {"rooms", "shadowing"}
    client.force_login(coordinator)
    response = client.post(url, form_data(profile, offers=["funding"]))
    assert response.status_code == 302
    assert list(profile.offers.values_list("kind", flat=True)) == ["funding"]


def test_two_editors_saving_at_once_the_second_gets_a_conflict(
    institution_user, other_institution, profile
):
    services.editor_add(profile=profile, user=other_institution, by=institution_user)
    first, second = client_for(institution_user), client_for(other_institution)
    url = reverse("institution_profile_edit", args=[profile.slug])
    loaded = first.get(url).context["form"].initial["version"]
    assert second.get(url).context["form"].initial["version"] == loaded
    data_first = form_data(profile, contact_name="Anna Erst")
    data_second = form_data(profile, contact_name="Bernd Zweit")
    assert first.post(url, data_first).status_code == 302
    response = second.post(url, data_second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Inzwischen hat jemand anderes gespeichert" in page
    assert "Anna Erst" in page and "Bernd Zweit" in page  # theirs and the user's input
    profile.refresh_from_db()
    assert profile.contact_name == "Anna Erst"  # not silently overwritten
    # The form now carries the current version: saving again applies the input.
    again = dict(data_second, version=str(response.context["form"].data["version"]))
    assert second.post(url, again).status_code == 302
    profile.refresh_from_db()
    assert profile.contact_name == "Bernd Zweit"


def test_service_raises_conflict_and_writes_nothing(profile):
    with pytest.raises(Conflict):
        services.profile_update(
            profile=profile, values=values(city="Wismar"), offers=[], expected_version=1
        )
    profile.refresh_from_db()
    assert profile.city == "Schwerin"
    assert profile.offers.count() == 2


def test_revoked_verification_loses_edit_rights(institution_user, coordinator, profile, draft):
    client = client_for(institution_user)
    assert client.get(reverse("institution_profile_edit", args=[profile.slug])).status_code == 200
    account_services.institution_revoke(
        user=institution_user, by=coordinator, reason="Nicht mehr beim Jobcenter."
    )
    # The same session, the next request: the right is gone.
    edit = client.get(reverse("institution_profile_edit", args=[profile.slug]))
    assert edit.status_code == 403
    assert "Nur für verifizierte Institutionen" in edit.content.decode()
    post = client.post(reverse("institution_profile_edit", args=[profile.slug]), form_data(profile))
    assert post.status_code == 403
    assert client.get(draft.get_absolute_url()).status_code == 404  # unpublished: not revealed
    publish = reverse("institution_profile_publish", args=[profile.slug])
    assert client.post(publish, {"published": "0"}).status_code == 403
    assert client.get(reverse("institution_profile_new")).status_code == 403
    institution_user.refresh_from_db()
    assert profile_of(User.objects.get(pk=institution_user.pk)) is None
    profile.refresh_from_db()
    assert profile.published and profile.version == 2
    with pytest.raises(services.InstitutionProfileError):
        services.profile_create(by=User.objects.get(pk=institution_user.pk), values=values())


BAD_INPUT = {
    "name": "",
    "postal_code": "19O53",
    "website": "kein link",
    "contact_email": "petra@",
    "contact_phone": "<script>alert(1)</script>",
    "institution_type": "999999",
    "state": "abc",
    "offers": ["rooms", "bogus"],
    "description": "x" * 2001,
    "version": "9" * 30,
}


@pytest.mark.parametrize(("field", "value"), BAD_INPUT.items())
def test_bad_input_gives_a_field_error_not_a_500(client, institution_user, profile, field, value):
    client.force_login(institution_user)
    data = form_data(profile)
    data[field] = value
    response = client.post(reverse("institution_profile_edit", args=[profile.slug]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert 'id="error-summary"' in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_bad_input_on_create_and_publish(client, other_institution, profile, institution_user):
    client.force_login(other_institution)
    response = client.post(reverse("institution_profile_new"), form_data(postal_code="123"))
    assert response.status_code == 400 and list(response.context["form"].errors) == ["postal_code"]
    assert not InstitutionProfile.objects.filter(created_by=other_institution).exists()
    client.force_login(institution_user)
    publish = reverse("institution_profile_publish", args=[profile.slug])
    assert client.post(publish, {"published": "ja"}).status_code == 400


def test_editors_add_a_verified_colleague_and_keep_one(
    client, institution_user, other_institution, unverified_institution, profile
):
    client.force_login(institution_user)
    url = reverse("institution_profile_editors", args=[profile.slug])
    refused = client.post(url, {"action": "add", "email": unverified_institution.email})
    assert refused.status_code == 400
    assert "kein verifiziertes Konto" in str(refused.context["form"].errors["email"])
    unknown = client.post(url, {"action": "add", "email": "niemand@example.org"})
    assert unknown.status_code == 400
    added = client.post(url, {"action": "add", "email": other_institution.email.upper()})
    assert added.status_code == 302
    colleague = client_for(other_institution)
    assert (
        colleague.get(reverse("institution_profile_edit", args=[profile.slug])).status_code == 200
    )
    mine = InstitutionEditor.objects.get(profile=profile, user=institution_user)
    theirs = InstitutionEditor.objects.get(profile=profile, user=other_institution)
    assert client.post(url, {"action": "remove", "editor": theirs.pk}).status_code == 302
    assert (
        colleague.get(reverse("institution_profile_edit", args=[profile.slug])).status_code == 403
    )
    for junk in ("9" * 40, "abc", ""):
        assert client.post(url, {"action": "remove", "editor": junk}).status_code == 400
    # The last editor stays.
    client.post(url, {"action": "remove", "editor": mine.pk})
    assert InstitutionEditor.objects.filter(profile=profile).count() == 1
    with pytest.raises(services.InstitutionProfileError):
        services.editor_remove(profile=profile, user=institution_user)
    with pytest.raises(services.InstitutionProfileError):
        services.editor_add(profile=profile, user=unverified_institution, by=institution_user)


def test_offer_kinds_are_one_row_each(institution_user):
    profile = make_profile(institution_user, offers=["rooms", "rooms", "training"])
    assert sorted(profile.offers.values_list("kind", flat=True)) == ["rooms", "training"]
    services.profile_update(
        profile=profile, values=values(), offers=["training", "networks"], expected_version=None
    )
    assert sorted(profile.offers.values_list("kind", flat=True)) == ["networks", "training"]
    assert set(InstitutionOffer.Kind) >= {"rooms", "training", "shadowing", "funding", "other"}


def test_account_page_links_the_institution_profile(client, institution_user, other_institution):
    client.force_login(other_institution)
    assert reverse("institution_profile_new") in client.get(reverse("account")).content.decode()
    profile = make_profile(institution_user)
    client.force_login(institution_user)
    page = client.get(reverse("account")).content.decode()
    assert profile.get_absolute_url() in page and "Institutionsprofil" in page


def test_profile_of_is_for_verified_institutions_only(institution_user, member, coordinator):
    assert profile_of(institution_user) is None
    profile = make_profile(institution_user)
    assert profile_of(institution_user) == profile
    assert profile_of(member) is None and profile_of(coordinator) is None
    from django.contrib.auth.models import AnonymousUser

    assert profile_of(AnonymousUser()) is None


def test_personal_data_export_names_the_profiles_a_person_edits(client, institution_user):
    profile = make_profile(institution_user)
    client.force_login(institution_user)
    data = client.get(reverse("export_data")).json()
    assert [entry["profile"] for entry in data["institution_profiles"]] == [profile.slug]


def test_deleting_an_editor_keeps_the_profile(institution_user, profile):
    account_services.delete_account(institution_user)
    profile.refresh_from_db()
    assert profile.created_by is None and not profile.editors.exists()


def test_demo_accounts_bring_one_published_institution_profile():
    from io import StringIO

    from django.core.management import call_command

    call_command("create_demo_accounts", "--force", stdout=StringIO())
    call_command("create_demo_accounts", "--force", stdout=StringIO())  # idempotent
    [profile] = InstitutionProfile.objects.all()
    assert profile.published and profile.offers.count() == 4
    assert profile_of(User.objects.get(email="jobcenter@example.org")) == profile
