"""Reports from grassroots organizations through the API: forms and periods, the board,
reminders, sums up the tree; a grassroots organization's draft, submission, the office's
return and the new submission after it. 404 for what one does not see, 403 for what one
sees but may not do, 422 keyed by field with the draft kept; responses as the schema says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from werkzeug.test import Client as WsgiClient

from vanphong.api.tests.conftest import bearer, queries
from vanphong.api.tests.test_schema import app, schema  # noqa: F401
from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person
from vanphong.handling.models import Notification
from vanphong.reports import selectors, services
from vanphong.reports.models import Report, ReportState, ReportSubmission, ReportValue
from vanphong.reports.tests.conftest import FIELDS, form, good_values, khoi, period  # noqa: F401

JSON = "application/json"
BASE = "/api/v1/reports"


def fill_url(period, unit, tail=""):  # noqa: F811
    return f"{BASE}/periods/{period.pk}/organizations/{unit.pk}/{tail}"


def audits(action) -> int:
    return AuditEvent.objects.filter(action=action).count()


def submitted(khoi, period, index, **changes):  # noqa: F811
    """A report sent through the services, as the page sends it."""
    clerk, unit = khoi.clerks[index], khoi.units[index]
    services.draft_save(actor=clerk, period=period, organization=unit, values=good_values(**changes))
    return services.report_submit(actor=clerk, period=period, organization=unit)


# --- Forms and periods ----------------------------------------------------------------------------


def test_forms_with_their_current_version_and_periods_with_filters(api, khoi, form, period, tree):  # noqa: F811
    client = api(khoi.office)
    body = client.get(f"{BASE}/forms/").json()
    assert body["count"] == 1
    listed = body["items"][0]
    assert listed["id"] == form.pk and listed["current_version"] == 1 and listed["periodicity"] == "quarter"
    assert listed["recipients_root"] == {"id": tree.bloc.pk, "name": tree.bloc.name}
    detail = client.get(f"{BASE}/forms/{form.pk}/").json()
    assert [f["key"] for f in detail["version"]["fields"]] == [f["key"] for f in FIELDS]
    assert detail["version"]["checks"][0]["total"] == "members"
    assert [v["number"] for v in detail["versions"]] == [1]
    # A new draft version is listed but the fields are still the published one's.
    services.version_save(actor=khoi.office, form=form, fields=FIELDS[:3])
    detail = client.get(f"{BASE}/forms/{form.pk}/").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1] and detail["versions"][0][
        "published_at"
    ] is None
    assert detail["version"]["number"] == 1 and len(detail["version"]["fields"]) == len(FIELDS)

    earlier = services.period_open(actor=khoi.office, form=form, year=2025, number=4)
    services.period_close(actor=khoi.office, period=earlier)

    def ids(query):
        response = client.get(f"{BASE}/periods/?{query}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["items"]]

    assert ids("") == [period.pk, earlier.pk]
    assert ids(f"form={form.pk}&year=2026") == [period.pk]
    assert ids("year=2025") == [earlier.pk]
    assert ids("state=open") == [period.pk] and ids("state=closed") == [earlier.pk]
    assert ids("form=999999") == [] and ids("limit=1&offset=1") == [earlier.pk]
    assert client.get(f"{BASE}/periods/?state=ajar").status_code == 422
    one = client.get(f"{BASE}/periods/{period.pk}/").json()
    assert one["label"] == period.label and one["due_on"] == "2026-09-20" and one["version"] == 1
    assert [f["key"] for f in one["fields"]] == [f["key"] for f in FIELDS]


# --- Who sees what --------------------------------------------------------------------------------


def test_an_outsider_sees_nothing_of_it(api, khoi, period, outsider):  # noqa: F811
    report = Report.objects.get(pk=submitted(khoi, period, 0).report_id)
    client = api(outsider)
    assert client.get(f"{BASE}/forms/").json()["count"] == 0
    assert client.get(f"{BASE}/periods/").json()["count"] == 0
    due = client.get(f"{BASE}/due/").json()
    assert [p for o in due["organizations"] for p in o["periods"]] == [] and due["returned"] == []
    missing = client.get(f"{BASE}/periods/999999/").json()
    for url in (
        f"{BASE}/forms/{period.form_id}/",
        f"{BASE}/periods/{period.pk}/",
        f"{BASE}/periods/{period.pk}/board/",
        f"{BASE}/periods/{period.pk}/sums/",
        f"{BASE}/received/{report.pk}/",
        fill_url(period, khoi.units[0]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == missing
    assert client.post(f"{BASE}/periods/{period.pk}/remind/").status_code == 404
    assert client.post(f"{BASE}/received/{report.pk}/return/", {"reason": "x"}, JSON).status_code == 404
    assert client.put(fill_url(period, khoi.units[0], "draft/"), {"values": {}}, JSON).status_code == 404
    assert client.post(fill_url(period, khoi.units[0], "submit/"), {}, JSON).status_code == 404
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_sender_sees_only_its_own_report_and_no_board(api, khoi, period, tree):  # noqa: F811
    first = Report.objects.get(pk=submitted(khoi, period, 0).report_id)
    client = api(khoi.clerks[1])
    theirs = khoi.units[0]
    assert client.get(fill_url(period, theirs)).status_code == 404
    assert client.get(f"{BASE}/received/{first.pk}/").status_code == 404
    draft = client.put(fill_url(period, theirs, "draft/"), {"values": {"members": "1"}}, JSON)
    assert draft.status_code == 404
    assert client.post(fill_url(period, theirs, "submit/"), {}, JSON).status_code == 404
    assert Report.objects.get(pk=first.pk).draft["members"] == "45"
    # The grassroots person sees neither the board, the period nor its sums.
    for url in (
        f"{BASE}/periods/{period.pk}/board/",
        f"{BASE}/periods/{period.pk}/",
        f"{BASE}/periods/{period.pk}/sums/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{BASE}/periods/{period.pk}/remind/").status_code == 404
    # Its own: what is due, and its report (not begun).
    own = client.get(fill_url(period, khoi.units[1])).json()
    assert own["id"] is None and own["state"] is None and own["draft"] == {} and own["submissions"] == []
    assert [f["key"] for f in own["period"]["fields"]] == [f["key"] for f in FIELDS]
    due = client.get(f"{BASE}/due/").json()
    assert [
        (o["organization"]["id"], [p["period"]["id"] for p in o["periods"]]) for o in due["organizations"]
    ] == [(khoi.units[1].pk, [period.pk])]
    assert due["organizations"][0]["periods"][0]["report"] is None
    # An organization the report is not asked of: 404; the office sees the unit but does not send: 403.
    assert api(khoi.office).get(fill_url(period, tree.city)).status_code == 404
    office = api(khoi.office)
    assert office.get(fill_url(period, theirs)).status_code == 403
    assert office.put(fill_url(period, theirs, "draft/"), {"values": {}}, JSON).status_code == 403
    assert office.post(fill_url(period, theirs, "submit/"), {}, JSON).status_code == 403


def test_those_who_see_the_board_but_do_not_receive_are_refused_the_office_acts(
    api,
    khoi,  # noqa: F811
    period,  # noqa: F811
    secretary,
    tree,
):
    report = Report.objects.get(pk=submitted(khoi, period, 0).report_id)
    client = api(secretary)
    assert client.get(f"{BASE}/periods/{period.pk}/board/").status_code == 200
    assert client.get(f"{BASE}/received/{report.pk}/").status_code == 200
    assert client.post(f"{BASE}/periods/{period.pk}/remind/").status_code == 403
    assert client.get(f"{BASE}/periods/{period.pk}/sums/").status_code == 403
    response = client.post(f"{BASE}/received/{report.pk}/return/", {"reason": "Bổ sung"}, JSON)
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    # A plain member of the asking committee sees the board, not a unit's report.
    member = api(make_person(organization=tree.bloc, role=Role.MEMBER))
    assert member.get(f"{BASE}/periods/{period.pk}/board/").status_code == 200
    assert member.get(f"{BASE}/received/{report.pk}/").status_code == 404


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"members": "-5", "men": "-5", "women": "0"}, "members"),
        ({"men": "hai mươi lăm"}, "men"),
        ({"members": "50"}, "members"),
        ({"cells": [{"members": "-3"}, {"members": "25"}]}, "cells.0.members"),
        ({"held_on": "31/02/2026"}, "held_on"),
        ({"rating": "Xuất sắc"}, "rating"),
    ],
)
def test_bad_input_is_a_422_at_the_field_and_the_draft_is_kept(api, khoi, period, changes, field):  # noqa: F811
    client = api(khoi.clerks[0])
    values = good_values(**changes)
    response = client.post(fill_url(period, khoi.units[0], "submit/"), {"values": values}, JSON)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors and errors[field][0]
    report = client.get(fill_url(period, khoi.units[0])).json()
    assert report["state"] == ReportState.DRAFT and report["submissions"] == []
    for key, value in changes.items():
        if key == "cells":
            assert report["draft"]["cells"][0]["members"] == value[0]["members"]
        else:
            assert report["draft"][key] == value
    assert report["draft"]["summary"] == values["summary"]
    assert not ReportSubmission.objects.exists() and not ReportValue.objects.exists()
    assert audits(services.AuditAction.REPORT_SUBMITTED) == 0


def test_the_message_is_vietnamese_when_asked(api, khoi, period):  # noqa: F811
    client = api(khoi.clerks[0], "vi")
    response = client.post(fill_url(period, khoi.units[0], "submit/"), {"values": good_values(men="x")}, JSON)
    assert response.status_code == 422 and "men" in response.json()["errors"]


def test_a_submission_after_the_period_closed_is_refused_and_the_draft_kept(api, khoi, period):  # noqa: F811
    client = api(khoi.clerks[0])
    assert (
        client.put(fill_url(period, khoi.units[0], "draft/"), {"values": good_values()}, JSON).status_code
        == 200
    )
    services.period_close(actor=khoi.office, period=period)
    response = client.post(
        fill_url(period, khoi.units[0], "submit/"), {"values": good_values(members="46", men="26")}, JSON
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["__all__"]
    report = client.get(fill_url(period, khoi.units[0])).json()
    assert report["draft"]["members"] == "46" and report["state"] == ReportState.DRAFT
    assert report["period"]["closed_at"] is not None
    assert not ReportSubmission.objects.exists()


def test_a_malformed_body_is_a_422_and_changes_nothing(api, khoi, period):  # noqa: F811
    client = api(khoi.clerks[0])
    url = fill_url(period, khoi.units[0], "draft/")
    assert client.put(url, {"values": good_values()}, JSON).status_code == 200
    for body in ({}, {"values": "45"}, {"values": ["45"]}):
        response = client.put(url, body, JSON)
        assert response.status_code == 422 and "values" in response.json()["errors"]
    assert Report.objects.get().draft["members"] == "45"
    office = api(khoi.office)
    assert office.get(f"{BASE}/periods/{period.pk}/board/?status=lost").status_code == 422
    assert office.get(f"{BASE}/periods/{period.pk}/board/?q=a%00b").status_code == 422


# --- The happy path -------------------------------------------------------------------------------


def test_save_submit_return_and_submit_again_as_a_new_submission(api, khoi, period):  # noqa: F811
    clerk, office = api(khoi.clerks[0]), api(khoi.office)
    unit = khoi.units[0]
    # The draft, as the page's autosave keeps it: as typed, a wrong value too, not audited.
    before = AuditEvent.objects.count()
    saved = clerk.put(fill_url(period, unit, "draft/"), {"values": good_values(men="hai lăm")}, JSON)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["state"] == ReportState.DRAFT and body["draft"]["men"] == "hai lăm"
    assert body["draft_saved_at"] is not None and AuditEvent.objects.count() == before
    saved = clerk.put(fill_url(period, unit, "draft/"), {"values": good_values(men=25)}, JSON).json()
    assert saved["draft"]["men"] == "25"
    # Submitted: an immutable submission with its numbers, audited once.
    response = clerk.post(fill_url(period, unit, "submit/"), {}, JSON)
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["number"] == 1 and first["version"] == 1 and first["values"]["members"] == 45
    assert first["thin_reasons"] == [] and first["submitted_by"]["id"] == khoi.clerks[0].pk
    assert audits(services.AuditAction.REPORT_SUBMITTED) == 1
    assert selectors.sum_of(period, "members", unit) == 45
    # Submitted: neither saved over nor submitted again.
    again = clerk.put(fill_url(period, unit, "draft/"), {"values": good_values(members="1")}, JSON)
    assert again.status_code == 422 and "__all__" in again.json()["errors"]
    assert clerk.post(fill_url(period, unit, "submit/"), {}, JSON).status_code == 422
    # The office's board shows it sent (late or on time, against today), and the report.
    board = office.get(f"{BASE}/periods/{period.pk}/board/").json()
    row = next(r for r in board["rows"] if r["organization"]["id"] == unit.pk)
    expected = "late" if timezone.now() >= selectors.due_end(period) else "on_time"
    assert row["status"] == expected and row["report_state"] == ReportState.SUBMITTED
    report_id = row["report_id"]
    received = office.get(f"{BASE}/received/{report_id}/").json()
    assert [s["number"] for s in received["submissions"]] == [1]
    # Returned with a reason (none: a 422 at `reason`); the senders are told.
    empty = office.post(f"{BASE}/received/{report_id}/return/", {"reason": "  "}, JSON)
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    returned = office.post(
        f"{BASE}/received/{report_id}/return/", {"reason": "Bổ sung tình hình chi bộ 2"}, JSON
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == ReportState.RETURNED
    assert returned.json()["return_reason"] == "Bổ sung tình hình chi bộ 2"
    assert audits(services.AuditAction.REPORT_RETURNED) == 1
    assert Notification.objects.filter(recipient=khoi.clerks[0]).exists()
    assert office.post(f"{BASE}/received/{report_id}/return/", {"reason": "x"}, JSON).status_code == 422
    due = clerk.get(f"{BASE}/due/").json()
    assert [r["report"]["id"] for r in due["returned"]] == [report_id]
    assert due["returned"][0]["report"]["return_reason"] == "Bổ sung tình hình chi bộ 2"
    # Sent again, corrected: a second submission; the first unchanged.
    resent = clerk.post(
        fill_url(period, unit, "submit/"), {"values": good_values(members="46", women="21")}, JSON
    )
    assert resent.status_code == 201, resent.content
    assert resent.json()["number"] == 2 and resent.json()["values"]["members"] == 46
    received = office.get(f"{BASE}/received/{report_id}/").json()
    assert received["state"] == ReportState.SUBMITTED
    assert [(s["number"], s["values"]["members"]) for s in received["submissions"]] == [(2, 46), (1, 45)]
    assert ReportSubmission.objects.get(number=1).values["members"] == 45
    assert selectors.sum_of(period, "members", unit) == 46
    assert audits(services.AuditAction.REPORT_SUBMITTED) == 2


# --- The board, reminders and sums ----------------------------------------------------------------


def test_the_board_counts_thin_reasons_and_filters(api, khoi, period):  # noqa: F811
    submitted(khoi, period, 0)
    submitted(khoi, period, 1, summary="Tốt.")
    client = api(khoi.office)
    url = f"{BASE}/periods/{period.pk}/board/"
    board = client.get(url).json()
    counts = board["counts"]
    assert counts["total"] == 3 and counts["thin"] == 1 and counts["returned"] == 0
    assert counts["on_time"] + counts["late"] == 2 and counts["missing"] + counts["pending"] == 1
    assert [r["organization"]["id"] for r in board["rows"]] == sorted(
        (u.pk for u in khoi.units), key=lambda pk: next(u.path for u in khoi.units if u.pk == pk)
    )
    thin = client.get(f"{url}?thin=true").json()["rows"]
    assert [r["organization"]["id"] for r in thin] == [khoi.units[1].pk]
    assert thin[0]["thin"] and len(thin[0]["thin_reasons"]) == 1 and thin[0]["thin_reasons"][0]
    # As of the due day, nothing is missing yet; the day after, the unsent one is.
    on_due = client.get(f"{url}?day={period.due_on.isoformat()}").json()["counts"]
    assert on_due["missing"] == 0 and on_due["pending"] == 1
    after = client.get(f"{url}?day=2026-12-31&status=missing").json()
    assert [r["organization"]["id"] for r in after["rows"]] == [khoi.units[2].pk]
    assert after["rows"][0]["report_id"] is None and after["counts"]["total"] == 3
    named = client.get(f"{url}?q=X%C3%A2y%20d%E1%BB%B1ng").json()["rows"]
    assert [r["organization"]["id"] for r in named] == [khoi.units[2].pk]


def test_the_queries_do_not_grow_with_the_organizations(api, khoi, period):  # noqa: F811
    office, clerk = api(khoi.office), api(khoi.clerks[0])
    urls = [f"{BASE}/periods/{period.pk}/board/", f"{BASE}/periods/{period.pk}/sums/", f"{BASE}/forms/"]
    submitted(khoi, period, 0, summary="Tốt.")
    few = [queries(office, url) for url in urls]
    own = queries(clerk, fill_url(period, khoi.units[0]))
    submitted(khoi, period, 1, summary="Tốt.")
    submitted(khoi, period, 2, summary="Tốt.")
    services.report_return(
        actor=khoi.office, report=Report.objects.get(organization=khoi.units[0]), reason="x"
    )
    submitted(khoi, period, 0)
    more = [queries(office, url) for url in urls]
    assert all(n <= before for n, before in zip(more, few, strict=True)), (more, few)
    # Two submissions now, and a return: the same queries.
    assert queries(clerk, fill_url(period, khoi.units[0])) <= own


def test_reminders_go_to_the_missing_ones(api, khoi, period):  # noqa: F811
    submitted(khoi, period, 0)
    response = api(khoi.office).post(f"{BASE}/periods/{period.pk}/remind/")
    assert response.status_code == 200
    assert response.json() == {"organizations": len(selectors.unsent(period))}
    assert audits(services.AuditAction.REMINDERS_SENT) == 1
    if response.json()["organizations"]:
        assert Notification.objects.filter(recipient=khoi.clerks[2]).exists()
        assert not Notification.objects.filter(recipient=khoi.clerks[0]).exists()
    services.period_close(actor=khoi.office, period=period)
    closed = api(khoi.office).post(f"{BASE}/periods/{period.pk}/remind/")
    assert closed.status_code == 422 and audits(services.AuditAction.REMINDERS_SENT) == 1


def test_the_sums_up_the_tree_with_the_previous_period(api, khoi, form, period, tree):  # noqa: F811
    earlier = services.period_open(actor=khoi.office, form=form, year=2026, number=2)
    for index in (0, 1):
        clerk, unit = khoi.clerks[index], khoi.units[index]
        services.draft_save(
            actor=clerk, period=earlier, organization=unit, values=good_values(members="40", men="20")
        )
        services.report_submit(actor=clerk, period=earlier, organization=unit)
    submitted(khoi, period, 0)
    submitted(khoi, period, 1, members="50", men="30")
    client = api(khoi.office)
    body = client.get(f"{BASE}/periods/{period.pk}/sums/").json()
    assert body["node"]["id"] == tree.bloc.pk and body["previous_period"]["id"] == earlier.pk
    assert body["keys"][0] == {"key": "members", "label": "Tổng số đảng viên"}
    total = {cell["key"]: cell for cell in body["total"]["cells"]}
    assert (total["members"]["value"], total["members"]["previous"], total["members"]["change"]) == (
        "95",
        "80",
        "15",
    )
    assert total["cells.*.members"]["value"] == "90"
    assert body["total"]["asked"] == 3 and body["total"]["reported"] == 2
    lines = {line["organization"]["id"]: line for line in body["lines"]}
    assert lines[khoi.units[1].pk]["cells"][0]["value"] == "50"
    assert lines[khoi.units[2].pk]["cells"][0]["value"] is None
    # One level down, and a node outside the form's committee refused at `organization`.
    down = client.get(f"{BASE}/periods/{period.pk}/sums/?organization={khoi.units[1].pk}").json()
    assert down["node"]["id"] == khoi.units[1].pk and down["total"]["cells"][0]["value"] == "50"
    assert [unit["id"] for unit in down["trail"]] == [tree.bloc.pk, khoi.units[1].pk]
    outside = client.get(f"{BASE}/periods/{period.pk}/sums/?organization={tree.city.pk}")
    assert outside.status_code == 422 and "organization" in outside.json()["errors"]


def test_the_years_rating_of_each_organization(api, khoi, period, secretary, tree):  # noqa: F811
    from vanphong.reports import rating

    submitted(khoi, period, 0)
    submitted(khoi, period, 1, summary="Tốt.")
    client = api(khoi.office)
    response = client.get(f"{BASE}/rating/?year=2026&as_of=2026-12-31")
    assert response.status_code == 200, response.content
    body = response.json()
    expected = rating.rating(tree.bloc, 2026, as_of=dt.date(2026, 12, 31))
    assert body["committee"]["id"] == tree.bloc.pk and [p["id"] for p in body["periods"]] == [period.pk]
    assert [r["organization"]["id"] for r in body["rows"]] == [row.pk for row in expected.rows]
    by_id = {r["organization"]["id"]: r for r in body["rows"]}
    missing = by_id[khoi.units[2].pk]
    assert (missing["due"], missing["missing"], missing["band"]) == (1, 1, "failed")
    thin = by_id[khoi.units[1].pk]
    assert thin["thin"] == 1 and thin["missing"] == 0
    assert [r["score"] for r in body["rows"]] == [str(row.score) for row in expected.rows]
    assert (body["total"]["organization"], body["total"]["due"], body["total"]["missing"]) == (None, 3, 1)
    assert sum(body["bands"].values()) == 3
    # Before the due day nothing counts; a year without periods is empty.
    assert client.get(f"{BASE}/rating/?year=2026&as_of=2026-09-01").json()["total"]["due"] == 0
    assert client.get(f"{BASE}/rating/?year=2020").json()["rows"] == []
    assert client.get(f"{BASE}/rating/").status_code == 422
    # A committee out of sight: 404; seen but not received for, or receiving for none: 403.
    assert client.get(f"{BASE}/rating/?year=2026&committee={tree.other_province.pk}").status_code == 404
    assert api(secretary).get(f"{BASE}/rating/?year=2026&committee={tree.bloc.pk}").status_code == 403
    assert api(khoi.clerks[0]).get(f"{BASE}/rating/?year=2026").status_code == 403


# --- The schema -----------------------------------------------------------------------------------

PATHS = {
    "/api/v1/reports/forms/",
    "/api/v1/reports/forms/{form_id}/",
    "/api/v1/reports/periods/",
    "/api/v1/reports/periods/{period_id}/",
    "/api/v1/reports/periods/{period_id}/board/",
    "/api/v1/reports/periods/{period_id}/remind/",
    "/api/v1/reports/periods/{period_id}/sums/",
    "/api/v1/reports/received/{report_id}/",
    "/api/v1/reports/received/{report_id}/return/",
    "/api/v1/reports/due/",
    "/api/v1/reports/rating/",
    "/api/v1/reports/periods/{period_id}/organizations/{organization_id}/",
    "/api/v1/reports/periods/{period_id}/organizations/{organization_id}/draft/",
    "/api/v1/reports/periods/{period_id}/organizations/{organization_id}/submit/",
}


def test_no_two_schemas_of_the_api_share_a_name():
    """ninja names a schema's component by its class: two routers' `BoardOut`s would be
    one in the OpenAPI document, and one router's responses checked against the other's."""
    import inspect

    from ninja import Schema

    from vanphong.api import schemas
    from vanphong.api.routers import followup_schemas, programs_schemas, reports_schemas, schedule_schemas

    defined = [
        name
        for module in (schemas, followup_schemas, programs_schemas, reports_schemas, schedule_schemas)
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__
    ]
    assert len(defined) == len(set(defined)), sorted(n for n in defined if defined.count(n) > 1)


def test_real_responses_of_the_reports_match_the_schema(app, schema, khoi, form, period, secretary, outsider):  # noqa: F811
    assert {path for path in schema if path.startswith("/api/v1/reports/")} == PATHS
    other = Report.objects.get(pk=submitted(khoi, period, 1, summary="Tốt.").report_id)
    clerk, unit = khoi.clerks[0], khoi.units[0]
    fill = fill_url(period, unit)
    template = "/api/v1/reports/periods/{period_id}/organizations/{organization_id}/"
    p = period.pk
    calls = [
        (khoi.office, "GET", "/api/v1/reports/forms/", "/api/v1/reports/forms/", None),
        (khoi.office, "GET", "/api/v1/reports/forms/{form_id}/", f"/api/v1/reports/forms/{form.pk}/", None),
        (outsider, "GET", "/api/v1/reports/forms/{form_id}/", f"/api/v1/reports/forms/{form.pk}/", None),
        (khoi.office, "GET", "/api/v1/reports/periods/", "/api/v1/reports/periods/?state=open", None),
        (khoi.office, "GET", "/api/v1/reports/periods/{period_id}/", f"/api/v1/reports/periods/{p}/", None),
        (
            khoi.office,
            "GET",
            "/api/v1/reports/periods/{period_id}/board/",
            f"/api/v1/reports/periods/{p}/board/",
            None,
        ),
        (
            clerk,
            "GET",
            "/api/v1/reports/periods/{period_id}/board/",
            f"/api/v1/reports/periods/{p}/board/",
            None,
        ),
        (
            khoi.office,
            "GET",
            "/api/v1/reports/periods/{period_id}/sums/",
            f"/api/v1/reports/periods/{p}/sums/",
            None,
        ),
        (
            secretary,
            "GET",
            "/api/v1/reports/periods/{period_id}/sums/",
            f"/api/v1/reports/periods/{p}/sums/",
            None,
        ),
        (clerk, "GET", "/api/v1/reports/due/", "/api/v1/reports/due/", None),
        (clerk, "GET", template, fill, None),
        (khoi.office, "GET", template, fill, None),
        (clerk, "PUT", template + "draft/", fill + "draft/", {"values": good_values(men="x")}),
        (clerk, "POST", template + "submit/", fill + "submit/", {}),
        (clerk, "PUT", template + "draft/", fill + "draft/", {"values": good_values()}),
        (clerk, "POST", template + "submit/", fill + "submit/", {}),
        (
            khoi.office,
            "GET",
            "/api/v1/reports/received/{report_id}/",
            f"/api/v1/reports/received/{other.pk}/",
            None,
        ),
        (
            khoi.office,
            "POST",
            "/api/v1/reports/received/{report_id}/return/",
            f"/api/v1/reports/received/{other.pk}/return/",
            {"reason": "Bổ sung"},
        ),
        (
            khoi.office,
            "POST",
            "/api/v1/reports/periods/{period_id}/remind/",
            f"/api/v1/reports/periods/{p}/remind/",
            None,
        ),
        (None, "GET", "/api/v1/reports/due/", "/api/v1/reports/due/", None),
        (khoi.office, "GET", "/api/v1/reports/rating/", "/api/v1/reports/rating/?year=2026", None),
        (clerk, "GET", "/api/v1/reports/rating/", "/api/v1/reports/rating/?year=2026", None),
    ]
    seen = set()
    for person, method, path, url, body in calls:
        headers = {"Accept-Language": "vi"}
        if person is not None:
            headers["Authorization"] = f"Bearer {bearer(person)}"
        response = WsgiClient(app).open(url, method=method, headers=headers, json=body)
        schema[path][method].validate_response(response)
        seen.add((path, method, response.status_code))
    assert {path for path, _, _ in seen} == PATHS
    assert {status for _, _, status in seen} == {200, 201, 401, 403, 404, 422}
