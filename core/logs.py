"""Structured request logs without personal data.

One JSON line per request on the logger ``portal.requests``: the route pattern
(``organisationen/<slug:slug>/``, never the concrete path, which may carry
tokens), the view name, method, status, duration and a request id that is also
sent back as ``X-Request-ID``. No IP address, no user agent, no query string, no
user id or e-mail address: only whether the visitor was signed in.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("portal.requests")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object (its ``fields`` extra merged in)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class IdentifiedRequest(HttpRequest):
    """A request that carries the id of its log line (also sent as ``X-Request-ID``)."""

    id: str


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(IdentifiedRequest, http_request)
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        fields = {
            "request_id": request.id,
            "method": request.method,
            "route": match.route if match else None,
            "view": match.view_name if match else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            # Only if the session was looked at anyway: never a query just for the log.
            "signed_in": (
                bool(user.is_authenticated) if user is not None and _loaded(request) else None
            ),
        }
        response["X-Request-ID"] = request.id
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(level, "request", extra={"fields": fields})
        return response


def _loaded(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", None)
    return user is not None and wrapped is not empty and wrapped is not None
