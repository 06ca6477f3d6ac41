"""The directory's data: the shared vocabulary and the MO profiles."""

import datetime
import uuid
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.concurrency import version_field
from directory import relations
from directory.outreach_models import OutreachJob, TakeoverInvitation  # noqa: F401
from directory.places import Place  # noqa: F401  (the gazetteer's table, a model of this app)
from directory.reference_models import Reference  # noqa: F401  (confirmed references)
from directory.relations import Relation, Text


def _english() -> bool:
    return (get_language() or "de").startswith("en")


class Term(models.Model):
    """One curated term of the shared vocabulary (roles, resources, languages, ...)."""

    class Kind(models.TextChoices):
        ROLE = "role", _("Rolle")
        RESOURCE = "resource", _("Ressource")
        FIELD = "field", _("Handlungsfeld")
        NEED = "need", _("Bedarf")
        SUPPORT_FORMAT = "support_format", _("Unterstützungsformat")
        INSTITUTION_TYPE = "institution_type", _("Institutionstyp")
        TARGET_GROUP = "target_group", _("Zielgruppe")
        COMMUNITY = "community", _("Community / Herkunft")
        LANGUAGE = "language", _("Sprache")
        STATE = "state", _("Bundesland")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("Kurzname (URL)"), max_length=80)
    code = models.CharField(
        _("Code"),
        max_length=10,
        blank=True,
        help_text=_("ISO-639-1-Code bei Sprachen, Länderkürzel bei Bundesländern."),
    )
    label_de = models.CharField(_("Bezeichnung (Deutsch)"), max_length=120)
    label_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=120)
    description_de = models.TextField(_("Beschreibung (Deutsch)"), blank=True)
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Begriff")
        verbose_name_plural = _("Begriffe")
        ordering = ["kind", "position", "label_de"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="term_unique_slug_per_kind")
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("term", kwargs={"kind": self.KIND_SLUGS[self.kind], "slug": self.slug})

    @property
    def label(self) -> str:
        return self.label_en if _english() and self.label_en else self.label_de

    @property
    def description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description_de

    # Path segment of each kind on the term pages (/themen/<kind>/<slug>/).
    KIND_SLUGS = {
        "role": "rollen",
        "resource": "ressourcen",
        "field": "handlungsfelder",
        "need": "bedarfe",
        "support_format": "unterstuetzungsformate",
        "institution_type": "institutionen",
        "target_group": "zielgruppen",
        "community": "communities",
        "language": "sprachen",
        "state": "bundeslaender",
    }

    @property
    def directory_url(self) -> str | None:
        """The directory filtered by this term (None for kinds no MO carries)."""
        relation = relations.BY_KIND.get(self.kind)
        if relation is None:
            return None
        return f"{reverse('directory:organisation_list')}?{relation.param}={self.slug}"


# Fields that hold vocabulary terms of one kind, for the models of every room.


def vocabulary_terms(
    kind: str, verbose_name: Text, *, related_name: str = "+", blank: bool = True, **kwargs: Any
) -> models.ManyToManyField:
    """Any number of terms of one kind (none needed unless ``blank=False``)."""
    return models.ManyToManyField(
        Term,
        verbose_name=verbose_name,
        blank=blank,
        related_name=related_name,
        limit_choices_to={"kind": kind},
        **kwargs,
    )


def vocabulary_term(
    kind: str,
    verbose_name: Text,
    *,
    on_delete: Any = models.PROTECT,
    required: bool = False,
    **kwargs: Any,
) -> models.ForeignKey:
    """One term of one kind, optional unless ``required``; a term in use cannot be
    deleted unless ``on_delete`` says otherwise."""
    return models.ForeignKey(
        Term,
        verbose_name=verbose_name,
        on_delete=on_delete,
        null=not required,
        blank=not required,
        related_name="+",
        limit_choices_to={"kind": kind},
        **kwargs,
    )


def _terms(relation: Relation, *, related_name: str) -> models.ManyToManyField:
    """The many-to-many field of a vocabulary relation (directory.relations)."""
    return vocabulary_terms(relation.kind, relation.verbose_name, related_name=related_name)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Öffentlich für alle")
    INSTITUTIONS = "institutions", _("Nur für angemeldete Institutionen")
    HIDDEN = "hidden", _("Nicht anzeigen")


# What is derived for search and history: read by the search and the review, by
# no list or export (OrganisationQuerySet.without_search_texts).
# A profile not confirmed for this long is due for a reminder (directory.outreach)
# and is shown with a warning that it may be out of date.
CONFIRMATION_DUE_DAYS = 365

SEARCH_TEXTS = ("snapshot", "search_document", "search_index", "term_tokens")


class OrganisationQuerySet(models.QuerySet):
    def published(self) -> Self:
        return self.filter(status=Organisation.Status.PUBLISHED)

    def without_search_texts(self) -> Self:
        """Without what is derived for search and history (snapshot, search
        document and index, term tokens): about 1.6 KB of a profile's 2 KB row,
        read by no list or export; the search document lies in the TOAST table."""
        return self.defer(*SEARCH_TEXTS)

    def in_state(self, code: str) -> Self:
        return self.filter(state__code=code)


class Organisation(models.Model):
    """A migrant organisation's profile."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        IN_REVIEW = "in_review", _("In Prüfung")
        PUBLISHED = "published", _("Veröffentlicht")
        ARCHIVED = "archived", _("Archiviert")

    class LegalForm(models.TextChoices):
        EV = "ev", _("Eingetragener Verein (e. V.)")
        GGMBH = "ggmbh", _("Gemeinnützige GmbH (gGmbH)")
        FOUNDATION = "foundation", _("Stiftung")
        COOPERATIVE = "cooperative", _("Genossenschaft")
        GBR = "gbr", _("Gesellschaft bürgerlichen Rechts (GbR)")
        INITIATIVE = "initiative", _("Nicht eingetragene Initiative")
        OTHER = "other", _("Andere Rechtsform")

    class Area(models.TextChoices):
        LOCAL = "local", _("Lokal")
        REGIONAL = "regional", _("Regional")
        STATE = "state", _("Landesweit")
        NATIONAL = "national", _("Bundesweit")

    class BudgetBand(models.TextChoices):
        NONE = "none", _("Kein eigenes Budget")
        UNDER_10K = "under_10k", _("Unter 10.000 €")
        UNDER_50K = "10k_50k", _("10.000 bis 50.000 €")
        UNDER_250K = "50k_250k", _("50.000 bis 250.000 €")
        OVER_250K = "over_250k", _("Über 250.000 €")

    class Charitable(models.TextChoices):
        YES = "yes", _("Ja, vom Finanzamt als gemeinnützig anerkannt")
        NO = "no", _("Nein, nicht gemeinnützig")
        UNKNOWN = "unknown", _("Weiß ich nicht / keine Angabe")

    uuid = models.UUIDField(
        _("Kennung (offene Daten)"), default=uuid.uuid4, unique=True, editable=False
    )
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=220, unique=True)
    legal_form = models.CharField(
        _("Rechtsform"), max_length=20, choices=LegalForm.choices, default=LegalForm.EV
    )
    founding_year = models.PositiveSmallIntegerField(
        _("Gründungsjahr"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900, _("Bitte ein Jahr ab 1900 angeben."))],
    )
    # Identity (issue 19): as the MO enters it; a coordinator's check of these
    # values is an IdentityVerification (directory.identity).
    register_court = models.CharField(_("Registergericht"), max_length=100, blank=True)
    register_number = models.CharField(_("Registernummer"), max_length=30, blank=True)
    charitable_status = models.CharField(
        _("Gemeinnützig"), max_length=8, choices=Charitable.choices, default=Charitable.UNKNOWN
    )
    charitable_notice_date = models.DateField(
        _("Datum des letzten Freistellungsbescheids"), null=True, blank=True
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    logo = models.ImageField(_("Logo"), upload_to="logos/", blank=True)

    website = models.URLField(_("Website"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(
        _("Telefon"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()/\-]{4,40}$",
                _("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            )
        ],
    )
    email_visibility = models.CharField(
        _("Wer sieht die E-Mail-Adresse?"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.INSTITUTIONS,
    )
    phone_visibility = models.CharField(
        _("Wer sieht die Telefonnummer?"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.INSTITUTIONS,
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    street_visibility = models.CharField(
        _("Wer sieht die Straße?"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    postal_code = models.CharField(
        _("Postleitzahl"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5}$", _("Die Postleitzahl hat genau fünf Ziffern."))],
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    # Derived from postal code, else city (directory.places), kept by the services;
    # empty when neither is in the gazetteer.
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True, editable=False)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True, editable=False)
    state = vocabulary_term(relations.STATE.kind, relations.STATE.verbose_name)
    area = models.CharField(
        _("Wirkungsbereich"), max_length=10, choices=Area.choices, default=Area.LOCAL
    )

    roles = _terms(relations.ROLES, related_name="organisations_by_role")
    resources = _terms(relations.RESOURCES, related_name="organisations_by_resource")
    fields = _terms(relations.FIELDS, related_name="organisations_by_field")
    target_groups = _terms(relations.TARGET_GROUPS, related_name="organisations_by_target_group")
    communities = _terms(relations.COMMUNITIES, related_name="organisations_by_community")
    languages = _terms(relations.LANGUAGES, related_name="organisations_by_language")
    advice_languages = _terms(
        relations.ADVICE_LANGUAGES, related_name="organisations_by_advice_language"
    )

    paid_staff = models.PositiveIntegerField(
        _("Hauptamtliche Mitarbeitende"),
        default=0,
        help_text=_(
            "Personen mit bezahlter Stelle (auch Teilzeit). 0, wenn alle ehrenamtlich sind."
        ),
    )
    volunteers = models.PositiveIntegerField(_("Ehrenamtliche"), default=0)
    members = models.PositiveIntegerField(_("Mitglieder"), default=0)
    budget_band = models.CharField(
        _("Jahresbudget"), max_length=12, choices=BudgetBand.choices, default=BudgetBand.NONE
    )
    has_rooms = models.BooleanField(_("Eigene Räume"), default=False)
    cooperation_experience = _terms(
        relations.COOPERATION_EXPERIENCE, related_name="organisations_by_cooperation"
    )
    open_for_cooperation = models.BooleanField(_("Offen für neue Kooperationen"), default=True)

    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    confirmed_at = models.DateField(_("Als aktuell bestätigt am"), null=True, blank=True)
    reminded_at = models.DateField(_("Zuletzt erinnert am"), null=True, blank=True)
    review_comment = models.TextField(_("Anmerkung der Prüfung"), blank=True)
    # Where an imported profile's data came from (intake: the import job's source
    # name, "Integrationsrat Köln 2025") and when it was imported; shown until the
    # MO confirms its profile (confirmed_at on or after the import).
    source_name = models.CharField(_("Quelle"), max_length=200, blank=True, default="")
    source_imported_at = models.DateTimeField(_("Übernommen am"), null=True, blank=True)
    # Terms and offers as they were saved, so that every version in the history
    # is complete (kept by directory.services.organisation_save).
    snapshot = models.JSONField(_("Begriffe und Angebote"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    version = version_field()

    # Search: a lower-cased document of everything searchable (name, description,
    # offers, vocabulary labels), kept by directory.services.organisation_save.
    # search_index: its stems in weighted sections (directory.analysis), which
    # both databases search (SQLite: an FTS5 trigram table kept by triggers;
    # PostgreSQL: a trigram index).
    search_document = models.TextField(editable=False, blank=True, default="")
    search_index = models.TextField(editable=False, blank=True, default="")
    # The profile's terms as words, " r3 l144 b144 " (directory.relations.term_token),
    # derived with the search document: the partner finder tests a wish for a term
    # on the row itself instead of joining a relation's table (at 160,000 MOs a
    # hashed relation per wish cost 40-60 ms of every finder request).
    term_tokens = models.TextField(editable=False, blank=True, default="")
    # Duplicate check (directory.duplicates): the website's host and the e-mail's
    # domain as compared, kept by directory.services.organisation_recorded.
    website_host = models.CharField(
        _("Website (Host)"), max_length=255, editable=False, blank=True, default=""
    )
    email_domain = models.CharField(
        _("E-Mail-Domain"), max_length=255, editable=False, blank=True, default=""
    )
    # The register court and number as compared (duplicates.register_key), and
    # the identity values as a verification covers them (identity.identity_key);
    # both kept by directory.services.organisation_recorded.
    register_key = models.CharField(
        _("Register (Vergleichsschlüssel)"), max_length=160, editable=False, blank=True, default=""
    )
    identity_key = models.CharField(
        _("Identitätsangaben (Vergleichsschlüssel)"),
        max_length=255,
        editable=False,
        blank=True,
        default="",
    )
    # A profile merged into another (directory.merging) stays as a tombstone:
    # archived, its URLs answer with a permanent redirect to this one.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_profiles",
        verbose_name=_("Zusammengeführt in"),
    )
    merged_at = models.DateTimeField(_("Zusammengeführt am"), null=True, blank=True, editable=False)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "search_document",
            "search_index",
            "term_tokens",
            "updated_at",
            "reminded_at",
            "uuid",
            "latitude",
            "longitude",
            "website_host",
            "email_domain",
            "register_key",
            "identity_key",
        ]
    )
    if TYPE_CHECKING:  # set before a save, and added, by django-simple-history (untyped)
        _history_user: Any
        _change_reason: str

        def save_without_historical_record(self, *args: Any, **kwargs: Any) -> None: ...

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        permissions = [("review_organisation", _("Kann Profile prüfen und freigeben"))]
        indexes = [
            models.Index(fields=["status", "name"], name="org_status_name"),
            models.Index(fields=["status", "-confirmed_at"], name="org_status_confirmed"),
            models.Index(fields=["status", "state"], name="org_status_state"),
            # The partner finder scores every published MO open for cooperation:
            # on PostgreSQL from this narrow copy of what its wishes test (an
            # index-only scan of about 40 MB at 160,000 MOs instead of the
            # 500 MB table). Other databases ignore ``include``.
            models.Index(
                fields=["id"],
                include=[
                    "open_for_cooperation",
                    "term_tokens",
                    "city",
                    "postal_code",
                    "state",
                    "paid_staff",
                    "has_rooms",
                    "volunteers",
                    "budget_band",
                    "identity_key",
                    "latitude",
                    "longitude",
                    "confirmed_at",
                    "name",
                ],
                condition=models.Q(status="published"),
                name="org_finder_cover",
            ),
            models.Index(fields=["postal_code"], name="org_postal_code"),
            models.Index(fields=["city"], name="org_city"),
            # Radius searches narrow by the bounding box first (directory.geo).
            models.Index(fields=["latitude", "longitude"], name="org_coordinates"),
            # The duplicate check looks profiles up by these (directory.duplicates).
            models.Index(fields=["website_host"], name="org_website_host"),
            models.Index(fields=["email_domain"], name="org_email_domain"),
            models.Index(fields=["register_key"], name="org_register_key"),
            # The coordinators' list of unreachable profiles (directory.outreach): the
            # few published ones without e-mail nor postal address, by name.
            # (the same condition as directory.reach.unreachable's filter,
            # so that PostgreSQL uses it for that list and its count)
            models.Index(
                fields=["name"],
                condition=models.Q(status="published", email="")
                & ~(~models.Q(street="") & (~models.Q(postal_code="") | ~models.Q(city=""))),
                name="org_unreachable_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(founding_year__isnull=True) | models.Q(founding_year__gte=1900),
                name="org_founding_year_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:organisation_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        this_year = datetime.date.today().year
        if self.founding_year and self.founding_year > this_year:
            raise ValidationError(
                {"founding_year": _("Das Gründungsjahr darf nicht in der Zukunft liegen.")}
            )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def source_unconfirmed(self) -> bool:
        """Imported from a list and not confirmed by the MO since."""
        if not self.source_name or self.source_imported_at is None:
            return False
        imported = timezone.localdate(self.source_imported_at)
        return self.confirmed_at is None or self.confirmed_at < imported

    @property
    def last_confirmed(self) -> datetime.date | None:
        """The day the profile was last known to be current: its confirmation,
        or its import where that is later (directory.outreach.unconfirmed_q)."""
        imported = timezone.localdate(self.source_imported_at) if self.source_imported_at else None
        return max(filter(None, (self.confirmed_at, imported)), default=None)

    def confirmation_overdue(self, today: datetime.date | None = None) -> bool:
        """Not confirmed for 12 months: visitors are warned that it may be out of date."""
        last = self.last_confirmed
        due = (today or timezone.localdate()) - datetime.timedelta(days=CONFIRMATION_DUE_DAYS)
        return last is None or last < due

    @property
    def has_paid_staff(self) -> bool:
        return self.paid_staff > 0

    @property
    def display_description(self) -> str:
        if _english() and self.description_en:
            return self.description_en
        return self.description


class IdentityVerification(models.Model):
    """A coordinator checked an MO's identity: what was checked, when, by whom,
    and the values seen (``identity_key``: directory.identity). One row per
    check, never changed: the rows are the history. A check counts while the
    profile's values are still the ones it saw (directory.identity)."""

    class RegisterSource(models.TextChoices):
        NONE = "", _("Register nicht geprüft")
        EXCERPT = "excerpt", _("Registerauszug (Papier oder PDF)")
        ONLINE = "online", _("Registerportal online (handelsregister.de)")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="identity_verifications",
        verbose_name=_("Organisation"),
    )
    register_checked = models.CharField(
        _("Register geprüft"), max_length=10, choices=RegisterSource.choices, blank=True
    )
    exemption_checked = models.BooleanField(_("Freistellungsbescheid geprüft"), default=False)
    note = models.TextField(_("Anmerkung"), max_length=1000, blank=True)
    # The values seen, as entered then (readable), and as compared.
    register_court = models.CharField(_("Registergericht"), max_length=100, blank=True)
    register_number = models.CharField(_("Registernummer"), max_length=30, blank=True)
    legal_form = models.CharField(
        _("Rechtsform"), max_length=20, choices=Organisation.LegalForm.choices, blank=True
    )
    charitable_status = models.CharField(
        _("Gemeinnützig"), max_length=8, choices=Organisation.Charitable.choices, blank=True
    )
    charitable_notice_date = models.DateField(
        _("Datum des letzten Freistellungsbescheids"), null=True, blank=True
    )
    identity_key = models.CharField(_("Geprüfte Angaben"), max_length=255, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Geprüft von"),
    )
    verified_at = models.DateTimeField(_("Geprüft am"), default=timezone.now)

    class Meta:
        verbose_name = _("Identitätsprüfung")
        verbose_name_plural = _("Identitätsprüfungen")
        ordering = ["-verified_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "identity_key", "-verified_at"],
                name="identity_check_lookup",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(register_checked="") | models.Q(exemption_checked=True),
                name="identity_check_checks_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.verified_at:%Y-%m-%d}"


class ProfileRevision(models.Model):
    """Changes to a published profile that wait for review: the profile's row is
    the live revision, this is the pending one (at most one open per profile).
    ``content`` holds the reviewed part of the profile as the team wants it
    (``fields`` by attname, ``terms`` by relation as slugs, ``offers`` as in the
    snapshot); ``changed`` names what the team touched, each with the version of
    this revision that last changed it. Kept by directory.revisions."""

    class State(models.TextChoices):
        PENDING = "pending", _("Wartet auf Prüfung")
        SENT_BACK = "sent_back", _("Zurückgegeben")
        APPROVED = "approved", _("Freigegeben")
        DISCARDED = "discarded", _("Verworfen")
        MERGED = "merged", _("In das archivierte Profil übernommen")

    OPEN_STATES = (State.PENDING, State.SENT_BACK)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="revisions"
    )
    state = models.CharField(
        _("Stand"), max_length=10, choices=State.choices, default=State.PENDING
    )
    content = models.JSONField(_("Inhalt"), default=dict)
    changed = models.JSONField(_("Geänderte Angaben"), default=dict)
    version = version_field()
    comment = models.TextField(_("Anmerkung der Prüfung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Begonnen am"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("Geändert am"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    history = HistoricalRecords()
    if TYPE_CHECKING:  # set before a save (django-simple-history, untyped)
        _history_user: Any

    class Meta:
        verbose_name = _("Änderung eines veröffentlichten Profils")
        verbose_name_plural = _("Änderungen veröffentlichter Profile")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(state__in=["pending", "sent_back"]),
                name="one_open_revision_per_profile",
            ),
        ]
        indexes = [models.Index(fields=["state", "updated_at"], name="revision_state_updated")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.state} v{self.version}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Offer(models.Model):
    """Something an MO offers: counselling, a course, a project, ..."""

    # Goes with the profile: not a use of it (directory.usage).
    DELETED_WITH_PROFILE = True

    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("Beratung")
        COURSE = "course", _("Kurs oder Schulung")
        EVENT = "event", _("Veranstaltung")
        PROJECT = "project", _("Projekt")
        GUIDANCE = "guidance", _("Begleitung und Lotsendienst")
        INTERPRETING = "interpreting", _("Dolmetschen und Übersetzen")
        OTHER = "other", _("Sonstiges")

    uuid = models.UUIDField(
        _("Kennung (offene Daten)"), default=uuid.uuid4, unique=True, editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("Organisation"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.COUNSELLING)
    languages = vocabulary_terms(
        Term.Kind.LANGUAGE, _("Sprachen"), related_name="offers_by_language"
    )
    summary = models.TextField(_("Kurzbeschreibung"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["organisation", "position", "id"]

    def __str__(self):
        return self.title


class Membership(models.Model):
    """A person who may edit an organisation's profile: its owner or an editor."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Verantwortlich (Eigentümer)")
        EDITOR = "editor", _("Redaktion")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("Seit"), default=timezone.now)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(role="owner"),
                name="one_owner_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An owner's invitation to edit the profile, sent by e-mail."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Eingeladen am"), default=timezone.now)
    sent_at = models.DateTimeField(_("Zuletzt gesendet am"), default=timezone.now)
    accepted_at = models.DateTimeField(_("Angenommen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        constraints = [
            # One pending invitation per address and profile (a double click, a
            # second invitation: the same one, re-sent at most once per period).
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_pending_unique",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class Claim(models.Model):
    """A representative asks to take over a profile that has no owner."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Offen")
        CONFIRMED = "confirmed", _("Bestätigt")
        REJECTED = "rejected", _("Abgelehnt")

    class Reason(models.TextChoices):
        """Why a claim was closed without being confirmed (status "rejected")."""

        REJECTED = "rejected", _("Von der Koordination abgelehnt")
        OTHER_CLAIM = "other_claim", _("Die Anfrage einer anderen Person wurde bestätigt")
        INVITATION = "invitation", _("Profil wurde über eine Einladung übernommen")
        MERGED = "merged", _("Profil wurde mit einem anderen Profil zusammengeführt")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    message = models.TextField(_("Nachricht an die Koordination"), max_length=2000, blank=True)
    # Set when the claim came through a one-time link mailed to the profile's
    # address on record: the claimant proved they read that mailbox.
    verified_address = models.EmailField(_("Bestätigte Adresse der Organisation"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("Angefragt am"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    # Set with status "rejected": a coordinator's decision or the claim closed
    # because the profile got its owner another way (empty while pending or confirmed).
    close_reason = models.CharField(
        _("Grund der Schließung"), max_length=20, choices=Reason.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("Übernahmeanfrage")
        verbose_name_plural = _("Übernahmeanfragen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_open_claim_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"

    def outcome(self) -> str:
        """The claim's state as its person and the coordinators read it: a claim
        closed because the profile got its owner another way is not "Abgelehnt"."""
        if self.status != self.Status.REJECTED or self.close_reason in ("", self.Reason.REJECTED):
            return str(self.get_status_display())
        return str(_("Geschlossen: {reason}")).format(reason=self.get_close_reason_display())


class PublicDataVersion(models.Model):
    """One row: a counter of the changes to public data (published profiles and
    the vocabulary), for whatever is derived from them outside the request, such
    as the open-data dump. ``number`` counts every change; ``withdrawn`` is the
    number of the last change that may have withdrawn public data (a profile
    unpublished, archived or deleted, contact data made less visible, replaced or
    removed: directory.services._withdraws). A copy made at number n is complete if n == number, and
    may be shown while n >= withdrawn (it only lacks additions).

    Raised in the transaction of the change (directory.services), so the row
    lock orders the changes as they commit: a copy that read n before reading
    the data lacks nothing that committed before it, and every change committed
    later has a higher number.
    """

    number = models.BigIntegerField(default=0)
    withdrawn = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    ROW = 1

    def __str__(self):
        return f"{self.number} ({self.withdrawn})"

    @classmethod
    def current(cls) -> "PublicDataVersion":
        """The current counters (all zero before the first change)."""
        return cls.objects.filter(pk=cls.ROW).first() or cls(pk=cls.ROW)


class DistinctPair(models.Model):
    """Two profiles a coordinator marked as distinct organisations ("keine
    Dublette"): the duplicate check no longer suggests them to each other.
    Stored once per pair, the lower primary key first."""

    # Goes with the profile: not a use of it (directory.usage).
    DELETED_WITH_PROFILE = True

    first = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Profil")
    )
    second = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Anderes Profil")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Markiert von"),
    )
    marked_at = models.DateTimeField(_("Markiert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Keine Dublette")
        verbose_name_plural = _("Keine Dubletten")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_pair_once"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="distinct_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class SearchWord(models.Model):
    """A word that occurs in a profile (folded, not stemmed): the vocabulary that
    typos are corrected against ("Meinten Sie …?"). Words are only added; a word
    no published profile holds any more is never suggested, since a suggestion
    must find something (directory.search)."""

    word = models.CharField(_("Wort"), max_length=60, unique=True, editable=False)
    plain = models.CharField(_("Wort ohne Umlaute"), max_length=60, db_index=True, editable=False)

    class Meta:
        verbose_name = _("Suchwort")
        verbose_name_plural = _("Suchwörter")

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words that mean the same in a search (a thesaurus that coordinators curate):
    a search for one of them also finds the others."""

    words = models.TextField(
        _("Begriffe"),
        help_text=_("Ein Begriff je Zeile, z. B. Geflüchtete, Flüchtlinge, Schutzsuchende."),
    )
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Synonymgruppe")
        verbose_name_plural = _("Synonymgruppen")
        ordering = ["pk"]

    def __str__(self):
        return ", ".join(self.terms())

    def terms(self) -> list[str]:
        return [t.strip() for t in self.words.replace(",", "\n").splitlines() if t.strip()]
