"""Text pages of the portal: accessibility statement, imprint, privacy."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.concurrency import version_field


class Page(models.Model):
    """A text page coordinators edit: accessibility statement, imprint, privacy."""

    slug = models.SlugField(_("Adresse"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(_("Text (Markdown)"))
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    body_en = models.TextField(_("Text (Englisch, Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    version = version_field()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("page", kwargs={"slug": self.slug})


class Feedback(models.Model):
    """What someone reported through the accessibility feedback form. Stored, so
    that coordinators read it in the portal and get at most one mail per period
    about new ones (never the sender's text, links or address in a mail)."""

    message = models.TextField(_("Rückmeldung"), max_length=3000)
    page_url = models.CharField(_("Seite"), max_length=300, blank=True)
    email = models.EmailField(_("E-Mail-Adresse für eine Antwort"), blank=True)
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(
        _("Koordination benachrichtigt am"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.message[:60]


class Operator(models.Model):
    """Who runs the portal and who funds it, shown in every page's footer. One
    row (``pk=1``), edited by coordinators; empty fields are simply not shown."""

    SINGLETON = 1

    name = models.CharField(_("Name des Betreibers"), max_length=200, blank=True)
    url = models.URLField(_("Website des Betreibers"), blank=True)
    logo = models.ImageField(_("Logo des Betreibers"), upload_to="operator/", blank=True)
    funder_name = models.CharField(_("Name des Fördergebers"), max_length=200, blank=True)
    funder_logo = models.ImageField(_("Logo des Fördergebers"), upload_to="operator/", blank=True)
    funding_line = models.CharField(_("Förderhinweis"), max_length=300, blank=True)
    funding_line_en = models.CharField(_("Förderhinweis (Englisch)"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    version = version_field()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Betreiber und Förderung")
        verbose_name_plural = _("Betreiber und Förderung")

    def __str__(self):
        return self.name or str(_("Betreiber und Förderung"))

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.logo or self.funder_name or self.funder_logo)
