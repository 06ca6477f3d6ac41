"""Large JSON and CSV answers are compressed for clients that ask; HTML is not.
Caching headers of the API, HSDS and the dumps."""

import datetime
import gzip
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_json_is_gzipped_when_asked_and_plain_otherwise(client, world):
    plain = client.get("/api/organisations/", {"page_size": 100})
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    packed = client.get(
        "/api/organisations/", {"page_size": 100}, HTTP_ACCEPT_ENCODING="gzip, deflate"
    )
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    hsds = client.get("/api/hsds/organizations", HTTP_ACCEPT_ENCODING="gzip")
    assert hsds["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(hsds.content))["total_items"] > 0


def test_an_etag_still_answers_304_for_a_compressed_answer(client, world):
    first = client.get("/api/organisations/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get(
        "/api/organisations/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_csv_downloads_are_gzipped_and_html_pages_are_not(client, world):
    csv = client.get(reverse("export_csv"), HTTP_ACCEPT_ENCODING="gzip")
    assert csv.status_code == 200 and csv["Content-Encoding"] == "gzip"
    text = gzip.decompress(b"".join(csv.streaming_content)).decode("utf-8-sig")
    assert "Kontakt e. V." in text
    page = client.get("/organisationen/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and "Content-Encoding" not in page


def test_hsds_answers_may_be_cached_and_revalidated(client, world):
    for path in ("/api/hsds/organizations", "/api/hsds/taxonomies", "/api/hsds/"):
        response = client.get(path)
        assert response["Cache-Control"] == "public, max-age=60", path
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path


def test_dumps_revalidate_with_etag_and_last_modified_and_json_is_gzipped(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("export_open_data", verbosity=0)
    url = reverse("hsds-dump", args=["hsds.json"])
    plain = client.get(url)
    body = b"".join(plain.streaming_content)
    assert plain["Cache-Control"] == "public, no-cache" and plain["ETag"].startswith('"')
    assert json.loads(body)["generated_at"] == plain["X-Generated-At"]  # the time inside too
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=plain["Last-Modified"])
    assert since.status_code == 304
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == body
    assert (
        client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]).status_code
        == 304
    )
    # The zip is compressed already: served as it is.
    tabular = client.get(
        reverse("hsds-dump", args=["hsds-tabular.zip"]), HTTP_ACCEPT_ENCODING="gzip"
    )
    assert "Content-Encoding" not in tabular and tabular["ETag"]


def test_the_json_download_says_when_it_was_made(client, world):
    before = timezone.now()
    data = json.loads(b"".join(client.get(reverse("export_json")).streaming_content))
    assert before <= datetime.datetime.fromisoformat(data["generated_at"]) <= timezone.now()
