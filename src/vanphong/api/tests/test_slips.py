from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vanphong.core.models import AuditEvent
from vanphong.handling import services
from vanphong.handling.models import SlipState

TODAY = timezone.localdate()
JSON = "application/json"


def slips_of(document) -> str:
    return f"/api/v1/incoming/{document.pk}/slips/"


def slip_url(slip, step: str = "") -> str:
    return f"/api/v1/slips/{slip.pk}/" + (f"{step}/" if step else "")


def new_events(before: int) -> list[str]:
    return [e.action for e in AuditEvent.objects.order_by("id")[before:]]


# --- Reading ------------------------------------------------------------------------------------------


def test_it_lists_a_documents_slips_and_shows_one(api, clerk, directed, handler):
    body = api(clerk).get(slips_of(directed.document)).json()
    assert [s["id"] for s in body] == [directed.pk]
    slip = api(handler).get(slip_url(directed)).json()
    assert slip["state"] == "directed" and slip["lead_person"]["id"] == handler.pk
    assert slip["deadline"] == (TODAY + dt.timedelta(days=7)).isoformat()
    assert [p["full_name"] for p in slip["sent_to"]] == [s.full_name for s in directed.sent_to.all()]


def test_an_outsider_sees_no_slip(api, outsider, sent):
    assert api(outsider).get(slip_url(sent)).status_code == 404
    assert api(outsider).get(slips_of(sent.document)).status_code == 404


# --- Sending ------------------------------------------------------------------------------------------


def test_the_office_sends_with_one_audit_event(api, clerk, secretary, document):
    client = api(clerk)
    before = AuditEvent.objects.count()
    response = client.post(slips_of(document), {"leaders": [secretary.pk], "note": "Kính trình"}, JSON)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "sent" and response.json()["note"] == "Kính trình"
    assert new_events(before) == ["slip.sent"]


def test_only_the_office_sends(api, secretary, member, document):
    assert api(secretary).post(slips_of(document), {"leaders": [secretary.pk]}, JSON).status_code == 403
    # A member of a cell far below does not even see the city's register.
    assert api(member).post(slips_of(document), {"leaders": [secretary.pk]}, JSON).status_code == 404


def test_sending_refuses_who_is_no_leader(api, clerk, member, document):
    response = api(clerk).post(slips_of(document), {"leaders": [member.pk]}, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["leaders"]
    response = api(clerk).post(slips_of(document), {"leaders": []}, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["leaders"]


# --- Directing ----------------------------------------------------------------------------------------


def test_a_leader_directs_with_one_audit_event(api, tree, secretary, handler, sent):
    client = api(secretary)
    before = AuditEvent.objects.count()
    payload = {
        "instruction": "Giao Đảng ủy Sở Tư pháp chủ trì.",
        "lead_unit": tree.grassroots.pk,
        "lead_person": handler.pk,
        "co_units": [tree.bloc.pk],
        "deadline": (TODAY + dt.timedelta(days=5)).isoformat(),
    }
    response = client.post(slip_url(sent, "direct"), payload, JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "directed" and body["co_units"] == [{"id": tree.bloc.pk, "name": tree.bloc.name}]
    assert new_events(before) == ["slip.directed"]


def test_directing_is_refused_to_others_and_twice(api, tree, deputy, clerk, secretary, sent):
    payload = {"instruction": "Làm ngay.", "lead_unit": tree.grassroots.pk}
    assert api(deputy).post(slip_url(sent, "direct"), payload, JSON).status_code == 403
    response = api(secretary).post(slip_url(sent, "direct"), {"instruction": " "}, JSON)
    assert response.status_code == 422 and set(response.json()["errors"]) == {"instruction", "lead_unit"}
    assert api(secretary).post(slip_url(sent, "direct"), payload, JSON).status_code == 200
    again = api(secretary).post(slip_url(sent, "direct"), payload, JSON)
    assert again.status_code == 422 and list(again.json()["errors"]) == ["__all__"]


def test_directing_refuses_a_unit_outside_the_committee(api, tree, secretary, sent):
    payload = {"instruction": "Làm ngay.", "lead_unit": tree.other_province.pk}
    response = api(secretary).post(slip_url(sent, "direct"), payload, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["lead_unit"]


# --- Progress and completion ------------------------------------------------------------------------


def test_a_handler_reports_progress_and_completes(api, handler, directed):
    client = api(handler)
    before = AuditEvent.objects.count()
    response = client.post(slip_url(directed, "progress"), {"note": "Đã họp triển khai."}, JSON)
    assert response.status_code == 200 and response.json()["progress"][0]["text"] == "Đã họp triển khai."
    response = client.post(slip_url(directed, "complete"), {"note": "Đã báo cáo."}, JSON)
    assert response.status_code == 200 and response.json()["state"] == "done"
    assert new_events(before) == ["slip.progress", "slip.completed"]


def test_progress_and_completion_are_refused_to_others(api, secretary, member, handler, directed):
    # The Secretary sees the slip (it is her committee's) but does not handle it.
    assert api(secretary).post(slip_url(directed, "progress"), {"note": "x"}, JSON).status_code == 403
    assert api(secretary).post(slip_url(directed, "complete"), {}, JSON).status_code == 403
    assert api(member).post(slip_url(directed, "complete"), {}, JSON).status_code == 404
    response = api(handler).post(slip_url(directed, "progress"), {"note": " "}, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["note"]


def test_nothing_is_recorded_on_a_slip_awaiting_direction(api, clerk, sent):
    response = api(clerk).post(slip_url(sent, "complete"), {}, JSON)
    assert response.status_code == 422
    sent.refresh_from_db()
    assert sent.state == SlipState.SENT


# --- Classified slips ---------------------------------------------------------------------------------


def test_a_classified_slip_does_not_exist_for_the_uncleared(
    api, tree, clerk, secretary, uncleared, classified
):
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    client = api(uncleared)
    missing = client.get("/api/v1/slips/999999/")
    for response in (
        client.get(slip_url(slip)),
        client.get(slips_of(classified)),
        client.post(slips_of(classified), {"leaders": [secretary.pk]}, JSON),
        client.post(slip_url(slip, "direct"), {"instruction": "x", "lead_unit": tree.grassroots.pk}, JSON),
        client.post(slip_url(slip, "progress"), {"note": "x"}, JSON),
        client.post(slip_url(slip, "complete"), {}, JSON),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
