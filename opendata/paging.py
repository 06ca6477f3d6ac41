"""Pages of filtered lists that stay fast at any size.

Ordered by an indexed column (name, id) and cut to a page, PostgreSQL walks that
index and tests every row against the filter until the page is full: instant
when many MOs match, but a walk past nearly all 160,000 when few do (1.7 s for a
rare name at 160,000). So where the count (needed for the page anyway) is small,
the same order is given as an expression that no index serves: PostgreSQL then
fetches the few matches through their own indexes and sorts them. The order of
the results is the same either way.
"""

from django.core.paginator import Paginator
from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast, Concat

SMALL_RESULT = 20_000


def unindexed(field: str, kind: str = "text"):
    if kind == "text":
        return Concat(F(field), Value(""), output_field=CharField())
    return Cast(F(field), IntegerField()) + Value(0)


def order_for_page(queryset, total: int, *fields: tuple[str, str]):
    """``fields``: (name, "text" | "number") pairs in order."""
    if total >= SMALL_RESULT:
        return queryset.order_by(*(name for name, _kind in fields))
    return queryset.order_by(*(unindexed(name, kind) for name, kind in fields))


class CountedPaginator(Paginator):
    """A paginator that takes a count already made (one COUNT query, not two)."""

    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count
