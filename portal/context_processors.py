"""What every page of the portal shows from the portal room: the operator slot."""

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core import pagecache
from portal.models import Operator


def _load() -> Operator | None:
    operator = Operator.objects.filter(pk=Operator.SINGLETON).first()
    return None if operator is None or operator.is_empty else operator


def current_operator() -> Operator | None:
    try:
        # False, not None, for "no operator set": None would count as not cached.
        kept: Operator | bool = pagecache.cached(
            "operator", None, lambda: _load() or False, namespaces=()
        )
        return kept if isinstance(kept, Operator) else None
    except DatabaseError:  # the footer does without it, as the error pages do
        return None


def operator(request: HttpRequest) -> dict[str, object]:
    """The operator and funder shown in the footer, read once until the next
    change of the slot (portal.services.operator_save clears every cache) and
    only when a page renders its footer; the anonymous pages keep it in their
    cached HTML."""
    return {"operator": SimpleLazyObject(current_operator)}
