"""Faults under load: the portal degrades, never fails.

    .venv/bin/python bench/faults.py              # about 4 minutes on 2 cores
    .venv/bin/python bench/faults.py --only mail,slow

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must run; nothing here
stops them. The portal runs as in production: gunicorn with 4 sync workers
(--timeout 30), DEBUG off, persistent database connections, the shared Redis
cache, the background worker (manage.py run_worker), and Debian's nginx in front
with deploy/nginx.conf (only its bench-marked lines replaced). Between the
portal and PostgreSQL, Redis and the mail server sit fault proxies
(bench/faultproxy.py) that pass, refuse (port closed, connections reset) or hang
(accept, never answer) on command. Scenarios:

1. mail: the mail server accepts and never answers. A cooperation request to an
   MO with three editors is answered at once (its three mails only queued, no
   mail server contacted); the worker's attempt times out (EMAIL_TIMEOUT); the
   mail server is back, the retry is made due (instead of waiting out the
   back-off) and the worker delivers all three, each with its Message-ID.
2. slow: 100 slow clients sending their request headers a byte at a time, first
   for a short while straight at gunicorn (what nginx is for), then for 60 s
   through nginx, while health probes run: every probe must be answered.
3. redis-refused and redis-hang: the cache away under a mixed load (anonymous
   and signed-in pages, API, health probes) and a loop of log-ins: count the
   5xx answers, check the log-ins and /healthz.
4. pg-lock: a table the pages need stays locked (ACCESS EXCLUSIVE) for 15 s:
   PostgreSQL answers, but late; the statement timeout must end the wait.
5. pg-hang: PostgreSQL (behind its proxy) accepts and never answers for 15 s:
   every request answered within the statement timeout plus a second, the
   friendly 503, recovery without a restart.

Results: bench/results/faults.md (and the exit status: 0 when every scenario
met its target).
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.faultproxy import FaultProxy  # noqa: E402

PYTHON = sys.executable
PG, REDIS = ("127.0.0.1", 5432), ("127.0.0.1", 6379)
DB_NAME = os.environ.get("FAULTS_DB", "moportal_faults")  # created and seeded once
SIZE = 2000


def free_port() -> int:
    """A port nobody listens on (other benches may run on this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


GUNICORN_PORT, NGINX_PORT = free_port(), free_port()
GUNICORN = f"http://127.0.0.1:{GUNICORN_PORT}"
NGINX = f"http://127.0.0.1:{NGINX_PORT}"
CACHE_FAULT_SECONDS, DB_FAULT_SECONDS, AFTER_FAULT = 10, 15, 5
# wrk connections while the database is stuck: with the prober and the log-ins as
# many clients as gunicorn has workers, so that a request's time is its own wait
# (bounded by the statement timeout), not also the queue before a busy worker.
DB_LOAD = 2
SLOW_CLIENTS, SLOW_SECONDS, SLOW_DIRECT_SECONDS = 100, 60, 10
PASSWORD = "faults-pw-2026"
INSTITUTION = "faults-institution@example.org"
EDITORS = [f"faults-editor-{n}@example.org" for n in (1, 2, 3)]
MO_SLUG = "faults-team-e-v"
SCENARIOS = ("mail", "slow", "redis-refused", "redis-hang", "pg-lock", "pg-hang")


# The set-up ------------------------------------------------------------------


def environment(pg_port: int = PG[1], redis_port: int = REDIS[1], smtp_port: int = 25) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "HTTPS": "false",  # plain HTTP on 127.0.0.1 (production: TLS at the balancer)
        "SECRET_KEY": "faults-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": NGINX,
        "CONN_MAX_AGE": "60",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/7",
        "CACHE_KEY_PREFIX": "moportal-faults",
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",  # as behind nginx (deploy/nginx.conf)
        # Rate limits stay on (their counting is part of the fault) but high enough
        # for one bench client doing hundreds of log-ins and API calls.
        "RATE_LOGIN": "100000/10m",
        "RATE_LOGIN_ACCOUNT": "100000/h",
        "RATE_REQUEST": "100000/h",
        "API_RATE": "1000000/minute",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
        "LOG_REQUESTS": "false",
    }


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def django(env: dict, code: str) -> str:
    return subprocess.run(
        [PYTHON, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


PEOPLE = f"""
from django.contrib.auth import get_user_model
from accounts.models import InstitutionVerification
from cooperation.models import CooperationRequest
from directory.models import Organisation
from directory.team import owner_assign
from directory.vocabulary import get_vocabulary
from mailer.models import OutgoingMail
User = get_user_model()
vocab = get_vocabulary()
institution = User.objects.filter(email={INSTITUTION!r}).first()
if institution is None:
    institution = User.objects.create_user(
        email={INSTITUTION!r}, password={PASSWORD!r}, name="Jana Bench",
        account_type="institution", institution_name="Jobcenter Bench",
        institution_type=vocab.get("institution_type", "jobcenter"))
    InstitutionVerification.objects.create(
        user=institution, method=InstitutionVerification.Method.COORDINATOR, reason="bench")
mo = Organisation.objects.published().filter(slug={MO_SLUG!r}).first()
if mo is None:
    mo = Organisation.objects.published().order_by("pk").first()
    Organisation.objects.filter(pk=mo.pk).update(slug={MO_SLUG!r}, open_for_cooperation=True)
    mo.refresh_from_db()
    for email in {EDITORS!r}:
        owner_assign(organisation=mo, user=User.objects.create_user(
            email=email, password={PASSWORD!r}, name=email.split("@")[0]))
CooperationRequest.objects.filter(sender=institution).delete()
OutgoingMail.objects.all().delete()
"""


def prepare(env: dict) -> None:
    """The bench database: created and seeded once, reused afterwards."""
    subprocess.run(
        ["psql", "-h", PG[0], "-U", "postgres", "-c", f"CREATE DATABASE {DB_NAME}"],
        capture_output=True,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    count = int(
        django(
            env,
            "from directory.models import Organisation\n"
            "print(Organisation.objects.published().count())",
        )
    )
    if count < SIZE:
        manage(env, "load_vocabulary")
        manage(env, "load_gazetteer")
        manage(env, "seed_demo", "--count", str(SIZE), "--published-only")
        manage(env, "load_guide")
    django(env, PEOPLE)


def setting(env: dict, name: str):
    return json.loads(
        django(
            env,
            f"import json\nfrom django.conf import settings\n"
            f"print(json.dumps(getattr(settings, {name!r}, None)))",
        )
    )


class SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept mail (keeps the messages)."""

    received: list[bytes] = []

    def handle(self):
        with contextlib.suppress(OSError):  # a client that gave up (timed out) meanwhile
            self._converse()

    def _converse(self):
        self.wfile.write(b"220 sink\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go\r\n")
                message = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    message += chunk
                SMTPSink.received.append(message)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def nginx_config(workdir: Path) -> Path:
    """deploy/nginx.conf with its bench-marked lines replaced, in a minimal main
    configuration (a prefix of its own under workdir)."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "    server 127.0.0.1:8000;": f"    server 127.0.0.1:{GUNICORN_PORT};",
        "    listen 80;": f"    listen 127.0.0.1:{NGINX_PORT};",
        "alias /srv/moportal/staticfiles/;": f"alias {ROOT / 'staticfiles'}/;",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx.conf no longer has {old!r}"
        site = site.replace(old, new)
    (workdir / "moportal.conf").write_text(site)
    main = f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/moportal.conf;
}}
"""
    path = workdir / "nginx.conf"
    path.write_text(main)
    return path


class Portal:
    """gunicorn, the worker and nginx, with the proxies in between."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.pg = FaultProxy(PG, name="pg").start()
        self.redis = FaultProxy(REDIS, name="redis").start()
        self.sink = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPSink)
        self.sink.daemon_threads = True
        threading.Thread(target=self.sink.serve_forever, daemon=True).start()
        self.smtp = FaultProxy(self.sink.server_address, name="smtp").start()
        self.env = environment(self.pg.port, self.redis.port, self.smtp.port)
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115
        self.gunicorn = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{GUNICORN_PORT}", "--workers", "4",
                "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        worker_log = open(self.workdir / "worker.log", "w")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker", "--mail-interval", "1"],
            cwd=ROOT, env=self.env, stdout=worker_log, stderr=worker_log,
            start_new_session=True,
        )  # fmt: skip
        config = nginx_config(self.workdir)
        nginx = ["nginx", "-e", str(self.workdir / "error.log"), "-c", str(config)]
        subprocess.run([*nginx, "-t"], check=True, capture_output=True)
        self.nginx = subprocess.Popen([*nginx, "-g", "daemon off;"], start_new_session=True)
        self.processes = [self.gunicorn, self.worker, self.nginx]
        if not wait_healthy(GUNICORN, 60) or not wait_healthy(NGINX, 10):
            raise SystemExit("the portal did not start (see gunicorn.log in " + str(self.workdir))

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
        for proxy in (self.pg, self.redis, self.smtp):
            proxy.stop()
        self.sink.shutdown()


# HTTP ------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, *, opener=None, data=None, timeout=40.0, headers=None):
    """(status, body, seconds, Retry-After present); status 0: no answer."""
    opener = opener or urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=timeout)
        status, body, retry = response.status, response.read(), "Retry-After" in response.headers
    except urllib.error.HTTPError as answer:
        status, body, retry = answer.code, answer.read(), "Retry-After" in answer.headers
    except OSError:
        status, body, retry = 0, b"", False
    return status, body, time.perf_counter() - started, retry


def wait_healthy(base: str, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if fetch(base + "/healthz", timeout=5)[0] == 200:
            return True
        time.sleep(0.2)
    return False


def sign_in(base: str, email: str) -> tuple[int, urllib.request.OpenerDirector, dict]:
    """Sign in through the form; (status of the POST, opener, cookies)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, page, _s, _r = fetch(base + "/konto/anmelden/", opener=opener, timeout=40)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page or b"")
    if status != 200 or token is None:
        return status or 0, opener, {}
    data = urllib.parse.urlencode(
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
    ).encode()
    status, _b, _s, _r = fetch(
        base + "/konto/anmelden/",
        opener=opener,
        data=data,
        headers={"Referer": base + "/konto/anmelden/"},
    )
    return status, opener, {c.name: c.value for c in jar}


def wait_until(check, seconds: float, step: float = 0.2):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return None


# Load ------------------------------------------------------------------------

LUA = r"""
local paths = {__PATHS__}
local session = "__SESSION__"
local threads = {}
setup = function(thread)
  thread:set("offset", math.random(1, #paths))
  table.insert(threads, thread)
end
init = function(args)
  counter = tonumber(wrk.thread:get("offset")) or 0
  c2, c3, c4, c5, c500, friendly = 0, 0, 0, 0, 0, 0
end
request = function()
  counter = counter + 1
  local entry = paths[(counter % #paths) + 1]
  local cookie = ""
  if entry:sub(1, 2) == "S:" then
    entry = entry:sub(3)
    cookie = "sessionid=" .. session .. "; "
  end
  local lang, path = entry:match("^(%a%a)|(.*)$")
  if path == nil then lang, path = "de", entry end
  return wrk.format("GET", path, {["Accept-Language"] = lang,
    ["Cookie"] = cookie .. "django_language=" .. lang})
end
response = function(status, headers, body)
  if status >= 500 then
    c5 = c5 + 1
    if status == 500 then c500 = c500 + 1 end
    if status == 503 and headers["Retry-After"] ~= nil then friendly = friendly + 1 end
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 300 then c3 = c3 + 1
  else c2 = c2 + 1 end
end
done = function(summary, latency, requests)
  local t = {c2 = 0, c3 = 0, c4 = 0, c5 = 0, c500 = 0, friendly = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + (tonumber(thread:get(key)) or 0) end
  end
  io.write(string.format('RESULT {"requests": %d, "2xx": %d, "3xx": %d, "4xx": %d, '
    .. '"5xx": %d, "500": %d, "friendly_503": %d, "timeouts": %d, "socket_errors": %d, '
    .. '"p50_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, t.c2, t.c3, t.c4, t.c5, t.c500, t.friendly, summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def mixed_urls(env: dict) -> list[str]:
    """Anonymous pages (directory, profiles, guide, terms), the API and HSDS, and
    signed-in pages ("S:" in front: sent with the session cookie)."""
    code = (
        "import json\nfrom bench.mix import directory_urls, profile_urls, chapter_urls, "
        "term_urls, api_urls, hsds_urls\n"
        "urls = directory_urls(40) + profile_urls(40) + chapter_urls(10) + term_urls(10)"
        " + api_urls(20) + hsds_urls(20)\n"
        "print(json.dumps(urls))"
    )
    anonymous = json.loads(django(env, code).strip().splitlines()[-1])
    signed = [f"S:de|/organisationen/?q=verein&page={n}" for n in range(1, 6)] + [
        "S:de|/konto/",
        "S:de|/partnersuche/",
        "S:de|/partnersuche/merkliste/",
        f"S:de|/organisationen/{MO_SLUG}/",
    ]
    return anonymous + signed * 3


def wrk(
    urls: list[str], session: str, seconds: float, base: str = GUNICORN, connections: int = 4
) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        LUA.replace("__PATHS__", ", ".join(json.dumps(u) for u in urls)).replace(
            "__SESSION__", session
        )
    )
    try:
        output = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "35s",
             "-s", str(script), base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        script.unlink()
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


class Prober(threading.Thread):
    """Asks for paths one after another (each with its own timeout) until stopped."""

    def __init__(self, base: str, paths: list[str], pause: float = 0.25, timeout: float = 40):
        super().__init__(daemon=True)
        self.base, self.paths, self.pause, self.timeout = base, paths, pause, timeout
        self.results: list[dict] = []
        self.halt = threading.Event()

    def run(self):
        number = 0
        while not self.halt.is_set():
            for path in self.paths:
                number += 1
                path = path.replace("{n}", str(number))
                at = time.time()
                status, body, seconds, retry = fetch(self.base + path, timeout=self.timeout)
                self.results.append(
                    {
                        "at": at,
                        "path": path.split("?")[0],
                        "status": status,
                        "seconds": seconds,
                        "friendly": status == 503 and retry,
                        "body": body[:90].decode(errors="replace"),
                    }
                )
            self.halt.wait(self.pause)

    def stop(self) -> list[dict]:
        self.halt.set()
        self.join()
        return self.results


class LogIns(threading.Thread):
    """Signs in again and again (form, POST, the account page)."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.results: list[tuple[bool, int, int, float, float]] = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            at, started = time.time(), time.perf_counter()
            status, opener, _cookies = sign_in(self.base, INSTITUTION)
            page = fetch(self.base + "/konto/", opener=opener)[0] if status == 302 else 0
            self.results.append(
                (status == 302 and page == 200, status, page, time.perf_counter() - started, at)
            )
            self.halt.wait(0.2)

    def stop(self):
        self.halt.set()
        self.join()
        return self.results


def summary(probes: list[dict]) -> dict:
    statuses: dict[str, int] = {}
    for probe in probes:
        statuses[str(probe["status"])] = statuses.get(str(probe["status"]), 0) + 1
    return {
        "count": len(probes),
        "statuses": statuses,
        "friendly_503": sum(1 for p in probes if p["friendly"]),
        "max_s": round(max((p["seconds"] for p in probes), default=0), 2),
        "bodies": sorted({p["body"].strip() for p in probes if p["path"] == "/healthz"})[:4],
    }


# Scenarios -------------------------------------------------------------------


def scenario_mail(portal: Portal) -> dict:
    from urllib.parse import urlencode

    env = portal.env
    status, opener, _cookies = sign_in(GUNICORN, INSTITUTION)
    assert status == 302, f"sign-in answered {status}"
    form_url = f"{GUNICORN}/anfragen/neu/{MO_SLUG}/"
    page = fetch(form_url, opener=opener)[1]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no request form (is the MO open for cooperation?)"
    pending = (
        "from mailer.models import OutgoingMail\n"
        "print(OutgoingMail.objects.filter(status='pending').count())"
    )
    # What the worker queued at its start (daily reminders) goes out first.
    wait_until(lambda: django(env, pending).strip() == "0", 60, 0.5)
    SMTPSink.received.clear()
    portal.smtp.mode = "hang"
    accepted_before = portal.smtp.accepted
    data = urlencode(
        {
            "subject": "Erstberatung (Fault-Bench)",
            "message": "Wir suchen einen Partner für die Erstberatung.",
            "timeframe": "ab März",
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
    ).encode()
    # The worker is paused while the request runs (and until its mails are
    # read back): a connection to the mail server in that time can only come
    # from the request, and the mails are as the request left them.
    os.kill(portal.worker.pid, signal.SIGSTOP)
    try:
        status, _body, seconds, _r = fetch(
            form_url, opener=opener, data=data, headers={"Referer": form_url}
        )
        smtp_during_request = portal.smtp.accepted - accepted_before
        queued = json.loads(
            django(
                env,
                "import json\nfrom mailer.models import OutgoingMail\n"
                "print(json.dumps(list(OutgoingMail.objects.filter(template='request-received')"
                ".values('status', 'attempts', 'message_id'))))",
            )
        )
    finally:
        os.kill(portal.worker.pid, signal.SIGCONT)

    def attempted():
        rows = json.loads(
            django(
                env,
                "import json\nfrom mailer.models import OutgoingMail\n"
                "print(json.dumps(list(OutgoingMail.objects.filter(template='request-received')"
                ".values_list('attempts', 'last_error'))))",
            )
        )
        return rows if any(a for a, _e in rows) else None

    hung_at = time.time()
    tried = wait_until(attempted, 30, 0.5)
    tried_after = time.time() - hung_at
    portal.smtp.mode = "pass"
    back_at = time.time()
    django(  # the retry is due now (instead of after the back-off of 2 minutes)
        env,
        "from django.utils import timezone\nfrom mailer.models import OutgoingMail\n"
        "OutgoingMail.objects.filter(status='pending').update(next_attempt_at=timezone.now())",
    )

    def delivered():
        rows = json.loads(
            django(
                env,
                "import json\nfrom mailer.models import OutgoingMail\n"
                "print(json.dumps(list(OutgoingMail.objects.filter(template='request-received')"
                ".values_list('status', flat=True))))",
            )
        )
        return rows if rows and all(r == "sent" for r in rows) else None

    done = wait_until(delivered, 60, 0.5)
    delivered_after = time.time() - back_at
    received_ids = [
        m.group(1).decode()
        for m in (re.search(rb"(?im)^Message-ID:\s*(\S+)", raw) for raw in SMTPSink.received)
        if m
    ]
    ids = sorted(q["message_id"] for q in queued)
    once = all(received_ids.count(i) == 1 for i in ids)
    return {
        "request_status": status,
        "request_seconds": round(seconds, 3),
        "queued": len(queued),
        "queued_unsent": sum(1 for q in queued if q["status"] == "pending" and q["attempts"] == 0),
        "smtp_connections_during_request": smtp_during_request,
        "worker_attempt_after_s": round(tried_after, 1) if tried else None,
        "worker_error": next((e for a, e in tried or [] if a), "")[:80],
        "delivered": bool(done),
        "delivered_after_s": round(delivered_after, 1) if done else None,
        "received": sum(received_ids.count(i) for i in ids),
        "each_once_with_its_message_id": once,
        "ok": status == 302
        and seconds < 1
        and smtp_during_request == 0
        and len(queued) == 3
        and bool(done)
        and once,
    }


def slow_clients(base_port: int, count: int, seconds: float) -> dict:
    """Slowloris: each client sends its request line and headers one byte every
    half second and never finishes them; a client the server closes comes back."""
    request = (
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n" + b"X-a: b\r\n" * 200
    )
    clients: list[list] = []  # [socket, position]
    reconnects = 0

    def connect():
        sock = socket.create_connection(("127.0.0.1", base_port), timeout=2)
        sock.setblocking(False)
        return [sock, 0]

    deadline = time.time() + seconds
    with contextlib.suppress(OSError):
        clients = [connect() for _ in range(count)]
    while time.time() < deadline:
        for index, client in enumerate(clients):
            sock, position = client
            try:
                sock.send(request[position % len(request) : position % len(request) + 1])
                client[1] += 1
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                with contextlib.suppress(OSError):
                    sock.close()
                reconnects += 1
                with contextlib.suppress(OSError):
                    clients[index] = connect()
        time.sleep(0.5)
    for sock, _position in clients:
        with contextlib.suppress(OSError):
            sock.close()
    return {"clients": count, "closed_by_server_and_reconnected": reconnects}


def scenario_slow(portal: Portal) -> dict:
    result = {}
    for name, base, port, seconds in (
        ("gunicorn directly", GUNICORN, GUNICORN_PORT, SLOW_DIRECT_SECONDS),
        ("through nginx", NGINX, NGINX_PORT, SLOW_SECONDS),
    ):
        prober = Prober(base, ["/healthz", "/organisationen/{slug}/".replace("{slug}", MO_SLUG)],
                        pause=0.5, timeout=5)  # fmt: skip
        prober.start()
        slow = slow_clients(port, SLOW_CLIENTS, seconds)
        probes = prober.stop()
        answered = sum(1 for p in probes if p["status"] == 200)
        result[name] = {
            "seconds": seconds,
            **slow,
            "probes": len(probes),
            "answered_200": answered,
            "median_s": round(statistics.median(p["seconds"] for p in probes), 2) if probes else 0,
            "max_s": round(max((p["seconds"] for p in probes), default=0), 2),
        }
        wait_healthy(GUNICORN, 40)
    nginx = result["through nginx"]
    result["ok"] = nginx["probes"] > 0 and nginx["answered_200"] == nginx["probes"]
    return result


def under_load(
    portal: Portal, urls: list[str], session: str, fault, seconds: float, connections: int = 4
) -> dict:
    """Mixed load, log-ins and probes: ``seconds`` with the fault, then AFTER_FAULT
    seconds without it, so that the requests the fault held are answered and
    counted (with their time). Recovery: the first probe after the fault that
    gets a page from the database."""
    prober = Prober(GUNICORN, ["/healthz", "/organisationen/?q=probe{n}"], timeout=40)
    logins = LogIns(GUNICORN)
    fault_on, fault_off = fault
    back: list[float] = []

    def end_fault():
        fault_off()
        back.append(time.time())

    fault_on()
    started = time.time()
    prober.start()
    logins.start()
    timer = threading.Timer(seconds, end_fault)
    timer.start()
    load = wrk(urls, session, seconds + AFTER_FAULT, connections=connections)
    timer.join()
    probes, signins = prober.stop(), logins.stop()
    over = back[0]
    during = [p for p in probes if p["at"] < over]
    recovered = min(
        (
            p["at"] + p["seconds"] - over
            for p in probes
            if p["at"] >= over and p["status"] == 200 and p["path"] == "/organisationen/"
        ),
        default=None,
    )
    if recovered is None and wait_healthy(GUNICORN, 40):
        recovered = time.time() - over
    signins_during = [s for s in signins if s[4] < over]
    return {
        "connections": connections,
        "fault_s": round(over - started, 1),
        "load": load,
        "probes": summary(during),
        "healthz": summary([p for p in during if p["path"] == "/healthz"]),
        "logins": {
            "tried": len(signins_during),
            "ok": sum(1 for s in signins_during if s[0]),
            "statuses": sorted({(s[1], s[2]) for s in signins_during}),
            "max_s": round(max((s[3] for s in signins_during), default=0), 2),
        },
        "recovered_s": round(recovered, 1) if recovered is not None else None,
    }


def scenario_redis(portal: Portal, urls, session, mode: str) -> dict:
    def on():
        portal.redis.mode = mode

    def off():
        portal.redis.mode = "pass"

    result = under_load(portal, urls, session, (on, off), CACHE_FAULT_SECONDS)
    result["ok"] = (
        result["load"]["5xx"] == 0
        and result["load"]["timeouts"] == 0
        and result["logins"]["tried"] > 0
        and result["logins"]["ok"] == result["logins"]["tried"]
        and result["healthz"]["statuses"].keys() == {"200"}
    )
    return result


def scenario_pg_lock(portal: Portal, urls, session, budget: float | None) -> dict:
    import psycopg2

    holder = psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname=DB_NAME)
    release = threading.Event()

    def hold():
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE directory_organisation IN ACCESS EXCLUSIVE MODE")
            release.wait()
        holder.rollback()

    thread = threading.Thread(target=hold, daemon=True)

    def off():
        release.set()
        thread.join()
        holder.close()

    result = under_load(portal, urls, session, (thread.start, off), DB_FAULT_SECONDS, DB_LOAD)
    return judge_db(result, budget)


def scenario_pg_hang(portal: Portal, urls, session, budget: float | None) -> dict:
    def on():
        portal.pg.mode = "hang"

    def off():
        portal.pg.mode = "pass"

    result = under_load(portal, urls, session, (on, off), DB_FAULT_SECONDS, DB_LOAD)
    return judge_db(result, budget)


def judge_db(result: dict, budget: float | None) -> dict:
    limit = (budget or 0) + 1
    slowest = max(result["probes"]["max_s"], result["load"]["max_ms"] / 1000)
    result["slowest_s"] = round(slowest, 2)
    result["within_budget"] = budget is not None and slowest <= limit
    result["budget_s"] = limit if budget is not None else None
    result["ok"] = (
        result["within_budget"]
        and result["load"]["500"] == 0
        and result["load"]["timeouts"] == 0
        and result["recovered_s"] is not None
        and result["load"]["5xx"] == result["load"]["friendly_503"]
    )
    return result


# The report ------------------------------------------------------------------


def budget_text(seconds) -> str:
    return f"{seconds} s" if seconds is not None else "no statement timeout on this branch"


def load_line(load: dict) -> str:
    return (
        f"{load['requests']} requests: {load['2xx']} 2xx, {load['3xx']} 3xx, {load['4xx']} 4xx, "
        f"**{load['5xx']} 5xx** ({load['500']} of them 500, {load['friendly_503']} friendly 503 "
        f"with Retry-After), {load['timeouts']} timed out (35 s), {load['socket_errors']} socket "
        f"errors; p50 {load['p50_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms, "
        f"slowest {load['max_ms'] / 1000:.1f} s"
    )


def fault_lines(result: dict) -> list[str]:
    logins, probes, health = result["logins"], result["probes"], result["healthz"]
    recovered = (
        f"{result['recovered_s']} s." if result["recovered_s"] is not None else "**not in 40 s**."
    )
    return [
        f"- Mixed load (wrk, {result.get('connections', 4)} connections, {result['fault_s']} s "
        "with the fault and "
        f"{AFTER_FAULT} s after it): {load_line(result['load'])}.",
        f"- Log-ins begun during the fault: {logins['ok']} of {logins['tried']} worked "
        f"(statuses of POST and account page: {logins['statuses']}; slowest log-in, its "
        f"three requests together: {logins['max_s']} s).",
        f"- Probes begun during the fault (one after another): {probes['count']}, "
        f"statuses {probes['statuses']}, "
        f"{probes['friendly_503']} friendly 503, slowest {probes['max_s']} s. `/healthz`: "
        f"{health['statuses']}, said {health['bodies']}.",
        "- A page from the database again after the fault (no restart): " + recovered,
    ]


def report(results: dict, started: str, budget, took: float) -> str:
    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    lines = [
        "# Faults under load",
        "",
        f"Command: `.venv/bin/python bench/faults.py` ({started}, {took:.0f} s; {SIZE:,} MOs; "
        "gunicorn 4 sync workers, --timeout 30, production settings, persistent connections; "
        "Debian's nginx with `deploy/nginx.conf`; fault proxies (`bench/faultproxy.py`) between "
        "the portal and PostgreSQL, Redis and the mail server; 2 shared cores).",
        "",
        f"Statement timeout of web requests: "
        f"{f'{budget} s' if budget is not None else 'none (no DB_STATEMENT_TIMEOUT setting)'}.",
        "",
    ]
    if "mail" in results:
        m = results["mail"]
        lines += [
            f"## Mail server hanging (target {verdict(m['ok'])})",
            "",
            f"- A cooperation request to an MO with three editors, the mail server accepting and "
            f"never answering: answered {m['request_status']} in {m['request_seconds'] * 1000:.0f} "
            f"ms; {m['queued']} mails queued, {m['queued_unsent']} of them untouched; connections "
            f"to the mail server during the request: {m['smtp_connections_during_request']}.",
            f"- The worker's first attempt ended after {m['worker_attempt_after_s']} s "
            f"(`{m['worker_error']}`; EMAIL_TIMEOUT 5 s; the other mails wait for the next round).",
            f"- Mail server back, the retry made due (instead of waiting out the back-off): all "
            f"delivered after {m['delivered_after_s']} s; {m['received']} received by the mail "
            f"server, each once with the Message-ID it was queued with: "
            f"{m['each_once_with_its_message_id']}.",
            "",
        ]
    if "slow" in results:
        s = results["slow"]
        lines += [f"## {SLOW_CLIENTS} slow clients (target {verdict(s['ok'])})", ""]
        for name in ("gunicorn directly", "through nginx"):
            r = s[name]
            lines.append(
                f"- {name}, {r['seconds']} s: health and profile probes answered 200: "
                f"**{r['answered_200']} of {r['probes']}** (median {r['median_s']} s, slowest "
                f"{r['max_s']} s, probe "
                f"timeout 5 s); slow clients closed by the server and back again: "
                f"{r['closed_by_server_and_reconnected']}."
            )
        lines += [
            "",
            "nginx reads each request whole before gunicorn sees it and closes a client that "
            "has not sent its header within `client_header_timeout` (10 s): the slow clients "
            "cost nginx connections, not workers.",
            "",
        ]
    titles = {
        "redis-refused": "Redis refused (port closed, connections reset)",
        "redis-hang": "Redis hanging (accepts, never answers)",
        "pg-lock": f"PostgreSQL stuck: a table the pages read locked for {DB_FAULT_SECONDS} s",
        "pg-hang": f"PostgreSQL hanging (accepts, never answers) for {DB_FAULT_SECONDS} s",
    }
    for key, title in titles.items():
        if key in results:
            r = results[key]
            lines += [f"## {title} (target {verdict(r['ok'])})", ""] + fault_lines(r) + [""]
            if key.startswith("pg"):
                lines += [
                    "Target: every request answered within the statement timeout plus a second "
                    f"({budget_text(r['budget_s'])}; here the slowest took {r['slowest_s']} s), "
                    "the friendly 503, recovery without a restart. The load is as many clients "
                    "as workers (wrk 2, a prober, a log-in loop): with more, a request also waits "
                    "for a free worker, which no statement timeout bounds.",
                    "",
                ]
            else:
                lines += ["Target: no 5xx, every log-in works, `/healthz` 200.", ""]
    lines += [
        "Where each part lives: the optional cache in `core/cache.py`; the connect and "
        "statement timeouts in `config/database.py`; the client-side deadline for a database "
        "that hangs on an open connection in `core/dbdeadline.py` (DB_CLIENT_TIMEOUT, default "
        "the statement timeout + 0.5 s; the health check of a persistent connection "
        "DB_CONNECT_TIMEOUT).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}; known: {SCENARIOS}")
    if not shutil.which("nginx") or not shutil.which("wrk"):
        raise SystemExit("needs nginx (apt-get install nginx) and wrk")
    started, clock = time.strftime("%Y-%m-%d %H:%M"), time.perf_counter()
    print("preparing the database …", flush=True)
    prepare(environment())
    budget = setting(environment(), "DB_STATEMENT_TIMEOUT")
    urls = mixed_urls(environment())
    workdir = Path(tempfile.mkdtemp(prefix="moportal-faults-"))
    portal = Portal(workdir)
    results: dict = {}
    try:
        portal.start()
        _status, _opener, cookies = sign_in(GUNICORN, INSTITUTION)
        session = cookies.get("sessionid", "")
        wrk(urls, session, 3)  # warm-up: connections, caches
        for name in chosen:
            print(f"scenario {name} …", flush=True)
            if name == "mail":
                results[name] = scenario_mail(portal)
            elif name == "slow":
                results[name] = scenario_slow(portal)
            elif name.startswith("redis"):
                results[name] = scenario_redis(
                    portal, urls, session, name.split("-")[1].replace("refused", "refuse")
                )
            elif name == "pg-lock":
                results[name] = scenario_pg_lock(portal, urls, session, budget)
            elif name == "pg-hang":
                results[name] = scenario_pg_hang(portal, urls, session, budget)
            print(json.dumps(results[name], default=str), flush=True)
            wait_healthy(GUNICORN, 40)
    finally:
        portal.stop()
    text = report(results, started, budget, time.perf_counter() - clock)
    out = ROOT / "bench" / "results" / "faults.md"
    out.write_text(text)
    (ROOT / "bench" / "results" / "faults.json").write_text(
        json.dumps(results, indent=1, default=str) + "\n"
    )
    print(text)
    print(f"(logs: {workdir})")
    sys.exit(0 if all(r.get("ok") for r in results.values()) else 1)


if __name__ == "__main__":
    main()
