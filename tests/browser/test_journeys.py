"""The journeys people make, in a real browser, with the mouse and with the
keyboard alone, on a desktop and (where it matters) on a phone."""

import re

import pytest
from django.core import mail

from cooperation.models import CooperationRequest
from cooperation.services import request_send
from directory.models import Organisation
from finder.models import ShortlistEntry
from guidance.models import Item
from mailer.services import deliver_due
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor, focus_visible, wait_live

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
MODES = ["mouse", "keyboard"]


@pytest.mark.parametrize("mode", MODES)
def test_an_institution_finds_partners_shortlists_two_and_sends_a_request(world, open_page, mode):
    from playwright.sync_api import expect

    ShortlistEntry.objects.all().delete()
    # The profiles without a team get an address on record, so that a request to
    # them can be delivered (to a profile nobody can reach, the form is refused).
    Organisation.objects.filter(memberships__isnull=True, email="").update(
        email="vorstand@verein.example"
    )
    page = open_page(world.users["institution"])
    act = Actor(page, mode)
    act.goto("/partnersuche/")
    act.select(page.locator("#id_role"), label="Kooperationspartner")
    # Languages: the searchable multi-select (type, then choose).
    act.fill(page.get_by_role("combobox", name="Sprachen", exact=True), "Russ")
    if mode == "keyboard":
        page.keyboard.press("Enter")
    else:
        page.get_by_role("option", name="Russisch", exact=True).click()
    assert page.locator(".multiselect-chip span").all_inner_texts() == ["Russisch"]
    act.fill(page.locator("#id_place"), "Schwerin")
    act.apply_live(page.get_by_role("button", name="Passende Organisationen finden"))
    assert "place=Schwerin" in page.url  # the address follows the live results
    expect(page.locator("#ergebnisse")).to_be_focused()  # the submit moves to the results
    expect(page.locator("#ergebnisse")).to_be_in_viewport()
    results = page.locator("ol li.card")
    assert results.first.locator("h3").inner_text() == "Kontakt e. V."
    met = " ".join(results.first.locator(".explanation .met").all_inner_texts())
    assert "Kooperationspartner" in met and "Russisch" in met and "Schwerin" in met
    assert "Rein ehrenamtlich." in results.first.inner_text()  # Kontakt: volunteers only
    chosen = [results.nth(i).locator("h3").inner_text() for i in (0, 1)]
    for index in (0, 1):
        card = page.locator("ol li.card").nth(index)
        card_id = card.get_attribute("id")
        act.submit_and_wait(card.get_by_role("button", name="Auf die Merkliste"))
        # Back on the same results, at the card: the place is kept.
        assert page.url.endswith(f"#{card_id}") and "place=Schwerin" in page.url
        expect(page.locator(f"#{card_id}")).to_be_in_viewport()
        expect(page.locator(f"#{card_id}")).to_contain_text("Auf Ihrer Merkliste")
    shortlisted = ShortlistEntry.objects.filter(user=world.users["institution"])
    assert sorted(e.organisation.name for e in shortlisted) == sorted(chosen)

    act.goto("/partnersuche/merkliste/")
    # The request starts with the role the finder searched for.
    act.submit_and_wait(page.get_by_role("link", name=f"Kooperation mit {chosen[1]} anfragen"))
    assert page.locator("#id_purpose option:checked").inner_text() == "Kooperationspartner"
    act.fill(page.locator("#id_subject"), "Gemeinsame Erstberatung")
    act.fill(page.locator("#id_message"), "Wir suchen Unterstützung bei der Erstberatung.")
    act.submit_and_wait(page.get_by_role("button", name="Anfrage senden"))
    assert "Ihre Anfrage ist gesendet" in page.content()
    request = CooperationRequest.objects.get(subject="Gemeinsame Erstberatung")
    assert request.organisation.name == chosen[1]
    assert request.sender == world.users["institution"]


def _link_from_last_mail(live_server_url: str) -> str:
    deliver_due()  # the worker's mail round (requests only queue mail)
    body = mail.outbox[-1].body
    url = re.search(r"https?://\S+", body).group(0)
    return url.replace(live_server_url, "")


@pytest.mark.parametrize("mode", MODES)
def test_a_representative_signs_up_creates_and_submits_a_profile_and_answers_a_request(
    world, open_page, live_server, mode
):
    page = open_page()
    act = Actor(page, mode)
    act.goto("/konto/registrieren/")
    act.click(page.locator("#id_account_type_1"))  # MO representative
    act.fill(page.locator("#id_name"), "Amina Yusuf")
    act.fill(page.locator("#id_email"), "amina@example.org")
    act.fill(page.locator("#id_password"), "ein-sicheres-passwort-2026")
    act.click(page.locator("#id_privacy"))
    act.submit_and_wait(page.get_by_role("button", name="Konto anlegen"))
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in page.content()

    act.goto(_link_from_last_mail(live_server.url))  # the link alone signs nobody in
    assert "amina@example.org" in page.content()
    act.fill(page.locator("#id_password"), "ein-sicheres-passwort-2026")
    act.submit_and_wait(page.get_by_role("button", name="Adresse bestätigen"))
    assert "Mein Bereich" in page.title()
    act.submit_and_wait(page.get_by_role("link", name="Neues Profil anlegen"))
    act.fill(page.locator("#id_name"), "Hiil Somali Verein e. V.")
    act.fill(
        page.locator("#id_description"),
        "Beratung und Begleitung für Menschen aus Somalia: Erstberatung, Lernhilfe und "
        "Begleitung zu Ämtern, auf Somali und Deutsch.",
    )
    act.fill(page.locator("#id_postal_code"), "2009")  # a mistake first
    act.fill(page.locator("#id_city"), "Hamburg")
    act.select(page.locator("#id_state"), label="Hamburg")
    act.submit_and_wait(page.get_by_role("button", name="Profil anlegen"))
    assert "Die Postleitzahl hat genau fünf Ziffern." in page.content()
    assert page.locator("#id_city").input_value() == "Hamburg"  # nothing typed is lost
    act.fill(page.locator("#id_postal_code"), "20095")
    act.submit_and_wait(page.get_by_role("button", name="Profil anlegen"))
    # Not complete yet: the submission says what is missing, the checklist leads there.
    act.submit_and_wait(page.get_by_role("button", name="Zur Prüfung einreichen"))
    assert "Noch nicht eingereicht" in page.content()
    for link, term in (
        ("Mindestens ein Handlungsfeld", "Bildung"),
        ("Mindestens eine Rolle", "Kooperationspartner"),
    ):
        act.submit_and_wait(page.locator(".completeness a", has_text=link))
        act.click(page.get_by_role("checkbox", name=term, exact=True))
        assert _save(act, page) == 302
    act.submit_and_wait(page.locator(".completeness a", has_text="Ein Weg, Sie zu erreichen"))
    act.fill(page.locator("#id_email"), "kontakt@hiil.example")
    assert _save(act, page) == 302
    assert 'value="100"' in page.content()  # the completeness bar is full
    act.submit_and_wait(page.get_by_role("button", name="Zur Prüfung einreichen"))
    organisation = Organisation.objects.get(name="Hiil Somali Verein e. V.")
    assert organisation.status == "in_review"

    coordinator = open_page(world.users["coordinator"])
    review = Actor(coordinator, mode)
    review.goto("/organisationen/pruefung/")
    review.submit_and_wait(coordinator.get_by_role("link", name="Hiil Somali Verein e. V."))
    review.submit_and_wait(coordinator.get_by_role("button", name="Freigeben und veröffentlichen"))
    organisation.refresh_from_db()
    assert organisation.status == "published"

    request_send(
        sender=world.users["institution"],
        organisation=organisation,
        subject="Beratung auf Somali",
        message="Können wir zusammenarbeiten?",
    )
    act.goto("/anfragen/")
    act.submit_and_wait(page.get_by_role("link", name="Beratung auf Somali"))
    act.fill(page.locator("#id_body"), "Sehr gern, rufen Sie uns an.")
    act.submit_and_wait(page.get_by_role("button", name="Antworten"))
    act.submit_and_wait(page.get_by_role("button", name="Annehmen"))
    request = CooperationRequest.objects.get(subject="Beratung auf Somali")
    assert request.status == "accepted"
    assert request.messages.get().body == "Sehr gern, rufen Sie uns an."


@pytest.mark.parametrize("mode", MODES)
def test_a_coordinator_edits_previews_and_publishes_a_guide_item(world, open_page, mode):
    page = open_page(world.users["coordinator"])
    act = Actor(page, mode)
    act.goto("/leitfaden/kuratieren/")
    act.submit_and_wait(page.get_by_role("link", name="8. Zusammenfassung"))
    act.submit_and_wait(page.get_by_role("link", name="Rollenklärung am Anfang vornehmen"))
    act.fill(page.locator("#id_body"), "Rollen **gemeinsam** am Anfang klären")
    act.submit_and_wait(page.get_by_role("button", name="Vorschau").first)
    assert page.locator("section strong").first.inner_text() == "gemeinsam"
    act.submit_and_wait(page.get_by_role("button", name="Entwurf speichern"))
    assert "Rollen gemeinsam am Anfang klären" not in _public_chapter(open_page, "zusammenfassung")
    act.submit_and_wait(page.get_by_role("link", name="Vorschau des Entwurfs"))
    assert "Rollen gemeinsam am Anfang klären" in page.inner_text("main")
    act.submit_and_wait(page.get_by_role("button", name="Veröffentlichen"))
    assert "Rollen gemeinsam am Anfang klären" in _public_chapter(open_page, "zusammenfassung")
    assert (
        Item.objects.get(slug="zusammenarbeit-4").history.first().history_user
        == world.users["coordinator"]
    )


def _public_chapter(open_page, slug) -> str:
    visitor = open_page()
    visitor.goto(f"{visitor.base}/leitfaden/{slug}/")
    return visitor.inner_text("main")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("mode", MODES)
def test_a_visitor_reads_a_chapter_follows_a_link_to_the_mos_and_filters(
    world, open_page, viewport, mode
):
    page = open_page(viewport=viewport)
    act = Actor(page, mode)
    act.goto("/leitfaden/")
    act.submit_and_wait(
        page.get_by_role("link", name="4. Das Verständnis von Professionalisierung")
    )
    role_item = page.locator("#item-rolle-kooperationspartner")
    assert "Organisationen" in role_item.inner_text()
    act.submit_and_wait(role_item.get_by_role("link", name="alle im Verzeichnis"))
    assert "role=kooperationspartner" in page.url
    assert page.get_by_role("link", name="Kontakt e. V.").count() == 1
    if viewport == PHONE:  # the filters are in a panel
        act.click(page.get_by_role("button", name="Filter (1)"))
    act.click(page.locator("#f-state-berlin"))
    if viewport == PHONE:
        act.click(page.get_by_role("button", name="1 Ergebnis anzeigen"))
    else:
        act.apply_live(page.get_by_role("button", name="Filter anwenden"))
    wait_live(page)
    assert "state=berlin" in page.url
    names = page.locator("li.org-card h2").all_inner_texts()
    assert names == ["Club Dialog e. V."]
    screenshot(page, f"journey-directory-{'phone' if viewport == PHONE else 'desktop'}-{mode}")


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(world, open_page):
    page = open_page()
    page.goto(page.base + "/organisationen/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert focus_visible(page)
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_phone_menu_opens_with_the_keyboard(world, open_page):
    page = open_page(viewport=PHONE)
    page.goto(page.base + "/")
    menu_link = page.locator("#main-nav").get_by_role("link", name="Partnersuche")
    assert not menu_link.is_visible()
    toggler = page.locator(".navbar-toggler")
    toggler.focus()
    page.keyboard.press("Enter")
    menu_link.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"


def test_focus_is_never_trapped(world, open_page):
    page = open_page(world.users["institution"])
    page.goto(page.base + "/partnersuche/")
    seen = set()
    for _ in range(250):
        page.keyboard.press("Tab")
        seen.add(
            page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 80)")
        )
    assert len(seen) > 40  # focus moves on through the whole page and does not stick


@pytest.mark.parametrize("mode", MODES)
def test_an_mo_without_team_answers_from_the_mailed_link_and_takes_over_its_profile(
    world, open_page, live_server, mode
):
    """Issue 15: an institution writes to an imported MO without a team; the MO
    reads and answers through the link mailed to its address on record and takes
    over the profile; the institution sees the answer and the status."""
    from directory.models import Claim
    from tests.factories import make_organisation

    imported = make_organisation(
        "Importierter Verein e. V.",
        slug="importiert",
        email="vorstand@importiert.example",
        email_visibility="hidden",
        roles=["kooperationspartner"],
    )
    institution = open_page(world.users["institution"])
    act = Actor(institution, mode)
    act.goto(imported.get_absolute_url())
    assert "vorstand@importiert.example" not in institution.content()
    act.submit_and_wait(institution.get_by_role("link", name="Kooperation anfragen"))
    assert "noch kein Team im Portal" in institution.content()
    act.fill(institution.locator("#id_subject"), "Sprachmittlung im Jobcenter")
    act.fill(institution.locator("#id_message"), "Können Sie bei Beratungen übersetzen?")
    act.submit_and_wait(institution.get_by_role("button", name="Anfrage senden"))
    assert "an die E-Mail-Adresse der Organisation weiter" in institution.content()
    assert "vorstand@importiert.example" not in institution.content()

    deliver_due()  # the worker's mail round (requests only queue mail)
    [relayed] = [m for m in mail.outbox if m.to == ["vorstand@importiert.example"]]
    assert not relayed.reply_to
    link = re.search(r"https?://\S+/anfragen/antwort/\S+/", relayed.body).group(0)
    link = link.replace(live_server.url, "")

    mo = open_page(viewport=PHONE)
    answer = Actor(mo, mode)
    answer.goto(link)
    assert "Können Sie bei Beratungen übersetzen?" in mo.content()
    screenshot(mo, f"journey-request-link-phone-{mode}")
    answer.fill(mo.locator("#id_author_name"), "Olga Petrova")
    answer.fill(mo.locator("#id_body"), "Ja, gern. Dienstags haben wir Zeit.")
    answer.submit_and_wait(mo.get_by_role("button", name="Antwort senden"))
    assert "Ihre Antwort ist gesendet" in mo.content()

    answer.submit_and_wait(mo.get_by_role("link", name="Profil übernehmen"))
    answer.submit_and_wait(mo.get_by_role("link", name="Registrieren").last)
    answer.click(mo.locator("#id_account_type_1"))  # MO representative
    answer.fill(mo.locator("#id_name"), "Olga Petrova")
    answer.fill(mo.locator("#id_email"), "olga@example.org")
    answer.fill(mo.locator("#id_password"), "ein-sicheres-passwort-2026")
    answer.click(mo.locator("#id_privacy"))
    answer.submit_and_wait(mo.get_by_role("button", name="Konto anlegen"))
    answer.goto(_link_from_last_mail(live_server.url))
    answer.fill(mo.locator("#id_password"), "ein-sicheres-passwort-2026")
    answer.submit_and_wait(mo.get_by_role("button", name="Adresse bestätigen"))
    answer.goto(link + "uebernehmen/")  # the link from the mail, once more
    answer.fill(mo.locator("#id_message"), "Ich bin die Vorsitzende.")
    answer.submit_and_wait(mo.get_by_role("button", name="Übernahme anfragen"))
    claim = Claim.objects.get(organisation=imported)
    assert claim.verified_address == "vorstand@importiert.example"

    coordinator = open_page(world.users["coordinator"])
    review = Actor(coordinator, mode)
    review.goto("/organisationen/pruefung/")
    assert "Adresse bestätigt" in coordinator.content()
    review.submit_and_wait(coordinator.get_by_role("button", name="Bestätigen"))
    assert imported.memberships.get().user.email == "olga@example.org"

    request = CooperationRequest.objects.get(subject="Sprachmittlung im Jobcenter")
    act.goto(request.get_absolute_url())
    assert "Ja, gern. Dienstags haben wir Zeit." in institution.content()
    assert "Olga Petrova" in institution.content()
    assert "beantwortet" in institution.locator("h1 + p").inner_text()


def _save(act, page, name="Speichern"):
    """Click the save button (with the mouse or the keyboard) and return the status
    of the page the browser lands on first (before any redirect is followed)."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        act.submit_and_wait(page.get_by_role("button", name=name, exact=True))
    return posted.value.status


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("mode", MODES)
def test_two_editors_save_one_section_and_the_later_one_resolves_the_conflict(
    world, open_page, viewport, mode
):
    """Issue 16: two editors of one MO open "Wer wir sind" at the same time; A
    saves first; B, whose form is older, meets the conflict page (409, German)
    with A's stored text and B's own input, merges both in the field and saves
    with one click; the history lists both saves with their authors."""
    from directory.models import Membership
    from tests import personas
    from tests.factories import make_organisation

    organisation = make_organisation(
        "Brücke e. V.",
        slug="bruecke",
        status=Organisation.Status.DRAFT,
        description="Wir beraten Familien.",
    )
    anna = personas.create("editor_a", name="Anna Aydin")
    bora = personas.create("member", name="Bora Demir")
    Membership.objects.create(user=anna, organisation=organisation, role=Membership.Role.OWNER)
    Membership.objects.create(user=bora, organisation=organisation, role=Membership.Role.EDITOR)
    recorded = organisation.history.count()
    section = f"/organisationen/{organisation.slug}/bearbeiten/identitaet/"
    text_a = "Wir beraten Familien auf Türkisch und Arabisch."
    text_b = "Wir beraten Familien. Dienstags gibt es eine Sprechstunde."
    merged = "Wir beraten Familien auf Türkisch und Arabisch. Dienstags gibt es eine Sprechstunde."

    first = open_page(anna)
    act_a = Actor(first, mode)
    act_a.goto(section)
    second = open_page(bora, viewport=viewport)
    act_b = Actor(second, mode)
    act_b.goto(section)  # both forms are loaded from the same version

    act_a.fill(first.locator("#id_description"), text_a)
    assert _save(act_a, first) == 302
    assert "Gespeichert: Wer wir sind." in first.content()

    act_b.fill(second.locator("#id_description"), text_b)
    assert _save(act_b, second) == 409  # B's older form is not applied
    organisation.refresh_from_db()
    assert organisation.description == text_a
    conflict = second.locator("#conflict")
    assert conflict.locator("h2").inner_text() == "Inzwischen hat jemand anderes gespeichert"
    assert second.locator("html").get_attribute("lang") == "de"
    row = conflict.locator(".conflict-field")
    assert row.count() == 1  # only the field where the two differ
    assert row.locator("h3").inner_text() == "Beschreibung von anderer Person geändert"
    assert row.locator("h3 a").get_attribute("href") == "#id_description"  # to the field
    assert row.locator(".conflict-before").inner_text() == "Wir beraten Familien."
    assert row.locator(".conflict-theirs").inner_text() == text_a  # the colleague's save
    assert row.locator(".conflict-yours").inner_text() == text_b  # the own input
    assert second.locator("#id_description").input_value() == text_b  # nothing typed is lost
    overflow = second.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the conflict page is wider than the screen"
    for text in (".conflict-before", ".conflict-theirs", ".conflict-yours"):
        box = row.locator(text).bounding_box()  # readable without a sideways scroll
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], text
    name = f"conflict-{'phone' if viewport == PHONE else 'desktop'}-{mode}"
    conflict.scroll_into_view_if_needed()
    screenshot(second, name)

    # B decides: both texts together, saved with one click on top of A's version.
    act_b.fill(second.locator("#id_description"), merged)
    assert _save(act_b, second) == 302
    assert "Gespeichert: Wer wir sind." in second.content()
    organisation.refresh_from_db()
    assert organisation.description == merged

    # One history entry per applied save, each with its author; the refused save left none.
    records = list(organisation.history.order_by("-history_id")[:2])
    assert organisation.history.count() == recorded + 2
    assert [(r.history_user, r.description) for r in records] == [(bora, merged), (anna, text_a)]
    coordinator = open_page(world.users["coordinator"])
    coordinator.goto(f"{coordinator.base}/organisationen/{organisation.slug}/verlauf/")
    headings = coordinator.locator("main section h2").all_inner_texts()
    assert "Bora Demir" in headings[0] and "Anna Aydin" in headings[1]
    assert merged in coordinator.locator("main section").first.inner_text()


@pytest.mark.parametrize("mode", MODES)
def test_an_editors_change_goes_through_review_while_the_old_version_stays_online(
    world, open_page, mode
):
    """Issue 16: an editor rewrites the description of a published profile. The
    public keeps seeing the reviewed text; the team sees its change waiting; the
    coordinator sees the diff inline and approves; then the public sees the new
    text. A phone number changed on the way goes live at once."""
    from directory.models import Membership, ProfileRevision
    from tests import personas
    from tests.factories import make_organisation

    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", description="Wir beraten Familien.", phone="040 1111"
    )
    Organisation.objects.filter(pk=organisation.pk).update(phone_visibility="public")
    anna = personas.create("editor_a", name="Anna Aydin")
    Membership.objects.create(user=anna, organisation=organisation, role=Membership.Role.OWNER)
    new_text = "Wir beraten Familien und begleiten zu Ämtern, auf Türkisch und Arabisch."
    profile = f"/organisationen/{organisation.slug}/"

    editor = open_page(anna)
    act = Actor(editor, mode)
    act.goto(f"{profile}bearbeiten/identitaet/")
    assert "prüft zuerst die Koordination; bis dahin bleibt" in editor.content()
    act.fill(editor.locator("#id_description"), new_text)
    assert _save(act, editor) == 302
    assert "bis zur Freigabe bleibt die bisherige Fassung online" in editor.content()
    pending = editor.locator("#h-pending").locator("xpath=..")
    assert pending.locator("h2").inner_text() == "Ihre Änderungen warten auf Prüfung"
    assert "Türkisch" in pending.locator("ins").first.inner_text()
    screenshot(editor, f"revision-pending-team-{mode}")
    act.goto(f"{profile}bearbeiten/kontakt/")
    act.fill(editor.locator("#id_phone"), "040 2222")
    assert _save(act, editor) == 302

    visitor = open_page()
    visitor.goto(f"{visitor.base}{profile}")
    main = visitor.locator("main").inner_text()
    assert "Wir beraten Familien." in main and "Türkisch" not in main  # the reviewed text
    assert "040 2222" in main  # contact data does not wait

    coordinator = open_page(world.users["coordinator"])
    reviewer = Actor(coordinator, mode)
    reviewer.goto("/organisationen/pruefung/")
    reviewer.click(coordinator.locator("#h-revisions + ul a", has_text="Brücke e. V."))
    coordinator.wait_for_url(f"**{profile}pruefen/")
    diff = coordinator.locator(".version-diff")
    assert "Beschreibung" in diff.locator("dt").first.inner_text()
    assert "Türkisch" in diff.locator("ins").first.inner_text()
    screenshot(coordinator, f"revision-review-{mode}")
    assert _save(reviewer, coordinator, "Freigeben und veröffentlichen") == 302
    assert "Die Änderungen sind jetzt online" in coordinator.content()

    visitor.reload()
    assert new_text in visitor.locator("main").inner_text()
    assert organisation.revisions.get().state == ProfileRevision.State.APPROVED
