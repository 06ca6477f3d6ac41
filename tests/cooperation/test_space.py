"""The cooperation space after "yes": who sees it, working in it together,
documents, closing with reviews, and references confirmed by both sides."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperation import space
from cooperation.models import (
    ChecklistEntry,
    Cooperation,
    CooperationRequest,
    SpaceDocument,
    SpaceEvent,
    SpaceReview,
)
from cooperation.services import request_decide, request_send
from core.concurrency import Conflict
from directory.models import Reference
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def accepted(institution_user, mo_a, editor_a):
    cooperation_request = request_send(
        sender=institution_user,
        organisation=mo_a,
        subject="Erstberatung für Neuzugewanderte",
        message="Wir suchen einen Partner.",
    )
    request_decide(cooperation_request=cooperation_request, by=editor_a, accept=True)
    return Cooperation.objects.get(request=cooperation_request)


def _url(name, cooperation, *args):
    return reverse(f"cooperation:{name}", args=[cooperation.request_id, *args])


def _closed(cooperation, by):
    space.space_close(cooperation=cooperation, by=by, went_well="Gut.", improve="")
    cooperation.refresh_from_db()
    return cooperation


# Opening -------------------------------------------------------------------------


def test_accepting_opens_the_space_with_the_guides_checklist(client, accepted, editor_a):
    points = list(accepted.checklist.values_list("text", flat=True))
    assert len(points) == 15 and points[3] == "Rollenklärung am Anfang vornehmen"
    assert [e.action for e in accepted.events.all()] == [SpaceEvent.Action.OPENED]
    client.force_login(editor_a)
    detail = client.get(accepted.request.get_absolute_url()).content.decode()
    assert _url("space", accepted) in detail


def test_a_declined_request_has_no_space(institution_user, mo_a, editor_a):
    cooperation_request = request_send(
        sender=institution_user, organisation=mo_a, subject="Nein", message="Nein."
    )
    request_decide(cooperation_request=cooperation_request, by=editor_a, accept=False)
    assert not Cooperation.objects.exists()


# Who sees and does what ------------------------------------------------------------


def _space_urls(cooperation):
    entry = cooperation.checklist.first()
    milestone = cooperation.milestones.create(title="Infoabend", due_on=datetime.date(2027, 3, 1))
    allowance = cooperation.allowances.create(purpose="Sprachmittlung", amount=20)
    document = SpaceDocument.objects.create(
        cooperation=cooperation,
        name="plan.pdf",
        content_type="application/pdf",
        size=3,
        content=PDF,
    )
    return {
        "space": _url("space", cooperation),
        "space_plan": _url("space_plan", cooperation),
        "space_checklist": _url("space_checklist", cooperation, entry.pk),
        "space_milestones": _url("space_milestones", cooperation),
        "space_milestone": _url("space_milestone", cooperation, milestone.pk),
        "space_allowances": _url("space_allowances", cooperation),
        "space_allowance": _url("space_allowance", cooperation, allowance.pk),
        "space_documents": _url("space_documents", cooperation),
        "space_document": _url("space_document", cooperation, document.pk),
        "space_close": _url("space_close", cooperation),
        "space_reference": _url("space_reference", cooperation),
    }


READABLE = {"space", "space_document"}  # GET; every other address takes POST only


def test_every_address_of_the_space_is_private_to_both_sides_and_read_by_coordinators(
    client,
    accepted,
    institution_user,
    editor_a,
    editor_b,
    coordinator,
    member,
    unverified_institution,
):
    urls = _space_urls(accepted)
    for name, url in urls.items():
        # Anonymous: the login page, whatever the method.
        client.logout()
        assert client.get(url).status_code == 302, name
        assert "/konto/" in client.post(url)["Location"] or "login" in client.post(url)["Location"]
        # Nobody else learns that the space exists.
        for outsider in (editor_b, member, unverified_institution):
            client.force_login(outsider)
            assert client.get(url).status_code == 404, (name, outsider)
            assert client.post(url).status_code == (405 if name == "space" else 404), name
        # Coordinators read and change nothing.
        client.force_login(coordinator)
        assert client.get(url).status_code == (200 if name in READABLE else 403), name
        assert client.post(url).status_code == (405 if name == "space" else 403), name
        # Both sides.
        for party in (institution_user, editor_a):
            client.force_login(party)
            assert client.get(url).status_code == (200 if name in READABLE else 405), name
    # Nothing an outsider or the coordinator posted was applied.
    assert not accepted.checklist.filter(done_at__isnull=False).exists()
    assert accepted.milestones.count() == 1 and accepted.documents.count() == 1


def test_the_space_page_shows_no_forms_to_coordinators(client, accepted, coordinator):
    client.force_login(coordinator)
    page = client.get(_url("space", accepted)).content.decode()
    assert "Rollenklärung am Anfang vornehmen" in page
    assert "können nichts ändern" in page and 'name="done"' not in page


def test_an_object_of_another_space_is_not_found(client, accepted, institution_user, editor_b):
    other = request_send(
        sender=institution_user,
        organisation=editor_b.memberships.get().organisation,
        subject="Andere",
        message="Andere.",
    )
    request_decide(cooperation_request=other, by=editor_b, accept=True)
    foreign_entry = ChecklistEntry.objects.filter(cooperation__request=other).first()
    client.force_login(institution_user)  # a side of both spaces
    response = client.post(_url("space_checklist", accepted, foreign_entry.pk), {"done": "1"})
    assert response.status_code == 404
    assert foreign_entry.__class__.objects.get(pk=foreign_entry.pk).done_at is None


# Working together ---------------------------------------------------------------------


def test_ticking_twice_leaves_one_tick_and_one_history_entry(client, accepted, editor_a):
    entry = accepted.checklist.first()
    client.force_login(editor_a)
    for _ in range(2):  # a double click, or both sides at once
        client.post(_url("space_checklist", accepted, entry.pk), {"done": "1"})
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.done_by == editor_a
    assert accepted.events.filter(action=SpaceEvent.Action.CHECKED).count() == 1
    client.post(_url("space_checklist", accepted, entry.pk), {"done": "0"})
    entry.refresh_from_db()
    assert entry.done_at is None


def test_two_sides_editing_goals_and_roles_lose_nothing(
    client, accepted, institution_user, editor_a
):
    page_version = accepted.version
    client.force_login(institution_user)
    response = client.post(
        _url("space_plan", accepted),
        {"goals": "Zehn Familien beraten", "partner_role": "Räume", "version": page_version},
    )
    assert response.status_code == 302
    client.force_login(editor_a)  # loaded the form before the institution saved
    response = client.post(
        _url("space_plan", accepted),
        {"goals": "Acht Familien", "mo_role": "Sprachmittlung", "version": page_version},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Zehn Familien beraten" in page and "Acht Familien" in page
    accepted.refresh_from_db()
    assert accepted.goals == "Zehn Familien beraten" and accepted.mo_role == ""


def test_time_plan_and_allowances_with_clear_errors(client, accepted, editor_a, institution_user):
    client.force_login(editor_a)
    bad = client.post(
        _url("space_milestones", accepted), {"title": "Infoabend", "due_on": "31.02.2027"}
    )
    assert bad.status_code == 400 and 'id="id_due_on"' in bad.content.decode()
    assert "is-invalid" in bad.content.decode()
    client.post(
        _url("space_milestones", accepted),
        {"title": "Infoabend", "due_on": "2027-03-01", "responsible": "mo"},
    )
    negative = client.post(
        _url("space_allowances", accepted),
        {"purpose": "Sprachmittlung", "amount": "-5", "unit": "hour", "paid_by": "partner"},
    )
    assert negative.status_code == 400
    client.force_login(institution_user)
    client.post(
        _url("space_allowances", accepted),
        {"purpose": "Sprachmittlung", "amount": "25,00", "unit": "hour", "paid_by": "partner"},
    )
    [milestone] = accepted.milestones.all()
    [allowance] = accepted.allowances.all()
    assert milestone.responsible == "mo" and str(allowance.amount) == "25.00"
    page = client.get(_url("space", accepted)).content.decode()
    assert "Infoabend" in page and "Sprachmittlung" in page
    client.post(_url("space_milestone", accepted, milestone.pk), {"action": "done"})
    milestone.refresh_from_db()
    assert milestone.done_at is not None


# Documents --------------------------------------------------------------------------


def test_documents_are_checked_and_only_downloaded_by_the_two_sides(
    client, accepted, editor_a, institution_user, editor_b
):
    client.force_login(editor_a)
    url = _url("space_documents", accepted)
    response = client.post(
        url, {"file": SimpleUploadedFile("../../etc/Zeitplan März.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    document = SpaceDocument.objects.get()
    assert document.name == "Zeitplan März.pdf"
    # A program renamed to .pdf, an HTML page, an empty name: refused at the field.
    for name, content in (
        ("rechnung.pdf", b"MZ\x90\x00 program"),
        ("seite.html", b"<script>alert(1)</script>"),
        ("notiz.txt", b"\x00\x01binary"),
    ):
        refused = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert refused.status_code == 400, name
        assert "Diese Datei wird nicht angenommen" in refused.content.decode()
    too_big = client.post(
        url, {"file": SimpleUploadedFile("gross.pdf", PDF + b"0" * space.MAX_DOCUMENT_BYTES)}
    )
    assert too_big.status_code == 400 and "zu groß" in too_big.content.decode()
    assert SpaceDocument.objects.count() == 1

    client.force_login(institution_user)
    download = client.get(_url("space_document", accepted, document.pk))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Zeitplan%20M%C3%A4rz.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "private" in download["Cache-Control"] or "no-cache" in download["Cache-Control"]
    client.force_login(editor_b)
    assert client.get(_url("space_document", accepted, document.pk)).status_code == 404


def test_a_text_file_with_umlauts_is_accepted():
    assert space.document_type("notiz.txt", "Grüße".encode()) == "text/plain; charset=utf-8"
    # A character cut at the end of the first 4 KB is still text.
    assert space.document_type("notiz.txt", ("ä" * 2048).encode()[:4095]) is not None
    assert space.document_type("notiz.exe", b"MZ") is None


# Closing and reviews -----------------------------------------------------------------


def test_closing_with_reviews_freezes_the_space(
    client, accepted, editor_a, institution_user, sent_mail
):
    sent_mail().clear()
    client.force_login(institution_user)
    response = client.post(
        _url("space_close", accepted),
        {"went_well": "Viele Familien erreicht", "improve": "Früher planen"},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.is_closed and accepted.closed_at is not None
    assert [m.to for m in sent_mail()] == [[editor_a.email]]  # the other side is asked
    # Nothing changes any more but the reviews and the reference.
    entry = accepted.checklist.first()
    client.force_login(editor_a)
    client.post(_url("space_checklist", accepted, entry.pk), {"done": "1"})
    entry.refresh_from_db()
    assert entry.done_at is None
    client.post(_url("space_close", accepted), {"went_well": "Gute Räume"})
    assert set(SpaceReview.objects.values_list("side", flat=True)) == {"partner", "mo"}
    # Once per side: a second review of the MO is refused, the first is kept.
    client.post(_url("space_close", accepted), {"went_well": "Nochmal"})
    assert SpaceReview.objects.get(side="mo").went_well == "Gute Räume"
    page = client.get(_url("space", accepted)).content.decode()
    assert "Viele Familien erreicht" in page and "Gute Räume" in page


def test_two_closings_at_once_keep_both_reviews(accepted, editor_a, institution_user):
    stale = Cooperation.objects.get(pk=accepted.pk)  # loaded before the other side closed
    space.space_close(cooperation=accepted, by=institution_user, went_well="A", improve="")
    space.space_close(cooperation=stale, by=editor_a, went_well="B", improve="")
    assert SpaceReview.objects.count() == 2
    assert accepted.events.filter(action=SpaceEvent.Action.CLOSED).count() == 1


# References -------------------------------------------------------------------------


def _reference_post(client, cooperation, **data):
    return client.post(_url("space_reference", cooperation), data)


def test_a_reference_needs_a_closed_cooperation(client, accepted, editor_a):
    client.force_login(editor_a)
    _reference_post(client, accepted, summary="Wir haben beraten.")
    assert not Reference.objects.exists()


def test_a_reference_is_public_only_while_both_sides_confirm_the_same_text(
    client, accepted, editor_a, institution_user, mo_a, sent_mail, commit
):
    _closed(accepted, institution_user)
    profile = mo_a.get_absolute_url()

    def post(**data):  # committed: the page cache forgets the profile on commit
        return commit(_reference_post, client, accepted, **data)

    text = "Gemeinsame Erstberatung für 40 neu zugewanderte Familien in Schwerin."

    client.force_login(editor_a)
    sent_mail().clear()
    post(summary=text)
    reference = Reference.objects.get()
    assert reference.mo_confirmed_by == editor_a and reference.partner_confirmed_at is None
    assert reference.partner_name == "Jobcenter Schwerin"
    assert reference.partner_type == get_vocabulary().get("institution_type", "jobcenter")
    assert [m.to for m in sent_mail()] == [[institution_user.email]]
    client.logout()
    assert text not in client.get(profile).content.decode()  # one side is not enough

    client.force_login(institution_user)
    post(action="confirm", version=reference.version)
    reference.refresh_from_db()
    assert reference.is_confirmed
    client.logout()
    public = client.get(profile).content.decode()
    assert (
        text in public and "Jobcenter Schwerin" in public and "Bestätigte Kooperationen" in public
    )

    # The institution changes the text: the MO has not confirmed the new one.
    client.force_login(institution_user)
    post(summary=text + " Mit Sprachmittlung.", version=reference.version)
    reference.refresh_from_db()
    assert reference.partner_confirmed_at and reference.mo_confirmed_at is None
    client.logout()
    assert text not in client.get(profile).content.decode()

    # The MO confirms the text it was shown before the change: refused, not confirmed.
    client.force_login(editor_a)
    post(action="confirm", version=reference.version - 1)
    reference.refresh_from_db()
    assert reference.mo_confirmed_at is None
    post(action="confirm", version=reference.version)
    reference.refresh_from_db()
    assert reference.is_confirmed
    # Either side withdraws: gone from the profile.
    post(action="withdraw")
    client.logout()
    assert "Mit Sprachmittlung" not in client.get(profile).content.decode()
    assert Reference.objects.get().mo_confirmed_at is None


def test_two_first_drafts_at_once_make_one_reference(accepted, editor_a, institution_user):
    _closed(accepted, editor_a)
    stale = Cooperation.objects.get(pk=accepted.pk)
    space.reference_write(cooperation=accepted, by=editor_a, summary="A", expected=None)
    with pytest.raises(Conflict):  # a first draft too: written without seeing "A"
        space.reference_write(cooperation=stale, by=institution_user, summary="B", expected=None)
    assert Reference.objects.count() == 1 and Reference.objects.get().summary == "A"


def test_a_text_written_without_seeing_the_stored_one_is_kept_in_the_form(
    client, accepted, editor_a, institution_user
):
    _closed(accepted, editor_a)
    space.reference_write(cooperation=accepted, by=editor_a, summary="Text der MO", expected=None)
    client.force_login(institution_user)  # its page showed no reference yet
    response = _reference_post(client, accepted, summary="Text der Institution", version="")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Text der MO" in page and "Text der Institution" in page
    assert Reference.objects.get().summary == "Text der MO"
    # Saving again (the form now carries the stored version) applies it on top.
    version = Reference.objects.get().version
    _reference_post(client, accepted, summary="Text der Institution", version=version)
    reference = Reference.objects.get()
    assert reference.summary == "Text der Institution" and reference.mo_confirmed_at is None


def test_only_the_two_sides_confirm(client, accepted, editor_a, coordinator, editor_b):
    _closed(accepted, editor_a)
    space.reference_write(cooperation=accepted, by=editor_a, summary="A", expected=None)
    for user, status in ((coordinator, 403), (editor_b, 404)):
        client.force_login(user)
        response = _reference_post(client, accepted, action="confirm", version=2)
        assert response.status_code == status
    assert Reference.objects.get().partner_confirmed_at is None


def test_confirmed_references_feed_the_partner_finder(
    client, accepted, editor_a, institution_user, mo_a, commit
):
    jobcenter = get_vocabulary().get("institution_type", "jobcenter")
    other = make_organisation("Ohne Referenz e. V.", slug="ohne-referenz")
    assert not mo_a.cooperation_experience.exists() and not other.cooperation_experience.exists()
    finder = reverse("finder") + f"?cooperated_with={jobcenter.pk}&cooperated_with_importance=must"

    def listed():
        page = client.get(finder).content.decode()
        return {slug for slug in ("verein-a", "ohne-referenz") if f'id="mo-{slug}"' in page}, page

    assert listed()[0] == set()
    _closed(accepted, editor_a)
    space.reference_write(cooperation=accepted, by=editor_a, summary="Beratung.", expected=None)
    assert listed()[0] == set()  # one side only
    reference = Reference.objects.get()
    commit(
        lambda: space.reference_confirm(
            cooperation=Cooperation.objects.get(pk=accepted.pk),
            by=institution_user,
            expected=reference.version,
        )
    )
    found, page = listed()
    assert found == {"verein-a"}
    assert "Bestätigte Kooperation mit:" in page and "Jobcenter Schwerin" in page


def test_a_reference_moves_with_a_merged_profile(accepted, editor_a, institution_user, mo_a):
    from directory import merging

    _closed(accepted, editor_a)
    space.reference_write(cooperation=accepted, by=editor_a, summary="A", expected=None)
    assert any(r.model is Reference for r in merging.RELATIONS.values())


def test_accepted_requests_before_the_space_existed_get_one(institution_user, mo_a, editor_a):
    from importlib import import_module

    from django.apps import apps

    cooperation_request = request_send(
        sender=institution_user, organisation=mo_a, subject="Alt", message="Alt."
    )
    CooperationRequest.objects.filter(pk=cooperation_request.pk).update(status="accepted")
    migration = import_module("cooperation.migrations.0004_spaces_for_accepted")
    migration.open_spaces(apps, None)
    cooperation = Cooperation.objects.get(request=cooperation_request)
    assert cooperation.checklist.count() == 15


def test_the_personal_data_export_holds_what_a_person_wrote_in_spaces(accepted, editor_a):
    from cooperation.services import personal_data

    space.space_close(cooperation=accepted, by=editor_a, went_well="Gute Räume", improve="")
    data = personal_data(editor_a)
    assert [r["went_well"] for r in data["cooperation_reviews"]] == ["Gute Räume"]
    assert {e["action"] for e in data["cooperation_history"]} >= {"opened", "closed", "reviewed"}


def test_the_space_links_the_partners_published_institution_profile(
    client, accepted, editor_a, institution_user
):
    from accounts import institution_services

    profile = institution_services.profile_create(
        by=institution_user, values={"name": "Jobcenter Schwerin"}, offers=["rooms"]
    )
    client.force_login(editor_a)
    assert profile.get_absolute_url() not in client.get(_url("space", accepted)).content.decode()
    institution_services.profile_publish(profile=profile, published=True)
    assert profile.get_absolute_url() in client.get(_url("space", accepted)).content.decode()


@pytest.fixture
def tandem(mo_a, editor_a, editor_b):
    """MO B (editor_b and a colleague) asked MO A for a tandem; MO A accepted."""
    from tests import personas

    colleague = personas.create("member")
    editor_b.memberships.get().organisation.memberships.create(user=colleague)
    cooperation_request = request_send(
        sender=editor_b,
        organisation=mo_a,
        sender_organisation=editor_b.memberships.get().organisation,
        kind=CooperationRequest.Kind.TANDEM,
        subject="Tandem",
        message="Gemeinsam?",
    )
    request_decide(cooperation_request=cooperation_request, by=editor_a, accept=True)
    return Cooperation.objects.get(request=cooperation_request), colleague


def test_who_leaves_the_sending_mo_leaves_its_tandem_space(client, tandem, editor_b):
    cooperation, colleague = tandem
    client.force_login(editor_b)
    assert client.get(_url("space", cooperation)).status_code == 200
    editor_b.memberships.all().delete()  # left the team of MO B
    assert client.get(_url("space", cooperation)).status_code == 404
    client.force_login(colleague)
    assert client.get(_url("space", cooperation)).status_code == 200


def test_deleting_the_senders_account_keeps_the_tandem_space_of_both_mos(tandem, editor_b):
    from accounts.services import delete_account

    cooperation, colleague = tandem
    delete_account(editor_b)
    cooperation.refresh_from_db()
    assert cooperation.request.sender == colleague
    assert cooperation.checklist.count() == 15


def test_a_confirmation_names_the_version_it_saw(client, accepted, editor_a, institution_user):
    _closed(accepted, editor_a)
    space.reference_write(cooperation=accepted, by=editor_a, summary="A", expected=None)
    client.force_login(institution_user)
    _reference_post(client, accepted, action="confirm")  # no version: a form of its own
    assert Reference.objects.get().partner_confirmed_at is None


def test_an_unknown_milestone_action_changes_nothing(client, accepted, editor_a):
    milestone = accepted.milestones.create(title="Infoabend", due_on=datetime.date(2027, 3, 1))
    client.force_login(editor_a)
    response = client.post(_url("space_milestone", accepted, milestone.pk), {"action": "x"})
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.done_at is None
    download = _url("space_document", accepted, 1)
    assert client.put(download).status_code == 405


def test_deleting_an_institution_senders_account_hands_the_space_to_a_colleague(
    accepted, institution_user
):
    from accounts import institution_services
    from accounts.services import delete_account
    from tests import personas

    profile = institution_services.profile_create(
        by=institution_user, values={"name": "Jobcenter Schwerin"}, offers=[]
    )
    colleague = personas.create("institution", email="kollegin@jobcenter.example")
    profile.editors.create(user=colleague, added_by=institution_user)
    delete_account(institution_user)
    accepted.refresh_from_db()
    assert accepted.request.sender == colleague and accepted.checklist.count() == 15


@pytest.mark.parametrize("rows", [1, 10])
def test_the_space_page_makes_a_fixed_number_of_queries(
    client, accepted, editor_a, django_assert_max_num_queries, rows
):
    """Checklist, plan, milestones, allowances, documents, reviews, history:
    one query each, whatever their number (and the session, the user, the
    memberships, the space with its request and reference, the partner's
    institution profile, the unread counter)."""
    for n in range(rows):
        accepted.milestones.create(title=f"M{n}", due_on=datetime.date(2027, 3, 1))
        accepted.allowances.create(purpose=f"A{n}", amount=n)
        SpaceDocument.objects.create(
            cooperation=accepted,
            name=f"d{n}.pdf",
            content_type="application/pdf",
            size=5,
            content=PDF,
        )
        space.checklist_set(entry=accepted.checklist.all()[n], by=editor_a, done=True)
    client.force_login(editor_a)
    client.get(_url("space", accepted))
    with django_assert_max_num_queries(SPACE_QUERIES):
        assert client.get(_url("space", accepted)).status_code == 200


SPACE_QUERIES = 14  # measured 14 for 1 and for 10 rows of each kind


def test_nothing_of_a_space_reaches_open_data_or_the_widget(
    client, accepted, editor_a, institution_user, mo_a
):
    """What the two sides write in their space stays there: not in the API, HSDS,
    the downloads or the widget (for anybody); the profile shows only the
    confirmed reference."""
    secret = "Vertraulich-7Q"
    space.plan_update(cooperation=accepted, by=editor_a, expected=None, goals=secret + " Ziel")
    space.milestone_add(
        cooperation=accepted,
        by=editor_a,
        title=secret + " Meilenstein",
        due_on=datetime.date(2027, 3, 1),
        responsible="mo",
    )
    space.space_close(
        cooperation=accepted, by=editor_a, went_well=secret + " Rückblick", improve=""
    )
    space.reference_write(cooperation=accepted, by=editor_a, summary="Öffentlich.", expected=None)
    space.reference_confirm(
        cooperation=Cooperation.objects.get(pk=accepted.pk),
        by=institution_user,
        expected=Reference.objects.get().version,
    )
    uid = client.get(reverse("hsds-organizations")).json()["contents"][0]["id"]
    for user in (None, institution_user, editor_a):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in (
            "/api/organisations/",
            f"/api/organisations/{mo_a.slug}/",
            reverse("hsds-organizations") + "?full=true",
            reverse("hsds-organization", args=[uid]),
            reverse("export_csv"),
            reverse("export_json"),
            reverse("widget"),
            mo_a.get_absolute_url(),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            assert secret not in raw.decode("utf-8", "replace"), (url, user)
    assert "Öffentlich." in client.get(mo_a.get_absolute_url()).content.decode()
