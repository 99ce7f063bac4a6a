"""The OpenAPI schema: valid OpenAPI 3, every operation documented, and the API keeps to it.

The schemathesis test generates a bounded number of requests per operation from the schema
and checks every answer: no server error, and status, content type, headers and body as the
schema declares them.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis import checks

from departments import tokens
from hotline.wsgi import application

EXAMPLES_PER_OPERATION = 5
# The endpoints of docs/api.md (other apps' endpoints are checked by schemathesis below too).
OURS = tuple(
    f"/api/v1/{name}/"
    for name in (
        "cases",
        "assignments",
        "extensions",
        "supervisions",
        "categories",
        "regions",
        "departments",
        "me",
        "auth",
    )
)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def generated_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi_3():
    schema = generated_schema()
    validate_schema(schema)  # raises on the first violation of the OpenAPI 3.0 meta-schema
    assert schema["openapi"].startswith("3.")


def test_every_operation_has_a_summary_and_declares_its_errors():
    operations = [
        (path, method, operation)
        for path, item in generated_schema()["paths"].items()
        for method, operation in item.items()
        if path.startswith(OURS)
    ]
    assert len(operations) >= 30
    for path, method, operation in operations:
        assert operation.get("summary"), f"{method.upper()} {path} has no @extend_schema summary"
        if path != "/api/v1/auth/token/":
            assert "401" in operation["responses"], f"{method.upper()} {path}"


def test_swagger_ui_is_served_from_local_static_files(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert client.get("/api/schema/").status_code == 200


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Calls through the WSGI app must not close the test's connection (as the test client)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def center_key(db, departments, settings, wsgi_keeps_the_test_connection):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    _token, key = tokens.issue_token(departments["center"], actor=None, name="schemathesis")
    return key


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_keeps_to_its_schema(case, center_key):
    case.call_and_validate(headers={"Authorization": f"Token {center_key}"}, checks=CHECKS)


def test_free_strings_in_the_schema_say_the_edge_refuses_nul():
    from drf_spectacular.generators import SchemaGenerator

    from core.api_schema import NO_NUL

    schema = SchemaGenerator().get_schema(request=None, public=True)
    case_query = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]
    }
    assert case_query["q"]["pattern"] == NO_NUL
    assert "pattern" not in case_query["status"]  # an enum says it all
