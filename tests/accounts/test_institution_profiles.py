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


def test_contact_details_need_a_published_mo_not_a_draft_one(member, profile):
    """Anybody signed in can create a draft MO and own it at once: that is no MO team."""
    from directory.models import Organisation
    from directory.team import owner_assign
    from tests.factories import make_organisation

    draft_mo = make_organisation("Entwurf e. V.", status=Organisation.Status.DRAFT)
    owner_assign(organisation=draft_mo, user=member)
    page = client_for(member).get(profile.get_absolute_url()).content.decode()
    assert CONTACT_EMAIL not in page and CONTACT_PHONE not in page
    assert not contact_visible(member, profile)
    published_mo = make_organisation("Veröffentlicht e. V.")
    owner_assign(organisation=published_mo, user=member)
    page = client_for(member).get(profile.get_absolute_url()).content.decode()
    assert CONTACT_EMAIL in page and CONTACT_PHONE in page
    assert contact_visible(member, profile)


def test_last_editor_deleting_the_account_withdraws_the_profile_and_its_own_contact(
    client, institution_user
):
    # The create form pre-fills the contact person with the creator's name and address.
    client.force_login(institution_user)
    client.post(
        reverse("institution_profile_new"),
        form_data(contact_name=institution_user.name, contact_email=institution_user.email),
    )
    profile = InstitutionProfile.objects.get()
    profile = services.profile_publish(profile=profile, published=True)
    version = profile.version
    account_services.delete_account(institution_user)
    profile.refresh_from_db()
    assert not profile.published and profile.version == version + 1
    assert (
        profile.contact_name,
        profile.contact_function,
        profile.contact_email,
        profile.contact_phone,
    ) == ("", "", "", "")
    assert profile.name == "Jobcenter Schwerin"  # the institution's own data stays
    assert Client().get(profile.get_absolute_url()).status_code == 404


def test_an_editor_deleting_the_account_leaves_another_contact_and_the_colleague(
    institution_user, other_institution
):
    """A contact who is somebody else stays; with a colleague left the profile stays
    published; the leaving person's own name goes whoever remains."""
    other = make_profile(institution_user, name="Jobcenter Rostock")  # contact: Petra
    shared = make_profile(
        institution_user, name="Jobcenter Wismar", contact_name="  jana  BERGER ", contact_email=""
    )
    services.editor_add(profile=shared, user=other_institution, by=institution_user)
    account_services.delete_account(institution_user)
    other.refresh_from_db()
    shared.refresh_from_db()
    assert not other.published  # nobody left to keep it current
    assert (other.contact_name, other.contact_email) == ("Petra Brückner", CONTACT_EMAIL)
    assert shared.published and shared.contact_name == "" and shared.contact_phone == ""


def test_editors_are_colleagues_of_the_same_domain_and_the_refusal_reveals_nothing(
    client, institution_user, coordinator, profile
):
    elsewhere = personas.create(
        "institution", email="vermittlung@arbeitsagentur.de", name="Elsa Anderswo"
    )
    client.force_login(institution_user)  # jobcenter@example.org
    url = reverse("institution_profile_editors", args=[profile.slug])
    errors = {}
    for email in (elsewhere.email, "niemand@example.org", "niemand@arbeitsagentur.de"):
        response = client.post(url, {"action": "add", "email": email})
        assert response.status_code == 400, email
        errors[email] = response.context["form"].errors["email"]
    assert len({str(e) for e in errors.values()}) == 1  # the same answer for each
    assert "kein verifiziertes Konto Ihrer Institution" in str(errors[elsewhere.email])
    assert not profile.editors.filter(user=elsewhere).exists()
    # A coordinator may add a verified institution of any domain.
    client.force_login(coordinator)
    assert client.post(url, {"action": "add", "email": elsewhere.email}).status_code == 302
    assert profile.editors.filter(user=elsewhere).exists()


def test_a_unicode_digit_as_editor_is_a_bad_request_not_a_500(client, institution_user, profile):
    client.force_login(institution_user)
    url = reverse("institution_profile_editors", args=[profile.slug])
    for junk in ("²", "١٢", "①"):
        assert client.post(url, {"action": "remove", "editor": junk}).status_code == 400
    assert profile.editors.count() == 1


def test_a_slug_taken_meanwhile_is_retried_not_a_500(monkeypatch, institution_user):
    """Two creates at once both find the slug free; the second INSERT fails on the
    unique slug and takes the next one (here: the check is told the slug is free)."""
    first = make_profile(institution_user)
    real = services.unique_slug
    answers = iter([first.slug])
    monkeypatch.setattr(services, "unique_slug", lambda name: next(answers, None) or real(name))
    second = make_profile(institution_user)
    assert (first.slug, second.slug) == ("jobcenter-schwerin", "jobcenter-schwerin-2")
    assert InstitutionProfile.objects.count() == 2
    assert list(second.editors.values_list("user", flat=True)) == [institution_user.pk]


def test_create_form_sent_twice_creates_one_profile(client, other_institution):
    client.force_login(other_institution)
    page = client.get(reverse("institution_profile_new")).content.decode()
    assert 'name="submit_key"' in page
    data = dict(form_data(name="Agentur für Arbeit Rostock"), submit_key="k" * 32)
    first = client.post(reverse("institution_profile_new"), data)
    again = client.post(reverse("institution_profile_new"), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert InstitutionProfile.objects.count() == 1


def test_unique_slug_is_the_one_of_core_text(institution_user):
    from core import text
    from directory import services as directory_services

    make_profile(institution_user, name="Brücke")
    assert services.unique_slug("Brücke") == "bruecke-2"
    assert services.unique_slug("!!!") == "institution"
    assert services.unique_slug("neu") == "neu-2"
    assert directory_services.unique_slug("Brücke") == "bruecke"  # another table
    assert text.unique_slug("x", taken=InstitutionProfile.objects.none(), fallback="y") == "x"


@pytest.mark.postgres
def test_two_creates_at_once_from_two_tabs_never_500(transactional_db, monkeypatch):
    """Two tabs of one person, two submit keys, the same name at the same moment:
    both pass ``profile_of`` and find the slug free (held at a barrier until both
    have); the second INSERT waits on the unique slug, fails and takes the next one."""
    import threading

    from django.core.management import call_command

    from directory.vocabulary import invalidate_vocabulary
    from tests.parallel import parallel

    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    user = personas.create("institution")
    real, both_checked, lock, calls = (
        services.unique_slug,
        threading.Barrier(2, timeout=10),
        threading.Lock(),
        [],
    )

    def slug_checked_by_both(name):
        slug = real(name)
        with lock:
            calls.append(slug)
            first_two = len(calls) <= 2
        if first_two:
            both_checked.wait()
        return slug

    monkeypatch.setattr(services, "unique_slug", slug_checked_by_both)

    def create(key):
        data = dict(form_data(name="Jobcenter Gleichzeitig"), submit_key=key * 32)
        return client_for(user).post(reverse("institution_profile_new"), data).status_code

    assert parallel(lambda: create("a"), lambda: create("b")) == [302, 302]
    assert calls[:2] == ["jobcenter-gleichzeitig"] * 2  # the race happened
    slugs = set(InstitutionProfile.objects.values_list("slug", flat=True))
    assert slugs == {"jobcenter-gleichzeitig", "jobcenter-gleichzeitig-2"}
