"""An empty profile is neither submitted nor published: the team sees what is
missing (with links to the sections that fix it) and a completeness bar; a
coordinator sees it too, with the profile as it would be published; archiving
is apart from the other actions and needs a confirmation."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from directory import completeness, services
from directory.models import Organisation
from directory.team import owner_assign
from tests import personas
from tests.factories import COMPLETE_DESCRIPTION, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_draft():
    return make_organisation("Leer e. V.", slug="leer", status="draft", incomplete=True)


@pytest.fixture
def owner(empty_draft):
    user = personas.create("editor_a")
    owner_assign(organisation=empty_draft, user=user)
    return user


def _notes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_empty_draft_is_not_submitted_and_the_team_is_told_what_is_missing(
    client, empty_draft, owner
):
    client.force_login(owner)
    response = client.post(reverse("directory:submit", args=[empty_draft.slug]))
    empty_draft.refresh_from_db()
    assert empty_draft.status == "draft"
    (note,) = _notes(response)
    assert note.startswith("Noch nicht eingereicht") and "Beschreibung" in note and "Rolle" in note
    page = client.get(reverse("directory:edit", args=[empty_draft.slug])).content.decode()
    assert '<progress class="completeness-bar' in page and 'value="20"' in page  # the place only
    edit = reverse("directory:edit_section", args=[empty_draft.slug, "identitaet"])
    assert f'<a href="{edit}">Eine Beschreibung' in page


def test_a_complete_draft_is_submitted(client, owner, empty_draft):
    draft = make_organisation("Voll e. V.", slug="voll", status="draft")  # complete
    owner_assign(organisation=draft, user=owner)
    client.force_login(owner)
    client.post(reverse("directory:submit", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == "in_review"
    page = client.get(reverse("directory:edit", args=[draft.slug])).content.decode()
    assert 'value="100"' in page


def test_the_checks_follow_each_missing_thing():
    organisation = make_organisation("Teil e. V.", status="draft", incomplete=True)
    assert {c.key for c in completeness.missing(organisation)} == {
        "description",
        "fields",
        "roles",
        "contact",
    }
    organisation.description = COMPLETE_DESCRIPTION[: completeness.MIN_DESCRIPTION - 1]
    assert "description" in {c.key for c in completeness.missing(organisation)}
    organisation.description = COMPLETE_DESCRIPTION
    organisation.website = "https://teil.example"
    assert {c.key for c in completeness.missing(organisation)} == {"fields", "roles"}


def test_a_coordinator_cannot_publish_an_incomplete_profile(client, coordinator, empty_draft):
    Organisation.objects.filter(pk=empty_draft.pk).update(status="in_review")
    empty_draft.refresh_from_db()
    with pytest.raises(completeness.Incomplete):
        services.organisation_approve(organisation=empty_draft, by=coordinator)
    client.force_login(coordinator)
    url = reverse("directory:review", args=[empty_draft.slug])
    page = client.get(url).content.decode()
    assert 'id="review-incomplete"' in page and 'value="approve" disabled' in page
    assert "Das Profil, wie es veröffentlicht würde" in page and "<h1>Leer e. V.</h1>" in page
    response = client.post(url, {"action": "approve", "seen": str(empty_draft.version)})
    assert any("nicht vollständig" in note for note in _notes(response))
    empty_draft.refresh_from_db()
    assert empty_draft.status == "in_review"


def test_archiving_stands_apart_and_needs_a_confirmation(client, mo_a, editor_a):
    client.force_login(editor_a)
    edit = reverse("directory:edit", args=[mo_a.slug])
    page = client.get(edit).content.decode()
    actions = page[page.index("<h2>Aktionen</h2>") : page.index('id="h-archive"')]
    assert "Profil archivieren" not in actions
    assert 'name="confirm" value="yes"' in page and "required" in page
    url = reverse("directory:archive", args=[mo_a.slug])
    response = client.post(url, {"to": "archived"})
    assert any("bestätigen" in note for note in _notes(response))
    mo_a.refresh_from_db()
    assert mo_a.status == "published"
    client.post(url, {"to": "archived", "confirm": "yes"})
    mo_a.refresh_from_db()
    assert mo_a.status == "archived"
