"""Text pages of the portal: accessibility statement, imprint, privacy."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """A text page coordinators edit: accessibility statement, imprint, privacy."""

    slug = models.SlugField(_("Adresse"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(_("Text (Markdown)"))
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    body_en = models.TextField(_("Text (Englisch, Markdown)"), blank=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
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
