"""'Aus dem Leitfaden' on a profile is kept between requests and follows
every change that decides it: the profile's roles and capacities (its
version) and the guide (what it features)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.services import organisation_save
from guidance import services as guide
from guidance.models import Chapter
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

FEATURED = "Diese Organisation wird im Leitfaden vorgestellt"
NO_STAFF = "Für Organisationen ohne hauptamtliche Strukturen wie diese"
NO_STAFF_OWN = "Weil Ihre Organisation ohne hauptamtliche Strukturen arbeitet"


def test_the_panel_follows_the_profile_and_the_guide(
    client, member, coordinator, django_capture_on_commit_callbacks
):
    organisation = make_organisation(
        "Brückenbauer e. V.", roles=["kooperationspartner"], paid_staff=3, has_rooms=True
    )
    client.force_login(member)  # signed in: no page cache
    url = organisation.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Aus dem Leitfaden" in first and NO_STAFF not in first and FEATURED not in first

    # The profile changes: a new version, a new panel.
    with django_capture_on_commit_callbacks(execute=True):
        organisation.paid_staff = 0
        organisation_save(organisation=organisation, by=None, fields=["paid_staff"])
    assert NO_STAFF in client.get(url).content.decode()

    # The guide features it: a new generation of the guide, a new panel.
    chapter = Chapter.objects.get(number=8)
    item = chapter.items.get(slug="zusammenarbeit-4")
    with django_capture_on_commit_callbacks(execute=True):
        guide.item_save_draft(item=item, data={"features": [organisation.pk]})
        guide.chapter_publish(chapter=chapter, by=coordinator)
    assert FEATURED in client.get(url).content.decode()


def test_the_panel_is_not_computed_again_for_the_next_visitor(client, member):
    organisation = make_organisation("Brückenbauer e. V.", roles=["kooperationspartner"])
    url = organisation.get_absolute_url()
    client.force_login(member)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Aus dem Leitfaden" in page
    assert not [q for q in queries.captured_queries if "guidance_item" in q["sql"]]


def test_the_panel_speaks_to_the_mo_only_when_its_own_team_looks(
    client, mo_a, editor_a, editor_b, institution_user, coordinator
):
    """'Weil Ihre Organisation ...' is said to the MO's team; every other visitor
    (anonymous, an institution, another MO's team, a coordinator) reads about the
    organisation. Both panels are kept, each for its own audience."""
    mo_a.paid_staff = 0
    organisation_save(organisation=mo_a, by=None, fields=["paid_staff"])
    url = mo_a.get_absolute_url()
    for visitor in (editor_a, None, institution_user, editor_b, coordinator, editor_a):
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        page = client.get(url).content.decode()
        own = visitor == editor_a
        assert (NO_STAFF_OWN in page) is own, visitor
        assert (NO_STAFF in page) is not own, visitor
        assert ("zu Ihrer Organisation passen" in page) is own, visitor
