"""The guide as structured, curated content.

Chapters and their typed items hold the *published* text; pending edits of
coordinators live in ``draft`` (JSON) until the chapter is published, so the
public never sees them. Every publication is recorded by django-simple-history
(who, when, what); the terms and featured organisations of an item are kept in
``tags_snapshot`` so that a historical version is complete.
"""

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.concurrency import version_field
from core.markdown import render_markdown

if TYPE_CHECKING:
    from directory.models import Organisation, Term

# Fields that are not part of a version (drafts and what is derived from the text).
UNVERSIONED = [
    "draft",
    "search_document",
    "en_outdated",
    "intro_html",
    "intro_en_html",
    "body_html",
    "body_en_html",
]


def _english() -> bool:
    return (get_language() or "de").startswith("en")


def fingerprint(*texts: str) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


class TranslatedText:
    """What a template shows of one text in the active language."""

    def __init__(self, german: str, english: str, *, outdated: bool):
        self.use_english = _english() and bool(english)
        self.value = english if self.use_english else german
        self.lang = "en" if self.use_english else "de"
        self.fallback = _english() and not english and bool(german)
        self.outdated = self.use_english and outdated

    def __str__(self):
        return str(self.value)

    def __bool__(self):
        return bool(self.value)


class Guide(models.Model):
    """The publication itself: title, publisher, edition and imprint (one row)."""

    title = models.CharField(_("Titel"), max_length=200)
    subtitle = models.CharField(_("Untertitel"), max_length=200, blank=True)
    programme = models.CharField(_("Förderprogramm"), max_length=200, blank=True)
    publisher = models.CharField(_("Herausgeber"), max_length=200)
    edition = models.CharField(_("Ausgabe"), max_length=60)
    imprint_heading = models.CharField(_("Überschrift des Impressums"), max_length=60)
    imprint = models.TextField(_("Impressum (Markdown)"))
    funding = models.TextField(_("Förderhinweis"), blank=True)
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    subtitle_en = models.CharField(_("Untertitel (Englisch)"), max_length=200, blank=True)
    edition_en = models.CharField(_("Ausgabe (Englisch)"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("Leitfaden")
        verbose_name_plural = _("Leitfaden")

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return TranslatedText(self.title, self.title_en, outdated=False)

    @property
    def display_subtitle(self):
        return TranslatedText(self.subtitle, self.subtitle_en, outdated=False)

    @property
    def display_edition(self):
        return TranslatedText(self.edition, self.edition_en, outdated=False)

    @property
    def imprint_html(self):
        return render_markdown(self.imprint)


class ChapterQuerySet(models.QuerySet):
    def for_navigation(self):
        return self.only("id", "number", "slug", "title", "title_en").order_by("number")


class Chapter(models.Model):
    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=80, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    subtitle = models.CharField(_("Untertitel"), max_length=300, blank=True)
    intro = models.TextField(_("Einleitung (Markdown)"), blank=True)
    title_en = models.CharField(_("Titel (Englisch)"), max_length=200, blank=True)
    subtitle_en = models.CharField(_("Untertitel (Englisch)"), max_length=300, blank=True)
    intro_en = models.TextField(_("Einleitung (Englisch, Markdown)"), blank=True)
    en_source_fingerprint = models.CharField(max_length=16, blank=True, editable=False)

    intro_html = models.TextField(editable=False, blank=True)
    intro_en_html = models.TextField(editable=False, blank=True)
    en_outdated = models.BooleanField(_("Englische Fassung veraltet"), default=False)
    search_document = models.TextField(editable=False, blank=True)
    draft = models.JSONField(null=True, blank=True, editable=False)
    version = version_field()
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=UNVERSIONED)
    objects = ChapterQuerySet.as_manager()
    if TYPE_CHECKING:
        _history_user: Any  # set before a save, for django-simple-history (untyped)
        # Set by the views for their templates.
        published: list["Item"]
        pending: bool
        outdated_translation: bool

    TEXT_FIELDS = ["title", "subtitle", "intro"]

    class Meta:
        verbose_name = _("Kapitel")
        verbose_name_plural = _("Kapitel")
        ordering = ["number"]
        permissions = [("curate_guide", _("Kann den Leitfaden kuratieren"))]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("guidance:chapter", kwargs={"slug": self.slug})

    def german_fingerprint(self) -> str:
        return fingerprint(self.title, self.subtitle, self.intro)

    def has_english(self) -> bool:
        return bool(self.title_en or self.subtitle_en or self.intro_en)

    def derive(self) -> None:
        """Compute what follows from the text (also for unsaved previews)."""
        self.intro_html = render_markdown(self.intro)
        self.intro_en_html = render_markdown(self.intro_en)
        self.en_outdated = (
            self.has_english() and self.en_source_fingerprint != self.german_fingerprint()
        )
        self.search_document = " ".join(
            [self.title, self.subtitle, self.intro, self.title_en, self.subtitle_en, self.intro_en]
        ).lower()

    @property
    def display_title(self):
        return TranslatedText(self.title, self.title_en, outdated=self.en_outdated)

    @property
    def display_subtitle(self):
        return TranslatedText(self.subtitle, self.subtitle_en, outdated=self.en_outdated)

    @property
    def display_intro(self):
        return TranslatedText(self.intro_html, self.intro_en_html, outdated=self.en_outdated)


class Item(models.Model):
    """A typed piece of a chapter: a thesis, a role, a checklist point, ..."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Abschnitt")
        THESIS = "thesis", _("These")
        RECOMMENDATION = "recommendation", _("Empfehlung")
        ROLE = "role", _("Rolle")
        NEED = "need", _("Bedarf")
        SUPPORT_FORMAT = "support_format", _("Unterstützungsformat")
        PREREQUISITE = "prerequisite", _("Voraussetzung für Kooperation")
        BEST_PRACTICE = "best_practice", _("Best-Practice-Beispiel")
        CHECKLIST = "checklist", _("Checklistenpunkt")
        QUESTION = "question", _("Frage")
        SUMMARY = "summary", _("Zusammenfassender Punkt")

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="items", verbose_name=_("Kapitel")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    slug = models.SlugField(_("Anker"), max_length=80)
    label = models.CharField(_("Kennzeichnung"), max_length=60, blank=True)
    title = models.CharField(_("Überschrift"), max_length=300, blank=True)
    body = models.TextField(_("Text (Markdown)"), blank=True)
    label_en = models.CharField(_("Kennzeichnung (Englisch)"), max_length=60, blank=True)
    title_en = models.CharField(_("Überschrift (Englisch)"), max_length=300, blank=True)
    body_en = models.TextField(_("Text (Englisch, Markdown)"), blank=True)
    en_source_fingerprint = models.CharField(max_length=16, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_published = models.BooleanField(_("Veröffentlicht"), default=False)
    terms = models.ManyToManyField(
        "directory.Term", verbose_name=_("Begriffe"), blank=True, related_name="guide_items"
    )
    featured_organisations = models.ManyToManyField(
        "directory.Organisation",
        verbose_name=_("Vorgestellte Organisationen"),
        blank=True,
        related_name="featured_in_guide",
    )
    tags_snapshot = models.TextField(_("Begriffe und Organisationen"), blank=True, editable=False)

    body_html = models.TextField(editable=False, blank=True)
    body_en_html = models.TextField(editable=False, blank=True)
    en_outdated = models.BooleanField(_("Englische Fassung veraltet"), default=False)
    search_document = models.TextField(editable=False, blank=True)
    draft = models.JSONField(null=True, blank=True, editable=False)
    version = version_field()

    history = HistoricalRecords(excluded_fields=UNVERSIONED)
    if TYPE_CHECKING:  # set before a save, and added, by django-simple-history (untyped)
        _history_user: Any

        def save_without_historical_record(self, *args: Any, **kwargs: Any) -> None: ...

        # Set by the views and by previews (guidance.services.preview_item).
        term_list: list[Term]
        feature_list: list[Organisation]
        deleted: bool

    TEXT_FIELDS = ["label", "title", "body"]

    class Meta:
        verbose_name = _("Eintrag")
        verbose_name_plural = _("Einträge")
        ordering = ["chapter__number", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "slug"], name="item_unique_slug_per_chapter")
        ]
        indexes = [models.Index(fields=["chapter", "is_published", "position"])]

    def __str__(self):
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.chapter.get_absolute_url()}#{self.anchor}"

    @property
    def name(self) -> str:
        text = " ".join(p for p in (self.label, self.title) if p)
        if not text:
            text = self.body.replace("*", "").strip().splitlines()[0] if self.body else self.slug
        return text if len(text) <= 90 else text[:89] + "…"

    @property
    def anchor(self) -> str:
        return f"item-{self.slug}"

    def german_fingerprint(self) -> str:
        return fingerprint(self.label, self.title, self.body)

    def has_english(self) -> bool:
        return bool(self.title_en or self.body_en)

    def derive(self) -> None:
        """Compute what follows from the text (also for unsaved previews)."""
        self.body_html = render_markdown(self.body)
        self.body_en_html = render_markdown(self.body_en)
        self.en_outdated = (
            self.has_english() and self.en_source_fingerprint != self.german_fingerprint()
        )
        self.search_document = " ".join(
            [self.label, self.title, self.body, self.title_en, self.body_en]
        ).lower()

    @property
    def display_label(self):
        return TranslatedText(self.label, self.label_en or self.label, outdated=False)

    @property
    def display_title(self):
        return TranslatedText(self.title, self.title_en, outdated=self.en_outdated)

    @property
    def display_body(self):
        return TranslatedText(self.body_html, self.body_en_html, outdated=self.en_outdated)


class ChapterNote(models.Model):
    """ "Raum für Notizen": a user's private notes on a chapter."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_notes"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("Notizen"), max_length=10000, blank=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Notiz")
        verbose_name_plural = _("Notizen")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="one_note_per_user_chapter")
        ]

    def __str__(self):
        return f"{self.user} – {self.chapter}"
