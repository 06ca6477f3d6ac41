"""schemathesis against /api/schema/: generated requests for every operation;
no 5xx and no response that contradicts the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

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


def test_every_api_operation_conforms_to_its_schema(connections_stay_open):
    build_world()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            # near's valid values are the gazetteer's places (data, not a schema's
            # pattern): any place it knows stands in for a generated text; an
            # unknown place is a 400 (tests/opendata/test_api.py).
            if case.query and "near" in case.query:
                case.query["near"] = "Schwerin"
            # The WSGI transport does not unpack gzip as HTTP clients do
            # (compression: tests/opendata/test_compression.py).
            case.call_and_validate(headers={"Accept-Encoding": "identity"})

        check()
