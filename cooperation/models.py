"""Cooperation requests: an institution (or, for a tandem, an MO) asks an MO for
a concrete cooperation; both sides talk in the portal until it is decided."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Term, vocabulary_term

ONE_LINE = RegexValidator(r"^[^\r\n]*$", _("Bitte ohne Zeilenumbruch."))


class CooperationRequest(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Kooperationsanfrage")
        TANDEM = "tandem", _("Tandemanfrage")

    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        ACCEPTED = "accepted", _("Angenommen")
        DECLINED = "declined", _("Abgelehnt")

    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.COOPERATION)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_requests",
        verbose_name=_("Absender"),
    )
    sender_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sent_requests",
        verbose_name=_("Für die Organisation"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="received_requests",
        verbose_name=_("An"),
    )
    subject = models.CharField(_("Betreff"), max_length=150, validators=[ONE_LINE])
    purpose = vocabulary_term(Term.Kind.ROLE, _("Gesuchte Rolle"), on_delete=models.SET_NULL)
    message = models.TextField(_("Nachricht"), max_length=5000)
    timeframe = models.CharField(_("Zeitraum"), max_length=200, blank=True, validators=[ONE_LINE])
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)
    updated_at = models.DateTimeField(_("Zuletzt geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["sender", "created_at"], name="request_sender_time")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("cooperation:detail", kwargs={"pk": self.pk})


class RequestMessage(models.Model):
    request = models.ForeignKey(
        CooperationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_recipient = models.BooleanField(_("Von der angefragten Organisation"), default=False)
    body = models.TextField(_("Nachricht"), max_length=5000)
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request} – {self.created_at:%Y-%m-%d}"
