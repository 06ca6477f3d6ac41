"""A page on another origin reads the open data in Chromium (CORS), without
cookies, and nothing else of the portal."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAGE = """<!doctype html><html lang="de"><title>Andere Website</title><body>
<script>
async function read(path, options) {
  try {
    const response = await fetch(PORTAL + path, options);
    return {status: response.status, body: await response.text(),
            ignored: response.headers.get("X-Ignored-Parameters"),
            etag: response.headers.get("ETag")};
  } catch (error) { return {blocked: String(error)}; }
}
</script></body></html>"""


@pytest.fixture
def other_site(live_server):
    """Another website on its own origin (a server of its own on 127.0.0.1; the
    portal answers as localhost): one page with a script that reads the portal.
    A loopback page, since Chromium lets only those reach loopback addresses."""
    page = PAGE.replace("PORTAL", json.dumps(live_server.url), 1).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_origin_fetches_the_open_data(open_page, world, other_site):
    page = open_page(user=world.users["coordinator"])  # signed in on the portal itself
    page.goto(f"{other_site}/karte.html")
    read = "([path, options]) => read(path, options)"

    listing = page.evaluate(read, ["/api/organisations/?role=projekttraeger&x=1", {}])
    assert listing["status"] == 200
    assert [o["name"] for o in json.loads(listing["body"])["results"]] == ["Club Dialog e. V."]
    assert listing["ignored"] == "x" and listing["etag"]  # exposed headers
    hsds = page.evaluate(read, ["/api/hsds/organizations", {}])
    assert hsds["status"] == 200 and json.loads(hsds["body"])["total_items"] == 5
    csv = page.evaluate(read, ["/organisationen/export.csv", {}])
    assert csv["status"] == 200 and "Kontakt e. V." in csv["body"]
    # A revalidation (If-None-Match: not a simple request) passes the preflight.
    again = {"headers": {"If-None-Match": listing["etag"]}}
    unchanged = page.evaluate(read, ["/api/organisations/?role=projekttraeger&x=1", again])
    assert unchanged["status"] == 304

    # Never with the visitor's cookies (a signed-in coordinator sees nothing more) ...
    with_cookies = page.evaluate(read, ["/api/organisations/", {"credentials": "include"}])
    assert "blocked" in with_cookies
    # ... and the portal's pages stay closed to other origins.
    assert "blocked" in page.evaluate(read, ["/organisationen/", {}])
    assert "blocked" in page.evaluate(read, ["/mein-bereich/", {}])
