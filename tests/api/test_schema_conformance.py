"""The OpenAPI schema says what the API enforces (issue 12 item 19): a bounded schemathesis run
over every operation as the programme office, with a token, on scale data (scale 1). Fails on any 5xx,
a response that does not match its documented schema, or an undocumented status code."""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from marathon.models import User
from marathon.scale import generate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
if os.environ.get("SCHEMA_STRICT"):
    CHECKS.append(positive_data_acceptance)
EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "3"))


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; the test's
    transaction must survive (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema(keep_connection):
    generate(scale=1, seed=1)  # every app's rows, bulk-inserted in a few seconds
    office = User.objects.get(email="office@marathon.example")
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=office)[0].key}"}
    schema = load_schema()
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def run(case):
            savepoint = transaction.savepoint()
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.savepoint_rollback(savepoint)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    print("\n\n".join(failures))
    assert operations > 50
    assert failures == []
