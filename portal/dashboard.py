"""The coordinators' figures: where MOs are, what they do, where support is
needed. No figure ever describes a group of fewer than five MOs."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import CooperationRequest
from cooperation.services import worklist
from directory import outreach, reach
from directory.models import Organisation, ProfileRevision
from directory.vocabulary import get_vocabulary
from support.models import Answer, Assessment, SupportOffer
from support.questions import AREAS, NEED_THRESHOLD

SMALL_GROUP = 5


@dataclass
class Figure:
    label: str
    value: int | None  # None: suppressed (a group of 1 to 4 MOs)
    url: str = ""  # the list behind the figure, if there is one

    @property
    def shown(self) -> str:
        return "< 5" if self.value is None else f"{self.value:n}"


def protect(count: int) -> int | None:
    """The small-group rule: 1 to 4 MOs are never shown as a number."""
    return None if 0 < count < SMALL_GROUP else count


def mos_by_state() -> list[Figure]:
    vocab = get_vocabulary()
    counts = dict(
        Organisation.objects.published()
        .values_list("state_id")
        .annotate(n=Count("pk"))
        .values_list("state_id", "n")
    )
    return [Figure(t.label, protect(counts.get(t.pk, 0))) for t in vocab.kind("state")]


def mos_by_role() -> list[Figure]:
    vocab = get_vocabulary()
    through = Organisation.roles.through
    counts = dict(
        through.objects.filter(organisation__status=Organisation.Status.PUBLISHED)
        .values_list("term_id")
        .annotate(n=Count("organisation_id"))
        .values_list("term_id", "n")
    )
    return [Figure(t.label, protect(counts.get(t.pk, 0))) for t in vocab.kind("role")]


def needs_by_state() -> tuple[list, list[tuple[str, Figure, list[Figure]]]]:
    """Per state: MOs with a submitted assessment, and per need area how many of
    them rate it a need (score 2 or 3) in their latest round."""
    vocab = get_vocabulary()
    latest = (
        Assessment.objects.filter(
            organisation=OuterRef("assessment__organisation"), status=Assessment.Status.SUBMITTED
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    answers = Answer.objects.filter(
        assessment__status=Assessment.Status.SUBMITTED, assessment_id=Subquery(latest)
    )
    needs = {
        (state, area): n
        for state, area, n in answers.filter(score__gte=NEED_THRESHOLD)
        .values_list("assessment__organisation__state_id", "area")
        .annotate(n=Count("assessment__organisation", distinct=True))
        .values_list("assessment__organisation__state_id", "area", "n")
    }
    assessed = dict(
        Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
        .values_list("organisation__state_id")
        .annotate(n=Count("organisation", distinct=True))
        .values_list("organisation__state_id", "n")
    )
    areas = [vocab.get("need", area) for area, _q in AREAS]
    rows = []
    for state in vocab.kind("state"):
        total = assessed.get(state.pk, 0)
        if not total:
            continue
        rows.append(
            (
                state.label,
                Figure(_("bewertet"), protect(total)),
                [Figure(a.label, protect(needs.get((state.pk, a.slug), 0))) for a in areas],
            )
        )
    return [a.label for a in areas], rows


def work_figures(today: datetime.date | None = None) -> list[Figure]:
    """The coordinators' own queues: exact counts. The small-group rule protects
    statistics about MOs and people, not a coordinator's list of things to do."""
    today = today or timezone.localdate()
    outreach_url = reverse("outreach")
    open_requests = CooperationRequest.objects.filter(status=CooperationRequest.Status.OPEN)
    return [
        Figure(_("Offene Kooperations- und Tandemanfragen"), open_requests.count()),
        Figure(
            _("Anfragen, die Hilfe brauchen (nicht zustellbar oder unbeantwortet)"),
            worklist().count(),
            reverse("request_worklist"),
        ),
        Figure(
            _("Ohne Team und ohne E-Mail: keine Nachricht erreicht sie"),
            reach.without_email().count(),
            outreach_url + "?liste=ohne-e-mail",
        ),
        Figure(
            _("Profile, die auf Prüfung warten"),
            Organisation.objects.filter(status=Organisation.Status.IN_REVIEW).count(),
            reverse("directory:review_queue"),
        ),
        Figure(
            _("Änderungen an veröffentlichten Profilen, die auf Prüfung warten"),
            ProfileRevision.objects.filter(state=ProfileRevision.State.PENDING).count(),
            reverse("directory:review_queue"),
        ),
        Figure(
            _("Veröffentlichte Profile ohne Team"),
            reach.without_team().count(),
            outreach_url + "?liste=ohne-team",
        ),
        Figure(
            _("Gar nicht erreichbar: ohne Team, E-Mail-Adresse und Postanschrift"),
            reach.unreachable().count(),
            outreach_url + "?liste=unerreichbar",
        ),
        Figure(
            _("Profile seit 12 Monaten nicht bestätigt"),
            outreach.unconfirmed(today).count(),
            outreach_url + "?liste=nicht-bestaetigt",
        ),
    ]


def offers_with_interest() -> list[Figure]:
    offers = (
        SupportOffer.objects.published()
        .annotate(n=Count("interests__organisation", distinct=True))
        .order_by("-n", "title")
    )
    return [Figure(o.title, protect(o.n)) for o in offers]


def bars(figures: list[Figure], width: int = 300) -> list[dict]:
    """Bar lengths for a server-rendered SVG chart (suppressed figures: no bar)."""
    top = max((f.value or 0 for f in figures), default=0) or 1
    return [
        {
            "label": f.label,
            "shown": f.shown,
            "length": round((f.value or 0) / top * width),
            "y": index * 26,
        }
        for index, f in enumerate(figures)
    ]
