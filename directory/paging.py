"""Pages of filtered lists that stay fast at any size.

Ordered by an indexed column (name, id) and cut to a page, PostgreSQL walks that
index and tests every row against the filter until the page is full: instant
when many MOs match, but a walk past nearly all 160,000 when few do (1.7 s for a
rare name at 160,000). So where the count (needed for the page anyway) is small,
the same order is given as an expression that no index serves: PostgreSQL then
fetches the few matches through their own indexes and sorts them. The order of
the results is the same either way.

Which one: the walk passes about (offset + page size) x published / matches
rows before the page is full, if the matches are spread evenly over the
order (they need not be: the 4,600 MOs of a rare language at 160,000 in the
demo data are met after 5,300 rows, not the 700 expected). Where that is at
most WALK_LIMIT rows, or at most a SORT_FACTOR-th of the matches, the walk is
taken; otherwise the sort. (Before, any result under 20,000 was sorted:
the whole directory at 16,000 MOs was read and sorted for every API page,
38 ms, where the walk takes about 1 ms.)
"""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast, Concat

from core.pagecache import cached
from directory.models import Organisation

# Rows an index walk may pass before the page is full (expected: the estimate
# assumes evenly spread matches). At 160,000 MOs a walked row whose page is not
# in PostgreSQL's buffers costs about 40 microseconds, a sorted match about 10
# (a rare language: 5,300 rows walked, 330 ms; its 4,600 matches sorted: 46 ms).
WALK_LIMIT = 200
# A walk is also taken where it is expected to pass at most this fraction of
# the matches (a margin of four for the cost per row, four for an uneven spread).
SORT_FACTOR = 16
# A walked row costs about four sorted ones (see WALK_LIMIT).
WALKED_ROW_COST = 4


def unindexed(field: str, kind: str = "text"):
    if kind == "text":
        return Concat(F(field), Value(""), output_field=CharField())
    return Cast(F(field), IntegerField()) + Value(0)


def published_count() -> int:
    """How many profiles are published (cached per generation of the directory)."""
    return cached(
        "published-count",
        (),
        lambda: Organisation.objects.published().count(),
        namespaces=("directory",),
    )


def filtered_count(queryset) -> int:
    """How many rows ``queryset`` (published profiles, or what hangs on them)
    has: counted once per generation of the directory, which every change to a
    profile or its publication renews, so the figure is exact. Keyed by the
    query's own SQL, so two lists that read the same parameter differently
    (the API ignores HSDS's modified_after) never share a count; the same for
    every client (nothing personal is counted). At 160,000 MOs a COUNT of a
    common filter takes 100-300 ms; a client paging through a list asked it
    again on every page."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    return cached("filtered-count", (sql, repr(params)), queryset.count, namespaces=("directory",))


def order_for_page(queryset, total: int, *fields: tuple[str, str], until: int):
    """``fields``: (name, "text" | "number") pairs in order; ``until``: the end
    of the page asked for (offset + page size)."""
    if not total:  # nothing to order (and a page past the end costs no query)
        return queryset
    if until > WALK_LIMIT and until >= total:
        # A long walk past every match to the last page, or beyond it (where a
        # page past the end costs no query: the published are not counted).
        return _sorted(queryset, fields, until)
    published = published_count()
    if total >= published:
        # Every profile matches: the walk passes exactly ``until`` rows (no uneven
        # spread), the sort reads and sorts all of them. Page 38 of 50 at 16,000:
        # sorted 43 ms, walked 3 ms.
        if until * WALKED_ROW_COST <= total:
            return queryset.order_by(*(name for name, _kind in fields))
        return _sorted(queryset, fields, until)
    if until > WALK_LIMIT and until * SORT_FACTOR > total:
        # The walk passes at least ``until`` rows: the sort.
        return _sorted(queryset, fields, until)
    walked = until * published  # x total: the rows the walk passes
    # A short walk; or one that passes a small part of what the sort would
    # fetch and sort (a later page of a large result: page 38 of all 160,000
    # walks 1,900 rows in a few ms, sorting them all takes 320 ms).
    if walked <= WALK_LIMIT * total or walked * SORT_FACTOR <= total * total:
        return queryset.order_by(*(name for name, _kind in fields))
    return _sorted(queryset, fields, until)


def _sorted(queryset, fields: tuple[tuple[str, str], ...], until: int):
    """The matches sorted by an expression no index serves, in two steps: the
    keys of the first ``until`` (from the published profiles' covering index
    where it holds the order's columns, without reading a row), then the rows of
    those only. Sorting whole rows read every matching row: a third of 16,000
    profiles, 30 ms."""
    order = [unindexed(name, kind) for name, kind in fields]
    first = queryset.order_by(*order).values("pk")[:until]
    return queryset.filter(pk__in=first).order_by(*order)


class CountedPaginator(Paginator):
    """A paginator that takes a count already made (one COUNT query, not two)."""

    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count
