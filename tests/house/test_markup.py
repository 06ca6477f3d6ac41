"""The Nu Html Checker reports no error on any page type, in either language."""

import json
import subprocess

import pytest

from tests.pages import build_world, page_types
from tests.tools import VNU_JAR, require_java_and_vnu

pytestmark = pytest.mark.django_db


def test_every_page_type_is_valid_html(client, tmp_path):
    require_java_and_vnu()
    world = build_world()
    files = []
    for language in ("de", "en"):
        for name, role, url in page_types(world):
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            path = tmp_path / f"{role}-{name}-{language}.html"
            path.write_bytes(response.content)
            files.append(path)
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
