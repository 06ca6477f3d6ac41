"""Revisions of published profiles: the live revision stays online, unchanged,
while the team's changes wait in the one pending revision until a coordinator
approves exactly what the review page showed."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from directory import revisions, services
from directory.forms import SECTIONS
from directory.models import Organisation, ProfileRevision
from directory.vocabulary import get_vocabulary
from tests.directory.test_concurrent_edits import _section_data
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

SECRET = "Zauberwortbeschreibung"


def _url(organisation, section):
    return reverse("directory:edit_section", args=[organisation.slug, section])


def _edit(client, organisation, section, **changes):
    data = _section_data(client, organisation, section, **changes)
    response = client.post(_url(organisation, section), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _public_views(client, organisation):
    """Everything the public reads of the directory, as one text."""
    texts = [
        client.get(organisation.get_absolute_url()).content.decode(),
        client.get(reverse("directory:organisation_list")).content.decode(),
        client.get(f"/api/organisations/{organisation.slug}/").content.decode(),
        client.get("/api/organisations/", {"q": SECRET}).content.decode(),
        client.get(reverse("hsds-organization", args=[organisation.uuid])).content.decode(),
        client.get(reverse("hsds-organizations")).content.decode(),
        b"".join(client.get(reverse("export_csv")).streaming_content).decode("utf-8-sig"),
        b"".join(client.get(reverse("export_json")).streaming_content).decode(),
        client.get(reverse("widget"), {"state": "hamburg"}).content.decode(),
    ]
    return "\n".join(texts)


def test_every_field_the_profile_forms_write_is_in_the_review_table_once():
    names = [n for rule in revisions.REVIEW_RULES for n in rule.names]
    assert len(names) == len(set(names))
    written = set()
    for _label, form_class in SECTIONS.values():
        form = form_class()
        written.update(form.model_fields())
        written.update(r.field for r in form.relations)
    written.add(revisions.OFFERS)
    written.add("confirmed_at")  # "still current"
    assert written == set(names)


def test_the_documented_review_table_is_the_one_in_the_code():
    doc = (Path(__file__).parents[2] / "docs" / "review.md").read_text()
    for rule in revisions.REVIEW_RULES:
        row = next(line for line in doc.splitlines() if f"`{rule.names[0]}`" in line)
        assert all(f"`{name}`" in row for name in rule.names), row
        assert ("| yes |" if rule.reviewed else "| no |") in row, row


def test_an_edit_of_a_published_profile_stays_unseen_until_approved(
    client, editor_a, mo_a, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    anonymous = Client()
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", name="Umbenannt e. V.", description=SECRET)

    mo_a.refresh_from_db()
    assert (mo_a.name, mo_a.status) == ("Verein A e. V.", "published")
    search = reverse("directory:organisation_list")
    assert mo_a.get_absolute_url() not in anonymous.get(search, {"q": SECRET}).content.decode()
    public = _public_views(anonymous, mo_a)
    assert SECRET not in public and "Umbenannt" not in public
    assert public.count("Verein A e. V.") >= 8  # the live revision is still everywhere
    assert anonymous.get(mo_a.get_absolute_url()).status_code == 200
    call_command("export_open_data", verbosity=0)
    dump = b"".join(anonymous.get(reverse("hsds-dump", args=["hsds.json"])).streaming_content)
    assert b"Verein A e. V." in dump and SECRET.encode() not in dump
    # Signed-in institutions and other MOs see the live revision too.
    other = Client()
    other.force_login(coordinator)
    assert SECRET not in other.get(mo_a.get_absolute_url()).content.decode()

    # The team sees its pending changes, in its forms and on its overview.
    form = client.get(_url(mo_a, "identitaet")).context["form"]
    assert form.initial["description"] == SECRET
    overview = client.get(reverse("directory:edit", args=[mo_a.slug])).content.decode()
    assert "warten auf Prüfung" in overview and SECRET in overview

    # The coordinator sees the diff inline and approves what was shown.
    page = other.get(reverse("directory:review", args=[mo_a.slug]))
    assert "<ins>Umbenannt</ins>" in page.content.decode()
    seen = page.context["revision"].version
    with django_capture_on_commit_callbacks(execute=True):  # the cached pages' new generation
        other.post(
            reverse("directory:review", args=[mo_a.slug]), {"action": "approve", "seen": seen}
        )
    mo_a.refresh_from_db()
    assert (mo_a.name, mo_a.description) == ("Umbenannt e. V.", SECRET)
    public = _public_views(anonymous, mo_a)
    assert SECRET in public and "Umbenannt e. V." in public
    assert mo_a.get_absolute_url() in anonymous.get(search, {"q": SECRET}).content.decode()
    record = mo_a.history.first()
    assert record.history_user == coordinator and record.history_change_reason.startswith(
        "approved revision"
    )
    assert revisions.open_revision(mo_a) is None


def test_approval_after_a_later_edit_does_not_publish_the_unseen_text(
    client, editor_a, mo_a, coordinator
):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Gesehen")
    reviewer = Client()
    reviewer.force_login(coordinator)
    page = reviewer.get(reverse("directory:review", args=[mo_a.slug]))
    seen = page.context["revision"].version
    _edit(client, mo_a, "identitaet", description="Nicht gesehen")

    review = reverse("directory:review", args=[mo_a.slug])
    response = reviewer.post(review, {"action": "approve", "seen": seen}, follow=True)
    mo_a.refresh_from_db()
    assert mo_a.description == ""  # nothing published
    html = response.content.decode()
    assert "inzwischen geändert" in html and "<ins>Nicht gesehen</ins>" in html  # the new diff
    reviewer.post(review, {"action": "send_back", "comment": "x", "seen": seen})
    revision = revisions.open_revision(mo_a)
    assert revision.state == ProfileRevision.State.PENDING and not revision.comment

    reviewer.post(review, {"action": "approve", "seen": revision.version})
    mo_a.refresh_from_db()
    assert mo_a.description == "Nicht gesehen"


def test_contact_data_goes_live_at_once_and_opens_no_revision(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "kontakt", phone="040 123456", phone_visibility="public")
    mo_a.refresh_from_db()
    assert mo_a.phone == "040 123456"
    assert "040 123456" in Client().get(mo_a.get_absolute_url()).content.decode()
    assert not ProfileRevision.objects.exists()
    # "Still current" too.
    client.post(reverse("directory:confirm", args=[mo_a.slug]))
    assert not ProfileRevision.objects.exists()


def test_a_mixed_section_splits_the_live_and_the_reviewed_part(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "kontakt", phone="040 77", website="https://neu.example")
    mo_a.refresh_from_db()
    assert (mo_a.phone, mo_a.website) == ("040 77", "")
    assert revisions.open_revision(mo_a).content == {"website": "https://neu.example"}


def test_terms_offers_and_the_logo_wait_and_are_published_together(
    client, editor_a, mo_a, coordinator, settings, tmp_path
):
    from tests.images import image_file

    settings.MEDIA_ROOT = tmp_path
    vocab = get_vocabulary()
    client.force_login(editor_a)
    data = _section_data(client, mo_a, "identitaet")
    data.update(languages=[vocab.get("language", "ru").pk], logo_upload=image_file("PNG"))
    assert client.post(_url(mo_a, "identitaet"), data).status_code == 302
    data = _section_data(client, mo_a, "angebote")
    data.update(
        {
            "offers-TOTAL_FORMS": "1",
            "offers-INITIAL_FORMS": "0",
            "offers-0-title": "Erstberatung",
            "offers-0-kind": "counselling",
        }
    )
    assert client.post(_url(mo_a, "angebote"), data).status_code == 302
    mo_a.refresh_from_db()
    assert not mo_a.logo and not mo_a.offers.exists() and not mo_a.languages.exists()
    revision = revisions.open_revision(mo_a)
    assert set(revision.content) == {"logo", "languages", "offers"}
    # The offers form shows the pending offer.
    formset = client.get(_url(mo_a, "angebote")).context["formset"]
    assert formset.initial[0]["title"] == "Erstberatung"

    services.revision_approve(revision=revision, by=coordinator, seen=revision.version)
    mo_a.refresh_from_db()
    assert mo_a.logo and list(mo_a.offers.values_list("title", flat=True)) == ["Erstberatung"]
    assert [t.slug for t in mo_a.languages.all()] == ["ru"]
    assert "erstberatung" in mo_a.search_document


def test_taking_every_change_back_leaves_nothing_to_review(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Neu")
    revision = revisions.open_revision(mo_a)
    _edit(client, mo_a, "identitaet", description="")
    revision.refresh_from_db()
    assert revision.state == ProfileRevision.State.DISCARDED
    assert revisions.open_revision(mo_a) is None


def test_send_back_keeps_the_changes_and_the_next_save_resubmits(
    client, editor_a, mo_a, coordinator, sent_mail
):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Erster Versuch")
    revision = revisions.open_revision(mo_a)
    assert [m.subject for m in sent_mail()] == ["Änderungen zur Prüfung: Verein A e. V."]
    sent_mail().clear()
    services.revision_send_back(
        revision=revision, by=coordinator, comment="Bitte genauer.", seen=revision.version
    )
    mails = sent_mail()
    assert [m.to for m in mails] == [[editor_a.email]]
    assert "Bitte genauer." in mails[0].body and "bisherige Fassung online" in mails[0].body
    overview = client.get(reverse("directory:edit", args=[mo_a.slug])).content.decode()
    assert "Bitte genauer." in overview and "Erster Versuch" in overview
    assert Client().get(mo_a.get_absolute_url()).status_code == 200  # still online
    sent_mail().clear()
    _edit(client, mo_a, "identitaet", description="Zweiter Versuch")
    revision.refresh_from_db()
    assert revision.state == ProfileRevision.State.PENDING
    assert [m.subject for m in sent_mail()] == ["Änderungen zur Prüfung: Verein A e. V."]


def test_the_team_discards_its_changes_only_as_it_saw_them(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Entwurf")
    revision = revisions.open_revision(mo_a)
    discard = reverse("directory:revision_discard", args=[mo_a.slug])
    client.post(discard, {"seen": revision.version - 1})  # an older page
    assert revisions.open_revision(mo_a) is not None
    client.post(discard, {"seen": revision.version})
    assert revisions.open_revision(mo_a) is None
    mo_a.refresh_from_db()
    assert mo_a.description == ""


def test_archiving_keeps_the_pending_changes_in_the_profile(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Noch nicht geprüft")
    client.post(
        reverse("directory:archive", args=[mo_a.slug]), {"to": "archived", "confirm": "yes"}
    )
    mo_a.refresh_from_db()
    assert (mo_a.status, mo_a.description) == ("archived", "Noch nicht geprüft")
    assert ProfileRevision.objects.get().state == ProfileRevision.State.MERGED
    # Back as a draft, it is reviewed as a whole before it is public again.
    client.post(reverse("directory:archive", args=[mo_a.slug]), {"to": "draft"})
    mo_a.refresh_from_db()
    assert mo_a.status == "draft"


def test_the_review_queue_lists_pending_changes(client, editor_a, mo_a, coordinator):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Neu")
    reviewer = Client()
    reviewer.force_login(coordinator)
    html = reviewer.get(reverse("directory:review_queue")).content.decode()
    section = html.split('id="h-revisions"')[1].split("</section>")[0]
    assert "Verein A e. V." in section and "Editor A" in section


def test_other_people_cannot_see_or_touch_a_pending_revision(
    client, editor_a, editor_b, mo_a, institution_user
):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description=SECRET)
    for user in (editor_b, institution_user):
        other = Client()
        other.force_login(user)
        assert other.get(reverse("directory:edit", args=[mo_a.slug])).status_code in (403, 404)
        assert other.get(reverse("directory:review", args=[mo_a.slug])).status_code == 403
        response = other.post(reverse("directory:revision_discard", args=[mo_a.slug]), {"seen": 1})
        assert response.status_code in (403, 404)
        assert SECRET not in other.get(mo_a.get_absolute_url()).content.decode()
    assert revisions.open_revision(mo_a) is not None


def test_the_api_json_of_a_profile_keeps_the_live_revision(client, editor_a, mo_a):
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description=SECRET)
    data = json.loads(Client().get(f"/api/organisations/{mo_a.slug}/").content)
    assert data["name"] == "Verein A e. V." and SECRET not in json.dumps(data)
    assert not re.search(SECRET, Client().get("/api/hsds/services").content.decode())


# Approval and edit at the same moment, in threads with their own connections.


@pytest.mark.postgres
def test_an_approval_racing_an_edit_publishes_only_what_was_seen(transactional_db):
    from core.concurrency import Conflict
    from tests import personas
    from tests.parallel import parallel

    call_command("load_vocabulary", verbosity=0)
    organisation = make_organisation("Wettlauf e. V.", slug="wettlauf")
    editor = personas.create("editor_a")
    reviewer = personas.create("coordinator")
    outcomes = []
    for number in range(15):
        revision = services.revision_save(
            organisation=organisation, by=editor, values={"description": f"gesehen {number}"}
        )
        seen = revision.version

        def approve(revision=revision, seen=seen):
            try:
                services.revision_approve(revision=revision, by=reviewer, seen=seen)
            except services.ReviewError:
                return "refused"
            return "approved"

        def edit(number=number):
            try:
                services.revision_save(
                    organisation=organisation,
                    by=editor,
                    values={"description": f"ungesehen {number}"},
                )
            except Conflict:  # pragma: no cover - no version given, never raised
                return "conflict"
            return "saved"

        decision, saved = parallel(approve, edit)
        outcomes.append(decision)
        live = Organisation.objects.get(pk=organisation.pk)
        pending = revisions.open_revision(live)
        assert saved == "saved"
        if decision == "approved":  # exactly the seen text; the edit waits in a new revision
            assert live.description == f"gesehen {number}"
            assert pending.content == {"description": f"ungesehen {number}"}
        else:  # the edit came first: nothing published, the edit waits
            assert live.description != f"ungesehen {number}"
            assert pending.content["description"] == f"ungesehen {number}"
        # The next round starts from a clean state.
        if pending is not None:
            services.revision_discard(revision=pending, by=editor, seen=None)
    print(
        f"\napproval vs. edit: {outcomes.count('approved')} approved, "
        f"{outcomes.count('refused')} refused, 0 unseen published"
    )
    assert ProfileRevision.objects.filter(state__in=ProfileRevision.OPEN_STATES).count() == 0


def test_a_send_back_after_the_team_left_reaches_the_profiles_address(
    client, editor_a, mo_a, coordinator, sent_mail
):
    """The team saved changes and then left: the coordinator's comment goes to
    the address on record (answers to the coordinator), and says so."""
    mo_a.email = "info@verein-a.example"
    services.organisation_save(organisation=mo_a, by=None, fields=["email"])
    client.force_login(editor_a)
    _edit(client, mo_a, "identitaet", description="Neu")
    mo_a.memberships.all().delete()
    revision = revisions.open_revision(mo_a)
    sent_mail().clear()
    reach = services.revision_send_back(
        revision=revision, by=coordinator, comment="Bitte belegen.", seen=revision.version
    )
    assert reach is services.Reach.ADDRESS
    mails = sent_mail()
    assert [m.to for m in mails] == [["info@verein-a.example"]]
    assert "Bitte belegen." in mails[0].body and mails[0].reply_to == [coordinator.email]
