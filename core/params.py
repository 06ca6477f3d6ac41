"""Bounded query parameters, for every page and the API alike.

A filter given many times costs a join each (``/organisationen/?language=de``
repeated 300 times kept PostgreSQL busy for 89 s, issue 20). Before any view sees
the query string:

- a query string longer than MAX_QUERY_STRING_LENGTH characters is refused;
- repeated values of one parameter are dropped (the last occurrence of each value
  is kept, so ``request.GET.get`` still answers the last value given) and the
  request goes on with the cleaned query (``request.GET`` and QUERY_STRING), so a
  link that collected duplicates still works and costs one filter per value;
  under /api/ the limit below counts every value given (the schema's maxItems);
- more than MAX_VALUES_PER_PARAMETER different values of one parameter, or more
  than MAX_PARAMETERS parameters in all, are refused.

Refused: the 400 page naming the limit, or under /api/ a JSON 400 in the API's
format ({"detail": ...}). The limits are far above what any form of the portal
sends (a facet's checkboxes narrow the result: twenty values of one facet find
nobody). Free text is bounded where it is searched (directory.search.clean_query).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext as _

from core.errors import API_PATH, bad_request

MAX_QUERY_STRING_LENGTH = (
    32768  # nginx refuses long before (8k headers); a pasted text gets through
)
MAX_VALUES_PER_PARAMETER = 20
MAX_PARAMETERS = 200


def distinct_values(values: list[str]) -> list[str]:
    """``values`` without repetitions, each at the place of its last occurrence."""
    last = {value: index for index, value in enumerate(values)}
    return [value for index, value in enumerate(values) if last[value] == index]


def _refuse(request: HttpRequest, detail: str, message: str) -> HttpResponse:
    if request.path.startswith(API_PATH):
        return JsonResponse({"detail": detail}, status=400)
    return bad_request(request, message=message)


class QueryLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "")
        if not raw:
            return self.get_response(request)
        if len(raw) > MAX_QUERY_STRING_LENGTH:
            return _refuse(
                request,
                f"The query string is too long (at most {MAX_QUERY_STRING_LENGTH} characters).",
                _("Der Link zu dieser Suche ist zu lang. Bitte wählen Sie weniger Filter aus."),
            )
        cleaned = QueryDict(mutable=True)
        changed = False
        total = 0
        api = request.path.startswith(API_PATH)
        for name, values in request.GET.lists():
            distinct = distinct_values(values)
            changed = changed or len(distinct) != len(values)
            # The API counts every value given (its schema's maxItems), the pages
            # the different ones.
            if len(values if api else distinct) > MAX_VALUES_PER_PARAMETER:
                return _refuse(
                    request,
                    f"Too many values for the parameter {name!r} "
                    f"(at most {MAX_VALUES_PER_PARAMETER}).",
                    _(
                        "Zu viele Werte für „%(name)s“: höchstens %(limit)s. "
                        "Bitte wählen Sie weniger aus."
                    )
                    % {"name": name, "limit": MAX_VALUES_PER_PARAMETER},
                )
            total += len(distinct)
            cleaned.setlist(name, distinct)
        if total > MAX_PARAMETERS:
            return _refuse(
                request,
                f"Too many query parameters (at most {MAX_PARAMETERS}).",
                _("Die Adresse enthält zu viele Angaben. Bitte wählen Sie weniger Filter aus."),
            )
        if changed:
            query_string = cleaned.urlencode()
            request.META["QUERY_STRING"] = query_string
            request.GET = QueryDict(query_string, encoding=request.encoding)
        return self.get_response(request)
