"""Reaching profiles without a team: invitations to take a profile over (a
one-time link by e-mail, or a code in a printed letter) and the coordinators'
bulk actions, carried out by the background worker (directory.outreach)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TakeoverInvitation(models.Model):
    """An invitation to the address on record of a profile without a team: who
    uses it becomes the owner at once (it proves that they read the address).
    Only a keyed hash of the link's token or the letter's code is stored; a newer
    invitation revokes the older one; used once; expires."""

    # Goes with the profile: not a use of it (directory.usage).
    DELETED_WITH_PROFILE = True

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-Mail")
        LETTER = "letter", _("Brief")

    class State(models.TextChoices):
        SENT = "sent", _("Gesendet")
        USED = "used", _("Angenommen")
        EXPIRED = "expired", _("Abgelaufen")
        REVOKED = "revoked", _("Ersetzt")

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="takeover_invitations",
        verbose_name=_("Organisation"),
    )
    channel = models.CharField(_("Weg"), max_length=10, choices=Channel.choices)
    address = models.EmailField(_("Gesendet an"), blank=True)
    # A letter's: a keyed digest of the street, postcode and town it went to.
    # The profile's postal address changed since: the letter no longer counts.
    postal_digest = models.CharField(max_length=64, blank=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Von"),
    )
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    expires_at = models.DateTimeField(_("Gültig bis"))
    revoked_at = models.DateTimeField(_("Ersetzt am"), null=True, blank=True)
    used_at = models.DateTimeField(_("Angenommen am"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angenommen von"),
    )

    class Meta:
        verbose_name = _("Einladung zur Übernahme")
        verbose_name_plural = _("Einladungen zur Übernahme")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="takeover_org_created"),
            models.Index(fields=["created_at"], name="takeover_created"),
        ]
        constraints = [
            # At most one invitation per profile that still works (a newer one
            # revokes it first, under the profile's row lock).
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(revoked_at__isnull=True, used_at__isnull=True),
                name="takeover_one_open_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.channel} {self.created_at:%Y-%m-%d}"

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return self.State.USED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.SENT

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class OutreachJob(models.Model):
    """A coordinator's bulk action ("Erinnerung senden", "Einladung senden") on
    selected profiles or on all of a filtered list; the worker carries it out."""

    class Action(models.TextChoices):
        REMIND = "remind", _("Erinnerung senden")
        INVITE = "invite", _("Einladung senden")

    action = models.CharField(_("Aktion"), max_length=10, choices=Action.choices)
    # {"ids": [...]} or {"list": ..., "state": ...}: resolved by the worker.
    selection = models.JSONField(_("Auswahl"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Von"),
    )
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    started_at = models.DateTimeField(_("Begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Fertig am"), null=True, blank=True)
    sent = models.PositiveIntegerField(_("Gesendet"), default=0)
    skipped_recent = models.PositiveIntegerField(_("Übersprungen (kürzlich)"), default=0)
    skipped_open = models.PositiveIntegerField(_("Übersprungen (offene Einladung)"), default=0)
    skipped_other = models.PositiveIntegerField(_("Übersprungen (kein Weg)"), default=0)

    class Meta:
        verbose_name = _("Sammelaktion")
        verbose_name_plural = _("Sammelaktionen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["finished_at", "created_at"], name="outreach_due")]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"
