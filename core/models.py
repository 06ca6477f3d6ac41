"""What the portal keeps for itself: the forms already submitted (core.once)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmittedForm(models.Model):
    """One submission of a form that carries a submit key (core.once): stored in
    the transaction of the view's writes, so that the same form sent again (a
    double click, a retry) is answered as the first time instead of running the
    view again. Kept for a day (manage.py purge_submitted_forms)."""

    key = models.CharField(_("Schlüssel"), max_length=64, unique=True)
    # The person who sent it (a plain number, not a reference: core sits below
    # accounts); None for a visitor who is not signed in.
    user_id = models.BigIntegerField(_("Person"), null=True, blank=True)
    view_name = models.CharField(_("Formular"), max_length=200)
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now, db_index=True)
    # The first answer: a redirect (status and Location) or, rarely, a page (2xx).
    response_status = models.PositiveSmallIntegerField(_("Antwort"), default=0)
    response_location = models.CharField(_("Weiterleitung"), max_length=2000, blank=True)
    response_content_type = models.CharField(max_length=200, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name = _("Abgeschicktes Formular")
        verbose_name_plural = _("Abgeschickte Formulare")

    def __str__(self) -> str:
        return f"{self.view_name} {self.created_at:%Y-%m-%d %H:%M}"
