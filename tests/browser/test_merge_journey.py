"""A coordinator opens a new profile's review page, sees that it duplicates an
existing one, merges it into that one through the preview, and marks another
pair as "keine Dublette" (mouse and keyboard alone, axe without findings)."""

import pytest

from cooperation.models import CooperationRequest
from cooperation.services import request_send
from directory.models import DistinctPair, Membership, Organisation
from directory.team import owner_assign
from tests import personas
from tests.browser.conftest import screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe
from tests.factories import make_organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_a_coordinator_merges_a_duplicate_and_marks_another_pair_distinct(world, open_page, mode):
    existing = Organisation.objects.get(slug="club-dialog")
    duplicate = make_organisation(
        "Club Dialog",
        slug="club-dialog-neu",
        status="in_review",
        city="Berlin",
        postal_code="10405",
        state="berlin",
        description="Begegnung, Sprachcafé und Beratung für Neuankommende.",
        phone="030 4405060",
    )
    newcomer = personas.create("member")
    owner_assign(organisation=duplicate, user=newcomer)
    # The newcomer's profile asked the existing one for a tandem: a request
    # between the two, which the merge closes (the preview says so).
    tandem = request_send(
        sender=newcomer, organisation=existing, sender_organisation=duplicate, kind="tandem",
        subject="Tandem im Kiez?", message="Wollen wir zusammen etwas machen?",
    )  # fmt: skip
    lookalike = make_organisation(
        "Kulturverein Brücke",
        slug="bruecke-neu",
        status="in_review",
        city="Leipzig",
        postal_code="04109",
        state="sachsen",
    )
    make_organisation(
        "Kulturverein Brücke e. V.",
        slug="bruecke",
        city="Leipzig",
        postal_code="04109",
        state="sachsen",
    )
    page = open_page(world.users["coordinator"], bypass_csp=True)
    act = Actor(page, mode)

    act.goto(f"/organisationen/{duplicate.slug}/pruefen/")
    assert page.get_by_role("heading", name="Mögliche Dubletten").count() == 1
    assert _axe(page) == []
    act.submit_and_wait(
        page.get_by_role("link", name="In „Club Dialog e. V.“ zusammenführen (Vorschau)")
    )
    assert page.get_by_role("heading", name="Zwei Profile zusammenführen").count() == 1
    # The staying profile's description is empty: the new one's is preselected.
    description = page.get_by_role("group", name="Beschreibung")
    assert description.get_by_role("radio").nth(1).is_checked()
    name = page.get_by_role("group", name="Name", exact=True)
    assert name.get_by_role("radio").nth(0).is_checked()
    warnings = page.locator("#merge-warnings")
    assert warnings.get_by_role("heading", name="Bitte beachten").count() == 1
    assert "Anfrage „Tandem im Kiez?“ von „Club Dialog“" in warnings.inner_text()
    assert _axe(page) == []
    screenshot(page, f"merge-preview-{mode}")
    act.click(page.get_by_role("radio", name=f"#{duplicate.pk}: Club Dialog", exact=True))
    act.submit_and_wait(
        page.get_by_role("button", name="„Club Dialog“ in „Club Dialog e. V.“ übernehmen")
    )
    assert "Zusammengeführt" in page.locator(".alert").first.inner_text()
    existing.refresh_from_db()
    assert existing.name == "Club Dialog"  # chosen
    assert existing.description.startswith("Begegnung")  # preselected: the other was empty
    assert Organisation.objects.get(pk=duplicate.pk).merged_into_id == existing.pk
    assert Membership.objects.get(user=newcomer).organisation_id == existing.pk
    tandem = CooperationRequest.objects.select_related("organisation", "sender_organisation").get(
        pk=tandem.pk
    )
    assert (tandem.sender_organisation_id, tandem.organisation_id) == (duplicate.pk, existing.pk)
    assert tandem.closed_by_merge
    act.goto(f"/organisationen/{duplicate.slug}/")
    assert page.url.endswith("/organisationen/club-dialog/")

    act.goto(f"/organisationen/{lookalike.slug}/pruefen/")
    act.submit_and_wait(
        page.get_by_role("button", name="„Kulturverein Brücke e. V.“ ist keine Dublette")
    )
    assert DistinctPair.objects.count() == 1
    assert (
        page.get_by_role(
            "link", name="In „Kulturverein Brücke e. V.“ zusammenführen (Vorschau)"
        ).count()
        == 0
    )
    assert (
        page.get_by_role(
            "button", name="Markierung für „Kulturverein Brücke e. V.“ aufheben"
        ).count()
        == 1
    )
    assert _axe(page) == []
    screenshot(page, f"merge-distinct-{mode}")
    # Taken back: suggested again.
    act.submit_and_wait(
        page.get_by_role("button", name="Markierung für „Kulturverein Brücke e. V.“ aufheben")
    )
    assert not DistinctPair.objects.exists()
    assert (
        page.get_by_role("button", name="„Kulturverein Brücke e. V.“ ist keine Dublette").count()
        == 1
    )
