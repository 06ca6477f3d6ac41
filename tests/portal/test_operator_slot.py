"""The operator slot: coordinators set who runs and who funds the portal; every
page's footer shows it (cached pages too, in both languages); nobody else may
set it; two coordinators at once lose nothing; the error pages do without it."""

import pytest
from django.urls import reverse

from portal.models import Operator
from tests.images import image_file

pytestmark = pytest.mark.django_db

URL = "/koordination/betreiber/"
DATA = {
    "name": "Bundesnetzwerk Vielfalt e. V.",
    "url": "https://vielfalt.example",
    "funder_name": "Bundesministerium für Arbeit und Soziales",
    "funding_line": "Gefördert vom Bundesministerium für Arbeit und Soziales",
    "funding_line_en": "Funded by the Federal Ministry of Labour and Social Affairs",
}


def _form(client):
    response = client.get(URL)
    assert response.status_code == 200
    return {**DATA, "version": response.context["form"]["version"].value()}


def test_the_address_is_stable():
    assert reverse("operator_edit") == URL


def test_a_coordinator_sets_the_slot_and_every_page_shows_it_at_once(
    client, coordinator, settings, tmp_path, commit
):
    settings.MEDIA_ROOT = tmp_path
    visitor = type(client)()
    home = visitor.get("/").content.decode()  # now kept in the anonymous page cache
    assert "Ein Angebot von" not in home
    client.force_login(coordinator)
    data = _form(client)
    response = commit(
        client.post, URL, {**data, "logo_upload": image_file(), "funder_logo_upload": image_file()}
    )
    assert response.status_code == 302
    home = visitor.get("/").content.decode()
    assert "Ein Angebot von" in home and DATA["name"] in home
    assert 'href="https://vielfalt.example"' in home and DATA["funding_line"] in home
    operator = Operator.objects.get()
    assert operator.logo.url in home and operator.funder_logo.url in home
    assert operator.updated_by == coordinator
    visitor.cookies["django_language"] = "en"
    english = visitor.get(reverse("directory:organisation_list")).content.decode()
    assert "Offered by" in english and DATA["funding_line_en"] in english
    # Signed-in visitors, with no page cache, see it too.
    assert DATA["name"] in client.get(reverse("account")).content.decode()


def test_an_empty_slot_shows_nothing_and_a_funder_alone_gets_the_standard_line(
    client, coordinator, commit
):
    client.force_login(coordinator)
    data = dict.fromkeys(DATA, "") | {"funder_name": "Stiftung Beispiel"}
    commit(client.post, URL, {**data, "version": _form(client)["version"]})
    home = type(client)().get("/").content.decode()
    assert "Ein Angebot von" not in home
    assert "Gefördert von Stiftung Beispiel" in home


def test_the_remove_box_removes_a_logo(client, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(coordinator)
    client.post(URL, {**_form(client), "logo_upload": image_file()})
    assert Operator.objects.get().logo
    client.post(URL, {**_form(client), "remove_logo": "on"})
    assert not Operator.objects.get().logo


def test_a_file_that_is_no_image_is_refused_next_to_the_field(client, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(URL, {**_form(client), "logo_upload": fake})
    assert response.status_code == 400
    assert 'id="id_logo_upload_error"' in response.content.decode()
    assert not Operator.objects.filter(name=DATA["name"]).exists()


def test_two_coordinators_at_once_lose_nothing(client, coordinator):
    client.force_login(coordinator)
    first = _form(client)
    second = dict(first)
    assert client.post(URL, first).status_code == 302
    response = client.post(URL, {**second, "name": "Anderer Betreiber"})
    assert response.status_code == 409
    assert Operator.objects.get().name == DATA["name"]


@pytest.mark.parametrize("persona", ["anonymous", "member", "institution", "editor_a"])
def test_nobody_else_may_set_it(client, persona):
    from tests import personas

    if persona != "anonymous":
        client.force_login(personas.create(persona))
    response = client.post(URL, DATA)
    assert response.status_code in (302, 403)
    if persona != "anonymous":
        assert response.status_code == 403
    assert not Operator.objects.filter(name=DATA["name"]).exists()


def test_the_footer_does_without_the_slot_when_the_database_is_gone(client, monkeypatch):
    from django.db import OperationalError

    from portal import context_processors

    def unreachable():
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(context_processors, "_load", unreachable)
    Operator.objects.update_or_create(pk=1, defaults={"name": "Nicht erreichbar"})
    html = client.get(reverse("guidance:overview")).content.decode()
    assert "Impressum" in html and "Nicht erreichbar" not in html
