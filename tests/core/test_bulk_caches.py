"""Every bulk data change clears the caches derived from the data (issue 16):
the bulk commands, Django's loaddata / flush / migrate, the admin's bulk deletes."""

import io
import json

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.urls import reverse

from core import pagecache
from directory.models import Organisation
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from guidance.models import Item
from tests.factories import make_organisation

# The commands that change data in bulk: each ends with pagecache.clear_all().
BULK_COMMANDS = {
    "seed_demo",
    "load_vocabulary",
    "load_gazetteer",
    "load_guide",
    "seed_support",
    "create_demo_accounts",
    "purge_unverified",
    "loaddata",  # Django's, extended in core/management/commands/loaddata.py
}
# Bookkeeping only, nothing any page shows: they keep the page cache.
#   remind_unconfirmed: queues mails and sets reminded_at (not on any page, not in the history)
#   purge_submitted_forms: forgets old submit keys; send_queued_mail: mail delivery
#   send_alert_digests: queues mails and remembers the MOs a saved search has reported
#   backup, export_open_data, make_coordinator, run_worker: no public data changed
#   (make_coordinator: a role; the worker's jobs go through the services)
#   restore: clears in core.backup.restore itself
#   run_outreach: coordinators' bulk reminders and invitations (mails, reminded_at,
#   invitations: nothing a page shows to the public)
#   purge_invitation_addresses: blanks where old invitations went (on no page)
KEEPS_CACHES = {
    "purge_invitation_addresses",
    "remind_unconfirmed",
    "run_outreach",
    "purge_submitted_forms",
    "send_queued_mail",
    "send_alert_digests",
    "backup",
    "export_open_data",
    "make_coordinator",
    "run_worker",
    "restore",
}
PROJECT_APPS = {"core", "mailer", "directory", "accounts", "guidance", "finder", "cooperation",
                "support", "opendata", "portal"}  # fmt: skip


def probe(namespace: str) -> str:
    """A value cached under one namespace: 'first' until that cache is cleared."""
    return pagecache.cached("probe", 1, lambda: "first", namespaces=(namespace,))


def test_every_project_command_is_sorted_into_clearing_or_bookkeeping():
    project = {name for name, app in get_commands().items() if app in PROJECT_APPS}
    assert project == BULK_COMMANDS | KEEPS_CACHES
    for name in project:
        handle = load_command_class(get_commands()[name], name).handle
        assert getattr(handle, "clears_all", False) == (name in BULK_COMMANDS), name


@pytest.fixture
def _vocabulary_and_guide(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    call_command("load_guide", verbosity=0)


pytestmark = [
    pytest.mark.usefixtures("_vocabulary_and_guide"),
    pytest.mark.django_db(transaction=True),
]


def test_seed_demo_clears_every_cache(client, settings):
    settings.PAGE_CACHE = True
    list_url = reverse("directory:organisation_list")
    before = client.get(list_url).content.decode()
    assert probe("guide") == "first"  # seed_demo itself bumps only the directory
    call_command("seed_demo", count=3, published_only=True, stdout=io.StringIO())
    seeded = Organisation.objects.order_by("pk").first()
    assert seeded is not None and seeded.name not in before
    assert seeded.name in client.get(list_url).content.decode()
    assert pagecache.cached("probe", 1, lambda: "new", namespaces=("guide",)) == "new"


def test_load_guide_clears_every_cache(client, settings):
    settings.PAGE_CACHE = True
    item = Item.objects.get(slug="zusammenarbeit-4")
    Item.objects.filter(pk=item.pk).update(body_html="<p>Veraltete Fassung</p>")  # an old text
    url = item.chapter.get_absolute_url()
    assert "Veraltete Fassung" in client.get(url).content.decode()
    assert probe("directory") == "first"  # load_guide itself bumps only the guide
    call_command("load_guide", reset=True, stdout=io.StringIO())
    page = client.get(url).content.decode()
    assert "Veraltete Fassung" not in page and "Rollenklärung am Anfang vornehmen" in page
    assert pagecache.cached("probe", 1, lambda: "new", namespaces=("directory",)) == "new"


def test_loaddata_clears_the_vocabulary_and_the_pages(client, settings, tmp_path):
    settings.PAGE_CACHE = True
    organisation = make_organisation("Brücke e. V.", roles=["kooperationspartner"])
    assert "Kooperationspartner" in client.get(organisation.get_absolute_url()).content.decode()
    term = get_vocabulary().get("role", "kooperationspartner")
    fixture = tmp_path / "terms.json"
    fields = {"kind": term.kind, "slug": term.slug, "label_de": "Partnerorganisation",
              "label_en": term.label_en, "position": term.position}  # fmt: skip
    fixture.write_text(json.dumps([{"model": "directory.term", "pk": term.pk, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Partnerorganisation" in client.get(organisation.get_absolute_url()).content.decode()


def test_flush_and_migrate_clear_every_cache():
    assert probe("directory") == "first" and probe("guide") == "first"
    call_command("flush", interactive=False, verbosity=0)
    assert pagecache.cached("probe", 1, lambda: "new", namespaces=("directory",)) == "new"
    call_command("migrate", verbosity=0)
    assert pagecache.cached("probe", 1, lambda: "newer", namespaces=("guide",)) == "newer"


def test_a_bulk_delete_of_users_in_the_admin_goes_through_the_service(
    admin_client, client, editor_a, mo_a, settings
):
    settings.PAGE_CACHE = True
    assert "Profil übernehmen" not in client.get(mo_a.get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [editor_a.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not mo_a.memberships.exists()
    assert "Profil übernehmen" in client.get(mo_a.get_absolute_url()).content.decode()
