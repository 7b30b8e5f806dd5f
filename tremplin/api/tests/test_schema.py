"""schemathesis holds the API to its OpenAPI schema: every operation, generated inputs, a
seeded agency. Checks: no server error, responses (bodies, status codes, content types)
conform to the schema. Bounded: a few examples per operation, no shrinking."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tremplin.api.models import NETWORK_SCOPE
from tremplin.api.tests.factories import make_token, seed

pytestmark = pytest.mark.django_db
EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def _keep_the_test_connection():
    """Like Django's test client: the raw WSGI handler would close the connection after each
    request (on PostgreSQL that ends the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_keep_the_test_connection")
def test_every_operation_conforms_to_the_schema(agency, other_agency, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    cache.clear()
    ids = seed(agency)
    seed(other_agency)
    _t, agency_secret = make_token(agency=agency, rate_limit_per_minute=100_000)
    _t, network_secret = make_token(
        agency=None, network=agency.network, scopes=[NETWORK_SCOPE], rate_limit_per_minute=100_000
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    tried = []
    answered: dict[str, set[int]] = {}

    def aim(case) -> None:
        """Half the generated ids are swapped for seeded ones, so that successful paths run
        too; the slug is always the token's agency."""
        path = case.path_parameters or {}
        if "slug" in path:
            path["slug"] = agency.slug
        for name, value in list(path.items()):
            if name in ids and isinstance(value, int) and value % 2 == 0:
                path[name] = ids[name][value % len(ids[name])]
            elif name in ids and isinstance(value, str) and value[-1:] in "02468ace":
                path[name] = ids[name][len(value) % len(ids[name])]  # e.g. a response's uuid
        if isinstance(case.body, dict):
            for field, kind in (("session_id", "session_id"), ("client_id", "client_id")):
                value = case.body.get(field)
                if isinstance(value, int) and value % 2 == 0:
                    case.body[field] = ids[kind][value % len(ids[kind])]

    def runner(operation, secret: str):
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            aim(case)
            response = case.call_and_validate(
                # identity: the WSGI transport does not decompress (GZipMiddleware would answer)
                headers={"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"},
                checks=CHECKS,
            )
            answered.setdefault(operation.label, set()).add(response.status_code)

        return run

    for operation in operations:
        secret = network_secret if "/network/" in operation.path else agency_secret
        runner(operation, secret)()
        tried.append(operation.label)
    assert len(tried) == len(operations)
    # Every read reached a real object at least once (not only 404s and 400s).
    unread = [
        label
        for label, statuses in answered.items()
        if label.startswith("GET") and "/schema/" not in label and 200 not in statuses
    ]
    assert not unread, {label: answered[label] for label in unread}
