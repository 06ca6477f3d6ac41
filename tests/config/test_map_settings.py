"""The directory map's tile server (MAP_TILE_URL): set, the map uses it and the
Content-Security-Policy allows its origin for images; empty (the default, closed
networks), the map draws the offline state borders and the policy allows no other origin."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.env import url_origin
from tests.config.test_settings import ROOT

TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


def _settings(**env) -> tuple[int, str, str]:
    """(exit code, img-src, map tile URL) of the settings under these variables."""
    code = (
        "from django.conf import settings;"
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['img-src']));"
        "print(settings.MAP_TILE_URL)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAP_")}
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=ROOT,
        env={**environment, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines() + ["", ""]
    return result.returncode, lines[0], result.stderr if result.returncode else lines[1]


def test_without_a_tile_server_the_policy_allows_only_the_portal_itself():
    assert _settings() == (0, "'self' data:", "")


def test_a_tile_server_s_origin_is_allowed_for_images():
    code, img_src, url = _settings(MAP_TILE_URL=TILES, MAP_TILE_ATTRIBUTION="© Beispiel")
    assert (code, url) == (0, TILES)
    assert img_src == "'self' data: https://*.tiles.example.org"


def test_a_bad_tile_url_stops_the_start_with_a_clear_message():
    code, _, stderr = _settings(MAP_TILE_URL="javascript:alert(1)")
    assert code != 0 and "MAP_TILE_URL must be an http(s) address" in stderr


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org"),
        ("http://tiles.intranet:8080/osm/{z}/{x}/{y}.png", "http://tiles.intranet:8080"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("/kacheln/{z}/{x}/{y}.png", ""),  # on the portal's own host: 'self'
    ],
)
def test_the_origin_of_a_tile_url(url, origin):
    assert url_origin("MAP_TILE_URL", url) == origin


@pytest.mark.parametrize(
    "url", ["ftp://tile.example.org/{z}", "//tile.example.org/{z}", "https://{z}.example/", "x"]
)
def test_anything_else_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="MAP_TILE_URL"):
        url_origin("MAP_TILE_URL", url)


@pytest.mark.django_db
def test_the_page_hands_the_tile_server_or_the_offline_base_map_to_the_script(client, settings):
    url = reverse("directory:organisation_list")
    page = client.get(url).content.decode()
    assert 'data-tile-url=""' in page
    assert "vendor/natural-earth-admin1-4.1.0/de-states.geojson" in page
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "© Beispiel-Kacheln"
    settings.PAGE_CACHE = False
    page = client.get(url).content.decode()
    assert f'data-tile-url="{TILES}"' in page
    assert 'data-tile-attribution="© Beispiel-Kacheln"' in page
