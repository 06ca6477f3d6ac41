"""The Django admin writes profiles through the services: every save is a recorded
version (who, why), with a fresh search document and invalidated cached pages."""

import pytest
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse

from directory import services
from directory.models import Organisation
from directory.search import search_organisations
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        email="admin@example.org", password="pw", name="Ada Admin"
    )


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def _value(value):
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _fields(form, data: dict) -> None:
    """The form's current values as the browser would post them."""
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or isinstance(value, FieldFile):
            continue
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [_value(v) for v in value]
        else:
            data[form.add_prefix(name)] = _value(value)


def form_data(response) -> dict:
    """The data of an admin change (or add) form with its inlines, unchanged."""
    data: dict = {}
    _fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    return data


def _change_url(organisation) -> str:
    return f"/admin/directory/organisation/{organisation.pk}/change/"


def _search(query: str) -> list[str]:
    found = search_organisations(Organisation.objects.published(), query)
    return list(found.values_list("slug", flat=True))


def test_an_admin_edit_is_recorded_searchable_and_shown_at_once(
    client, admin_client, superuser, django_capture_on_commit_callbacks
):
    organisation = make_organisation(
        "Brücke e. V.",
        slug="bruecke",
        description="Wir beraten Familien.",
        roles=["kooperationspartner"],
    )
    url = organisation.get_absolute_url()
    assert "Sprachcafé" not in client.get(url).content.decode()  # now in the page cache
    versions = organisation.history.count()

    data = form_data(admin_client.get(_change_url(organisation)))
    data["description"] = "Wir beraten Familien und laden zum Sprachcafé ein."
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_change_url(organisation), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert organisation.history.count() == versions + 1
    record = organisation.history.first()
    assert record.history_change_reason == "admin edit: description"
    assert record.history_user == superuser
    assert record.snapshot["terms"]["roles"] == ["kooperationspartner"]
    assert _search("Sprachcafé") == ["bruecke"]
    assert "Sprachcafé" in client.get(url).content.decode()


def test_terms_and_offers_changed_in_the_admin_are_in_the_version_and_the_search(
    admin_client, superuser
):
    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", offers=[{"title": "Erstberatung", "kind": "counselling"}]
    )
    offer = organisation.offers.get()
    data = form_data(admin_client.get(_change_url(organisation)))
    data["languages"] = [str(get_vocabulary().get("language", "ti").pk)]
    data["offers-0-title"] = "Hausaufgabenhilfe"
    data.update(
        {
            "offers-TOTAL_FORMS": "2",
            "offers-1-title": "Nähkurs",
            "offers-1-kind": "course",
            "offers-1-position": "1",
        }
    )
    response = admin_client.post(_change_url(organisation), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    record = organisation.history.first()
    assert record.history_change_reason == "admin edit: languages, offers"
    assert record.history_user == superuser
    assert record.snapshot["terms"]["languages"] == ["ti"]
    assert [o["title"] for o in record.snapshot["offers"]] == ["Hausaufgabenhilfe", "Nähkurs"]
    assert organisation.offers.filter(pk=offer.pk, title="Hausaufgabenhilfe").exists()
    for query in ("Hausaufgabenhilfe", "Nähkurs", "Tigrinya"):
        assert _search(query) == ["bruecke"], query
    assert _search("Erstberatung") == []


def test_a_profile_added_in_the_admin_is_one_complete_version(admin_client, superuser):
    add_url = "/admin/directory/organisation/add/"
    data = form_data(admin_client.get(add_url))
    data.update(
        {
            "name": "Neu im Admin e. V.",
            "slug": "neu-im-admin",
            "status": "published",
            "roles": [str(get_vocabulary().get("role", "kooperationspartner").pk)],
            "offers-TOTAL_FORMS": "1",
            "offers-0-title": "Sprachcafé",
            "offers-0-kind": "event",
            "offers-0-position": "0",
        }
    )
    response = admin_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    organisation = Organisation.objects.get(slug="neu-im-admin")
    assert organisation.history.count() == 1
    record = organisation.history.get()
    assert record.history_change_reason == "created in the admin"
    assert record.history_user == superuser
    assert record.snapshot["terms"]["roles"] == ["kooperationspartner"]
    assert [o["title"] for o in record.snapshot["offers"]] == ["Sprachcafé"]
    assert _search("Sprachcafé") == ["neu-im-admin"]


def test_a_profile_deleted_in_the_admin_is_recorded_and_gone_at_once(
    client, admin_client, superuser, django_capture_on_commit_callbacks
):
    organisation = make_organisation("Brücke e. V.", slug="bruecke")
    other = make_organisation("Steg e. V.", slug="steg")
    assert client.get(organisation.get_absolute_url()).status_code == 200  # cached
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:directory_organisation_changelist"),
            {"action": "delete_selected", "_selected_action": [organisation.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    record = Organisation.history.filter(id=organisation.pk).first()
    assert record.history_type == "-"
    assert record.history_change_reason == "deleted in the admin"
    assert record.history_user == superuser
    assert client.get(organisation.get_absolute_url()).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/directory/organisation/{other.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert Organisation.history.filter(id=other.pk).first().history_user == superuser


def test_a_term_reworded_in_the_admin_is_found_in_the_profiles_holding_it(
    client, admin_client, django_capture_on_commit_callbacks
):
    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", roles=["informationsvermittler"]
    )
    make_organisation("Steg e. V.", slug="steg", roles=["kooperationspartner"])
    term = get_vocabulary().get("role", "informationsvermittler")
    assert "Wissenslotse" not in client.get(organisation.get_absolute_url()).content.decode()
    versions = organisation.history.count()

    url = f"/admin/directory/term/{term.pk}/change/"
    data = form_data(admin_client.get(url))
    data["label_de"] = "Wissenslotse"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert _search("Wissenslotse") == ["bruecke"]
    assert _search("Informationsvermittler") == []
    assert organisation.history.count() == versions  # the vocabulary changed, not the profile
    assert "Wissenslotse" in client.get(organisation.get_absolute_url()).content.decode()


def test_a_term_deleted_in_the_admin_is_a_recorded_change_of_the_profiles_holding_it(
    admin_client, superuser
):
    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", roles=["informationsvermittler", "kooperationspartner"]
    )
    term = get_vocabulary().get("role", "informationsvermittler")
    response = admin_client.post(f"/admin/directory/term/{term.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    record = organisation.history.first()
    assert record.history_change_reason == "term deleted: role/informationsvermittler"
    assert record.history_user == superuser
    assert record.snapshot["terms"]["roles"] == ["kooperationspartner"]
    assert _search("Informationsvermittler") == []
    assert _search("Kooperationspartner") == ["bruecke"]


def test_resetting_the_vocabulary_texts_refreshes_the_profiles_holding_them():
    from io import StringIO

    from django.core.management import call_command

    from directory.models import Term

    make_organisation("Brücke e. V.", slug="bruecke", roles=["informationsvermittler"])
    term = Term.objects.get(kind="role", slug="informationsvermittler")
    term.label_de = "Wissenslotse"
    services.term_save(term=term)
    assert _search("Wissenslotse") == ["bruecke"]

    out = StringIO()
    call_command("load_vocabulary", "--reset-texts", stdout=out)
    assert "Profiles with reworded terms refreshed: 1." in out.getvalue()
    assert _search("Informationsvermittler") == ["bruecke"]
    assert _search("Wissenslotse") == []
