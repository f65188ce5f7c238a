"""Schemathesis against /api/schema/, in-process through the WSGI app (no server).

Each operation gets MAX_EXAMPLES generated requests, valid and invalid ones,
derandomized (a fixed seed) so every CI run sends the same requests. Checks:
no 5xx, and every response matches the schema for its status code.

Path ids, tracking numbers and codes are drawn partly from real rows
(complaints in several stages, the seeded categories and root causes, real
users), so the services themselves are exercised, not only the 404 path.

Schemathesis's own pytest plugin (``schema.parametrize()``) does not run under
pytest 9.2 (it writes ``Node._nodeid``), so this uses its Python API: one
Hypothesis test per operation built from ``operation.as_strategy()``.
"""

from collections import Counter

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core import signals  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from complaints.models import Category, RootCause, Stage  # noqa: E402
from tests.factories import make_complaint  # noqa: E402
from tests.helpers import advance  # noqa: E402

MAX_EXAMPLES = 25
SEED = 20261125

OPERATIONS = [
    ("POST", "/api/v1/public/complaints/"),
    ("GET", "/api/v1/public/complaints/{tracking_number}/"),
    ("GET", "/api/v1/complaints/"),
    ("POST", "/api/v1/complaints/"),
    ("GET", "/api/v1/complaints/{id}/"),
    ("POST", "/api/v1/complaints/{id}/transitions/"),
    ("POST", "/api/v1/complaints/{id}/assign/"),
    ("POST", "/api/v1/complaints/{id}/classify/"),
    ("POST", "/api/v1/complaints/{id}/messages/"),
    ("POST", "/api/v1/complaints/{id}/questions/"),
    ("POST", "/api/v1/complaints/{id}/resume/"),
    ("POST", "/api/v1/complaints/{id}/decision-calls/"),
    ("POST", "/api/v1/complaints/{id}/acknowledgements/"),
]


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes the database connection after each request
    (``close_old_connections``); inside a test transaction on PostgreSQL that
    loses the transaction. Django's test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, settings, superuser, representative, keep_test_connection):
    # The limits would turn most of the run into 429s; they have their own tests.
    settings.INTAKE_RATE_LIMIT_ENABLED = False
    complaints = [
        advance(make_complaint(email=f"fuzz{i}@example.com"), stage, representative)
        for i, stage in enumerate(
            [Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.TRACKING, Stage.RESPONDED, Stage.CLOSED]
        )
    ]
    token = Token.objects.create(user=superuser)
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Token {token.key}"},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "dictionaries": {
                "ids": {"values": [c.pk for c in complaints]},
                "numbers": {"values": [c.tracking_number for c in complaints]},
                "categories": {"values": list(Category.objects.values_list("code", flat=True))},
                "causes": {"values": list(RootCause.objects.values_list("code", flat=True))},
                "users": {"values": [representative.pk, superuser.pk]},
                # The schema cannot say "an e-mail address or a phone number".
                "phones": {"values": ["0532 123 45 67", "+90 212 555 12 12"]},
                "emails": {"values": ["ayse@example.com", "MEHMET@Example.org"]},
            },
            "parameters": {
                "path.id": {"dictionary": "ids", "probability": 0.8},
                "path.tracking_number": {"dictionary": "numbers", "probability": 0.8},
                "body.category": {"dictionary": "categories", "probability": 0.5},
                "body.root_cause": {"dictionary": "causes", "probability": 0.5},
                "body.assignee": {"dictionary": "users", "probability": 0.5},
                "body.phone": {"dictionary": "phones", "probability": 0.5},
                "body.email": {"dictionary": "emails", "probability": 0.5},
            },
        }
    )
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), config=config
    )


def test_every_operation_in_the_schema_is_fuzzed(api_schema):
    found = {(r.ok().method.upper(), r.ok().path) for r in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_never_fails_and_answers_as_documented(api_schema, method, path):
    operation = api_schema[path][method]
    statuses: Counter[int] = Counter()
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
        GenerationMode.NEGATIVE
    )

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
        statuses[response.status_code] += 1

    check()
    print(f"{method} {path}: {sum(statuses.values())} requests, statuses {dict(statuses)}")
    assert sum(statuses.values()) >= MAX_EXAMPLES // 2
