"""Work programs through the API: the list and its filters, a program with its items
and execution rate, adding and marking items (one audit event each, refused to whoever
the page refuses), a closed program's refusal, and 404 for what one does not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from vanphong.api.tests.conftest import queries
from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person
from vanphong.programs import services
from vanphong.programs.models import ItemState, ProgramItem
from vanphong.programs.tests.test_services import add

JSON = "application/json"
TODAY = timezone.localdate()


def new_events(before: int) -> list[str]:
    return [e.action for e in AuditEvent.objects.order_by("id")[before:]]


@pytest.fixture
def committee_member(tree):
    """A leader of the city committee: sees its programs, does not prepare them."""
    return make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER)


@pytest.fixture
def item(specialist, tree, yearly, leader):
    return add(specialist, yearly, tree, partners=[tree.bloc], leader=leader, timing_note="tuần 3")


# --- Reading ------------------------------------------------------------------------------------------


def test_it_lists_the_programs_with_their_counts_and_filters(api, specialist, tree, yearly, november, item):
    client = api(specialist)
    body = client.get("/api/v1/programs/").json()
    assert body["count"] == 2
    by_id = {p["id"]: p for p in body["items"]}
    assert by_id[yearly.pk]["planned"] == 1 and by_id[yearly.pk]["done"] == 0
    assert by_id[november.pk]["kind"] == "month" and by_id[november.pk]["period"] == 11
    assert by_id[yearly.pk]["organization"] == {"id": tree.city.pk, "name": tree.city.name}
    ids = lambda query: [p["id"] for p in client.get(f"/api/v1/programs/?{query}").json()["items"]]  # noqa: E731
    assert ids("kind=month") == [november.pk]
    assert ids("period=11") == [november.pk]
    assert ids("year=2026&kind=year") == [yearly.pk]
    assert ids("year=2025") == []
    assert ids(f"organization={tree.city.pk}&state=drafting") == [yearly.pk, november.pk]
    assert ids(f"organization={tree.other_province.pk}") == []
    assert ids("state=issued") == []
    assert client.get("/api/v1/programs/?kind=weekly").status_code == 422
    assert client.get("/api/v1/programs/?limit=1").json()["items"][0]["id"] == yearly.pk


def test_a_program_with_its_items_and_execution_rate(
    api, committee_member, specialist, tree, yearly, item, leader
):
    done = add(specialist, yearly, tree, content="Tổng kết công tác năm", planned_month=1)
    services.item_set_state(actor=specialist, item=done, state="done", done_on=dt.date(2026, 1, 20))
    body = api(committee_member).get(f"/api/v1/programs/{yearly.pk}/").json()
    assert body["title"] == yearly.title and (body["planned"], body["done"]) == (2, 1)
    first = body["items"][0]
    assert first["id"] == item.pk and first["position"] == 1 and first["leader"]["id"] == leader.pk
    assert first["partners"] == [{"id": tree.bloc.pk, "name": tree.bloc.name}]
    assert first["planned_month"] == 11 and first["timing_note"] == "tuần 3" and first["source"] is None
    execution = body["execution"]
    assert execution["total"] | {"label": ""} == {
        "label": "",
        "planned": 2,
        "done": 1,
        "moved": 0,
        "dropped": 0,
        "percent": 50,
    }
    assert [(r["planned"], r["done"], r["percent"]) for r in execution["periods"]] == [
        (1, 1, 100),
        (0, 0, None),
        (0, 0, None),
        (1, 0, 0),
    ]
    item_body = api(committee_member).get(f"/api/v1/programs/items/{item.pk}/").json()
    assert item_body["content"] == item.content and item_body["program_id"] == yearly.pk


def test_the_queries_do_not_grow_with_the_items(api, specialist, tree, yearly, leader):
    client = api(specialist)
    urls = ["/api/v1/programs/", f"/api/v1/programs/{yearly.pk}/"]
    add(specialist, yearly, tree, partners=[tree.bloc], leader=leader)
    few = [queries(client, url) for url in urls]
    for month in range(1, 6):
        add(specialist, yearly, tree, partners=[tree.bloc, tree.office], leader=leader, planned_month=month)
    assert all(n <= before for n, before in zip([queries(client, url) for url in urls], few, strict=True))


def test_what_one_does_not_see_is_not_there(api, outsider, member, yearly, item):
    for person in (outsider, member):
        client = api(person)
        assert client.get("/api/v1/programs/").json()["count"] == 0
        for url in (f"/api/v1/programs/{yearly.pk}/", f"/api/v1/programs/items/{item.pk}/"):
            response = client.get(url)
            assert response.status_code == 404
            assert response.json() == client.get("/api/v1/programs/999999/").json()
        assert (
            client.post(f"/api/v1/programs/{yearly.pk}/items/", {"content": "x", "lead": 1}, JSON).status_code
            == 404
        )
        assert (
            client.post(f"/api/v1/programs/items/{item.pk}/state/", {"state": "done"}, JSON).status_code
            == 404
        )


# --- Adding an item ---------------------------------------------------------------------------------


def test_the_office_adds_an_item_with_one_audit_event(api, specialist, tree, yearly, leader):
    client = api(specialist)
    before = AuditEvent.objects.count()
    payload = {
        "content": "Hội nghị Ban Chấp hành lần thứ 5",
        "lead": tree.office.pk,
        "partners": [tree.bloc.pk],
        "leader": leader.pk,
        "planned_month": 12,
        "output_kind": "conference",
        "output_type": "bao-cao",
    }
    response = client.post(f"/api/v1/programs/{yearly.pk}/items/", payload, JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["position"], body["planned_year"], body["planned_month"]) == (1, 2026, 12)
    assert body["output_type"]["code"] == "bao-cao" and body["lead"]["id"] == tree.office.pk
    assert new_events(before) == [services.AuditAction.ITEM_ADDED]


def test_adding_is_refused_to_who_does_not_prepare_the_program(api, committee_member, clerk, tree, yearly):
    clients = [api(committee_member), api(clerk)]
    before = AuditEvent.objects.count()
    for client in clients:
        response = client.post(
            f"/api/v1/programs/{yearly.pk}/items/", {"content": "x", "lead": tree.office.pk}, JSON
        )
        assert response.status_code == 403
    assert AuditEvent.objects.count() == before and not ProgramItem.objects.exists()


def test_adding_refuses_bad_input_with_field_messages(api, specialist, tree, november, member):
    client = api(specialist)
    url = f"/api/v1/programs/{november.pk}/items/"
    response = client.post(url, {"content": " ", "lead": tree.office.pk, "planned_month": 12}, JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"content", "planned_month"}
    assert errors["planned_month"] == ["Month 12/2026 is outside the period of the program (Month 11/2026)."]
    response = api(specialist, "vi").post(
        url, {"content": "x", "lead": tree.office.pk, "planned_month": 12}, JSON
    )
    with override("vi"):
        expected = gettext("%(time)s is outside the period of the program (%(period)s).") % {
            "time": "Tháng 12/2026",
            "period": "Tháng 11/2026",
        }
    assert response.json()["errors"]["planned_month"] == [expected]
    for field, payload in (
        ("lead", {"lead": tree.other_province.pk}),
        ("partners", {"lead": tree.office.pk, "partners": [tree.cell.pk]}),
        ("leader", {"lead": tree.office.pk, "leader": member.pk}),
        ("output_type", {"lead": tree.office.pk, "output_type": "khong-co"}),
    ):
        response = client.post(url, {"content": "x", **payload}, JSON)
        assert response.status_code == 422 and list(response.json()["errors"]) == [field], field
    assert not ProgramItem.objects.exists()


def test_a_closed_program_refuses_every_change(api, specialist, office_chief, tree, november):
    first = add(specialist, november, tree)
    services.program_issue(actor=office_chief, program=november, issued_on=TODAY)
    services.program_close(actor=office_chief, program=november)
    client = api(specialist, "vi")
    before = AuditEvent.objects.count()
    added = client.post(
        f"/api/v1/programs/{november.pk}/items/", {"content": "x", "lead": tree.office.pk}, JSON
    )
    marked = client.post(f"/api/v1/programs/items/{first.pk}/state/", {"state": "done"}, JSON)
    with override("vi"):
        expected = gettext("The program “%(title)s” is closed: it can no longer be changed.") % {
            "title": november.title
        }
    for response in (added, marked):
        assert response.status_code == 422
        assert response.json()["errors"] == {"__all__": [expected]}
    assert AuditEvent.objects.count() == before and november.items.count() == 1


# --- Marking an item --------------------------------------------------------------------------------


def test_the_office_marks_an_item_with_one_audit_event(api, specialist, item):
    client = api(specialist)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/programs/items/{item.pk}/state/", {"state": "done", "done_on": "2026-11-20"}, JSON
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done" and response.json()["done_on"] == "2026-11-20"
    assert new_events(before) == [services.AuditAction.ITEM_STATE_CHANGED]


def test_marking_is_refused_to_others_and_without_a_reason(api, committee_member, specialist, item):
    leader_client, office = api(committee_member), api(specialist)
    before = AuditEvent.objects.count()
    url = f"/api/v1/programs/items/{item.pk}/state/"
    assert leader_client.post(url, {"state": "done"}, JSON).status_code == 403
    response = office.post(url, {"state": "dropped"}, JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"note": ["Say why (moved to when, or why it was dropped)."]}
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = office.post(url, {"state": "done", "done_on": tomorrow}, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["done_on"]
    assert office.post(url, {"state": "finished"}, JSON).status_code == 422
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED and AuditEvent.objects.count() == before
