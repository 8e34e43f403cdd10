"""Responses checked against the API's own OpenAPI schema (schemathesis): real
responses of every endpoint, then generated requests to the GET endpoints."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from werkzeug.test import Client as WsgiClient

from vanphong.api.tests.conftest import bearer

JSON = "application/json"


@pytest.fixture
def app(db):
    """Django's WSGI application sharing the test's transaction: as Django's own test
    client does, the request signals do not close the connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_schema_is_served_and_the_docs_page_is_not(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"] == {
        "title": "vanphong",
        "version": "1",
        "description": document["info"]["description"],
    }
    assert document["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    assert Client().get("/api/v1/docs").status_code == 404


def test_real_responses_match_the_schema(
    app, schema, tree, clerk, secretary, handler, uncleared, directed, classified
):
    def as_(person):
        return WsgiClient(app), {"Authorization": f"Bearer {bearer(person)}", "Accept-Language": "vi"}

    document = directed.document
    calls = [
        (clerk, "GET", "/api/v1/incoming/", "/api/v1/incoming/", {}),
        (uncleared, "GET", "/api/v1/incoming/{document_id}/", f"/api/v1/incoming/{classified.pk}/", {}),
        (clerk, "GET", "/api/v1/incoming/{document_id}/", f"/api/v1/incoming/{classified.pk}/", {}),
        (clerk, "GET", "/api/v1/incoming/{document_id}/slips/", f"/api/v1/incoming/{document.pk}/slips/", {}),
        (handler, "GET", "/api/v1/slips/{slip_id}/", f"/api/v1/slips/{directed.pk}/", {}),
        (None, "GET", "/api/v1/incoming/", "/api/v1/incoming/", {}),
        (clerk, "GET", "/api/v1/incoming/", "/api/v1/incoming/?limit=0", {}),
        (
            clerk,
            "POST",
            "/api/v1/incoming/",
            "/api/v1/incoming/",
            {
                "received_on": "2020-01-02",
                "issuer": "Ban Dân vận",
                "document_date": "2020-01-01",
                "document_type": "cong-van",
                "abstract": "V/v khảo sát",
            },
        ),
        (secretary, "POST", "/api/v1/incoming/", "/api/v1/incoming/", {"issuer": "x"}),
        (
            clerk,
            "POST",
            "/api/v1/incoming/{document_id}/slips/",
            f"/api/v1/incoming/{classified.pk}/slips/",
            {"leaders": [secretary.pk]},
        ),
        (
            secretary,
            "POST",
            "/api/v1/incoming/{document_id}/slips/",
            f"/api/v1/incoming/{document.pk}/slips/",
            {"leaders": [secretary.pk]},
        ),
        (
            secretary,
            "POST",
            "/api/v1/slips/{slip_id}/direct/",
            f"/api/v1/slips/{directed.pk}/direct/",
            {"instruction": "x", "lead_unit": tree.grassroots.pk},
        ),
        (
            handler,
            "POST",
            "/api/v1/slips/{slip_id}/progress/",
            f"/api/v1/slips/{directed.pk}/progress/",
            {"note": "Đang làm"},
        ),
        (handler, "POST", "/api/v1/slips/{slip_id}/complete/", f"/api/v1/slips/{directed.pk}/complete/", {}),
    ]
    seen = set()
    for person, method, template, url, body in calls:
        if person is None:
            client, headers = WsgiClient(app), {}
        else:
            client, headers = as_(person)
        response = client.open(url, method=method, headers=headers, json=body if method == "POST" else None)
        schema[template][method].validate_response(response)
        seen.add((template, method, response.status_code))
    assert {status for _, _, status in seen} == {200, 201, 401, 403, 404, 422}


@pytest.mark.slow
def test_generated_requests_to_the_get_endpoints_conform(schema, clerk, secretary, directed, classified):
    """Schemathesis' stateless checks: whatever it sends within the schema, no server
    error and every answer as documented."""
    headers = {"Authorization": f"Bearer {bearer(clerk)}"}
    for path in schema:
        for method, operation in schema[path].items():
            if method.upper() != "GET":
                continue

            @settings(
                max_examples=25,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case):
                case.call_and_validate(headers=headers)

            check()
