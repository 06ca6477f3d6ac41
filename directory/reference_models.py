"""References: what an MO did together with a partner, confirmed by both sides.

A reference is written when a cooperation in the portal closes (the
cooperation room's space): either side drafts it, and it appears on the MO's
profile and counts in the partner finder only while *both* sides confirm the
same text. Changing the text takes back the other side's confirmation; either
side can withdraw its own at any time. No stars, no scores: the guide asks to
make MOs' achievements visible (ch. 8), and ratings are what gets abused."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.concurrency import version_field


class ReferenceQuerySet(models.QuerySet["Reference"]):
    def confirmed(self) -> "ReferenceQuerySet":
        """Confirmed by both sides: what the profile and the finder show."""
        return self.filter(mo_confirmed_at__isnull=False, partner_confirmed_at__isnull=False)


class Reference(models.Model):
    # The profile's public record of its work: goes with the profile when it is
    # deleted, and is no use of it (directory.usage).
    DELETED_WITH_PROFILE = True

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="references",
        verbose_name=_("Organisation"),
    )
    partner_name = models.CharField(_("Partner"), max_length=200)
    partner_type = models.ForeignKey(
        "directory.Term",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "institution_type"},
        verbose_name=_("Art des Partners"),
    )
    summary = models.TextField(_("Was wir gemeinsam gemacht haben"), max_length=1000)
    started_on = models.DateField(_("Beginn"))
    ended_on = models.DateField(_("Ende"))
    mo_confirmed_at = models.DateTimeField(_("Von der Organisation bestätigt am"), null=True)
    mo_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    partner_confirmed_at = models.DateTimeField(_("Vom Partner bestätigt am"), null=True)
    partner_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    version = version_field()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Referenz")
        verbose_name_plural = _("Referenzen")
        ordering = ["-ended_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "ended_on"], name="reference_org_end")]

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.started_on:%Y})"

    @property
    def is_confirmed(self) -> bool:
        return self.mo_confirmed_at is not None and self.partner_confirmed_at is not None
