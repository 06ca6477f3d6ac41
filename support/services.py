"""Assessments and their results, matching of offers and mentors, interest,
the expert pool."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.concurrency import advance_version
from directory.models import Organisation, Term
from directory.reach import Reach, reach_of
from directory.services import notify_members
from directory.vocabulary import get_vocabulary
from guidance.models import Item
from mailer.services import mail_user, queue_mail
from support.models import Answer, Assessment, Expert, Interest, Mentor, SupportOffer
from support.questions import AREAS, NEED_THRESHOLD, QUESTION_AREA

if TYPE_CHECKING:
    from accounts.models import User


class SupportError(Exception):
    pass


@transaction.atomic
def offer_save(*, offer: SupportOffer, expected_version: int | None) -> SupportOffer:
    """Save a new or edited support offer; an edit only if the offer is still
    at the version the form was loaded from (else ``core.concurrency.Conflict``,
    nothing written). Its terms are set by the caller in the same transaction."""
    if offer.pk is not None:
        offer.version = advance_version(SupportOffer, offer.pk, expected_version)
    offer.save()
    return offer


def assessment_start(*, organisation: Organisation, by: User) -> Assessment:
    """The open draft round, or a new round (one draft per MO: a constraint)."""
    draft = organisation.assessments.filter(status=Assessment.Status.DRAFT).first()
    if draft:
        return draft
    try:
        with transaction.atomic():
            return Assessment.objects.create(organisation=organisation, created_by=by)
    except IntegrityError:  # begun at the same moment by someone else of the team
        return organisation.assessments.get(status=Assessment.Status.DRAFT)


@transaction.atomic
def assessment_save(
    *, assessment: Assessment, answers: Mapping[str, tuple[int | None, str]], submit: bool
) -> Assessment:
    """Store answers ({question: (score, comment)}); with submit, close the round."""
    if assessment.status != Assessment.Status.DRAFT:
        raise SupportError("submitted")
    for question, (score, comment) in answers.items():
        if score is None:
            Answer.objects.filter(assessment=assessment, question=question).delete()
            continue
        Answer.objects.update_or_create(
            assessment=assessment,
            question=question,
            defaults={"area": QUESTION_AREA[question], "score": score, "comment": comment},
        )
    if submit:
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.save(update_fields=["status", "submitted_at"])
    return assessment


@dataclass
class AreaResult:
    term: Term
    score: int  # the highest score of the area's questions
    comments: list[str]
    guide_items: list[Item] = field(default_factory=list)  # set by the result page

    @property
    def is_need(self) -> bool:
        return self.score >= NEED_THRESHOLD


def needs_profile(assessment: Assessment) -> list[AreaResult]:
    """One result per need area answered, highest need first."""
    vocab = get_vocabulary()
    by_area: dict[str, AreaResult] = {}
    for answer in assessment.answers.all():
        term = vocab.get("need", answer.area)
        if term is None:
            continue
        result = by_area.setdefault(answer.area, AreaResult(term, 0, []))
        result.score = max(result.score, answer.score)
        if answer.comment:
            result.comments.append(answer.comment)
    order = [area for area, _questions in AREAS]
    return sorted(by_area.values(), key=lambda r: (-r.score, order.index(r.term.slug)))


def recommended_offers(
    *, organisation: Organisation, need_ids: list[int], limit: int = 10
) -> Sequence[SupportOffer]:
    """Published offers for these needs, in the MO's region or nationwide, best fit
    first: needs covered, then a shared language, then title."""
    if not need_ids:
        return []
    language_ids = list(organisation.languages.values_list("pk", flat=True))
    offers = (
        SupportOffer.objects.published()
        .filter(needs__in=need_ids)
        .filter(Q(states__isnull=True) | Q(states=organisation.state_id))
        .annotate(
            needs_met=Count("needs", filter=Q(needs__in=need_ids), distinct=True),
            language_match=Count("languages", filter=Q(languages__in=language_ids), distinct=True),
            language_count=Count("languages", distinct=True),
        )
        .select_related("format", "provider_organisation")
        .distinct()
        .order_by("-needs_met", "-language_match", "title")
    )
    return [o for o in offers[: limit * 2] if o.language_count == 0 or o.language_match][:limit]


def guide_items_for_needs(need_ids: list[int]) -> dict[int, list[Item]]:
    """{need term id: [published guide items tagged with it]}."""
    result: dict[int, list[Item]] = {pk: [] for pk in need_ids}
    items = (
        Item.objects.filter(is_published=True, terms__in=need_ids)
        .select_related("chapter")
        .prefetch_related("terms")
        .distinct()
        .order_by("chapter__number", "position")
    )
    for item in items:
        for term in item.terms.all():
            if term.pk in result:
                result[term.pk].append(item)
    return result


@transaction.atomic
def interest_register(
    *, offer: SupportOffer, organisation: Organisation, by: User, message: str
) -> Interest:
    interest, created = Interest.objects.get_or_create(
        offer=offer, organisation=organisation, defaults={"user": by, "message": message}
    )
    if not created:
        raise SupportError("already")
    context = {"offer": offer, "interest": interest, "interested": organisation, "sender": by}
    # The provider is meant to answer the interested person, who asked for it:
    # Reply-To is their address. The provider's own address is never shown.
    provider = offer.provider_organisation
    reach = reach_of(provider) if provider is not None else Reach.NONE
    if provider is not None and reach is Reach.TEAM:
        notify_members(provider, "interest-registered", context, reply_to=by.email)
        return interest
    # No team: the provider organisation's address on record, else the offer's contact.
    address = provider.email if provider is not None and reach is Reach.ADDRESS else ""
    queue_mail(
        to=address or offer.contact_email,
        template="interest-registered",
        context=context,
        reply_to=by.email,
    )
    return interest


def matching_mentors(
    *, organisation: Organisation, need_ids: list[int], language_ids: list[int]
) -> list[Mentor]:
    """Active mentors with free capacity (never the MO itself): in its state or
    nationwide; ordered by topics matched, then shared languages, then name."""
    from cooperation.models import CooperationRequest

    open_tandems = Count(
        "organisation__received_requests",
        filter=Q(
            organisation__received_requests__kind=CooperationRequest.Kind.TANDEM,
            organisation__received_requests__status=CooperationRequest.Status.ACCEPTED,
        ),
        distinct=True,
    )
    mentors = (
        Mentor.objects.filter(active=True, organisation__status=Organisation.Status.PUBLISHED)
        .exclude(organisation=organisation)
        .filter(Q(nationwide=True) | Q(organisation__state_id=organisation.state_id))
        .annotate(
            topics_met=Count("topics", filter=Q(topics__in=need_ids), distinct=True),
            languages_met=Count("languages", filter=Q(languages__in=language_ids), distinct=True),
            tandems=open_tandems,
        )
        .select_related("organisation", "organisation__state")
        .prefetch_related("topics", "languages")
        .order_by("-topics_met", "-languages_met", "organisation__name")
    )
    if need_ids:
        mentors = mentors.filter(topics_met__gt=0)
    return [m for m in mentors if m.tandems < m.capacity]


@transaction.atomic
def expert_register(
    *,
    user: User,
    organisation: Organisation | None,
    data: Mapping[str, Any],
    topics: Iterable[Term],
    languages: Iterable[Term],
) -> Expert:
    expert, _created = Expert.objects.update_or_create(
        user=user,
        defaults={**data, "organisation": organisation, "consent_at": timezone.now()},
    )
    expert.topics.set(topics)
    expert.languages.set(languages)
    return expert


def expert_withdraw(*, user: User) -> None:
    """Withdrawn at once: the listing and its details are removed."""
    Expert.objects.filter(user=user).delete()


def expert_contact(*, expert: Expert, by: User, message: str) -> None:
    # The expert is meant to answer the sender: Reply-To is the sender's address.
    mail_user(
        expert.user,
        "expert-contact",
        {"expert": expert, "sender": by, "message": message},
        reply_to=by.email,
    )


def personal_data(user: User) -> dict[str, Any]:
    """The expert-pool listing of a person (for the data export)."""
    expert = Expert.objects.filter(user=user).first()
    if expert is None:
        return {"expert_pool": None}
    return {
        "expert_pool": {
            "expertise": expert.expertise,
            "availability": expert.availability,
            "topics": [t.slug for t in expert.topics.all()],
            "languages": [t.slug for t in expert.languages.all()],
            "state": expert.state.slug if expert.state else None,
            "consent_at": expert.consent_at.isoformat(),
        }
    }
