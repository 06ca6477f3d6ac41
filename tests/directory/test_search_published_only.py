"""Issue 14, finding 5: search answers are derived from published profiles only.

The typo fallback (PostgreSQL) used to be switched off when *any* profile,
drafts and archived ones included, matched the query in full text. A word that
exists only in an unpublished profile then gave other counts than an unknown
word: an oracle for unpublished text. Here every search channel (the HTML
directory, the JSON API, the partner finder, HSDS organizations and services)
must answer a word that only an unpublished profile holds exactly as it answers
the word while no profile holds it. Runs on both databases.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from directory import search
from directory.models import Organisation
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

# "Kontackt" is a typo of the published "Kontakt e. V." (the typo fallback finds
# it on PostgreSQL); "Zyxwvu" resembles nothing published.
TYPO, NONSENSE = "Kontackt", "Zyxwvu"


@pytest.fixture
def published():
    return make_organisation(
        "Kontakt e. V.",
        description="Beratung für Familien",
        open_for_cooperation=True,
        offers=[{"title": "Sprechstunde", "summary": "Beratung"}],
    )


def _directory(client, query):
    response = client.get(reverse("directory:organisation_list"), {"q": query})
    assert response.status_code == 200
    return response.context["total"], [o.name for o in response.context["organisations"]]


def _api(client, query):
    response = client.get("/api/organisations/", {"q": query})
    assert response.status_code == 200
    data = response.json()
    return data["count"], [o["name"] for o in data["results"]]


def _finder(client, query):
    response = client.get(reverse("finder"), {"topic": query, "topic_importance": "must"})
    assert response.status_code == 200
    return response.context["total"], [o.name for o in response.context["results"]]


def _hsds_organizations(client, query):
    response = client.get(reverse("hsds-organizations"), {"search": query})
    assert response.status_code == 200
    data = response.json()
    return data["total_items"], [o["name"] for o in data["contents"]]


def _hsds_services(client, query):
    response = client.get(reverse("hsds-services"), {"search": query})
    assert response.status_code == 200
    data = response.json()
    return data["total_items"], sorted(o["name"] for o in data["contents"])


CHANNELS = {
    "directory": _directory,
    "api": _api,
    "finder": _finder,
    "hsds-organizations": _hsds_organizations,
    "hsds-services": _hsds_services,
}


def _answers(client, query):
    cache.clear()  # the page cache: each answer computed afresh
    return {name: channel(client, query) for name, channel in CHANNELS.items()}


@pytest.mark.parametrize(
    "status",
    [Organisation.Status.DRAFT, Organisation.Status.IN_REVIEW, Organisation.Status.ARCHIVED],
)
def test_a_word_only_an_unpublished_profile_holds_answers_like_an_unknown_word(
    client, published, status
):
    before = {query: _answers(client, query) for query in (TYPO, NONSENSE)}
    if connection.vendor == "postgresql":  # the typo fallback finds the published name
        assert before[TYPO]["directory"] == (1, ["Kontakt e. V."])
        assert before[TYPO]["hsds-services"] == (1, ["Sprechstunde"])
    assert all(answer == (0, []) for answer in before[NONSENSE].values())

    make_organisation(
        f"Geheim {status} e. V.",
        status=status,
        description=f"{TYPO} {NONSENSE}",
        open_for_cooperation=True,
        offers=[{"title": f"{TYPO} {NONSENSE}", "summary": TYPO}],
    )

    for query in (TYPO, NONSENSE):
        assert _answers(client, query) == before[query], query
    # and "Zyxwvu", held by the unpublished profile only, answers like a word
    # nobody holds
    assert _answers(client, NONSENSE) == _answers(client, "Qwertzuiop")


def test_the_fallback_is_decided_on_the_searched_queryset(published):
    make_organisation("Entwurf e. V.", status="draft", description=TYPO)
    found = search.search_organisations(Organisation.objects.published(), TYPO)
    expected = ["Kontakt e. V."]  # a typo of the published name, on both databases
    assert [o.name for o in found] == expected
    # searching all profiles (as a coordinator's tool would), the draft is the match
    everything = search.search_organisations(Organisation.objects.all(), TYPO)
    assert [o.name for o in everything] == ["Entwurf e. V."]
    # the condition alone defaults to published profiles
    matching = Organisation.objects.published().filter(search.search_condition(TYPO))
    assert [o.name for o in matching] == expected
