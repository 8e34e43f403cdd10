"""The weekly schedule through the API: the week by day or ISO week with its leaders
booked twice, events added, changed and cancelled and the week published by the
office only (one audit event each), the service's refusals as 422s, and nothing of a
week or event one may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import gettext, override

from vanphong.api.tests.conftest import queries
from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import persona
from vanphong.schedule import services
from vanphong.schedule.models import Event, EventState
from vanphong.schedule.services import AuditAction
from vanphong.schedule.tests.test_services import MONDAY, TUESDAY, add

JSON = "application/json"
ISO_WEEK = "2026-W48"  # the week of MONDAY, 23 November 2026


def new_events(before: int) -> list[str]:
    return [e.action for e in AuditEvent.objects.order_by("id")[before:]]


def week_url(tree, query: str = "") -> str:
    return f"/api/v1/schedule/{tree.city.pk}/week/" + (f"?{query}" if query else "")


@pytest.fixture
def standing(tree):
    return persona(tree, Role.STANDING_MEMBER)


@pytest.fixture
def meeting(specialist, tree, secretary, standing):
    return add(
        specialist,
        tree,
        presiding=secretary,
        attendees=[standing],
        attendees_text="Các đồng chí Ủy viên BTV",
        place="Phòng họp Ban Thường vụ",
        preparing_unit=tree.office,
    )


# --- Reading ------------------------------------------------------------------------------------------


def test_the_office_reads_its_week_by_day_or_iso_week(api, specialist, tree, meeting, secretary, standing):
    client = api(specialist)
    body = client.get(week_url(tree, f"day={TUESDAY.isoformat()}")).json()
    assert body["monday"] == MONDAY.isoformat() and (body["iso_year"], body["iso_week"]) == (2026, 48)
    assert body["keeping"] and body["visible"] and not body["published"]
    [event] = body["events"]
    assert event["id"] == meeting.pk and event["starts_at"] == "08:00" and event["ends_at"] == "11:00"
    assert event["presiding"] == {"id": secretary.pk, "full_name": secretary.full_name}
    assert event["attendees"] == [{"id": standing.pk, "full_name": standing.full_name}]
    assert event["preparing_unit"]["id"] == tree.office.pk and event["double_bookings"] == []
    assert client.get(week_url(tree, f"week={ISO_WEEK}")).json() == body
    assert client.get(week_url(tree, f"week={ISO_WEEK}&day=2026-12-24")).json() == body  # the week wins
    for query in ("week=2025-W53", "week=9999-W01", "day=9999-12-31"):
        assert client.get(week_url(tree, query)).status_code == 404, query
    assert client.get(f"/api/v1/schedule/events/{meeting.pk}/").json() == event


def test_leaders_see_the_week_once_published(api, specialist, tree, meeting, secretary):
    client = api(secretary)
    body = client.get(week_url(tree, f"week={ISO_WEEK}")).json()
    assert not body["keeping"] and not body["visible"] and body["events"] == []
    assert client.get(f"/api/v1/schedule/events/{meeting.pk}/").status_code == 404
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    body = client.get(week_url(tree, f"week={ISO_WEEK}")).json()
    assert (
        body["published"] and body["publications"] == 1 and [e["id"] for e in body["events"]] == [meeting.pk]
    )
    assert client.get(f"/api/v1/schedule/events/{meeting.pk}/").status_code == 200


def test_a_leader_booked_twice_is_flagged(api, specialist, tree, meeting, standing):
    other = add(
        specialist,
        tree,
        title="Làm việc với Đảng ủy Sở Tư pháp",
        starts_at=dt.time(9, 0),
        ends_at=None,
        attendees=[standing],
        confirm_double_booking=True,
    )
    body = api(specialist).get(week_url(tree, f"week={ISO_WEEK}")).json()
    assert body["double_bookings"] == 2
    flags = {e["id"]: e["double_bookings"] for e in body["events"]}
    assert [(c["event_id"], c["person"]["id"]) for c in flags[meeting.pk]] == [(other.pk, standing.pk)]
    assert [(c["event_id"], c["person"]["id"]) for c in flags[other.pk]] == [(meeting.pk, standing.pk)]


def test_the_weeks_queries_do_not_grow_with_its_events(api, specialist, tree, secretary, standing):
    client, url = api(specialist), week_url(tree, f"week={ISO_WEEK}")

    def more(n: int) -> None:
        for hour in range(8, 8 + n):
            add(
                specialist,
                tree,
                title=f"Họp {hour}",
                starts_at=dt.time(hour),
                ends_at=None,
                presiding=secretary,
                attendees=[standing],
                preparing_unit=tree.office,
                confirm_double_booking=True,
            )

    more(2)
    few = queries(client, url)
    more(5)
    assert queries(client, url) <= few


def test_outsiders_see_nothing(api, outsider, member, tree, meeting, specialist):
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    for person in (outsider, member):
        client = api(person)
        missing = client.get("/api/v1/schedule/events/999999/").json()
        for response in (
            client.get(week_url(tree)),
            client.get(f"/api/v1/schedule/events/{meeting.pk}/"),
            client.post(
                f"/api/v1/schedule/{tree.city.pk}/events/", {"day": "2026-11-24", "title": "x"}, JSON
            ),
            client.patch(f"/api/v1/schedule/events/{meeting.pk}/", {"title": "x"}, JSON),
            client.post(f"/api/v1/schedule/events/{meeting.pk}/cancel/", {}, JSON),
            client.post(f"/api/v1/schedule/{tree.city.pk}/week/publish/", {}, JSON),
        ):
            assert response.status_code == 404 and response.json() == missing


# --- Writing ------------------------------------------------------------------------------------------


def test_the_office_adds_an_event_with_one_audit_event(api, specialist, tree, secretary, standing):
    client = api(specialist)
    before = AuditEvent.objects.count()
    payload = {
        "day": "2026-11-25",
        "starts_at": "14:00",
        "ends_at": "16:30",
        "kind": "working_session",
        "title": "Làm việc với Ban Tuyên giáo",
        "presiding": secretary.pk,
        "attendees": [standing.pk],
        "preparing_unit": tree.office.pk,
    }
    response = client.post(f"/api/v1/schedule/{tree.city.pk}/events/", payload, JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["monday"] == MONDAY.isoformat() and body["kind"] == "working_session"
    assert body["starts_at"] == "14:00" and body["state"] == "planned" and not body["changed"]
    assert new_events(before) == [AuditAction.EVENT_CREATED]


def test_adding_refuses_bad_input_with_field_messages(api, specialist, tree, member):
    client = api(specialist, "vi")
    url = f"/api/v1/schedule/{tree.city.pk}/events/"
    response = client.post(
        url, {"day": "2026-11-25", "starts_at": "14:00", "ends_at": "09:00", "title": "x"}, JSON
    )
    assert response.status_code == 422
    with override("vi"):
        assert response.json()["errors"] == {"ends_at": [gettext("The event cannot end before it starts.")]}
    response = client.post(url, {"day": "2026-11-25", "title": " "}, JSON)
    assert set(response.json()["errors"]) == {"title", "starts_at"}
    for field, extra in (
        ("presiding", {"presiding": member.pk}),
        ("attendees", {"attendees": [member.pk]}),
        ("preparing_unit", {"preparing_unit": tree.other_province.pk}),
        ("starts_at", {"starts_at": "08:00+07:00"}),
        ("day", {"day": "9999-12-31"}),
    ):
        response = client.post(url, {"day": "2026-11-25", "starts_at": "08:00", "title": "x", **extra}, JSON)
        assert response.status_code == 422 and list(response.json()["errors"]) == [field], field
    assert not Event.objects.exists()


def test_a_double_booking_needs_confirming(api, specialist, tree, meeting, standing):
    client = api(specialist)
    url = f"/api/v1/schedule/{tree.city.pk}/events/"
    payload = {
        "day": TUESDAY.isoformat(),
        "starts_at": "10:00",
        "title": "Tiếp khách",
        "attendees": [standing.pk],
    }
    refused = client.post(url, payload, JSON)
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["confirm_double_booking"]
    assert standing.full_name in refused.json()["detail"]
    confirmed = client.post(url, {**payload, "confirm_double_booking": True}, JSON)
    assert confirmed.status_code == 201
    assert [c["event_id"] for c in confirmed.json()["double_bookings"]] == [meeting.pk]


def test_only_the_office_writes(api, secretary, clerk, tree, meeting):
    clients = [api(secretary), api(clerk)]
    services.week_publish(actor=meeting.created_by, organization=tree.city, day=MONDAY)
    before = AuditEvent.objects.count()
    for client in clients:
        for response in (
            client.post(
                f"/api/v1/schedule/{tree.city.pk}/events/",
                {"day": "2026-11-24", "all_day": True, "title": "x"},
                JSON,
            ),
            client.patch(f"/api/v1/schedule/events/{meeting.pk}/", {"title": "x"}, JSON),
            client.post(f"/api/v1/schedule/events/{meeting.pk}/cancel/", {}, JSON),
            client.post(f"/api/v1/schedule/{tree.city.pk}/week/publish/", {"week": ISO_WEEK}, JSON),
        ):
            assert response.status_code == 403
    assert AuditEvent.objects.count() == before and Event.objects.count() == 1


def test_the_office_changes_and_cancels_after_publishing(api, specialist, tree, meeting):
    client = api(specialist)
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    before = AuditEvent.objects.count()
    url = f"/api/v1/schedule/events/{meeting.pk}/"
    response = client.patch(url, {"starts_at": "14:00", "ends_at": "17:00", "preparing_unit": None}, JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["starts_at"] == "14:00" and body["preparing_unit"] is None and body["changed"]
    assert body["title"] == meeting.title and body["attendees"] != []
    refused = client.patch(url, {"ends_at": "13:00"}, JSON)
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["ends_at"]
    response = client.post(url + "cancel/", {"reason": "Hoãn"}, JSON)
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert response.json()["cancel_note"] == "Hoãn"
    again = client.patch(url, {"title": "Lại"}, JSON)
    assert again.status_code == 422 and list(again.json()["errors"]) == ["__all__"]
    assert new_events(before) == [AuditAction.EVENT_UPDATED, AuditAction.EVENT_CANCELLED]
    meeting.refresh_from_db()
    assert meeting.state == EventState.CANCELLED


def test_the_office_publishes_the_week_with_one_audit_event(api, specialist, tree, meeting):
    client = api(specialist)
    before = AuditEvent.objects.count()
    url = f"/api/v1/schedule/{tree.city.pk}/week/publish/"
    response = client.post(url, {"week": ISO_WEEK}, JSON)
    assert response.status_code == 200, response.content
    assert response.json()["published"] and response.json()["publications"] == 1
    assert new_events(before) == [AuditAction.WEEK_PUBLISHED]
    again = client.post(url, {"day": TUESDAY.isoformat()}, JSON)
    assert again.status_code == 422 and list(again.json()["errors"]) == ["__all__"]
    empty = client.post(url, {"week": "2026-W50"}, JSON)
    assert empty.status_code == 422
