from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.handling.tests.conftest import register_document

URL = "/api/v1/incoming/"
TODAY = timezone.localdate()


def entry(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_on": TODAY.isoformat(),
        "issuer": "Ban Tuyên giáo Trung ương",
        "symbol": "45-HD/BTGTW",
        "document_date": (TODAY - dt.timedelta(days=3)).isoformat(),
        "document_type": "cong-van",
        "abstract": "Hướng dẫn tuyên truyền kỷ niệm ngày thành lập Đảng",
    }
    data.update(overrides)
    return data


# --- The list ----------------------------------------------------------------------------------------


def test_it_lists_the_register(api, clerk, document):
    body = api(clerk).get(URL).json()
    assert body["count"] == 1 and body["offset"] == 0 and body["limit"] == 50
    item = body["items"][0]
    assert item["id"] == document.pk and item["number"] == document.number
    assert item["register_year"] == TODAY.year and item["classified"] is False
    assert item["document_type"] == {"code": "cong-van", "name": document.document_type.name}
    assert item["received_on"] == TODAY.isoformat() and item["secrecy"] == 0 and item["urgency"] == 0


def test_it_filters_and_pages(api, tree, clerk):
    for n in range(3):
        register_document(tree, clerk, symbol=f"{n}-CV/BTCTW", abstract=f"V/v việc số {n}")
    client = api(clerk)
    assert client.get(URL, {"q": "viec so 1"}).json()["count"] == 1
    assert client.get(URL, {"document_type": "bao-cao"}).json()["count"] == 0
    assert client.get(URL, {"received_to": (TODAY - dt.timedelta(days=1)).isoformat()}).json()["count"] == 0
    page = client.get(URL, {"limit": 2, "offset": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_it_refuses_bad_filters_by_field(api, clerk):
    client = api(clerk)
    assert client.get(URL, {"document_type": "khong-co"}).json()["count"] == 0
    response = client.get(URL, {"limit": 0, "received_from": "31/12/2025"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"limit", "received_from"}


def test_an_outsider_sees_nothing(api, outsider, document):
    assert api(outsider).get(URL).json()["count"] == 0
    assert api(outsider).get(f"{URL}{document.pk}/").status_code == 404


# --- Classified documents ----------------------------------------------------------------------------


def test_a_classified_document_does_not_exist_for_the_uncleared(api, uncleared, document, classified):
    client = api(uncleared)
    body = client.get(URL).json()
    assert body["count"] == 1 and [i["id"] for i in body["items"]] == [document.pk]
    assert client.get(URL, {"q": "3-CV"}).json()["count"] == 0
    missing = client.get(f"{URL}999999/")
    hidden = client.get(f"{URL}{classified.pk}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_every_read_of_a_classified_document_is_audited(api, clerk, classified):
    client = api(clerk)
    before = AuditEvent.objects.count()
    assert client.get(f"{URL}{classified.pk}/").json()["classified"] is True
    assert client.get(URL).json()["count"] == 1
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.action, e.after) for e in events] == [("incoming.classified_read", {"via": "api"})] * 2


# --- Registering -------------------------------------------------------------------------------------


def test_a_clerk_registers_with_one_audit_event(api, tree, clerk):
    client = api(clerk)
    before = AuditEvent.objects.count()
    response = client.post(URL, entry(urgency=1), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1 and body["organization"]["id"] == tree.city.pk and body["urgency"] == 1
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in events] == ["incoming.registered"]
    assert events[0].actor_id == clerk.pk and events[0].target_id == str(body["id"])


def test_it_refuses_who_keeps_no_register(api, secretary, member):
    for person in (secretary, member):
        response = api(person).post(URL, entry(), content_type="application/json")
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="incoming.registered").exists()


def test_it_refuses_a_register_one_does_not_keep(api, tree, clerk):
    response = api(clerk).post(
        URL, entry(organization_id=tree.other_province.pk), content_type="application/json"
    )
    assert response.status_code == 403


def test_several_registers_need_the_committee_named(api, tree, clerk):
    core_services.membership_add(
        actor=None,
        person=clerk,
        organization=tree.grassroots,
        role=Role.CLERK,
        started_on=dt.date(2020, 1, 1),
    )
    client = api(clerk)
    response = client.post(URL, entry(), content_type="application/json")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["organization_id"]
    response = client.post(URL, entry(organization_id=tree.grassroots.pk), content_type="application/json")
    assert response.status_code == 201 and response.json()["organization"]["id"] == tree.grassroots.pk


def test_the_services_refusals_are_field_keyed_and_translated(api, clerk):
    bad = entry(received_on=(TODAY + dt.timedelta(days=1)).isoformat(), abstract=" ")
    english = api(clerk).post(URL, bad, content_type="application/json")
    assert english.status_code == 422
    errors = english.json()["errors"]
    assert set(errors) == {"received_on", "abstract"}
    assert errors["received_on"] == ["The date received cannot be in the future."]
    vietnamese = api(clerk, language="vi").post(URL, bad, content_type="application/json").json()["errors"]
    assert vietnamese["received_on"] != errors["received_on"]
    assert not AuditEvent.objects.filter(action="incoming.registered").exists()


def test_nobody_registers_above_their_clearance(api, clerk):
    response = api(clerk).post(URL, entry(secrecy=Secrecy.SECRET), content_type="application/json")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["secrecy"]


def test_it_refuses_a_unit_outside_the_committee(api, tree, clerk):
    response = api(clerk).post(
        URL, entry(handler_unit=tree.other_province.pk), content_type="application/json"
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["handler_unit"]
    response = api(clerk).post(URL, entry(handler_unit=tree.grassroots.pk), content_type="application/json")
    assert response.status_code == 201 and response.json()["handler_unit"]["id"] == tree.grassroots.pk


def test_a_duplicate_needs_confirming(api, clerk):
    client = api(clerk)
    assert client.post(URL, entry(), content_type="application/json").status_code == 201
    again = client.post(URL, entry(), content_type="application/json")
    assert again.status_code == 422 and list(again.json()["errors"]) == ["confirm_duplicate"]
    confirmed = client.post(URL, entry(confirm_duplicate=True), content_type="application/json")
    assert confirmed.status_code == 201 and confirmed.json()["number"] == 2


def test_a_document_type_that_is_not_a_code_is_refused(api, clerk):
    # Schemathesis sent a NUL byte, which PostgreSQL refuses in a text parameter (500).
    response = api(clerk).get(URL, {"document_type": "cong-van\x00"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"document_type"}
