"""schemathesis against the portal's own OpenAPI descriptions (the API's
/api/schema/ and HSDS's /api/hsds/openapi.json): generated valid and invalid
requests for every operation, every check schemathesis has; no failure."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def connections_stay_open():
    """Keep the test's database connection across the WSGI requests (as Django's
    own test client does), so that every request sees the test data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _every_check():
    load_all_checks()
    return CHECKS.get_all()


def _run(schema_path: str, minimum: int, examples: int) -> None:
    schema = schemathesis.openapi.from_wsgi(schema_path, get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= minimum
    checks = _every_check()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                # near's valid values are the gazetteer's places (data, not a schema's
                # pattern): any place it knows stands in for a generated text; an
                # unknown place is a 400 (tests/opendata/test_api.py).
                # Likewise the postcode of a search by proximity, and proximity
                # needs a postcode (a dependency OpenAPI cannot express).
                if case.meta.generation.mode == GenerationMode.POSITIVE and case.query:
                    if "near" in case.query:
                        case.query["near"] = "Schwerin"
                    if case.query.get("proximity") not in (None, ""):
                        case.query["postcode"] = "19053"
                # The WSGI transport does not unpack gzip as HTTP clients do
                # (compression: tests/opendata/test_compression.py).
                case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=checks)

            try:
                check()
            except Unsatisfiable:
                # No invalid request exists for it (no parameter, or a path's free text).
                assert mode == GenerationMode.NEGATIVE, operation.label


def test_every_api_operation_conforms_to_its_schema(connections_stay_open):
    build_world()
    _run("/api/schema/?format=json", minimum=10, examples=20)


def test_every_hsds_operation_conforms_to_the_servers_description(connections_stay_open):
    build_world()
    _run("/api/hsds/openapi.json", minimum=11, examples=15)
