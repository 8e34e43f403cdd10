"""Meetings through the API: who sees what (an outsider nothing, an uncleared member
no classified item, nobody a classified item's file), who may do what, bad input
refused at its field with nothing recorded, a meeting from creation to its close,
and every answer as the schema documents it."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.test import Client as WsgiClient

from vanphong.api.tests.conftest import bearer, queries
from vanphong.api.tests.test_schema import app, schema
from vanphong.core.models import AuditEvent, Secrecy
from vanphong.meetings import selectors, services
from vanphong.meetings.models import Invitation, Meeting, MeetingDocument, MeetingState, Response
from vanphong.meetings.tests.conftest import at, btv_kind, committee, media, meeting, pdf_bytes, upload

JSON = "application/json"
BASE = "/api/v1/meetings/"


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def sent(meeting: Meeting, committee) -> Meeting:
    return services.invitations_send(actor=committee.specialist, meeting=meeting)


# --- Who sees what -----------------------------------------------------------------------------


def test_an_outsider_sees_no_meeting_of_the_committee(api, meeting, committee, outsider, member):
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(1)))
    seat = meeting.invitations.get(person=committee.standing[0])
    for stranger in (outsider, member):
        client = api(stranger)
        listed = client.get(BASE).json()
        assert (listed["count"], listed["items"]) == (0, [])
        for url in (
            f"{BASE}{meeting.pk}/",
            f"{BASE}{meeting.pk}/quorum/",
            f"{BASE}documents/{doc.pk}/",
            f"{BASE}documents/{doc.pk}/pdf/",
        ):
            assert client.get(url).status_code == 404, url
        # Nor may they act on it: what they may not see is missing, not forbidden.
        assert client.post(f"{BASE}{meeting.pk}/open/").status_code == 404
        assert client.post(f"{BASE}items/{item.pk}/move/", {"direction": "up"}, JSON).status_code == 404
        assert client.post(f"{BASE}invitations/{seat.pk}/check-in/", {}, JSON).status_code == 404
    assert not events(services.AuditAction.DOCUMENT_OPENED)


def test_a_member_sees_the_meeting_but_may_not_manage_it(api, tree, meeting, committee):
    sent(meeting, committee)
    client = api(committee.standing[0])
    listed = client.get(BASE).json()
    assert [m["id"] for m in listed["items"]] == [meeting.pk]
    detail = client.get(f"{BASE}{meeting.pk}/").json()
    assert detail["my_invitation"]["person"]["id"] == committee.standing[0].pk
    assert (detail["may_manage"], detail["chairing"]) == (False, False)
    created = client.post(
        BASE, {"kind": "btv", "title": "Họp", "starts_at": at(9).isoformat()}, content_type=JSON
    )
    assert created.status_code == 403
    assert Meeting.objects.count() == 1
    seat = meeting.invitations.get(person=committee.deputy)
    for method, url, body in (
        ("post", f"{BASE}{meeting.pk}/items/", {"title": "Thêm"}),
        ("patch", f"{BASE}{meeting.pk}/", {"title": "Khác"}),
        ("get", f"{BASE}{meeting.pk}/invitations/", None),
        ("post", f"{BASE}{meeting.pk}/invitations/send/", None),
        ("post", f"{BASE}invitations/{seat.pk}/check-in/", {}),
        ("post", f"{BASE}{meeting.pk}/open/", None),
    ):
        send = getattr(client, method)
        response = send(url) if body is None else send(url, body, content_type=JSON)
        assert response.status_code == 403, (method, url, response.content)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.state, meeting.items.count()) == (
        "Họp Ban Thường vụ Thành ủy tháng 12",
        MeetingState.INVITED,
        0,
    )
    assert not Invitation.objects.filter(present=True).exists()


def test_an_uncleared_member_does_not_see_a_classified_item(api, meeting, committee):
    specialist = committee.specialist
    services.item_add(actor=specialist, meeting=meeting, title="Báo cáo kinh tế - xã hội")
    secret = services.item_add(
        actor=specialist,
        meeting=meeting,
        title="Nhân sự quy hoạch cán bộ diện Ban Thường vụ",
        secrecy=Secrecy.SECRET,
    )
    sent(meeting, committee)
    uncleared, confidential, cleared = committee.standing[3], committee.standing[2], committee.standing[0]
    for person in (uncleared, confidential):
        response = api(person).get(f"{BASE}{meeting.pk}/")
        assert response.status_code == 200
        assert [i["title"] for i in response.json()["items"]] == ["Báo cáo kinh tế - xã hội"]
        assert "Nhân sự quy hoạch" not in response.content.decode()
        # Nor can the item be reached by its id.
        assert api(person).patch(f"{BASE}items/{secret.pk}/", {"title": "x"}, JSON).status_code == 404
    items = api(cleared).get(f"{BASE}{meeting.pk}/").json()["items"]
    assert [(i["title"], i["secrecy"]) for i in items] == [
        ("Báo cáo kinh tế - xã hội", Secrecy.NONE),
        ("Nhân sự quy hoạch cán bộ diện Ban Thường vụ", Secrecy.SECRET),
    ]
    assert (items[1]["carries_files"], items[1]["documents"]) == (False, [])


def test_a_classified_item_lists_no_file_and_serves_none(api, settings, meeting, committee):
    """Even a document put on a classified item on an isolated LAN is neither listed
    nor served once the deployment is not one."""
    specialist = committee.specialist
    services.meeting_update(actor=specialist, meeting=meeting, preread_days=7, downloads_allowed=True)
    open_item = services.item_add(actor=specialist, meeting=meeting, title="Báo cáo")
    visible = services.document_add(actor=specialist, item=open_item, upload=upload(pdf_bytes(1)))
    settings.VANPHONG_ISOLATED_LAN = True
    secret = services.item_add(
        actor=specialist, meeting=meeting, title="Nhân sự", secrecy=Secrecy.CONFIDENTIAL
    )
    hidden = services.document_add(actor=specialist, item=secret, upload=upload(pdf_bytes(1), "nhan-su.pdf"))
    settings.VANPHONG_ISOLATED_LAN = False
    sent(meeting, committee)
    client = api(committee.standing[0])
    items = {i["id"]: i for i in client.get(f"{BASE}{meeting.pk}/").json()["items"]}
    assert [d["id"] for d in items[open_item.pk]["documents"]] == [visible.pk]
    assert items[secret.pk]["title"] == "Nhân sự"
    assert (items[secret.pk]["carries_files"], items[secret.pk]["documents"]) == (False, [])
    assert client.get(f"{BASE}documents/{hidden.pk}/").status_code == 404
    assert client.get(f"{BASE}documents/{hidden.pk}/pdf/").status_code == 404
    assert client.get(f"{BASE}documents/{visible.pk}/pdf/").status_code == 200
    assert events(services.AuditAction.DOCUMENT_OPENED) == 1


def test_the_pdf_is_served_stamped_only_where_downloads_are_allowed(api, meeting, committee):
    specialist = committee.specialist
    services.meeting_update(actor=specialist, meeting=meeting, preread_days=7)
    item = services.item_add(actor=specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=specialist, item=item, upload=upload(pdf_bytes(2)))
    sent(meeting, committee)
    client = api(committee.standing[1])
    meta = client.get(f"{BASE}documents/{doc.pk}/").json()
    assert (meta["title"], meta["page_count"], meta["readable"], meta["downloadable"]) == (
        "bao-cao",
        2,
        True,
        False,
    )
    refused = client.get(f"{BASE}documents/{doc.pk}/pdf/")
    assert refused.status_code == 403 and refused["Content-Type"].startswith(JSON)
    assert not events(services.AuditAction.DOCUMENT_OPENED)
    api(specialist).patch(f"{BASE}{meeting.pk}/", {"downloads_allowed": True}, JSON)
    assert client.get(f"{BASE}documents/{doc.pk}/").json()["downloadable"] is True
    response = client.get(f"{BASE}documents/{doc.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    body = response.content
    assert body.startswith(b"%PDF") and body != doc.file.open("rb").read()
    event = AuditEvent.objects.get(action=services.AuditAction.DOCUMENT_OPENED)
    assert (event.actor_id, event.after["document"], event.after["download"]) == (
        committee.standing[1].pk,
        doc.pk,
        True,
    )


def test_pre_reads_not_open_yet_are_refused(api, meeting, committee):
    """The meeting is in five days, its pre-reads open three days before."""
    item = services.item_add(actor=committee.specialist, meeting=meeting, title="Báo cáo")
    doc = services.document_add(actor=committee.specialist, item=item, upload=upload(pdf_bytes(1)))
    services.meeting_update(actor=committee.specialist, meeting=meeting, downloads_allowed=True)
    sent(meeting, committee)
    client = api(committee.standing[0])
    assert client.get(f"{BASE}documents/{doc.pk}/").json()["readable"] is False
    assert client.get(f"{BASE}documents/{doc.pk}/pdf/").status_code == 403
    assert not events(services.AuditAction.DOCUMENT_OPENED)


# --- Bad input ------------------------------------------------------------------------------------


def test_a_delegate_who_is_not_a_member_is_refused_at_delegate(api, meeting, committee, member, outsider):
    sent(meeting, committee)
    person = committee.standing[0]
    client = api(person)
    url = f"{BASE}{meeting.pk}/respond/"
    for stranger in (member, outsider, committee.deputy, None):
        response = client.post(url, {"response": "delegated", "delegate": stranger and stranger.pk}, JSON)
        assert response.status_code == 422, response.content
        assert list(response.json()["errors"]) == ["delegate"]
        assert response.json()["errors"]["delegate"][0]
    seat = meeting.invitations.get(person=person)
    assert (seat.response, seat.delegate) == (Response.PENDING, None)
    assert not events(services.AuditAction.INVITATION_ANSWERED)


def test_a_decline_needs_a_reason(api, meeting, committee):
    sent(meeting, committee)
    client = api(committee.standing[0], "vi")
    url = f"{BASE}{meeting.pk}/respond/"
    for reason in ("", "   "):
        response = client.post(url, {"response": "declined", "reason": reason}, JSON)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["reason"]
    assert client.post(url, {"response": "maybe"}, JSON).status_code == 422
    assert not events(services.AuditAction.INVITATION_ANSWERED)
    answered = client.post(url, {"response": "declined", "reason": "Đi công tác Hà Nội"}, JSON)
    assert answered.status_code == 200
    assert (answered.json()["response"], answered.json()["reason"]) == ("declined", "Đi công tác Hà Nội")


def test_bad_meeting_and_item_input_is_refused_at_its_fields(api, tree, meeting, committee, outsider):
    client = api(committee.specialist)
    response = client.post(
        BASE,
        {
            "kind": "no-such-kind",
            "title": "  ",
            "starts_at": at(9).isoformat(),
            "chair": outsider.pk,
        },
        JSON,
    )
    assert response.status_code == 422
    assert "kind" in response.json()["errors"]
    response = client.post(
        BASE,
        {"kind": "btv", "title": "Họp", "starts_at": at(9, 10).isoformat(), "ends_at": at(9, 8).isoformat()},
        JSON,
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["ends_at"]
    response = client.post(f"{BASE}{meeting.pk}/items/", {"title": "Mục", "invitees": [outsider.pk]}, JSON)
    assert response.status_code == 422 and list(response.json()["errors"]) == ["invitees"]
    response = client.post(
        f"{BASE}{meeting.pk}/items/", {"title": "Mục", "secrecy": Secrecy.TOP_SECRET}, JSON
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["secrecy"]
    assert Meeting.objects.count() == 1 and not meeting.items.exists()


# --- A meeting from creation to its close ---------------------------------------------------------


def test_a_meeting_from_creation_to_its_close(
    api, tree, committee, member, django_capture_on_commit_callbacks
):
    office = api(committee.specialist)
    created = office.post(
        BASE,
        {
            "kind": "btv",
            "title": "Họp Ban Thường vụ tháng 1",
            "starts_at": at(2).isoformat(),
            "ends_at": at(2, 11).isoformat(),
            "place": "Phòng họp số 1",
            "chair": committee.secretary.pk,
            "secretary": committee.specialist.pk,
        },
        JSON,
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    url = f"{BASE}{meeting['id']}/"
    assert (meeting["state"], meeting["kind"]["code"], meeting["chair"]["id"]) == (
        "draft",
        "btv",
        committee.secretary.pk,
    )
    assert meeting["event_id"] is not None
    assert meeting["quorum"] == {
        "members": 6,
        "needed": 4,
        "present": 0,
        "delegates_present": 0,
        "majority": 4,
        "numerator": 2,
        "denominator": 3,
        "required": True,
        "reached": False,
    }
    kinds = office.get(f"{BASE}kinds/").json()
    assert "btv" in [k["code"] for k in kinds]

    first = office.post(
        f"{url}items/", {"title": "Báo cáo tình hình", "presenter": committee.deputy.pk}, JSON
    )
    assert first.status_code == 201, first.content
    second = office.post(f"{url}items/", {"title": "Chương trình công tác", "duration_minutes": 30}, JSON)
    assert [first.json()["order"], second.json()["order"]] == [1, 2]
    moved = office.post(f"{BASE}items/{second.json()['id']}/move/", {"direction": "up"}, JSON)
    assert moved.json()["order"] == 1
    changed = office.patch(f"{BASE}items/{first.json()['id']}/", {"note": "Kèm phụ lục"}, JSON)
    assert (changed.json()["note"], changed.json()["order"]) == ("Kèm phụ lục", 2)
    extra = office.post(f"{url}items/", {"title": "Việc khác"}, JSON).json()
    assert office.delete(f"{BASE}items/{extra['id']}/").status_code == 204

    with django_capture_on_commit_callbacks(execute=True):
        told = office.post(f"{url}invitations/send/")
    assert told.status_code == 200
    assert len(told.json()) == 6 and all(i["notified_at"] for i in told.json())

    # Five confirm; the last sends a committee member in their place.
    btv = committee.btv
    for person in btv[:5]:
        answered = api(person).post(f"{url}respond/", {"response": "confirmed"}, JSON)
        assert answered.status_code == 200 and answered.json()["response"] == "confirmed"
    delegate = committee.committee_members[0]
    answered = api(btv[5]).post(f"{url}respond/", {"response": "delegated", "delegate": delegate.pk}, JSON)
    assert answered.json()["delegate"]["id"] == delegate.pk
    # The delegate now sees the meeting, sitting on that seat.
    seat = api(delegate).get(url).json()["my_invitation"]
    assert (seat["person"]["id"], seat["delegate"]["id"]) == (btv[5].pk, delegate.pk)

    invitations = {i["person"]["id"]: i for i in office.get(f"{url}invitations/").json()}
    for person in btv[:3]:
        checked = office.post(f"{BASE}invitations/{invitations[person.pk]['id']}/check-in/", {}, JSON)
        assert checked.json()["present"] is True
    quorum = office.get(f"{url}quorum/").json()
    assert (quorum["present"], quorum["needed"], quorum["reached"]) == (3, 4, False)
    office.post(f"{BASE}invitations/{invitations[btv[3].pk]['id']}/check-in/", {}, JSON)
    office.post(f"{BASE}invitations/{invitations[btv[5].pk]['id']}/check-in/", {}, JSON)
    quorum = office.get(f"{url}quorum/").json()
    # The BTV's kind does not count delegates towards the quorum.
    assert (quorum["present"], quorum["delegates_present"], quorum["reached"]) == (4, 1, True)

    chair = api(committee.secretary)
    opened = chair.post(f"{url}open/")
    assert opened.status_code == 200 and opened.json()["state"] == "in_progress"
    assert [i["title"] for i in opened.json()["items"]] == ["Chương trình công tác", "Báo cáo tình hình"]
    assert chair.post(f"{url}open/").status_code == 422
    closed = chair.post(f"{url}close/")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert closed.json()["closed_at"]
    # A closed meeting no longer changes.
    assert office.post(f"{url}items/", {"title": "Muộn"}, JSON).status_code == 422
    listed = api(committee.standing[0]).get(f"{BASE}?when=past").json()
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    assert api(committee.standing[0]).get(f"{BASE}?when=upcoming").json()["count"] == 0
    assert [
        events(a) for a in (services.AuditAction.MEETING_OPENED, services.AuditAction.MEETING_CLOSED)
    ] == [1, 1]


def test_the_list_filters(api, tree, meeting, committee):
    services.meeting_update(actor=committee.specialist, meeting=meeting, preread_days=2)
    later = services.meeting_create(
        actor=committee.specialist,
        organization=tree.city,
        kind=btv_kind(),
        title="Hội ý",
        starts_at=at(1),
        confirm_double_booking=True,
    )
    client = api(committee.specialist)
    upcoming = client.get(f"{BASE}?when=upcoming").json()
    assert [m["id"] for m in upcoming["items"]] == [later.pk, meeting.pk]
    assert client.get(f"{BASE}?state=closed").json()["count"] == 0
    assert client.get(f"{BASE}?kind=hoi-y").json()["count"] == 0
    assert client.get(f"{BASE}?kind=btv&limit=1").json() == {
        "count": 2,
        "limit": 1,
        "offset": 0,
        "items": [client.get(f"{BASE}?kind=btv").json()["items"][0]],
    }


# --- The schema ------------------------------------------------------------------------------------


def test_the_schema_lists_the_meetings_paths(api):
    document = api(None).get("/api/v1/openapi.json").json()
    paths = {path for path in document["paths"] if path.startswith(BASE)}
    assert paths == {
        BASE,
        f"{BASE}kinds/",
        f"{BASE}{{meeting_id}}/",
        f"{BASE}{{meeting_id}}/quorum/",
        f"{BASE}{{meeting_id}}/open/",
        f"{BASE}{{meeting_id}}/close/",
        f"{BASE}{{meeting_id}}/items/",
        f"{BASE}items/{{item_id}}/",
        f"{BASE}items/{{item_id}}/move/",
        f"{BASE}documents/{{document_id}}/",
        f"{BASE}documents/{{document_id}}/pdf/",
        f"{BASE}{{meeting_id}}/invitations/",
        f"{BASE}invitations/{{invitation_id}}/",
        f"{BASE}{{meeting_id}}/invitations/send/",
        f"{BASE}{{meeting_id}}/respond/",
        f"{BASE}invitations/{{invitation_id}}/check-in/",
    }
    pdf = document["paths"][f"{BASE}documents/{{document_id}}/pdf/"]["get"]["responses"]
    assert set(pdf) == {"200", "401", "403", "404", "422"}
    assert "application/pdf" in pdf["200"]["content"]


def test_real_responses_match_the_schema(app, schema, settings, meeting, committee, outsider):
    specialist = committee.specialist
    services.meeting_update(actor=specialist, meeting=meeting, preread_days=7)
    item = services.item_add(actor=specialist, meeting=meeting, title="Báo cáo", presenter=committee.deputy)
    doc = services.document_add(actor=specialist, item=item, upload=upload(pdf_bytes(1)))
    services.item_add(actor=specialist, meeting=meeting, title="Nhân sự", secrecy=Secrecy.SECRET)
    spare = services.item_add(actor=specialist, meeting=meeting, title="Dự phòng")
    extra = services.invitee_add(actor=specialist, meeting=meeting, person=committee.committee_members[1])
    seat = meeting.invitations.get(person=committee.standing[0])
    m, i, d, s = meeting.pk, item.pk, doc.pk, seat.pk
    member, chair = committee.standing[0], committee.secretary
    calls = [
        (specialist, "GET", "/", "/?when=upcoming&kind=btv", None),
        (specialist, "GET", "/kinds/", "/kinds/", None),
        (specialist, "GET", "/{meeting_id}/", f"/{m}/", None),
        (outsider, "GET", "/{meeting_id}/", f"/{m}/", None),
        (specialist, "GET", "/{meeting_id}/quorum/", f"/{m}/quorum/", None),
        (specialist, "POST", "/", "/", {"kind": "btv", "title": "Họp", "starts_at": at(20).isoformat()}),
        (member, "POST", "/", "/", {"kind": "btv", "title": "Họp", "starts_at": at(20).isoformat()}),
        (specialist, "PATCH", "/{meeting_id}/", f"/{m}/", {"place": "Hội trường", "secretary": None}),
        (specialist, "POST", "/{meeting_id}/items/", f"/{m}/items/", {"title": "Mục mới"}),
        (specialist, "PATCH", "/items/{item_id}/", f"/items/{i}/", {"duration_minutes": 20}),
        (specialist, "POST", "/items/{item_id}/move/", f"/items/{i}/move/", {"direction": "down"}),
        (specialist, "GET", "/documents/{document_id}/", f"/documents/{d}/", None),
        (member, "GET", "/documents/{document_id}/pdf/", f"/documents/{d}/pdf/", None),
        (specialist, "GET", "/documents/{document_id}/pdf/", f"/documents/{d}/pdf/", None),
        (specialist, "GET", "/{meeting_id}/invitations/", f"/{m}/invitations/", None),
        (specialist, "POST", "/{meeting_id}/invitations/", f"/{m}/invitations/", {"person": outsider.pk}),
        (
            specialist,
            "POST",
            "/{meeting_id}/invitations/",
            f"/{m}/invitations/",
            {"person": committee.office_chief.pk},
        ),
        (specialist, "POST", "/{meeting_id}/invitations/send/", f"/{m}/invitations/send/", None),
        (member, "POST", "/{meeting_id}/respond/", f"/{m}/respond/", {"response": "declined"}),
        (member, "POST", "/{meeting_id}/respond/", f"/{m}/respond/", {"response": "confirmed"}),
        (specialist, "POST", "/invitations/{invitation_id}/check-in/", f"/invitations/{s}/check-in/", {}),
        (specialist, "DELETE", "/items/{item_id}/", f"/items/{spare.pk}/", None),
        (specialist, "DELETE", "/invitations/{invitation_id}/", f"/invitations/{extra.pk}/", None),
        (chair, "POST", "/{meeting_id}/open/", f"/{m}/open/", None),
        (chair, "POST", "/{meeting_id}/close/", f"/{m}/close/", None),
        (specialist, "DELETE", "/items/{item_id}/", f"/items/{i}/", None),
    ]
    seen = set()
    prefix = "/api/v1/meetings"
    for person, method, template, url, body in calls:
        client = WsgiClient(app)
        headers = {"Authorization": f"Bearer {bearer(person)}", "Accept-Language": "vi"}
        response = client.open(prefix + url, method=method, headers=headers, json=body)
        schema[prefix + template][method].validate_response(response)
        seen.add((prefix + template, method, response.status_code))
    assert {template for template, _, _ in seen} == {path for path in schema if path.startswith(prefix)}
    assert {status for _, _, status in seen} == {200, 201, 204, 403, 404, 422}


def test_the_detail_reads_in_as_many_queries_whatever_the_agenda(api, meeting, committee):
    """Ten queries or so, with one item or three of three documents each; and each
    document's `readable` is what `selectors.may_read` says."""
    specialist = committee.specialist
    sent(meeting, committee)
    reader = committee.standing[0]
    client = api(reader)
    client.get(f"{BASE}{meeting.pk}/")  # the token's first use is recorded once
    counts = []
    for n in range(3):
        item = services.item_add(actor=specialist, meeting=meeting, title=f"Mục {n}")
        for _ in range(3):
            services.document_add(actor=specialist, item=item, upload=upload(pdf_bytes(1)))
        counts.append(queries(client, f"{BASE}{meeting.pk}/"))
    assert counts[0] == counts[1] == counts[2] <= 15, counts
    for days, expected in ((3, False), (7, True)):
        services.meeting_update(actor=specialist, meeting=meeting, preread_days=days)
        items = client.get(f"{BASE}{meeting.pk}/").json()["items"]
        documents = [d for i in items for d in i["documents"]]
        assert len(documents) == 9
        for found in documents:
            doc = MeetingDocument.objects.get(pk=found["id"])
            assert found["readable"] is expected is selectors.may_read(reader, doc)
            assert client.get(f"{BASE}documents/{doc.pk}/").json()["readable"] is expected
