"""The outbox: every e-mail is stored before it is sent, so none is lost."""

import uuid
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_message_id() -> str:
    """A Message-ID made once, when the mail is queued, and sent with every
    attempt: a mail sent twice (the worker stopped between the server's
    acceptance and its commit) carries the same Message-ID both times, so the
    receiving side can drop the second copy. The domain is the sender's (no DNS
    lookup of the host name, as Django's default would do)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "mo-portal.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Wartet")
        SENT = "sent", _("Gesendet")
        FAILED = "failed", _("Endgültig fehlgeschlagen")

    to = models.EmailField(_("An"))
    subject = models.CharField(_("Betreff"), max_length=200)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    reply_to = models.EmailField(_("Antwort an"), blank=True)
    template = models.CharField(_("Vorlage"), max_length=80)
    # Extra header lines, e.g. List-Unsubscribe of an alert ({name: value}).
    headers = models.JSONField(_("Weitere Kopfzeilen"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, default=new_message_id)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("Nächster Versuch"), default=timezone.now)
    sent_at = models.DateTimeField(_("Gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausgehende E-Mail")
        verbose_name_plural = _("Ausgehende E-Mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self):
        return f"{self.template} → {self.to}"
