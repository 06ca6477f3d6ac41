"""What open data may contain: published profiles only, with public contact
data only (see hsds.PUBLIC and directory.access.visible_contact)."""

import re
from datetime import UTC, datetime, time
from urllib.parse import quote

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from directory.models import SEARCH_TEXTS, Offer, Organisation
from directory.relations import BY_KIND
from directory.search import clean_query
from directory.vocabulary import get_vocabulary, terms_by_organisation
from opendata.hsds import uid


class BadParameter(ValueError):
    pass


def ignored_header(names) -> str:
    """The X-Ignored-Parameters value: the names as written in a URL (a header
    holds no line break or other script)."""
    return ", ".join(quote(name, safe="") for name in sorted(names))


def clean_search(value: str | None) -> str:
    """Search text as searched: whitespace-normalised, without NUL, at most
    directory.search.MAX_QUERY_LENGTH characters ('' for none)."""
    return clean_query(value)


def published():
    return Organisation.objects.published().without_search_texts().select_related("state")


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


MAX_PAGE = 1_000_000
# "20.0" is a whole number too (JSON Schema's integer; some clients write it so).
_WHOLE_NUMBER = re.compile(r"([0-9]{1,12})(?:\.0{1,12})?")


def whole_number(name: str, value: str, *, maximum: int) -> int:
    """A page number or size as given in a query: digits only (no sign, no spaces,
    no other scripts' digits), from 1 to ``maximum``."""
    match = _WHOLE_NUMBER.fullmatch(value)
    if match is None or not 1 <= int(match[1]) <= maximum:
        raise BadParameter(f"{name} must be a whole number from 1 to {maximum}")
    return int(match[1])


def modified_since(value: str):
    """The moment of an ISO 8601 date or date-time; an impossible one (9999-99-99,
    a year out of range) is a BadParameter."""
    problem = "modified_after must be an ISO 8601 date or date-time"
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise BadParameter(problem)
            moment = datetime.combine(day, time.min)
        moment = make_aware(moment) if is_naive(moment) else moment
        moment.astimezone(UTC)  # what the database is given: in range?
    except (ValueError, OverflowError):
        raise BadParameter(problem) from None
    return moment


def offers_of_published():
    return (
        Offer.objects.filter(organisation__status=Organisation.Status.PUBLISHED)
        .select_related("organisation", "organisation__state")
        .defer(*(f"organisation__{name}" for name in SEARCH_TEXTS))
        .prefetch_related("languages")
        .order_by("pk")
    )


def with_terms(organisations):
    return terms_by_organisation([o.pk for o in organisations])
