"""What institution staff keep from the partner finder: saved searches, the shortlist."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Term, vocabulary_term

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
    # The weekly alert (finder.services): on or off, and when the MOs matching the
    # search were last compared with those already known (AlertSeen).
    alert = models.BooleanField(_("Wöchentliche E-Mail"), default=False)
    alert_checked_at = models.DateTimeField(_("Zuletzt auf Neues geprüft"), null=True, blank=True)

    class Meta:
        verbose_name = _("Gespeicherte Suche")
        verbose_name_plural = _("Gespeicherte Suchen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["alert", "alert_checked_at"], name="search_alert_due")]

    def __str__(self):
        return self.name


class AlertSeen(models.Model):
    """An MO that matched a subscribed search when it was subscribed or a digest ran:
    the next digest lists only the MOs that match and are not here."""

    # Goes with the profile: not a use of it (directory.usage).
    DELETED_WITH_PROFILE = True

    search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="seen", verbose_name=_("Suche")
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Organisation"),
    )

    class Meta:
        verbose_name = _("Bekannter Treffer einer Suche")
        verbose_name_plural = _("Bekannte Treffer von Suchen")
        constraints = [
            models.UniqueConstraint(fields=["search", "organisation"], name="alert_seen_once")
        ]

    def __str__(self):
        return f"{self.search} – {self.organisation}"


class ShortlistEntry(models.Model):
    """An MO on an institution user's shortlist, with a private note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("Private Notiz"), max_length=2000, blank=True)
    # The role the finder searched for when the MO was shortlisted: the request
    # from the shortlist starts with it.
    role = vocabulary_term(Term.Kind.ROLE, _("Gesuchte Rolle"), on_delete=models.SET_NULL)
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
