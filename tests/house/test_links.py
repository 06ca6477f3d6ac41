"""Guide and directory linked both ways; term pages."""

import pytest
from django.urls import reverse

from directory.vocabulary import get_vocabulary
from guidance.loader import load_guide
from guidance.models import Chapter
from tests.factories import make_organisation
from tests.html_text import visible_text
from tests.warm import warm

pytestmark = pytest.mark.django_db


def test_guide_items_show_how_many_mos_carry_their_terms_a_few_and_a_directory_link(client):
    for name in ("Anadolu e. V.", "Brücke e. V.", "Dialog e. V.", "Elpida e. V."):
        make_organisation(name, roles=["informationsvermittler"])
    make_organisation("Entwurf e. V.", roles=["informationsvermittler"], status="draft")
    html = client.get(Chapter.objects.get(number=4).get_absolute_url()).content.decode()
    text = visible_text(html)
    assert "Informationsvermittler – 4 Organisationen, z. B." in text
    assert "Entwurf e. V." not in text
    assert text.count("e. V.") >= 3
    assert "/organisationen/?role=informationsvermittler" in html
    assert "/themen/rollen/informationsvermittler/" in html


def test_best_practice_items_show_their_profiles_and_the_profiles_show_the_item(client):
    kubi = make_organisation("KUBI e. V.", slug="kubi", paid_staff=5, has_rooms=True)
    load_guide()
    chapter = Chapter.objects.get(number=7)
    assert kubi.get_absolute_url() in client.get(chapter.get_absolute_url()).content.decode()
    html = client.get(kubi.get_absolute_url()).content.decode()
    assert "Aus dem Leitfaden" in html
    assert "Diese Organisation wird im Leitfaden vorgestellt" in html
    assert "/leitfaden/kooperation/#item-kubi-arbeitsmarktgespraeche" in html


def test_a_volunteer_run_mo_sees_the_first_prerequisite_and_the_support_formats(client):
    organisation = make_organisation("Ehrenamt e. V.", paid_staff=0, has_rooms=True)
    text = visible_text(client.get(organisation.get_absolute_url()).content.decode())
    assert "Für Organisationen ohne hauptamtliche Strukturen wie diese" in text  # anonymous
    assert "1. In der MO sollten hauptamtliche Strukturen vorliegen" in text
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "#item-angebot-schulung" in html and "#item-angebot-austauschplattform" in html


def test_an_information_broker_sees_that_roles_item(client):
    organisation = make_organisation(
        "Info e. V.", roles=["informationsvermittler"], paid_staff=4, has_rooms=True
    )
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Rolle: Informationsvermittler" in html
    assert "#item-rolle-informationsvermittler" in html
    assert "#item-angebot-schulung" not in html  # has paid staff


def test_every_term_has_a_page_with_its_guide_items_and_mos(client):
    make_organisation("Kooperativ e. V.", roles=["kooperationspartner"])
    url = reverse("term", args=["rollen", "kooperationspartner"])
    html = client.get(url).content.decode()
    assert "Kooperativ e. V." in html
    assert "/leitfaden/professionalisierung/#item-rolle-kooperationspartner" in html
    assert "/organisationen/?role=kooperationspartner" in html
    for term in get_vocabulary().by_id.values():
        assert client.get(term.get_absolute_url()).status_code == 200, term
    need = client.get(
        reverse("term", args=["bedarfe", "hauptamtliche-strukturen"])
    ).content.decode()
    assert "beschreibt Bedarfe oder Unterstützungsformate" in need
    assert "#item-hauptamtliche-strukturen" in need


@pytest.mark.parametrize("path", ["/themen/rollen/gibt-es-nicht/", "/themen/planeten/mars/"])
def test_unknown_terms_are_404(client, path):
    assert client.get(path).status_code == 404


# Term page: the guide items, the MO count, the MOs shown.
TERM_QUERIES = 3


@pytest.mark.parametrize("n", [1, 20])
def test_term_page_query_count_is_pinned(client, django_assert_num_queries, n):
    for i in range(n):
        make_organisation(f"Verein {i}", roles=["kooperationspartner"])
    get_vocabulary()
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(TERM_QUERIES):
        client.get(reverse("term", args=["rollen", "kooperationspartner"]))


def test_topics_index_lists_every_kind(client):
    html = client.get(reverse("topics")).content.decode()
    for label in ("Rolle", "Ressource", "Bedarf", "Unterstützungsformat", "Bundesland"):
        assert f">{label}</h2>" in html


def test_topics_index_links_the_languages(client):
    """The page's languages are the vocabulary's, not the language switcher's."""
    html = client.get(reverse("topics")).content.decode()
    assert f'href="{reverse("term", args=["sprachen", "ru"])}">Russisch</a>' in html
    assert '<a href=""></a>' not in html


def test_term_page_count_follows_the_directory(client, member, django_capture_on_commit_callbacks):
    """The count is kept per generation of the directory (one grouped query
    for all terms of the relation): a publication or withdrawal shows at once;
    profiles not published never count."""
    from directory.models import Organisation
    from directory.services import organisation_save

    url = reverse("term", args=["rollen", "kooperationspartner"])
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Erster e. V.", roles=["kooperationspartner"])
        draft = make_organisation(
            "Entwurf e. V.", roles=["kooperationspartner"], status=Organisation.Status.DRAFT
        )
    client.force_login(member)  # signed in: no page cache, the count's cache only
    assert "1 Organisation trägt diesen Begriff." in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Organisation.Status.PUBLISHED
        organisation_save(organisation=draft, by=None, fields=["status"])
    assert "2 Organisationen tragen diesen Begriff." in client.get(url).content.decode()
