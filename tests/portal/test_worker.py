"""The background worker (manage.py run_worker, started by ``make run``): one
round delivers due mail, writes a stale open-data dump and runs the daily jobs;
a failing job does not stop the others."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from directory.models import Organisation
from mailer.models import OutgoingMail
from opendata import dump
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _waiting_mail():
    """A mail whose first delivery failed and whose retry is due."""
    return OutgoingMail.objects.create(
        to="team@kontakt.example",
        subject="Anfrage",
        body_text="Hallo",
        attempts=1,
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
    )


def _stale_registration():
    old = timezone.now() - datetime.timedelta(days=30)
    return get_user_model().objects.create_user(
        email="niemand@example.org", password="x", name="N", is_active=False, date_joined=old
    )


def test_one_round_does_every_job():
    waiting = _waiting_mail()
    make_organisation("Kontakt e. V.")
    registration = _stale_registration()
    assert dump.is_stale()

    call_command("run_worker", "--once", stdout=io.StringIO())

    waiting.refresh_from_db()
    assert waiting.status == OutgoingMail.Status.SENT
    assert [m.to for m in mail.outbox] == [["team@kontakt.example"]]
    assert not dump.is_stale()
    assert not get_user_model().objects.filter(pk=registration.pk).exists()
    assert Organisation.objects.filter(name="Kontakt e. V.").exists()


def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    waiting = _waiting_mail()
    registration = _stale_registration()
    make_organisation("Kontakt e. V.")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(dump, "export", broken)
    monkeypatch.setattr("opendata.management.commands.export_open_data.export", broken)

    call_command("run_worker", "--once", stdout=io.StringIO())

    waiting.refresh_from_db()
    assert waiting.status == OutgoingMail.Status.SENT
    assert dump.is_stale()
    assert not get_user_model().objects.filter(pk=registration.pk).exists()


class _Stop(Exception):
    pass


def test_between_rounds_the_worker_sends_mail_as_soon_as_it_is_due(monkeypatch):
    """Requests only queue mail; the worker checks the outbox every few seconds
    (one indexed probe) and runs the mail job only when something is due."""
    from mailer.services import queue_mail
    from portal.management.commands import run_worker

    jobs, naps = [], []
    real_run = run_worker.Command._run

    def run(self, name, arguments):
        jobs.append(name)
        real_run(self, name, arguments)

    def sleep(seconds):  # the worker's pause: the test acts here instead of waiting
        naps.append(seconds)
        if len(naps) == 2:
            queue_mail(to="a@example.org", template="review-approved", context={"organisation": {}})
        if len(naps) == 4:
            raise _Stop

    monkeypatch.setattr(run_worker.Command, "_run", run)
    monkeypatch.setattr(run_worker.time, "sleep", sleep)
    with pytest.raises(_Stop):
        call_command(
            "run_worker", "--interval", "3600", "--mail-interval", "2", stdout=io.StringIO()
        )

    round_jobs = len(jobs) - 1
    assert jobs[round_jobs:] == ["send_queued_mail"]  # one round, then mail once, when due
    assert jobs.count("send_queued_mail") == 2 and naps == [2, 2, 2, 2]
    assert OutgoingMail.objects.get(to="a@example.org").status == OutgoingMail.Status.SENT
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
