"""Cooperation requests: an institution (or, for a tandem, an MO) asks an MO for
a concrete cooperation; both sides talk in the portal until it is decided."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.concurrency import version_field
from directory.models import Term, vocabulary_term

ONE_LINE = RegexValidator(r"^[^\r\n]*$", _("Bitte ohne Zeilenumbruch."))


class CooperationRequest(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Kooperationsanfrage")
        TANDEM = "tandem", _("Tandemanfrage")

    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        ACCEPTED = "accepted", _("Angenommen")
        DECLINED = "declined", _("Abgelehnt")

    class Delivery(models.TextChoices):
        WAITING = "waiting", _("wartet auf Zustellung")
        DELIVERED = "delivered", _("zugestellt")
        READ = "read", _("gelesen")
        ANSWERED = "answered", _("beantwortet")
        UNDELIVERABLE = "undeliverable", _("nicht zustellbar")

    class Via(models.TextChoices):
        TEAM = "team", _("Team im Portal")
        ADDRESS = "address", _("E-Mail-Adresse der Organisation")

    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices, default=Kind.COOPERATION)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_requests",
        verbose_name=_("Absender"),
    )
    sender_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sent_requests",
        verbose_name=_("Für die Organisation"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        related_name="received_requests",
        verbose_name=_("An"),
    )
    subject = models.CharField(_("Betreff"), max_length=150, validators=[ONE_LINE])
    purpose = vocabulary_term(Term.Kind.ROLE, _("Gesuchte Rolle"), on_delete=models.SET_NULL)
    message = models.TextField(_("Nachricht"), max_length=5000)
    timeframe = models.CharField(_("Zeitraum"), max_length=200, blank=True, validators=[ONE_LINE])
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)
    updated_at = models.DateTimeField(_("Zuletzt geändert"), auto_now=True)

    # Delivery (cooperation.delivery): how the request reached the MO and how far it got.
    delivery = models.CharField(
        _("Zustellung"), max_length=14, choices=Delivery.choices, default=Delivery.WAITING
    )
    delivered_via = models.CharField(
        _("Zugestellt über"), max_length=8, choices=Via.choices, blank=True
    )
    # The MO's address on record when the request was relayed to it (never shown
    # to the sender), the mail that carried it, and the hash of the nonce in the
    # one-time link (the link itself is never stored).
    relay_address = models.EmailField(_("Weitergeleitet an"), blank=True)
    relay_mail = models.ForeignKey(
        "mailer.OutgoingMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relay_nonce_hash = models.CharField(max_length=64, blank=True, editable=False)
    relay_claimed_at = models.DateTimeField(_("Übernahme über den Link angefragt am"), null=True)
    read_at = models.DateTimeField(_("Gelesen am"), null=True, blank=True)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    # For the unread counters: the last word of each side and when each side last looked.
    sender_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    recipient_activity_at = models.DateTimeField(null=True, editable=False)
    sender_seen_at = models.DateTimeField(null=True, editable=False)
    recipient_seen_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("Anfrage")
        verbose_name_plural = _("Anfragen")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["sender", "created_at"], name="request_sender_time"),
            models.Index(fields=["delivery", "created_at"], name="request_delivery_time"),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("cooperation:detail", kwargs={"pk": self.pk})

    @property
    def closed_by_merge(self) -> bool:
        """A request between two profiles that were merged since
        (directory.merging, cooperation.services.merge_requests): one end is the
        merged-away profile. It stays as a record; nothing more can be said or
        decided in it. Load both ends with select_related."""
        sender = self.sender_organisation
        return self.organisation.merged_into_id is not None or (
            sender is not None and sender.merged_into_id is not None
        )


class RequestMessage(models.Model):
    request = models.ForeignKey(
        CooperationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_recipient = models.BooleanField(_("Von der angefragten Organisation"), default=False)
    # Who answered through the one-time link (no account): the name they gave.
    author_name = models.CharField(_("Name"), max_length=100, blank=True)
    body = models.TextField(_("Nachricht"), max_length=5000)
    created_at = models.DateTimeField(_("Gesendet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = pgettext_lazy("plural noun", "Antworten")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request} – {self.created_at:%Y-%m-%d}"


# The cooperation space (issue 24) ----------------------------------------------
# An accepted request opens a space shared by its two sides (the sender, or the
# sending MO's team for a tandem, and the asked MO's team) and read by the
# coordinators: the guide's checklist for starting (ch. 8), roles, a time plan,
# expense allowances, documents, the closing review and the history of it all.


class Side(models.TextChoices):
    PARTNER = "partner", _("Anfragende Seite")
    MO = "mo", _("Migrantenorganisation")
    BOTH = "both", _("Beide")


class Cooperation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Läuft")
        CLOSED = "closed", _("Abgeschlossen")

    request = models.OneToOneField(
        CooperationRequest, on_delete=models.CASCADE, related_name="space"
    )
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    goals = models.TextField(
        _("Gemeinsame Ziele"),
        max_length=3000,
        blank=True,
        help_text=_("Was wollen Sie gemeinsam erreichen? Woran merken Sie, dass es gelungen ist?"),
    )
    partner_role = models.TextField(
        _("Rolle der anfragenden Seite"),
        max_length=3000,
        blank=True,
        help_text=_("Was übernimmt die Institution: Ansprechperson, Räume, Geld, Zugänge?"),
    )
    mo_role = models.TextField(
        _("Rolle der Migrantenorganisation"),
        max_length=3000,
        blank=True,
        help_text=_("Was übernimmt die Organisation: Zugang zur Community, Beratung, Übersetzung?"),
    )
    working_arrangements = models.TextField(
        _("Absprachen zur Zusammenarbeit"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Wie oft treffen Sie sich, wer informiert wen, wie werden Entscheidungen getroffen?"
        ),
    )
    opened_at = models.DateTimeField(_("Begonnen am"), default=timezone.now)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    reference = models.OneToOneField(
        "directory.Reference",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperation",
    )
    version = version_field()

    class Meta:
        verbose_name = _("Zusammenarbeit")
        verbose_name_plural = _("Zusammenarbeiten")

    def __str__(self) -> str:
        return str(self.request)

    def get_absolute_url(self) -> str:
        return reverse("cooperation:space", kwargs={"pk": self.request_id})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ChecklistEntry(models.Model):
    """A point of the guide's checklist (ch. 8, "Zusammenarbeit"), copied when the
    space opens: a later edit of the guide does not change what both ticked."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("Punkt"), max_length=300)
    guide_item = models.ForeignKey(
        "guidance.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("Notiz"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Milestone(models.Model):
    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("Meilenstein"), max_length=200, validators=[ONE_LINE])
    due_on = models.DateField(_("Bis wann"))
    responsible = models.CharField(
        _("Wer ist verantwortlich?"), max_length=8, choices=Side.choices, default=Side.BOTH
    )
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Allowance(models.Model):
    """An agreed expense allowance (Aufwandsentschädigung, guide ch. 8): for what,
    how much, and who pays, so that volunteers are not left with the costs."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("pro Stunde")
        SESSION = "session", _("pro Termin")
        MONTH = "month", _("pro Monat")
        TOTAL = "total", _("insgesamt")

    class Payer(models.TextChoices):
        PARTNER = "partner", _("die anfragende Seite")
        MO = "mo", _("die Migrantenorganisation")
        FUNDING = "funding", _("eine Förderung")

    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="allowances"
    )
    purpose = models.CharField(_("Wofür"), max_length=200, validators=[ONE_LINE])
    amount = models.DecimalField(
        _("Betrag in Euro"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("Einheit"), max_length=8, choices=Unit.choices, default=Unit.SESSION)
    paid_by = models.CharField(
        _("Wer zahlt?"), max_length=8, choices=Payer.choices, default=Payer.PARTNER
    )

    class Meta:
        verbose_name = _("Aufwandsentschädigung")
        verbose_name_plural = _("Aufwandsentschädigungen")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.purpose


class SpaceDocument(models.Model):
    """A document shared in the space. Kept in the database, never under the
    public media address: only the two sides and coordinators can fetch it, as
    a download (cooperation.documents checks the upload)."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("Dateiname"), max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class SpaceReview(models.Model):
    """Each side's closing review: what worked, what to do differently."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="reviews")
    side = models.CharField(max_length=8, choices=Side.choices)
    went_well = models.TextField(_("Was ist gut gelaufen?"), max_length=3000)
    improve = models.TextField(
        _("Was würden Sie beim nächsten Mal anders machen?"), max_length=3000, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperation", "side"], name="one_review_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.cooperation} – {self.side}"


class SpaceEvent(models.Model):
    """The history of the space: who did what, when (never edited). The action
    is a code shown in the reader's language; ``detail`` names the object (a
    milestone's title, a file name) as it was then."""

    class Action(models.TextChoices):
        OPENED = "opened", _("hat die Anfrage angenommen; die Zusammenarbeit beginnt")
        PLAN = "plan", _("hat Ziele und Rollen geändert")
        CHECKED = "checked", _("hat einen Punkt der Checkliste abgehakt")
        UNCHECKED = "unchecked", _("hat einen Punkt der Checkliste wieder geöffnet")
        MILESTONE = "milestone", _("hat einen Meilenstein eingetragen")
        MILESTONE_DONE = "milestone_done", _("hat einen Meilenstein als erledigt markiert")
        MILESTONE_REMOVED = "milestone_removed", _("hat einen Meilenstein gelöscht")
        ALLOWANCE = "allowance", _("hat eine Aufwandsentschädigung eingetragen")
        ALLOWANCE_REMOVED = "allowance_removed", _("hat eine Aufwandsentschädigung gelöscht")
        DOCUMENT = "document", _("hat ein Dokument hochgeladen")
        DOCUMENT_REMOVED = "document_removed", _("hat ein Dokument gelöscht")
        CLOSED = "closed", _("hat die Zusammenarbeit abgeschlossen")
        REVIEWED = "reviewed", _("hat den Rückblick geschrieben")
        REFERENCE = "reference", _("hat die Referenz geschrieben")
        REFERENCE_CONFIRMED = "reference_confirmed", _("hat die Referenz bestätigt")
        REFERENCE_WITHDRAWN = (
            "reference_withdrawn",
            _("hat die Bestätigung der Referenz zurückgenommen"),
        )

    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.detail}".strip()
