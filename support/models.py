"""Professionalisation support: self-assessments, support offers and the
interest in them, mentors for tandems, and the expert pool."""

from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.concurrency import version_field
from directory.models import Term, vocabulary_term, vocabulary_terms
from support.questions import SCALE


class Assessment(models.Model):
    """One round of an MO's self-assessment; earlier rounds stay to show progress."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("Abgeschlossen")

    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("Begonnen am"), default=timezone.now)
    submitted_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Bedarfsermittlung")
        verbose_name_plural = _("Bedarfsermittlungen")
        ordering = ["-created_at"]
        constraints = [
            # One open round per MO: a second "begin" continues it (support.services).
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="draft"),
                name="one_draft_assessment_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.created_at:%Y-%m-%d}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("Frage"), max_length=40)
    area = models.SlugField(_("Bereich"), max_length=80)
    score = models.PositiveSmallIntegerField(
        _("Bedarf"), choices=SCALE, validators=[MaxValueValidator(3)]
    )
    comment = models.TextField(_("Anmerkung"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = pgettext_lazy("plural noun", "Antworten")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.question}: {self.score}"


class SupportOfferQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(published=True)


class SupportOffer(models.Model):
    """A training, coaching, tandem, mentoring, exchange format, job shadowing, ..."""

    title = models.CharField(_("Titel"), max_length=200)
    provider_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_offers",
        verbose_name=_("Anbieter (Migrantenorganisation)"),
    )
    provider_name = models.CharField(
        _("Anbieter (Institution)"),
        max_length=200,
        blank=True,
        help_text=_("Wenn keine Migrantenorganisation anbietet: der Name der Institution."),
    )
    format = vocabulary_term(Term.Kind.SUPPORT_FORMAT, _("Format"), required=True)
    needs = vocabulary_terms(
        Term.Kind.NEED, _("Für welche Bedarfe"), related_name="support_offers", blank=False
    )
    states = vocabulary_terms(
        Term.Kind.STATE,
        _("Region (Bundesländer)"),
        help_text=_("Leer lassen, wenn das Angebot bundesweit oder online ist."),
    )
    languages = vocabulary_terms(Term.Kind.LANGUAGE, _("Sprachen"))
    description = models.TextField(_("Beschreibung"), max_length=4000)
    on_request = models.BooleanField(_("Termine nach Vereinbarung"), default=False)
    dates = models.CharField(_("Termine"), max_length=200, blank=True)
    costs = models.CharField(_("Kosten"), max_length=200, blank=True, default="")
    contact_email = models.EmailField(_("Kontakt (E-Mail)"))
    contact_url = models.URLField(_("Weitere Informationen (Link)"), blank=True)
    published = models.BooleanField(_("Veröffentlicht"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    version = version_field()

    objects = SupportOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("Unterstützungsangebot")
        verbose_name_plural = _("Unterstützungsangebote")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider_organisation__isnull=False)
                | ~models.Q(provider_name=""),
                name="offer_has_a_provider",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("support:offer", kwargs={"pk": self.pk})

    @property
    def provider(self) -> str:
        return self.provider_organisation.name if self.provider_organisation else self.provider_name


class Interest(models.Model):
    """An MO registers interest in a support offer; the provider is notified."""

    offer = models.ForeignKey(SupportOffer, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="support_interests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("Nachricht an den Anbieter"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("Angemeldet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Interesse")
        verbose_name_plural = _("Interessen")
        constraints = [
            models.UniqueConstraint(fields=["offer", "organisation"], name="interest_once")
        ]

    def __str__(self):
        return f"{self.organisation} → {self.offer}"


class Mentor(models.Model):
    """An MO with cooperation experience that offers itself as mentor / Lotse."""

    organisation = models.OneToOneField(
        "directory.Organisation", on_delete=models.CASCADE, related_name="mentor"
    )
    topics = vocabulary_terms(Term.Kind.NEED, _("Themen"), blank=False)
    languages = vocabulary_terms(Term.Kind.LANGUAGE, _("Sprachen"))
    nationwide = models.BooleanField(
        _("Auch über das eigene Bundesland hinaus (z. B. online)"), default=False
    )
    capacity = models.PositiveSmallIntegerField(
        _("Wie viele Tandems gleichzeitig?"), default=1, validators=[MaxValueValidator(20)]
    )
    description = models.TextField(_("Was Sie weitergeben können"), max_length=2000)
    active = models.BooleanField(_("Aktiv"), default=True)
    created_at = models.DateTimeField(_("Seit"), default=timezone.now)

    class Meta:
        verbose_name = _("Mentor-Organisation")
        verbose_name_plural = _("Mentor-Organisationen")

    def __str__(self):
        return str(self.organisation)


class Expert(models.Model):
    """A person from an MO in the expert pool "MO und Arbeitsmarkt" (guide ch. 9),
    listed only with their consent; withdrawing deletes the listing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("Aus der Organisation"),
    )
    expertise = models.TextField(_("Ihre Expertise"), max_length=2000)
    topics = vocabulary_terms(Term.Kind.NEED, _("Themen"))
    languages = vocabulary_terms(Term.Kind.LANGUAGE, _("Sprachen"))
    state = vocabulary_term(Term.Kind.STATE, _("Bundesland"))
    availability = models.CharField(_("Verfügbarkeit"), max_length=200)
    consent_at = models.DateTimeField(_("Einwilligung am"))

    class Meta:
        verbose_name = _("Expertin / Experte")
        verbose_name_plural = _("Expertenpool")

    def __str__(self):
        return self.user.name
