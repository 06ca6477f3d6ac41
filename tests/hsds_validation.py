"""Validation against the official HSDS 3.0 schemas (copied to tests/hsds-3.0/,
CC BY-SA 4.0, see its README and LICENSE). No network: remote $refs resolve to
the local copies."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parent / "hsds-3.0"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        relative = path.relative_to(SCHEMAS).as_posix()
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=_spec())
        resources.append((REMOTE + relative, resource))
        resources.append((relative, resource))
        resources.append((path.name, resource))
    return Registry().with_resources(resources)


def _spec():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


@cache
def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def errors(instance, name: str) -> list[str]:
    validator = Draft202012Validator(
        _schema(name), registry=_registry(), format_checker=FormatChecker()
    )
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}"
        for e in validator.iter_errors(instance)
    ]


def page_errors(data: dict, item_schema: str) -> list[str]:
    """An HSDS page (the openapi Page object) whose contents are of one schema."""
    page_schema = _schema("openapi.json")["components"]["schemas"]["Page"]
    problems = []
    for key, spec in page_schema["properties"].items():
        kind = {"integer": int, "boolean": bool}[spec["type"]]
        if not isinstance(data.get(key), kind):
            problems.append(f"page.{key} is not {spec['type']}")
    for index, item in enumerate(data.get("contents", [])):
        problems += [f"contents/{index}/{e}" for e in errors(item, item_schema)]
    return problems
