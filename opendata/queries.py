"""What open data may contain: published profiles only, with public contact
data only (see hsds.PUBLIC and directory.access.visible_contact)."""

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from directory.models import Offer, Organisation
from directory.relations import BY_KIND
from directory.vocabulary import get_vocabulary, terms_by_organisation
from opendata.hsds import uid


class BadParameter(ValueError):
    pass


def published():
    return Organisation.objects.published().select_related("state")


def term_by_uid(value: str):
    for term in get_vocabulary().by_id.values():
        if uid("term", term.pk) == value:
            return term
    return None


def filter_by_term(queryset, term, prefix=""):
    relation = BY_KIND.get(term.kind)
    if relation is None:
        return queryset.none()
    return queryset.filter(**{f"{prefix}{relation.field}": term.pk})


def modified_since(value: str):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise BadParameter("modified_after must be an ISO 8601 date or date-time")
        from datetime import datetime, time

        moment = datetime.combine(day, time.min)
    return make_aware(moment) if is_naive(moment) else moment


def offers_of_published():
    return (
        Offer.objects.filter(organisation__status=Organisation.Status.PUBLISHED)
        .select_related("organisation", "organisation__state")
        .prefetch_related("languages")
        .order_by("pk")
    )


def with_terms(organisations):
    return terms_by_organisation([o.pk for o in organisations])
