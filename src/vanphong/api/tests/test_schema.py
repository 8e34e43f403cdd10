"""Responses checked against the API's own OpenAPI schema (schemathesis): real
responses of every endpoint, then generated requests to the GET endpoints."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from werkzeug.test import Client as WsgiClient

from vanphong.api.tests.conftest import bearer
from vanphong.core.models import Role
from vanphong.core.tests.factories import persona
from vanphong.followup import services as followup_services
from vanphong.programs.tests.test_services import add as add_item
from vanphong.schedule.tests.test_services import MONDAY
from vanphong.schedule.tests.test_services import add as add_event

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


def test_the_schema_and_its_docs_page_are_served_with_no_cdn(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"] == {
        "title": "vanphong",
        "version": "1",
        "description": document["info"]["description"],
    }
    assert document["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    # Swagger UI's files from django-ninja's static directory, never from a CDN.
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    root = Client().get("/api/v1/")
    assert root.status_code == 302 and root["Location"] == "/api/v1/docs"


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


def test_real_responses_of_programs_schedule_and_followup_match_the_schema(
    app,
    schema,
    settings,
    tmp_path,
    tree,
    specialist,
    office_chief,
    secretary,
    outsider,
    clerk,
    yearly,
    conclusion,
):
    settings.MEDIA_ROOT = tmp_path
    standing = persona(tree, Role.STANDING_MEMBER)
    item = add_item(specialist, yearly, tree)
    event = add_event(specialist, tree, presiding=secretary, attendees=[standing])
    add_event(
        specialist,
        tree,
        title="Tiếp khách",
        starts_at=dt.time(9, 0),
        attendees=[standing],
        confirm_double_booking=True,
    )
    task = followup_services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Tổ chức hội nghị",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=dt.date(2099, 1, 1),
    )
    city, week = tree.city.pk, MONDAY.isoformat()
    calls = [
        # Work programs
        (specialist, "GET", "/api/v1/programs/", "/api/v1/programs/?kind=year", None),
        (specialist, "GET", "/api/v1/programs/{program_id}/", f"/api/v1/programs/{yearly.pk}/", None),
        (outsider, "GET", "/api/v1/programs/{program_id}/", f"/api/v1/programs/{yearly.pk}/", None),
        (specialist, "GET", "/api/v1/programs/items/{item_id}/", f"/api/v1/programs/items/{item.pk}/", None),
        (
            specialist,
            "POST",
            "/api/v1/programs/{program_id}/items/",
            f"/api/v1/programs/{yearly.pk}/items/",
            {"content": "Hội nghị", "lead": tree.office.pk, "planned_month": 12},
        ),
        (
            secretary,
            "POST",
            "/api/v1/programs/{program_id}/items/",
            f"/api/v1/programs/{yearly.pk}/items/",
            {"content": "x", "lead": tree.office.pk},
        ),
        (
            specialist,
            "POST",
            "/api/v1/programs/items/{item_id}/state/",
            f"/api/v1/programs/items/{item.pk}/state/",
            {"state": "moved"},
        ),
        (
            specialist,
            "POST",
            "/api/v1/programs/items/{item_id}/state/",
            f"/api/v1/programs/items/{item.pk}/state/",
            {"state": "done"},
        ),
        # The weekly schedule
        (
            specialist,
            "GET",
            "/api/v1/schedule/{organization_id}/week/",
            f"/api/v1/schedule/{city}/week/?day={week}",
            None,
        ),
        (outsider, "GET", "/api/v1/schedule/{organization_id}/week/", f"/api/v1/schedule/{city}/week/", None),
        (
            specialist,
            "GET",
            "/api/v1/schedule/events/{event_id}/",
            f"/api/v1/schedule/events/{event.pk}/",
            None,
        ),
        (
            specialist,
            "POST",
            "/api/v1/schedule/{organization_id}/events/",
            f"/api/v1/schedule/{city}/events/",
            {"day": "2026-11-26", "all_day": True, "title": "Tiếp công dân"},
        ),
        (
            specialist,
            "POST",
            "/api/v1/schedule/{organization_id}/events/",
            f"/api/v1/schedule/{city}/events/",
            {"day": "2026-11-26", "starts_at": "10:00", "ends_at": "09:00", "title": "x"},
        ),
        (
            secretary,
            "PATCH",
            "/api/v1/schedule/events/{event_id}/",
            f"/api/v1/schedule/events/{event.pk}/",
            {"title": "x"},
        ),
        (
            specialist,
            "PATCH",
            "/api/v1/schedule/events/{event_id}/",
            f"/api/v1/schedule/events/{event.pk}/",
            {"place": "Hội trường", "confirm_double_booking": True},
        ),
        (
            specialist,
            "POST",
            "/api/v1/schedule/{organization_id}/week/publish/",
            f"/api/v1/schedule/{city}/week/publish/",
            {"week": "2026-W48"},
        ),
        (
            specialist,
            "POST",
            "/api/v1/schedule/events/{event_id}/cancel/",
            f"/api/v1/schedule/events/{event.pk}/cancel/",
            {"reason": "Hoãn"},
        ),
        # Follow-up
        (secretary, "GET", "/api/v1/followup/conclusions/", "/api/v1/followup/conclusions/", None),
        (
            secretary,
            "GET",
            "/api/v1/followup/conclusions/{conclusion_id}/",
            f"/api/v1/followup/conclusions/{conclusion.pk}/",
            None,
        ),
        (secretary, "GET", "/api/v1/followup/tasks/", "/api/v1/followup/tasks/?overdue=false", None),
        (outsider, "GET", "/api/v1/followup/tasks/{task_id}/", f"/api/v1/followup/tasks/{task.pk}/", None),
        (secretary, "GET", "/api/v1/followup/board/", "/api/v1/followup/board/", None),
        (clerk, "GET", "/api/v1/followup/board/", f"/api/v1/followup/board/?committee={city}", None),
        (
            office_chief,
            "POST",
            "/api/v1/followup/conclusions/",
            "/api/v1/followup/conclusions/",
            {
                "organization": city,
                "kind": "TB",
                "symbol": "3-TB/TU",
                "issued_on": "2026-11-05",
                "title": "x",
            },
        ),
        (
            office_chief,
            "POST",
            "/api/v1/followup/conclusions/{conclusion_id}/tasks/",
            f"/api/v1/followup/conclusions/{conclusion.pk}/tasks/",
            {"content": "Việc", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "2026-11-01"},
        ),
        (
            office_chief,
            "POST",
            "/api/v1/followup/conclusions/{conclusion_id}/tasks/",
            f"/api/v1/followup/conclusions/{conclusion.pk}/tasks/",
            {"content": "Việc", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "2026-11-30"},
        ),
        (
            secretary,
            "POST",
            "/api/v1/followup/tasks/{task_id}/reports/",
            f"/api/v1/followup/tasks/{task.pk}/reports/",
            {"note": "Đã họp", "files": (io.BytesIO(b"%PDF-1.4 x"), "bao-cao.pdf")},
        ),
    ]
    seen = set()
    for person, method, template, url, body in calls:
        client, headers = (
            WsgiClient(app),
            {"Authorization": f"Bearer {bearer(person)}", "Accept-Language": "vi"},
        )
        if template.endswith("/reports/"):
            response = client.open(url, method=method, headers=headers, data=body)
        else:
            response = client.open(url, method=method, headers=headers, json=body)
        schema[template][method].validate_response(response)
        seen.add((template, method, response.status_code))
    # The report's file, once the report above has sent it.
    from vanphong.followup.models import TaskReportFile

    attached = TaskReportFile.objects.get(report__task=task)
    for person in (secretary, outsider):
        response = WsgiClient(app).get(
            f"/api/v1/followup/files/{attached.pk}/", headers={"Authorization": f"Bearer {bearer(person)}"}
        )
        schema["/api/v1/followup/files/{file_id}/"]["GET"].validate_response(response)
        seen.add(("/api/v1/followup/files/{file_id}/", "GET", response.status_code))
    assert {template for template, _, _ in seen} == {
        path
        for path in schema
        if path.startswith(("/api/v1/programs/", "/api/v1/schedule/", "/api/v1/followup/"))
    }
    assert {status for _, _, status in seen} == {200, 201, 403, 404, 422}


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
