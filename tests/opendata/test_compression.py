"""Large JSON and CSV answers are compressed for clients that ask; HTML is not."""

import gzip
import json

import pytest
from django.urls import reverse

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
