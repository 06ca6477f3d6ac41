"""The home page: three doors (institutions, MOs, the guide), what the portal holds
in figures (only published profiles count), and how it works in three steps."""

import pytest

from guidance.models import Chapter
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_three_doors_lead_to_the_finder_the_profile_and_the_guide(client):
    html = client.get("/").content.decode()
    for door, link in (
        ("door-institutions", 'href="/partnersuche/"'),
        ("door-organisations", 'href="/konto/registrieren/"'),
        ("door-guide", 'href="/leitfaden/"'),
    ):
        section = html[html.index(f'id="{door}"') : html.index("</section>", html.index(door))]
        assert link in section, door
    assert html.count("<li><strong>") == 3  # how it works, in three steps


def test_the_figures_count_published_profiles_and_states(
    client, django_capture_on_commit_callbacks
):
    chapters = Chapter.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Eins e. V.", state="hamburg")
        make_organisation("Entwurf e. V.", state="bayern", status="draft")
    html = client.get("/").content.decode()
    assert (
        f"Im Verzeichnis: 1 Organisation aus 1 Bundesland. Der Leitfaden: {chapters} Kapitel"
        in html
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Zwei e. V.", state="berlin")
    html = client.get("/").content.decode()  # a new generation: not the kept page
    assert "Im Verzeichnis: 2 Organisationen aus 2 Bundesländern." in html


def test_signed_in_the_mo_door_leads_to_my_area(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    section = html[html.index('id="door-organisations"') :]
    assert 'href="/konto/"' in section[: section.index("</section>")]
