"""Schema-driven fuzzing of the whole API (issues 10.6 and 11.13), bounded for CI: every operation
of /api/openapi.json with generated requests, anonymous and as each signed-in role (owner,
region-scoped officer, analyst granted province 32 with records, administrator). No 5xx, no
response that breaks the schema, and no record outside the caller's scope (``visible_to(user)``,
read again at each response: records the caller created are theirs to see)."""

from __future__ import annotations

import csv
import io

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: Generated requests per operation and caller: about 20 operations, a minute in all on one core.
EXAMPLES = 10
#: The same for each further role of test_role_fuzz_stays_in_scope (bounded: four roles in all).
ROLE_EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(people, analytics, monkeypatch):
    from django.core.wsgi import get_wsgi_application

    from lumbung.api.throttling import AnonymousThrottle, TokenRequestThrottle

    monkeypatch.setattr(AnonymousThrottle, "rate", "100000/min", raising=False)
    monkeypatch.setattr(TokenRequestThrottle, "rate", "100000/min", raising=False)
    # As Django's test client does: the WSGI handler must not close the test's database
    # connection after each request (PostgreSQL would lose the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(schema, headers: dict, inspect, examples: int = EXAMPLES) -> list[str]:
    seen = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            inspect(case.operation.path, response)

        run()
        seen.append(f"{operation.method.upper()} {operation.path}")
    return seen


def rows_of(response) -> list[dict]:
    """The records of a JSON or CSV answer (CSV cells are text: ids compared as numbers)."""
    content_type = (response.headers.get("content-type") or [""])[0]  # lower-case names, lists of values
    if content_type.startswith("text/csv"):
        rows = list(csv.DictReader(io.StringIO(response.text)))
        for row in rows:
            row.update({k: int(row[k]) for k in ("id", "enterprise") if row.get(k)})
        return rows
    body = response.json()
    return body.get("results", [body]) if isinstance(body, dict) else body


def test_anonymous_fuzz(api_schema):
    def no_records(path, response):
        if path.startswith(("/api/enterprises", "/api/reports", "/api/tokens")):
            assert response.status_code in (401, 404, 405), (path, response.status_code)

    seen = fuzz(api_schema, {}, no_records)
    assert "GET /api/indicators/" in seen and "PATCH /api/reports/{id}/" in seen


def test_officer_fuzz_stays_in_scope(api_schema, people):
    from lumbung.api import tokens
    from lumbung.registry.models import AnnualReport, Enterprise

    _, key = tokens.issue(people["users"]["officer"], "fuzz")
    outside = {people["b"].pk}
    outside_reports = {people["reports"]["Usaha B"].pk}

    def in_scope(path, response):
        if response.status_code >= 300 or not path.startswith(("/api/enterprises", "/api/reports")):
            return
        for row in rows_of(response):
            if path.startswith("/api/enterprises"):
                assert row["id"] not in outside
                assert row["region_code"] == "32.04" or row["region_code"].startswith("32.04.")
            else:
                assert row["id"] not in outside_reports
                assert row["enterprise"] not in outside

    fuzz(api_schema, {"Authorization": f"Token {key}"}, in_scope)
    # Nothing the officer wrote landed outside their regions.
    assert not Enterprise.objects.exclude(region_code__startswith="32.04").exclude(pk=people["b"].pk).exists()
    assert set(AnnualReport.objects.filter(enterprise=people["b"]).values_list("pk", flat=True)) == outside_reports


@pytest.mark.parametrize("role", ["owner", "analyst", "admin"])
def test_role_fuzz_stays_in_scope(api_schema, people, role):
    from lumbung.api import tokens
    from lumbung.api.models import Token
    from lumbung.registry.access import region_filter
    from lumbung.registry.models import AnnualReport, Enterprise

    user = people["users"][role]
    _, key = tokens.issue(user, "fuzz")
    checked = []

    def in_scope(path, response):
        if response.status_code >= 300:
            return
        if path.startswith("/api/tokens"):
            own = set(Token.objects.filter(user=user).values_list("pk", flat=True))
            assert all(row["id"] in own for row in rows_of(response)), path
        if not path.startswith(("/api/enterprises", "/api/reports")):
            return
        enterprises = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
        reports = set(AnnualReport.objects.visible_to(user).values_list("pk", flat=True))
        for row in rows_of(response):
            checked.append(row["id"])
            if path.startswith("/api/enterprises"):
                assert row["id"] in enterprises, (role, path, row["id"])
            else:
                assert row["id"] in reports and row["enterprise"] in enterprises, (role, path, row["id"])

    fuzz(api_schema, {"Authorization": f"Token {key}"}, in_scope, ROLE_EXAMPLES)
    assert checked, "no record answer was checked"
    if role == "analyst":  # granted province 32 with records: never firm B (35.29), writes nothing
        assert not Enterprise.objects.visible_to(user).filter(pk=people["b"].pk).exists()
        assert not Enterprise.objects.visible_to(user).exclude(region_filter(["32"])).exists()
        assert set(Enterprise.objects.values_list("pk", flat=True)) == {people["a"].pk, people["b"].pk}
    if role == "owner":  # owners create no enterprise; their reports stay on their firm
        assert set(Enterprise.objects.values_list("pk", flat=True)) == {people["a"].pk, people["b"].pk}
        assert set(AnnualReport.objects.filter(enterprise=people["b"]).values_list("pk", flat=True)) == {
            people["reports"]["Usaha B"].pk}
