"""The HSDS API's own OpenAPI description (/api/hsds/openapi.json): the official
reference (opendata/schemas/hsds-3.0/openapi.json) as this server answers it.

- Its schemas are included (components), so that no reader has to fetch them
  from GitHub; the table schemas' references point inside the document.
- Parameters carry the limits this server enforces (page and per_page from 1,
  ids as UUIDs, a postcode of five digits, proximity in whole metres up to
  MAX_PROXIMITY, format json or ndjson, booleans); an empty value means "not
  given" (allowEmptyValue).
- Every operation declares its JSON errors (400, 404, 429, 503), the
  X-Ignored-Parameters header and, for lists, the ndjson stream.
"""

import copy
import functools
import json
from pathlib import Path
from typing import Any

from opendata.queries import MAX_PAGE

FOLDER = Path(__file__).resolve().parent / "schemas" / "hsds-3.0"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
MAX_PROXIMITY = 1_000_000  # metres
MAX_PER_PAGE_ASKED = 10**9  # more is cut to the page size this server gives
NOT_SCHEMA = ("name", "path", "datapackage_metadata")

PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE_ASKED},
    "format": {"type": "string", "enum": ["json", "ndjson"]},
    "modified_after": {"type": "string", "format": "date-time"},
    "organization_id": {"type": "string", "format": "uuid"},
    "parent_id": {"type": "string", "format": "uuid"},
    "postcode": {"type": "string", "pattern": "^[0-9]{5}$"},
    "proximity": {"type": "integer", "minimum": 1, "maximum": MAX_PROXIMITY},
}
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "400": "A parameter's value is not valid.",
    "404": "Not found.",
    "429": "Too many requests: slow down.",
    "503": "The database is unavailable or too slow: retry.",
}
IGNORED = {
    "description": "Query parameters this operation does not know, comma-separated.",
    "schema": {"type": "string"},
}


def _read(relative: str) -> dict:
    return json.loads((FOLDER / relative).read_text("utf-8"))


def _component(relative: str) -> str:
    """The component name of a schema file: organization.json -> organization,
    compiled/organization_list.json -> organization_list."""
    return Path(relative).stem


def _local_refs(value: Any, *, schema: bool = True) -> Any:
    """The document with its references to schema files made local (and, in a
    schema, without the tabular format's words)."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if schema and (
                key == "datapackage_metadata" or (key in NOT_SCHEMA and isinstance(item, str))
            ):
                continue  # the tabular format's words, not JSON Schema
            if key == "$ref" and isinstance(item, str) and not item.startswith("#"):
                item = "#/components/schemas/" + _component(item.removeprefix(REMOTE))
            result[key] = _local_refs(item, schema=schema)
        return result
    if isinstance(value, list):
        return [_local_refs(item, schema=schema) for item in value]
    return value


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for path in sorted(FOLDER.glob("*.json")):
        if path.name != "openapi.json":
            schemas[path.stem] = _local_refs(_read(path.name))
    for name in ("organization_list", "service_list", "service_at_location_list"):
        schemas[name] = _local_refs(_read(f"compiled/{name}.json"))
    schemas["Error"] = ERROR
    return schemas


def _parameter(parameter: dict) -> dict:
    parameter = copy.deepcopy(parameter)
    schema = PARAMETER_SCHEMAS.get(parameter["name"])
    if schema is None and parameter["schema"].get("type") == "boolean":
        schema = {"type": "boolean"}
    if schema is not None:
        parameter["schema"] = schema
    if parameter["in"] == "query":
        parameter["allowEmptyValue"] = True
    elif parameter["in"] == "path":
        parameter["schema"] = {"type": "string", "format": "uuid"}
    return parameter


@functools.cache
def description() -> dict:
    reference = _read("openapi.json")
    # compiled/organization.json (its references resolved) -> the table schema
    # organization, whose references point to the other table schemas here.
    document = _local_refs(reference, schema=False)
    components = document.setdefault("components", {})
    components["schemas"] = {**_schemas(), **components.get("schemas", {})}
    components["parameters"] = {
        name: _parameter(parameter) for name, parameter in components["parameters"].items()
    }
    document["servers"] = [{"url": "/api/hsds"}]
    info = document.setdefault("info", {})
    info["description"] = (
        "The HSDS 3.0 API reference as MO-Portal answers it: its schemas included, the "
        "limits this server enforces, JSON errors. " + info.get("description", "")
    ).strip()
    for item in document["paths"].values():
        for method, operation in item.items():
            if method == "parameters":
                item[method] = [_parameter(parameter) for parameter in operation]
                continue
            operation["parameters"] = [
                parameter if "$ref" in parameter else _parameter(parameter)
                for parameter in operation.get("parameters", [])
            ]
            responses = operation["responses"]
            responses["200"].setdefault("headers", {})["X-Ignored-Parameters"] = IGNORED
            if any(
                parameter.get("$ref", "").endswith("/format")
                for parameter in operation["parameters"]
            ):
                responses["200"]["content"]["application/x-ndjson"] = {
                    "schema": {"description": "One JSON object per line, every item, no paging."}
                }
            for status, words in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": words,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return document
