"""Two editors of one profile: a section save writes only its own fields, and a
form loaded before a colleague's save of the same section meets a conflict page
(409) that keeps both inputs, with one click to apply the own input on top."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from directory import revisions
from directory.models import Membership, Organisation
from directory.vocabulary import invalidate_vocabulary
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel


def _section_data(client, organisation, section, **changes):
    """What the section's form posts when loaded now by ``client`` (as its page
    shows it: for a published profile with changes waiting for review, those)
    and changed by ``changes``."""
    form = client.get(_url(organisation, section)).context["form"]
    data = {}
    for name, field in form.fields.items():
        if name in ("logo_upload", "remove_logo"):
            continue
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            value = value.pk
        if value is False or value is None:
            continue
        data[name] = value
    return {**data, **changes}


def _pending(organisation, key):
    """The value of ``key`` as the team sees it (the open revision over the live profile)."""
    stored = Organisation.objects.get(pk=organisation.pk)
    shown = revisions.pending_profile(stored, revisions.open_revision(stored))
    return getattr(shown, key)


def _team(organisation):
    owner = personas.create("editor_a")
    Membership.objects.create(user=owner, organisation=organisation, role=Membership.Role.OWNER)
    colleague = personas.create("member")
    Membership.objects.create(
        user=colleague, organisation=organisation, role=Membership.Role.EDITOR
    )
    return owner, colleague


def _url(organisation, section):
    return reverse("directory:edit_section", args=[organisation.slug, section])


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "published"])
def test_a_stale_form_of_the_same_section_gets_the_conflict_page_and_keeps_both_inputs(
    client, status
):
    """A draft is edited directly; a published profile's description waits in its
    revision: either way the older form meets the colleague's change."""
    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", description="Alt", status=status
    )
    owner, colleague = _team(organisation)
    client.force_login(owner)
    stale = _section_data(client, organisation, "identitaet", description="Text von A")
    loaded_version = stale["version"]

    other = Client()
    other.force_login(colleague)
    fresh = _section_data(other, organisation, "identitaet", description="Neu von B")
    assert other.post(_url(organisation, "identitaet"), fresh).status_code == 302
    versions = organisation.history.count()

    response = client.post(_url(organisation, "identitaet"), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Neu von B" in page  # the other person's change
    assert "Alt" in page  # what the form was loaded from
    assert page.count("Text von A") >= 2  # in the table and still in the form
    assert _pending(organisation, "description") == "Neu von B"  # nothing applied
    assert organisation.history.count() == versions
    form = response.context["form"]
    current = form["version"].value()
    organisation.refresh_from_db()
    assert int(current) == organisation.version
    assert status == "published" or organisation.version != loaded_version

    # One click: the form as shown, now with the current versions, goes through.
    again = {**stale, "version": current, "revision": form["revision"].value()}
    assert client.post(_url(organisation, "identitaet"), again).status_code == 302
    assert _pending(organisation, "description") == "Text von A"
    organisation.refresh_from_db()
    if status == "draft":
        record = organisation.history.first()
        assert record.history_user == owner and record.version == organisation.version
    else:  # the live profile is untouched; the revision's history names who
        assert organisation.description == "Alt"
        revision = revisions.open_revision(organisation)
        assert revision.history.first().history_user == owner
        assert revision.history.count() == 2  # B's save, A's save


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "published"])
def test_a_stale_form_of_another_section_is_applied_and_keeps_the_colleagues_save(client, status):
    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", phone="040 1", description="Alt", status=status
    )
    owner, colleague = _team(organisation)
    client.force_login(owner)
    identity = _section_data(client, organisation, "identitaet", description="Von A")

    other = Client()
    other.force_login(colleague)
    contact = _section_data(other, organisation, "kontakt", phone="040 222")
    assert other.post(_url(organisation, "kontakt"), contact).status_code == 302

    assert client.post(_url(organisation, "identitaet"), identity).status_code == 302
    organisation.refresh_from_db()
    assert (_pending(organisation, "description"), organisation.phone) == ("Von A", "040 222")
    latest, previous = list(organisation.history.all()[:2])
    if status == "draft":
        # One history entry per applied change, each complete, with who made it.
        assert (latest.history_user, latest.description, latest.phone) == (
            owner,
            "Von A",
            "040 222",
        )
        assert (previous.history_user, previous.phone) == (colleague, "040 222")
        assert "von a" in organisation.search_document  # derived from what is stored
    else:
        # The phone went live at once; the description waits for review.
        assert (latest.history_user, latest.phone, latest.description) == (
            colleague,
            "040 222",
            "Alt",
        )
        assert organisation.description == "Alt"
        assert "von a" not in organisation.search_document


@pytest.mark.django_db
def test_a_section_save_writes_only_its_own_fields(editor_a, mo_a):
    """The row loaded at the start of the request is not written back: a change
    stored meanwhile in another section survives (the service path of the view)."""
    from directory.services import organisation_save

    loaded = Organisation.objects.get(pk=mo_a.pk)
    Organisation.objects.filter(pk=mo_a.pk).update(phone="040 999")  # a colleague's save
    loaded.description = "Neu"
    organisation_save(organisation=loaded, by=editor_a, fields=["description"])
    stored = Organisation.objects.get(pk=mo_a.pk)
    assert (stored.description, stored.phone) == ("Neu", "040 999")
    assert loaded.phone == "040 999"  # the caller's object is the stored row


# Two editors saving different sections at the same moment, through the view,
# in threads with their own database connections (PostgreSQL).


@pytest.fixture
def vocabulary(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()


ROUNDS = 20


@pytest.mark.postgres
@pytest.mark.parametrize("status", ["draft", "published"])
def test_parallel_saves_of_different_sections_lose_no_confirmed_write(vocabulary, settings, status):
    """A draft: both sections written to the row. Published: the description
    into the pending revision, the phone live at once, at the same moment."""
    settings.RATELIMIT_ENABLE = False
    organisation = make_organisation(
        "Parallel e. V.", slug="parallel", phone="040 0", status=status
    )
    owner, colleague = _team(organisation)
    clients = []
    for user in (owner, colleague):
        client = Client()
        client.force_login(user)
        client.raise_request_exception = False
        clients.append(client)
    lost, statuses = 0, []
    for round_number in range(ROUNDS):
        posts = [
            _section_data(
                clients[0], organisation, "identitaet", description=f"Beschreibung {round_number}"
            ),
            _section_data(clients[1], organisation, "kontakt", phone=f"040 {round_number + 1}"),
        ]
        sections = ["identitaet", "kontakt"]

        def save(i, posts=posts, sections=sections):
            return clients[i].post(_url(organisation, sections[i]), posts[i]).status_code

        answers = parallel(lambda: save(0), lambda: save(1))
        statuses += answers
        stored = Organisation.objects.get(pk=organisation.pk)
        if answers[0] == 302 and _pending(stored, "description") != f"Beschreibung {round_number}":
            lost += 1
        if answers[1] == 302 and stored.phone != f"040 {round_number + 1}":
            lost += 1
    print(
        f"\nparallel section saves ({status}): {ROUNDS} rounds, "
        f"{statuses.count(302)} confirmed, {lost} lost"
    )
    assert statuses == [302] * (2 * ROUNDS)  # different sections never conflict
    assert lost == 0
    stored = Organisation.objects.get(pk=organisation.pk)
    if status == "draft":
        # One history entry per applied change (plus the first version).
        assert stored.history.count() == 2 * ROUNDS + 1
    else:
        # The phone's changes in the profile's history, the description's in the revision's.
        assert stored.history.count() == ROUNDS + 1
        assert stored.description == ""
        assert revisions.open_revision(stored).history.count() == ROUNDS
