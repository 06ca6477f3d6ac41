"""The OpenAPI schema documents every answer the API gives, errors included,
and every parameter as the API reads it: vocabulary filters take slugs (an
enum of the current vocabulary), choices their values, never database ids."""

from typing import Any

from django.db import DatabaseError
from django_filters import ChoiceFilter, MultipleChoiceFilter
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from core.params import MAX_VALUES_PER_PARAMETER

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in words."},
        "errors": {
            "type": "object",
            "description": "Per query parameter: what is wrong with its value.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

HEADERS = {
    "X-Ignored-Parameters": {
        "description": "Query parameters this operation does not know, comma-separated "
        "(they had no effect). Absent when every parameter was used.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "Version of this answer (If-None-Match → 304).",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "How long the answer may be kept.",
        "schema": {"type": "string"},
    },
}


def _choices(filter_: Any) -> list[str] | None:
    """The values a choice filter takes; None while the vocabulary cannot be read
    (the database unreachable, e.g. in ``check --deploy`` without one)."""
    choices = filter_.extra.get("choices", ())
    if callable(choices):
        try:
            choices = choices()
        except DatabaseError:
            return None
    return [str(value) for value, _label in choices]


class PortalAutoSchema(AutoSchema):
    def _get_parameters(self):
        """Choice filters as enums of the values the API takes (slugs); a
        parameter given several times takes at most MAX_VALUES_PER_PARAMETER
        different values (core/params.py)."""
        parameters = super()._get_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            schema = parameter.get("schema", {})
            filter_ = filters.get(parameter["name"]) if parameter.get("in") == "query" else None
            if isinstance(filter_, (MultipleChoiceFilter, ChoiceFilter)):
                # Every value the API takes (the languages too: ISO 639-1, about
                # 180), so that a schema-valid value is never refused.
                values = _choices(filter_)
                schema = (
                    {"type": "string"} if values is None else {"type": "string", "enum": values}
                )
                if isinstance(filter_, MultipleChoiceFilter):
                    schema = {"type": "array", "items": schema}
                    parameter.update(style="form", explode=True)
                parameter["schema"] = schema
            if filter_ is not None and filter_.label and not parameter.get("description"):
                parameter["description"] = str(filter_.label)
            if parameter.get("in") == "query" and schema.get("type") == "array":
                schema.setdefault("maxItems", MAX_VALUES_PER_PARAMETER)  # core/params.py
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True  # an empty value: not given
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(error)
        ERROR = {"content": {"application/json": {"schema": error.ref}}}
        if self.method in ("GET", "HEAD"):
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(HEADERS)
            responses.setdefault(
                "400",
                {"description": "A parameter's value is not valid (JSON detail).", **ERROR},
            )
            responses.setdefault(
                "404", {"description": "Not found (or page out of range).", **ERROR}
            )
            responses.setdefault("429", {"description": "Too many requests: slow down.", **ERROR})
            responses.setdefault(
                "503",
                {"description": "The database is unavailable or too slow: retry.", **ERROR},
            )
        return responses
