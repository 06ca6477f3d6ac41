"""Full-text search over organisations: the one place where SQLite and
PostgreSQL differ.

PostgreSQL: the ``german`` text search configuration over a stored search
vector (kept by a trigger from ``search_document``, GIN index), ranked; where
it finds nothing among the profiles searched (never decided on others: the
answer must not tell whether an unpublished profile holds a word), trigram word
similarity on the name, so that a misspelt name still matches.

SQLite: every word of the query must occur in the lower-cased
``search_document``; Python lower-cases both sides, so umlauts match
case-insensitively ("ärzte" finds "Ärzte").
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

MAX_QUERY_LENGTH = 200
TRIGRAM_WEIGHT = 0.5
MAX_FUZZY_WORDS = 6


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def clean_query(query: str | None) -> str:
    """Whitespace-normalised, bounded query text ('' for nothing to search)."""
    if not query:
        return ""
    text = " ".join(query.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH]


def _tsquery(query: str) -> SearchQuery:
    return SearchQuery(query, config="german", search_type="websearch")


def _published():
    from directory.models import Organisation

    return Organisation.objects.published()


def _fuzzy_condition(query: str, scope: QuerySet) -> Q | None:
    """Typo tolerance, as a fallback: only when the full-text search finds no MO
    in ``scope`` (the profiles being searched) does every word of the query have
    to be similar to a word of the name ("Kontackt" finds "Kontakt e. V."). Always
    on, it made "Frauenverein" match every "...verein" and cost a heap recheck of
    thousands of rows. Decided on ``scope`` only: a word that only an unpublished
    profile holds must not switch the fallback off (issue 14, finding 5)."""
    words = [w for w in query.split() if sum(c.isalnum() for c in w) >= 3][:MAX_FUZZY_WORDS]
    if not words or scope.filter(search_vector=_tsquery(query)).exists():
        return None
    fuzzy = Q()
    for word in words:
        fuzzy &= Q(name__trigram_word_similar=word)
    return fuzzy


def search_condition(query: str, scope: QuerySet | None = None) -> Q:
    """The condition under which an organisation of ``scope`` (default: the
    published profiles) matches ``query`` (usable in filters and in conditional
    expressions, e.g. for scoring). Apply it to ``scope`` or a part of it: the
    typo fallback is decided on ``scope``."""
    query = clean_query(query)
    if is_postgres():
        condition = Q(search_vector=_tsquery(query))
        fuzzy = _fuzzy_condition(query, _published() if scope is None else scope)
        return condition | fuzzy if fuzzy else condition
    condition = Q()
    for word in query.lower().split():
        condition &= Q(search_document__contains=word)
    return condition


def matching_condition(query: str, model, scope: QuerySet | None = None) -> Q:
    """``pk IN (matches)``: the matching organisations of ``scope`` (default: the
    published profiles of ``model``) as a condition on another query of ``model``
    (e.g. in a scoring CASE). On PostgreSQL one subquery for the full-text match
    and one for the fuzzy name match, so that each uses its GIN index and is
    evaluated once (hashed) instead of scanning the table."""
    query = clean_query(query)
    scope = model.objects.published() if scope is None else scope
    if not is_postgres():
        return Q(pk__in=scope.filter(search_condition(query, scope)).values("pk"))
    condition = Q(pk__in=scope.filter(search_vector=_tsquery(query)).values("pk"))
    fuzzy = _fuzzy_condition(query, scope)
    if fuzzy:
        condition |= Q(pk__in=scope.filter(fuzzy).values("pk"))
    return condition


def search_organisations(queryset: QuerySet, query: str) -> QuerySet:
    """Filter to organisations matching ``query`` and annotate ``rank``.

    PostgreSQL: full-text match of the whole query (ranked by ts_rank, the name
    weighted highest); where that finds nothing, for typos, every word of it
    similar to a word of the name (ranked by that similarity) (pg_trgm word similarity from
    settings.SEARCH_WORD_SIMILARITY, set on each connection; GIN trigram index).
    """
    query = clean_query(query)
    if not query:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    queryset = queryset.filter(search_condition(query, queryset))
    if is_postgres():
        tsquery = SearchQuery(query, config="german", search_type="websearch")
        # The trigram similarity only for fuzzy (misspelt) matches: computing it
        # for every full-text match would double the cost of a broad query.
        return queryset.annotate(
            rank=Case(
                When(search_vector=tsquery, then=SearchRank(F("search_vector"), tsquery)),
                default=TrigramWordSimilarity(query, "name") * TRIGRAM_WEIGHT,
                output_field=FloatField(),
            )
        )
    return queryset.annotate(rank=Value(0.0, output_field=FloatField()))


def build_search_document(*, organisation, term_labels, offers) -> str:
    parts = [
        organisation.name,
        organisation.short_name,
        organisation.city,
        organisation.postal_code,
        organisation.description,
        organisation.description_en,
    ]
    for offer in offers:
        parts.extend([offer.title, offer.summary])
    parts.extend(term_labels)
    return " ".join(p for p in parts if p).lower()
