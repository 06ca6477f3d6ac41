"""Issue 14, finding 6: the open-data dump never serves withdrawn data and
carries its generation time.

An e-mail hidden, a profile archived, unpublished or deleted used to stay in
hsds.json and the zip until the next daily export. Now each dump carries the
version of the public data it was made from; after a change that may withdraw
data it is not served (503 with Retry-After) until the export worker has written
it again. Additions may wait for that, but are not lost.
"""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from directory import services
from directory.models import Organisation, PublicDataVersion, Visibility
from opendata import dump
from opendata.dump import FILES, FORMAT, Stamp
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

EMAIL = "info@kontakt.example"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def kontakt():
    return make_organisation(
        "Kontakt e. V.",
        email=EMAIL,
        email_visibility=Visibility.PUBLIC,
        offers=[{"title": "Sprechstunde"}],
    )


def _export():
    call_command("export_open_data", verbosity=0)


def _download(client, name):
    """(status, text of the file: for the zip, all its entries)"""
    response = client.get(reverse("hsds-dump", args=[name]))
    if response.status_code != 200:
        return response.status_code, response.content.decode()
    body = b"".join(response.streaming_content)
    if name.endswith(".json"):
        return 200, body.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return 200, "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())


def _both(client):
    return {name: _download(client, name) for name in FILES}


def _hide_email(organisation):
    organisation.email_visibility = Visibility.HIDDEN
    services.organisation_save(organisation=organisation, by=None)


def _unpublish(organisation):
    organisation.status = Organisation.Status.DRAFT
    services.organisation_save(organisation=organisation, by=None)


WITHDRAWALS = {
    "email hidden": (_hide_email, EMAIL),
    "email for institutions only": (
        lambda o: services.organisation_save(
            organisation=setattr(o, "email_visibility", Visibility.INSTITUTIONS) or o, by=None
        ),
        EMAIL,
    ),
    "archived": (lambda o: services.organisation_archive(organisation=o, by=None), "Kontakt e. V."),
    "unpublished": (_unpublish, "Kontakt e. V."),
    "deleted": (lambda o: services.organisation_delete(organisation=o, by=None), "Kontakt e. V."),
    "email replaced": (
        lambda o: services.organisation_save(
            organisation=setattr(o, "email", "neu@kontakt.example") or o, by=None
        ),
        EMAIL,
    ),
}


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawn_data_is_never_served_from_an_older_dump(client, kontakt, withdrawal):
    change, text = WITHDRAWALS[withdrawal]
    make_organisation("Club Dialog e. V.")
    _export()
    for status, content in _both(client).values():
        assert status == 200 and text in content and "Club Dialog e. V." in content

    change(kontakt)

    for name in FILES:
        response = client.get(reverse("hsds-dump", args=[name]))
        assert response.status_code == 503, name
        assert int(response["Retry-After"]) > 0 and response["Cache-Control"] == "no-store"
        assert text not in response.content.decode()
    call_command("export_open_data", "--if-stale", verbosity=0)  # the worker's round
    for status, content in _both(client).values():
        assert status == 200 and text not in content and "Club Dialog e. V." in content


def test_an_addition_may_wait_for_the_worker_but_is_not_lost(client, kontakt):
    _export()
    before = _both(client)
    draft = make_organisation("Neu e. V.", status=Organisation.Status.IN_REVIEW)
    services.organisation_approve(organisation=draft, by=None)
    kontakt.website = "https://kontakt.example"
    services.organisation_save(organisation=kontakt, by=None)

    assert _both(client) == before  # still served: it lacks additions only
    assert dump.is_stale()
    call_command("export_open_data", "--if-stale", verbosity=0)
    assert not dump.is_stale()
    for status, content in _both(client).values():
        assert status == 200 and "Neu e. V." in content and "https://kontakt.example" in content


def test_changes_of_drafts_leave_the_dump_current(client, kontakt):
    draft = make_organisation("Entwurf e. V.", status=Organisation.Status.DRAFT)
    _export()
    draft.email = "geheim@entwurf.example"
    services.organisation_save(organisation=draft, by=None)
    assert not dump.is_stale()
    assert all(status == 200 for status, _ in _both(client).values())


def test_changes_during_an_export_make_it_stale(client, kontakt, monkeypatch):
    """Two changes while the dump is written, a withdrawal and an addition: the
    dump written is not served, the next round writes both."""
    other = make_organisation("Club Dialog e. V.")
    rows = dump.organisations_full

    def changing_meanwhile():
        for number, row in enumerate(rows()):
            if number == 0:  # the data is being read: now the changes commit
                _hide_email(kontakt)
                other.website = "https://dialog.example"
                services.organisation_save(organisation=other, by=None)
            yield row

    monkeypatch.setattr(dump, "organisations_full", changing_meanwhile)
    _export()
    monkeypatch.undo()
    assert {status for status, _ in _both(client).values()} == {503}
    call_command("export_open_data", "--if-stale", verbosity=0)
    for status, content in _both(client).values():
        assert status == 200 and EMAIL not in content and "https://dialog.example" in content


def test_a_slower_older_export_never_replaces_a_newer_dump(kontakt, monkeypatch):
    _export()
    newer = dump.stored_stamp("hsds.json")
    older = Stamp(newer.version - 1, newer.generated_at - datetime.timedelta(minutes=5))
    monkeypatch.setattr(dump, "stamp_now", lambda: older)
    dump.export()
    assert [dump.stored_stamp(name) for name in FILES] == [newer, newer]
    assert sorted(p.name for p in (dump.dump_path("x").parent).iterdir()) == sorted(FILES)


def test_the_dump_carries_its_generation_time(client, kontakt, media):
    start = timezone.now()
    _export()
    end = timezone.now()
    version = PublicDataVersion.current().number

    response = client.get(reverse("hsds-dump", args=["hsds.json"]))
    data = json.loads(b"".join(response.streaming_content))
    generated = datetime.datetime.fromisoformat(data["generated_at"])
    assert start <= generated <= end and data["version"] == version
    assert response["X-Generated-At"] == data["generated_at"]
    assert response["Last-Modified"] == http_date(generated.timestamp())
    assert parse_http_date(response["Last-Modified"]) == int(generated.timestamp())
    assert data["organizations"][0]["name"] == "Kontakt e. V."  # the rest as before

    response = client.get(reverse("hsds-dump", args=["hsds-tabular.zip"]))
    assert response["X-Generated-At"] == data["generated_at"]  # one stamp for both
    assert response["Last-Modified"] == http_date(generated.timestamp())
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        package = json.loads(archive.read("datapackage.json"))
        assert package["created"] == data["generated_at"]
        assert archive.comment.decode() == (
            f"generated_at={data['generated_at']} version={version} format={FORMAT}"
        )
        utc = generated.astimezone(datetime.UTC)
        for entry in archive.infolist():
            moment = datetime.datetime(*entry.date_time, tzinfo=datetime.UTC)
            assert abs(moment - utc) < datetime.timedelta(seconds=2), entry.filename


def test_a_dump_without_a_stamp_is_not_served(client, kontakt, media):
    _export()
    (media / "opendata" / "hsds.json").write_text('{"licence": {}, "organizations": []}')
    (media / "opendata" / "hsds-tabular.zip").write_bytes(b"not a zip")
    assert {status for status, _ in _both(client).values()} == {503}
    assert dump.is_stale()
    call_command("export_open_data", "--if-stale", verbosity=0)
    assert {status for status, _ in _both(client).values()} == {200}


def test_a_dump_of_an_older_layout_is_not_served_and_written_anew(client, kontakt, media):
    """After a release that changed the files' layout, the dumps it left (their
    stamps without a layout: 1) are stale whatever their data version."""
    _export()
    folder = media / "opendata"
    text = (folder / "hsds.json").read_text("utf-8")
    (folder / "hsds.json").write_text(text.replace(f', "format": {FORMAT}', "", 1), "utf-8")
    with zipfile.ZipFile(folder / "hsds-tabular.zip", "a") as archive:
        archive.comment = archive.comment.replace(f" format={FORMAT}".encode(), b"")
    assert dump.stored_stamp("hsds.json").format == 1
    assert dump.stored_stamp("hsds-tabular.zip").format == 1
    assert dump.is_stale()
    assert {status for status, _ in _both(client).values()} == {503}
    call_command("export_open_data", "--if-stale", verbosity=0)
    assert {status for status, _ in _both(client).values()} == {200}
    assert dump.stored_stamp("hsds.json").format == FORMAT


def test_the_worker_writes_only_when_stale(kontakt, monkeypatch, capsys):
    class Stop(Exception):
        pass

    def sleep(seconds):
        assert seconds == 7
        raise Stop

    monkeypatch.setattr("time.sleep", sleep)
    with pytest.raises(Stop):
        call_command("export_open_data", "--loop", "--interval", "7")
    assert "Open data written" in capsys.readouterr().out
    written = dump.stored_stamp("hsds.json")
    with pytest.raises(Stop):
        call_command("export_open_data", "--loop", "--interval", "7")
    assert "Open data is current." in capsys.readouterr().out
    assert dump.stored_stamp("hsds.json") == written
