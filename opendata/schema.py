"""The OpenAPI schema documents every answer the API gives, errors included."""

from drf_spectacular.openapi import AutoSchema

from core.params import MAX_VALUES_PER_PARAMETER

ERROR = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": True},
        }
    }
}


class PortalAutoSchema(AutoSchema):
    def _get_parameters(self):
        """A parameter given several times takes at most MAX_VALUES_PER_PARAMETER
        different values (core/params.py)."""
        parameters = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter.get("in") == "query" and schema.get("type") == "array":
                schema.setdefault("maxItems", MAX_VALUES_PER_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in ("GET", "HEAD"):
            if self._is_list_view():
                responses.setdefault(
                    "400",
                    {"description": "A filter or page value is not valid (JSON detail).", **ERROR},
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
