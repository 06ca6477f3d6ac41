"""What institution staff keep from the partner finder: saved searches, the shortlist."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from finder.forms import ShortlistNoteForm


class SavedSearch(models.Model):
    """A partner-finder search an institution user wants to run again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("Name"), max_length=100)
    query = models.CharField(_("Suchparameter"), max_length=2000)
    created_at = models.DateTimeField(_("Gespeichert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Gespeicherte Suche")
        verbose_name_plural = _("Gespeicherte Suchen")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class ShortlistEntry(models.Model):
    """An MO on an institution user's shortlist, with a private note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("Private Notiz"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("Gemerkt am"), default=timezone.now)
    if TYPE_CHECKING:
        form: ShortlistNoteForm  # set by the shortlist views for the template

    class Meta:
        verbose_name = _("Merklisteneintrag")
        verbose_name_plural = _("Merkliste")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="shortlist_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"
