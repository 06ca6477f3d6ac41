"""The OpenAPI schema documents every answer the API gives, errors included."""

from drf_spectacular.openapi import AutoSchema

ERROR = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": True},
        }
    }
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in ("GET", "HEAD"):
            if self._is_list_view():
                responses.setdefault(
                    "400", {"description": "A filter or page value is not valid.", **ERROR}
                )
            responses.setdefault(
                "404", {"description": "Not found (or page out of range).", **ERROR}
            )
            responses.setdefault("429", {"description": "Too many requests: slow down.", **ERROR})
        return responses
