"""The follow-up through the API: conclusions with their tasks, the tasks by state as
of a day, unit, leader and overdue, a unit's report (with files, multipart), the
leaders' board; every write by the right person only, with one audit event, and
nothing of another committee's or a classified conclusion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext, override

from vanphong.api.tests.conftest import queries
from vanphong.core.models import AuditEvent, Secrecy
from vanphong.followup import services
from vanphong.followup.models import Conclusion, FollowUpTask, Progress, TaskReportFile
from vanphong.followup.services import AuditAction
from vanphong.followup.tests.conftest import ISSUED
from vanphong.registry.models import DocumentType
from vanphong.registry.tests.conftest import document_type, outgoing, terms  # noqa: F401

JSON = "application/json"
LATER = dt.date(2099, 1, 1)


def new_events(before: int) -> list[str]:
    return [e.action for e in AuditEvent.objects.order_by("id")[before:]]


def assign(office_chief, conclusion, unit, leader, deadline=LATER, content="Tổ chức hội nghị", **extra):
    return services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content=content,
        lead_unit=unit,
        leader=leader,
        deadline=deadline,
        **extra,
    )


@pytest.fixture
def tasks(tree, office_chief, secretary, conclusion):
    """Three tasks of the city's conclusion: the bloc's (open), the grassroots
    committee's (overdue since 20/11/2026) with the bloc co-operating, and the
    office's (done on time)."""
    open_ = assign(office_chief, conclusion, tree.bloc, secretary)
    late = assign(
        office_chief,
        conclusion,
        tree.grassroots,
        secretary,
        deadline=dt.date(2026, 11, 20),
        content="Báo cáo kết quả",
        co_units=[tree.bloc],
    )
    done = assign(office_chief, conclusion, tree.office, secretary, content="Chuẩn bị tài liệu")
    services.task_report(
        actor=office_chief, task=done, note="Đã xong", done=True, today=dt.date(2026, 11, 10)
    )
    return open_, late, done


# --- Reading ------------------------------------------------------------------------------------------


def test_conclusions_are_listed_and_shown_with_their_tasks(api, secretary, tree, conclusion, tasks):
    client = api(secretary)
    body = client.get("/api/v1/followup/conclusions/").json()
    assert body["count"] == 1 and body["items"][0]["symbol"] == "125-KL/TU"
    detail = client.get(f"/api/v1/followup/conclusions/{conclusion.pk}/?day=2026-11-15").json()
    assert detail["day"] == "2026-11-15"
    assert [(t["number"], t["state"]) for t in detail["tasks"]] == [
        (1, "not_started"),
        (2, "not_started"),
        (3, "done_on_time"),
    ]
    assert detail["tasks"][1]["co_units"] == [{"id": tree.bloc.pk, "name": tree.bloc.name}]
    today = client.get(f"/api/v1/followup/conclusions/{conclusion.pk}/").json()
    assert today["tasks"][1]["state"] == "overdue"


def test_tasks_are_filtered_by_state_as_of_a_day_unit_leader_and_overdue(
    api, secretary, heads, tree, tasks, office_chief
):
    open_, late, done = tasks
    client = api(secretary)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/followup/tasks/?{query}")
        assert response.status_code == 200, response.content
        return [task["id"] for task in response.json()["items"]]

    assert ids("") == [late.pk, open_.pk, done.pk]  # nearest deadline first
    assert ids("state=overdue") == [late.pk]
    assert ids("state=overdue&day=2026-11-15") == []
    assert ids("overdue=true") == [late.pk]
    assert sorted(ids("overdue=false")) == sorted([open_.pk, done.pk])
    assert ids("state=done_on_time") == [done.pk]
    assert sorted(ids(f"unit={tree.bloc.pk}")) == sorted([open_.pk, late.pk])  # leads one, helps on one
    assert ids(f"unit={tree.office.pk}") == [done.pk]
    assert len(ids(f"leader={secretary.pk}")) == 3 and ids(f"leader={office_chief.pk}") == []
    assert client.get("/api/v1/followup/tasks/?state=late").status_code == 422
    # A unit's head sees the tasks of their unit only.
    assert sorted(t["id"] for t in api(heads.bloc).get("/api/v1/followup/tasks/").json()["items"]) == sorted(
        [open_.pk, late.pk]
    )
    body = client.get(f"/api/v1/followup/tasks/{done.pk}/").json()
    assert body["state"] == "done_on_time" and body["reports"][0]["note"] == "Đã xong"
    assert body["reports"][0]["unit"]["id"] == tree.office.pk  # the office chief, for the office


def test_the_queries_do_not_grow_with_the_tasks(api, tree, secretary, office_chief, conclusion, tasks):
    client = api(secretary)
    urls = [
        "/api/v1/followup/tasks/",
        f"/api/v1/followup/conclusions/{conclusion.pk}/",
        "/api/v1/followup/conclusions/",
        "/api/v1/followup/board/",
    ]
    few = [queries(client, url) for url in urls]
    for _ in range(5):
        assign(office_chief, conclusion, tree.grassroots, secretary, co_units=[tree.bloc, tree.office])
    assert all(n <= before for n, before in zip([queries(client, url) for url in urls], few, strict=True))


def test_nothing_of_another_committee_or_above_ones_clearance(
    api, tree, outsider, member, clerk, office_chief, secretary, conclusion, tasks
):
    secret = services.conclusion_create(
        actor=office_chief,
        organization=tree.city,
        kind="KL",
        symbol="9-KL/TU",
        issued_on=ISSUED,
        title="Mật",
        secrecy=Secrecy.SECRET,
    )
    secret_task = assign(office_chief, secret, tree.bloc, secretary)
    open_ = tasks[0]
    cases = [(outsider, conclusion, open_), (member, conclusion, open_), (clerk, secret, secret_task)]
    for person, seen, task in cases:
        client = api(person)
        missing = client.get("/api/v1/followup/tasks/999999/").json()
        for response in (
            client.get(f"/api/v1/followup/conclusions/{seen.pk}/"),
            client.get(f"/api/v1/followup/tasks/{task.pk}/"),
            client.post(
                f"/api/v1/followup/conclusions/{seen.pk}/tasks/",
                {"content": "x", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "2099-01-01"},
                JSON,
            ),
            client.post(f"/api/v1/followup/tasks/{task.pk}/reports/", {"note": "x"}),
        ):
            assert response.status_code == 404, (person, response.content)
            assert response.json() == missing
    assert [c["id"] for c in api(clerk).get("/api/v1/followup/conclusions/").json()["items"]] == [
        conclusion.pk
    ]
    assert secret_task.pk not in [t["id"] for t in api(clerk).get("/api/v1/followup/tasks/").json()["items"]]


# --- Conclusions and tasks entered --------------------------------------------------------------------


def test_the_office_enters_a_conclusion_with_one_audit_event(api, tree, office_chief):
    client = api(office_chief)
    before = AuditEvent.objects.count()
    payload = {
        "organization": tree.city.pk,
        "kind": "TB",
        "symbol": "30-TB/TU",
        "issued_on": "2026-11-05",
        "title": "Thông báo kết luận",
    }
    response = client.post("/api/v1/followup/conclusions/", payload, JSON)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "TB" and response.json()["outgoing_id"] is None
    assert new_events(before) == [AuditAction.CONCLUSION_ENTERED]
    missing = client.post("/api/v1/followup/conclusions/", {"organization": tree.city.pk}, JSON)
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {
        "kind",
        "symbol",
        "issued_on",
        "title",
    }
    elsewhere = client.post(
        "/api/v1/followup/conclusions/", {**payload, "organization": tree.other_province.pk}, JSON
    )
    assert elsewhere.status_code == 422 and list(elsewhere.json()["errors"]) == ["organization"]


def test_a_conclusion_is_taken_from_the_outgoing_register(api, outgoing, office_chief, tree):  # noqa: F811
    document = outgoing(
        document_type=DocumentType.objects.get(code="ket-luan"), abstract="Kết luận về cán bộ"
    )
    letter = outgoing()  # a công văn carries no tasks
    client = api(office_chief)
    before = AuditEvent.objects.count()
    response = client.post("/api/v1/followup/conclusions/", {"outgoing": document.pk}, JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["outgoing_id"], body["symbol"], body["kind"]) == (document.pk, document.symbol, "KL")
    assert body["organization"]["id"] == tree.city.pk and body["title"] == "Kết luận về cán bộ"
    assert new_events(before) == [AuditAction.CONCLUSION_ENTERED]
    for chosen in (document, letter):  # followed up already; not a KL or TB
        refused = client.post("/api/v1/followup/conclusions/", {"outgoing": chosen.pk}, JSON)
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["outgoing"]
    assert Conclusion.objects.count() == 1


def test_only_an_office_enters_conclusions(api, tree, secretary, member):
    clients = [api(secretary), api(member)]
    before = AuditEvent.objects.count()
    payload = {
        "organization": tree.city.pk,
        "kind": "KL",
        "symbol": "1-KL/TU",
        "issued_on": "2026-11-05",
        "title": "x",
    }
    for client in clients:
        assert client.post("/api/v1/followup/conclusions/", payload, JSON).status_code == 403
    assert AuditEvent.objects.count() == before and not Conclusion.objects.exists()


def test_the_office_assigns_a_task_with_one_audit_event(
    api, tree, office_chief, secretary, heads, conclusion
):
    client = api(office_chief)
    before = AuditEvent.objects.count()
    payload = {
        "content": "Xây dựng kế hoạch",
        "lead_unit": tree.bloc.pk,
        "co_units": [tree.grassroots.pk],
        "leader": secretary.pk,
        "deadline": "2026-11-30",
    }
    response = client.post(f"/api/v1/followup/conclusions/{conclusion.pk}/tasks/", payload, JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1 and body["leader"]["id"] == secretary.pk and body["reports"] == []
    assert body["co_units"] == [{"id": tree.grassroots.pk, "name": tree.grassroots.name}]
    assert new_events(before) == [AuditAction.TASK_ADDED]


def test_assigning_is_refused_to_others_and_checks_its_input(
    api, tree, office_chief, secretary, member, conclusion
):
    payload = {"content": "Việc", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "2026-11-30"}
    url = f"/api/v1/followup/conclusions/{conclusion.pk}/tasks/"
    leader_client, office = api(secretary), api(office_chief, "vi")
    before = AuditEvent.objects.count()
    assert leader_client.post(url, payload, JSON).status_code == 403
    response = office.post(url, {**payload, "deadline": "2026-11-01"}, JSON)
    assert response.status_code == 422
    with override("vi"):
        expected = gettext("The deadline is before the conclusion's date (%(date)s).") % {
            "date": "02/11/2026"
        }
    assert response.json()["errors"] == {"deadline": [expected]}
    for field, extra in (
        ("lead_unit", {"lead_unit": tree.other_province.pk}),
        ("co_units", {"co_units": [tree.other_province.pk]}),
        ("leader", {"leader": member.pk}),
    ):
        response = office.post(url, {**payload, **extra}, JSON)
        assert response.status_code == 422 and list(response.json()["errors"]) == [field], field
    response = office.post(url, {**payload, "content": " "}, JSON)
    assert list(response.json()["errors"]) == ["content"]
    assert AuditEvent.objects.count() == before and not FollowUpTask.objects.exists()


# --- Reports -------------------------------------------------------------------------------------------


def test_a_unit_reports_with_files_and_one_audit_event(api, settings, tmp_path, tree, heads, tasks, outsider):
    settings.MEDIA_ROOT = tmp_path
    open_ = tasks[0]
    client = api(heads.bloc)
    before = AuditEvent.objects.count()
    response = client.post(
        f"/api/v1/followup/tasks/{open_.pk}/reports/",
        {
            "note": "Đã tổ chức hội nghị",
            "done": "true",
            "files": [
                SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 x"),
                SimpleUploadedFile("anh.jpg", b"jpeg"),
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"] == "done" and body["state"] == "done_on_time"
    [report] = body["reports"]
    assert report["unit"]["id"] == tree.bloc.pk and report["done"]
    assert sorted(f["name"] for f in report["files"]) == ["anh.jpg", "bao-cao.pdf"]
    assert TaskReportFile.objects.filter(report__task=open_).count() == 2
    assert new_events(before) == [AuditAction.TASK_REPORTED]
    # Each file opens through the API with the caller's token, to those who see the task.
    files = {f["name"]: f for f in report["files"]}
    pdf = client.get(files["bao-cao.pdf"]["url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == b"%PDF-1.4 x"
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"
    photo = client.get(files["anh.jpg"]["url"])
    assert photo.status_code == 200 and photo["Content-Disposition"].startswith("attachment")
    assert api(outsider).get(files["bao-cao.pdf"]["url"]).status_code == 404


def test_a_report_without_files_and_its_refusals(api, tree, heads, secretary, tasks):
    open_, late, done = tasks
    bloc, grassroots, leader = api(heads.bloc), api(heads.grassroots), api(secretary)
    before = AuditEvent.objects.count()
    url = f"/api/v1/followup/tasks/{open_.pk}/reports/"
    # The grassroots committee neither leads nor helps on the bloc's task: not theirs to see.
    assert grassroots.post(url, {"note": "x"}).status_code == 404
    # The bloc helps on the grassroots committee's task: it reports, but not "done".
    helped = bloc.post(f"/api/v1/followup/tasks/{late.pk}/reports/", {"note": "Đã phối hợp", "done": "true"})
    assert helped.status_code == 422 and list(helped.json()["errors"]) == ["done"]
    assert bloc.post(url, {"note": " "}).json()["errors"] == {"note": ["Write what was done."]}
    empty = bloc.post(url, {"note": "x", "files": [SimpleUploadedFile("rong.pdf", b"")]})
    assert empty.status_code == 422 and list(empty.json()["errors"]) == ["files"]
    finished = leader.post(f"/api/v1/followup/tasks/{done.pk}/reports/", {"note": "Lại"})
    assert finished.status_code == 422 and list(finished.json()["errors"]) == ["__all__"]
    assert AuditEvent.objects.count() == before
    response = bloc.post(url, {"note": "Đang chuẩn bị"})
    assert response.status_code == 201 and response.json()["state"] == "in_progress"
    assert new_events(before) == [AuditAction.TASK_REPORTED]
    open_.refresh_from_db()
    assert open_.progress == Progress.IN_PROGRESS


def test_a_leader_who_sees_the_task_but_is_not_on_it_may_not_report(api, tree, deputy, tasks):
    """The committee's Deputy Secretary sees its tasks but is not in charge of this one."""
    client = api(deputy)
    before = AuditEvent.objects.count()
    response = client.post(f"/api/v1/followup/tasks/{tasks[0].pk}/reports/", {"note": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


# --- The leaders' board ---------------------------------------------------------------------------------


def test_the_board_per_unit_and_per_leader(api, tree, secretary, office_chief, tasks):
    body = api(secretary).get("/api/v1/followup/board/").json()
    assert body["committee"]["id"] == tree.city.pk
    assert body["total"] | {"name": ""} == {
        "name": "",
        "not_started": 1,
        "in_progress": 0,
        "done_on_time": 1,
        "done_late": 0,
        "overdue": 1,
        "total": 3,
        "on_time_percent": 50,
    }
    first = body["by_unit"][0]
    assert (first["name"], first["overdue"]) == (tree.grassroots.name, 1)
    assert [(row["name"], row["total"]) for row in body["by_leader"]] == [(secretary.full_name, 3)]
    earlier = api(office_chief).get(f"/api/v1/followup/board/?committee={tree.city.pk}&day=2026-11-15").json()
    assert earlier["day"] == "2026-11-15" and earlier["total"]["overdue"] == 0


def test_the_board_is_for_the_leaders_and_the_office(api, tree, member, clerk, secretary, heads, tasks):
    assert api(member).get("/api/v1/followup/board/").status_code == 403
    # The clerk sees the city's tasks but is neither a leader nor of the office's chiefs and specialists.
    assert api(clerk).get(f"/api/v1/followup/board/?committee={tree.city.pk}").status_code == 403
    # The bloc's Secretary opens the bloc's board, not the city's, which they do not see.
    bloc = api(heads.bloc)
    assert bloc.get("/api/v1/followup/board/").json()["committee"]["id"] == tree.bloc.pk
    assert bloc.get(f"/api/v1/followup/board/?committee={tree.city.pk}").status_code == 404
    assert (
        api(secretary).get(f"/api/v1/followup/board/?committee={tree.other_province.pk}").status_code == 404
    )
