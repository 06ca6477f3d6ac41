"""Cooperation requests: an institution (or, for a tandem, an MO) asks an MO for
a concrete cooperation; both sides talk in the portal until it is decided."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    class Delivery(models.TextChoices):
        WAITING = "waiting", _("wartet auf Zustellung")
        DELIVERED = "delivered", _("zugestellt")
        READ = "read", _("gelesen")
        ANSWERED = "answered", _("beantwortet")
        UNDELIVERABLE = "undeliverable", _("nicht zustellbar")

    class Via(models.TextChoices):
        TEAM = "team", _("Team im Portal")
        ADDRESS = "address", _("E-Mail-Adresse der Organisation")

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

    # Delivery (cooperation.delivery): how the request reached the MO and how far it got.
    delivery = models.CharField(
        _("Zustellung"), max_length=14, choices=Delivery.choices, default=Delivery.WAITING
    )
    delivered_via = models.CharField(
        _("Zugestellt über"), max_length=8, choices=Via.choices, blank=True
    )
    # The MO's address on record when the request was relayed to it (never shown
    # to the sender), the mail that carried it, and the hash of the nonce in the
    # one-time link (the link itself is never stored).
    relay_address = models.EmailField(_("Weitergeleitet an"), blank=True)
    relay_mail = models.ForeignKey(
        "mailer.OutgoingMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relay_nonce_hash = models.CharField(max_length=64, blank=True, editable=False)
    relay_claimed_at = models.DateTimeField(_("Übernahme über den Link angefragt am"), null=True)
    read_at = models.DateTimeField(_("Gelesen am"), null=True, blank=True)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    # For the unread counters: the last word of each side and when each side last looked.
    sender_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    recipient_activity_at = models.DateTimeField(null=True, editable=False)
    sender_seen_at = models.DateTimeField(null=True, editable=False)
    recipient_seen_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["sender", "created_at"], name="request_sender_time"),
            models.Index(fields=["delivery", "created_at"], name="request_delivery_time"),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("cooperation:detail", kwargs={"pk": self.pk})

    @property
    def closed_by_merge(self) -> bool:
        """A request between two profiles that were merged since
        (directory.merging, cooperation.services.merge_requests): one end is the
        merged-away profile. It stays as a record; nothing more can be said or
        decided in it. Load both ends with select_related."""
        sender = self.sender_organisation
        return self.organisation.merged_into_id is not None or (
            sender is not None and sender.merged_into_id is not None
        )


class RequestMessage(models.Model):
    request = models.ForeignKey(
        CooperationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_recipient = models.BooleanField(_("Von der angefragten Organisation"), default=False)
    # Who answered through the one-time link (no account): the name they gave.
    author_name = models.CharField(_("Name"), max_length=100, blank=True)
    body = models.TextField(_("Nachricht"), max_length=5000)
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = pgettext_lazy("plural noun", "Antworten")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request} – {self.created_at:%Y-%m-%d}"
