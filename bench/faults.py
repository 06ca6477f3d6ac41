"""Faults under load: the database stops for a few seconds, the mail server is down.

    .venv/bin/python bench/faults.py            # PostgreSQL must run on 127.0.0.1:5432

1. Database outage. gunicorn (production settings, persistent connections) serves
   a read mix under wrk, a signed-in writer saves searches one after another, and
   a prober asks for a page that needs the database and for /healthz every 100 ms.
   After a few seconds PostgreSQL is stopped (pg_ctlcluster ... stop -m fast) and
   started again. The script reports what the visitors got during the outage (a
   503 page, never a traceback or a 500), how long the portal took to answer
   normally again (without any restart), and whether every write that was
   confirmed (redirect after save) before, during and after is in the database.
2. Mail server down. Mails are queued (password resets), the sender runs against
   a closed port (all stay queued), then against a small SMTP server: every queued
   mail is delivered, none lost.

Results: bench/results/faults.md. Stops PostgreSQL: run it on a machine where
nothing else needs the database at that moment.
"""

import http.cookiejar
import json
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import ENV, load, start_server  # noqa: E402

PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/moportal_faults"
OUTAGE_AFTER, OUTAGE_SECONDS, RUN_SECONDS = 6, 6, 24
CLUSTER = sorted(os.listdir("/etc/postgresql"))[-1] if os.path.isdir("/etc/postgresql") else "15"


def pg(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main", action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
        capture_output=True,
    )


def environment(**extra):
    return {
        **os.environ,
        **ENV,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "RATELIMIT_ENABLE": "false",
        **extra,
    }


def django(code: str, **extra) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environment(**extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def prepare():
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE moportal_faults"],
        capture_output=True,
    )
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["load_vocabulary"],
        ["seed_demo", "--count", "2000", "--published-only"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment(),
            check=True,
            capture_output=True,
        )
    django(
        "from django.contrib.auth import get_user_model\n"
        "from directory.vocabulary import get_vocabulary\n"
        "from portal.models import SavedSearch\n"
        "User = get_user_model()\n"
        "User.objects.filter(email='writer@example.org').delete()\n"
        "User.objects.create_user(email='writer@example.org', password='faults-pw', name='W',"
        " account_type='institution', institution_name='Jobcenter Test',"
        " institution_type=get_vocabulary().get('institution_type', 'jobcenter'))\n"
    )
    subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], capture_output=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signed_in_opener():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(BASE + "/konto/anmelden/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": "writer@example.org", "password": "faults-pw", "csrfmiddlewaretoken": token}
    ).encode()
    try:
        opener.open(urllib.request.Request(BASE + "/konto/anmelden/", data=data))
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
    return opener, jar


def status_of(opener, request, timeout=10):
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=timeout)
        body, status = response.read(), response.status
    except urllib.error.HTTPError as answer:
        body, status = answer.read(), answer.code
    except OSError:
        body, status = b"", 0
    return status, body, (time.perf_counter() - started) * 1000


def writer(stop, log):
    opener, jar = signed_in_opener()
    number = 0
    while not stop.is_set():
        number += 1
        token = next((c.value for c in jar if c.name == "csrftoken"), "")
        name = f"fault-{number}"
        data = urllib.parse.urlencode(
            {"name": name, "query": "role=1", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            BASE + "/partnersuche/suchen/", data=data, headers={"Referer": BASE + "/"}
        )
        status, _body, _ms = status_of(opener, request)
        log.append((time.time(), name, status))
        time.sleep(0.05)


def prober(stop, log):
    opener = urllib.request.build_opener(NoRedirect)
    number = 0
    while not stop.is_set():
        number += 1
        for path in (f"/organisationen/?q=probe{number}", "/healthz"):
            status, body, ms = status_of(opener, BASE + path)
            text = body.decode(errors="replace")
            log.append(
                {
                    "time": time.time(),
                    "path": path.split("?")[0],
                    "status": status,
                    "ms": ms,
                    "friendly": "Vorübergehend nicht erreichbar" in text,
                    "traceback": "Traceback" in text or "OperationalError" in text,
                }
            )
        time.sleep(0.1)


def outage() -> dict:
    prepare()
    server = start_server(environment(LOG_REQUESTS="false"), 4, port=PORT)
    reads = (
        [
            f"/organisationen/{s}/"
            for s in json.loads(
                django(
                    "import json\nfrom directory.models import Organisation\n"
                    "slugs = Organisation.objects.values_list('slug', flat=True)[:150]\n"
                    "print(json.dumps(list(slugs)))"
                )
            )
        ]
        + [f"/organisationen/?page={n}" for n in range(1, 40)]
        + ["/leitfaden/"]
    )
    stop, writes, probes = threading.Event(), [], []
    threads = [
        threading.Thread(target=writer, args=(stop, writes)),
        threading.Thread(target=prober, args=(stop, probes)),
    ]
    load_result = {}
    loader = threading.Thread(
        target=lambda: load_result.update(load(reads, RUN_SECONDS, 8, 2, base=BASE))
    )
    try:
        for thread in threads + [loader]:
            thread.start()
        time.sleep(OUTAGE_AFTER)
        down_at = time.time()
        pg("stop")
        time.sleep(OUTAGE_SECONDS)
        pg("start")
        up_at = time.time()
        loader.join()
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    saved = set(
        json.loads(
            django(
                "import json\nfrom portal.models import SavedSearch\n"
                "print(json.dumps(list(SavedSearch.objects.values_list('name', flat=True))))"
            )
        )
    )
    confirmed = [(t, name) for t, name, status in writes if status == 302]
    phases = {"before": (0, down_at), "during": (down_at, up_at), "after": (up_at, 1e20)}
    write_phases = {
        phase: {
            "confirmed": sum(1 for t, _ in confirmed if lo <= t < hi),
            "missing": sum(1 for t, n in confirmed if lo <= t < hi and n not in saved),
            "refused": sum(1 for t, _n, s in writes if lo <= t < hi and s != 302),
        }
        for phase, (lo, hi) in phases.items()
    }
    during = [p for p in probes if down_at <= p["time"] < up_at + 0.5]
    healthy_again = next(
        (
            p["time"]
            for p in probes
            if p["time"] > up_at and p["path"] == "/healthz" and p["status"] == 200
        ),
        None,
    )
    directory_again = next(
        (
            p["time"]
            for p in probes
            if p["time"] > up_at and p["path"] == "/organisationen/" and p["status"] == 200
        ),
        None,
    )
    return {
        "load": load_result,
        "writes": write_phases,
        "probes_during": {
            "count": len(during),
            "statuses": sorted({p["status"] for p in during}),
            "friendly_503": sum(1 for p in during if p["status"] == 503 and p["friendly"]),
            "server_errors_500": sum(1 for p in probes if p["status"] == 500),
            "tracebacks": sum(1 for p in probes if p["traceback"]),
            "max_ms": max((p["ms"] for p in during), default=0),
        },
        "recovered_healthz_s": healthy_again and healthy_again - up_at,
        "recovered_directory_s": directory_again and directory_again - up_at,
        "outage_s": up_at - down_at,
    }


class SMTPSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept mail (counts the messages)."""

    received = []

    def handle(self):
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_down() -> dict:
    port = free_port()
    mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false"}
    queued = int(
        django(
            "from django.contrib.auth import get_user_model\n"
            "from django.db import transaction\n"
            "from mailer.models import OutgoingMail\n"
            "from accounts.services import send_verification\n"
            "OutgoingMail.objects.all().delete()\n"
            "user = get_user_model().objects.get(email='writer@example.org')\n"
            "for _ in range(20):\n"
            "    with transaction.atomic():\n"
            "        send_verification(user)\n"
            "print(OutgoingMail.objects.filter(status='pending').count())",
            **mail,
        )
    )
    sender = [sys.executable, "manage.py", "send_queued_mail"]
    down = subprocess.run(sender, cwd=ROOT, env=environment(**mail), capture_output=True, text=True)
    waiting = django(
        "from mailer.models import OutgoingMail\n"
        "print(OutgoingMail.objects.filter(status='pending', attempts__gte=1).count())",
        **mail,
    )
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), SMTPSink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    django(  # the retry is due (as after the back-off)
        "from django.utils import timezone\nfrom mailer.models import OutgoingMail\n"
        "OutgoingMail.objects.update(next_attempt_at=timezone.now())",
        **mail,
    )
    up = subprocess.run(sender, cwd=ROOT, env=environment(**mail), capture_output=True, text=True)
    server.shutdown()
    sent = django(
        "from mailer.models import OutgoingMail\n"
        "print(OutgoingMail.objects.filter(status='sent').count())",
        **mail,
    )
    return {
        "queued": queued,
        "first_round": down.stdout.strip(),
        "waiting_after_failure": int(waiting),
        "second_round": up.stdout.strip(),
        "sent": int(sent),
        "received_by_smtp": len(SMTPSink.received),
    }


def main():
    started = time.strftime("%Y-%m-%d %H:%M")
    result = outage()
    result["mail"] = mail_down()
    w, p, m = result["writes"], result["probes_during"], result["mail"]
    lost = sum(phase["missing"] for phase in w.values())
    lines = [
        "# Faults under load",
        "",
        f"Command: `.venv/bin/python bench/faults.py` ({started}; 2,000 MOs, gunicorn 4 sync "
        f"workers, wrk 8 connections for {RUN_SECONDS} s, PostgreSQL stopped after "
        f"{OUTAGE_AFTER} s for {result['outage_s']:.1f} s).",
        "",
        "## Database outage",
        "",
        f"- Read load (wrk): {result['load'].get('requests', 0)} requests, "
        f"{result['load'].get('status_errors', 0)} answered non-2xx/3xx (the 503 pages).",
        f"- Probes during the outage: {p['count']}, statuses {p['statuses']}, "
        f"{p['friendly_503']} friendly 503 pages, slowest answer {p['max_ms']:.0f} ms.",
        f"- 500 responses in the whole run: {p['server_errors_500']}; tracebacks shown: "
        f"{p['tracebacks']}.",
        f"- Back to normal without a restart: /healthz after "
        f"{result['recovered_healthz_s'] or float('nan'):.1f} s, a database-backed page after "
        f"{result['recovered_directory_s'] or float('nan'):.1f} s.",
        "",
        "| writes | confirmed | refused (503) | confirmed but missing |",
        "|---|---:|---:|---:|",
    ]
    for phase, figures in w.items():
        lines.append(
            f"| {phase} | {figures['confirmed']} | {figures['refused']} | {figures['missing']} |"
        )
    lines += [
        "",
        "## Mail server down",
        "",
        f"- {m['queued']} mails queued while the mail server is down: the attempt right after "
        f"each commit fails, {m['waiting_after_failure']} wait for a retry (the sender's round: "
        f"`{m['first_round']}`, none due yet).",
        f"- Mail server back: `{m['second_round']}`; {m['sent']} marked sent, "
        f"{m['received_by_smtp']} received by the SMTP server.",
        "",
    ]
    ok = (
        lost == 0
        and p["server_errors_500"] == 0
        and p["tracebacks"] == 0
        and p["friendly_503"] > 0
        and result["recovered_directory_s"] is not None
        and m["received_by_smtp"] == m["queued"] == m["sent"]
    )
    verdict = "passed" if ok else "FAILED"
    lines.append(f"**Result: {verdict}** (confirmed writes lost: {lost}).")
    out = ROOT / "bench" / "results" / "faults.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
