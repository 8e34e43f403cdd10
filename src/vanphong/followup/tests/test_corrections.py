"""Fixes from the demo's user test: a report's files open, a passed deadline is said,
and the office corrects, extends or deletes a task entered by mistake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from vanphong.core.models import AuditEvent
from vanphong.followup import services
from vanphong.followup.models import FollowUpTask, TaskReportFile
from vanphong.handling.models import Notification


def _vi(message: str) -> str:
    """A message as the pages say it: in Vietnamese, the office's language."""
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def task(tree, office_chief, secretary, heads, conclusion):
    return services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Tổ chức hội nghị",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=dt.date(2099, 1, 1),
    )


def _report(task, author, *files):
    services.task_report(
        actor=author,
        task=task,
        note="Đã tổ chức",
        files=[(upload.name, upload) for upload in files],
    )


def test_a_reports_file_opens_for_those_who_see_the_task(client, task, heads, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _report(
        task,
        heads.bloc,
        SimpleUploadedFile("Báo cáo kết quả.pdf", b"%PDF-1.4 x"),
        SimpleUploadedFile("bang-so-lieu.xlsx", b"PK\x03\x04 x"),
    )
    pdf, sheet = TaskReportFile.objects.order_by("pk")
    client.force_login(heads.bloc)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert f'href="{reverse("task_file", args=[pdf.pk])}"' in page and pdf.file.url not in page
    response = client.get(reverse("task_file", args=[pdf.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "B%C3%A1o%20c%C3%A1o" in response["Content-Disposition"]  # its own name, RFC 5987
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(reverse("task_file", args=[sheet.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="bang-so-lieu.xlsx"'
    client.force_login(outsider)
    assert client.get(reverse("task_file", args=[pdf.pk])).status_code == 404
    client.force_login(heads.bloc)
    assert client.get(reverse("task_file", args=[sheet.pk + 1000])).status_code == 404


def test_a_deadline_already_passed_is_accepted_with_a_warning(client, tree, office_chief, secretary):
    today = timezone.localdate()
    late = services.conclusion_create(
        actor=office_chief,
        organization=tree.city,
        kind="TB",
        symbol="7-TB/TU",
        issued_on=today - dt.timedelta(days=30),
        title="Thông báo kết luận nhập muộn",
    )
    client.force_login(office_chief)

    def assign(deadline):
        return client.post(
            reverse("conclusion_detail", args=[late.pk]),
            {
                "content": "Báo cáo",
                "lead_unit": tree.bloc.pk,
                "leader": secretary.pk,
                "deadline": f"{deadline:%d/%m/%Y}",
            },
            follow=True,
        )

    response = assign(today - dt.timedelta(days=1))
    assert FollowUpTask.objects.get().deadline == today - dt.timedelta(days=1)
    said = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("warning", _vi("The deadline has passed: the task counts as overdue.")) in said
    response = assign(today)
    assert FollowUpTask.objects.count() == 2
    assert "warning" not in {m.level_tag for m in response.context["messages"]}


def test_the_office_corrects_a_task_and_an_extension_is_told(
    client, tree, task, office_chief, secretary, heads, django_capture_on_commit_callbacks
):
    client.force_login(office_chief)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert reverse("task_edit", args=[task.pk]) in page
    form = client.get(reverse("task_edit", args=[task.pk])).content.decode()
    assert "Tổ chức hội nghị" in form and 'value="01/01/2099"' in form
    # The checks of assigning: nothing saved.
    bad = client.post(
        reverse("task_edit", args=[task.pk]),
        {"content": "Sửa", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "01/01/2000"},
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"deadline"}  # before the conclusion's date
    assert FollowUpTask.objects.get().content == "Tổ chức hội nghị"
    # A new unit and deadline: the board and the list follow, and it is an extension.
    response = client.post(
        reverse("task_edit", args=[task.pk]),
        {
            "content": "Tổ chức hội nghị sơ kết",
            "lead_unit": tree.grassroots.pk,
            "co_units": [tree.bloc.pk],
            "leader": secretary.pk,
            "deadline": "01/02/2099",
        },
    )
    assert response["Location"] == reverse("task_detail", args=[task.pk])
    task.refresh_from_db()
    assert (task.content, task.lead_unit, task.deadline) == (
        "Tổ chức hội nghị sơ kết",
        tree.grassroots,
        dt.date(2099, 2, 1),
    )
    assert list(task.co_units.all()) == [tree.bloc]
    event = AuditEvent.objects.filter(action=services.AuditAction.TASK_EXTENDED).get()
    assert event.before == {
        "content": "Tổ chức hội nghị",
        "lead_unit": tree.bloc.name,
        "co_units": [],
        "deadline": "2099-01-01",
    }
    assert event.after["deadline"] == "2099-02-01" and event.after["lead_unit"] == tree.grassroots.name
    told = Notification.objects.filter(
        text__startswith=_vi("Deadline extended to %(date)s: %(task)s").split(":")[0] % {"date": "01/02/2099"}
    )
    assert set(told.values_list("recipient", flat=True)) == {heads.grassroots.pk, secretary.pk}
    client.force_login(secretary)
    board = client.get(reverse("followup_board")).content.decode()
    assert tree.grassroots.name in board and tree.bloc.name not in board.split('id="by-unit"')[1]
    listed = client.get(reverse("followup_home"), {"lead_unit": tree.grassroots.pk}).content.decode()
    assert "Tổ chức hội nghị sơ kết" in listed


def test_only_the_office_corrects_and_a_done_task_keeps_its_deadline(
    tree, task, heads, secretary, office_chief
):
    with pytest.raises(PermissionDenied):
        services.task_update(
            actor=secretary,
            task=task,
            content="x",
            lead_unit=tree.bloc,
            leader=secretary,
            deadline=task.deadline,
        )
    services.task_report(actor=heads.bloc, task=task, note="Xong", done=True)
    with pytest.raises(ValidationError) as caught:
        services.task_update(
            actor=office_chief,
            task=task,
            content=task.content,
            lead_unit=tree.bloc,
            leader=secretary,
            deadline=dt.date(2099, 6, 1),
        )
    assert set(caught.value.message_dict) == {"deadline"}
    services.task_update(
        actor=office_chief,
        task=task,
        content="Tổ chức hội nghị (sửa)",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=task.deadline,
    )
    assert AuditEvent.objects.filter(action=services.AuditAction.TASK_CHANGED).get().after == {
        "content": "Tổ chức hội nghị (sửa)"
    }


def test_a_task_without_report_is_deleted_and_one_reported_is_not(
    client, tree, task, heads, office_chief, secretary, conclusion
):
    other = services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Việc nhập nhầm",
        lead_unit=tree.grassroots,
        leader=secretary,
        deadline=dt.date(2099, 1, 1),
    )
    _report(task, heads.bloc)
    client.force_login(secretary)  # a leader, not the office
    assert client.post(reverse("task_delete", args=[other.pk])).status_code == 403
    client.force_login(office_chief)
    assert client.get(reverse("task_delete", args=[other.pk])).status_code == 405
    response = client.post(reverse("task_delete", args=[other.pk]))
    assert response["Location"] == reverse("conclusion_detail", args=[conclusion.pk])
    assert not FollowUpTask.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.filter(action=services.AuditAction.TASK_DELETED).get()
    assert event.before["content"] == "Việc nhập nhầm" and event.target_id == str(other.pk)
    page = client.get(reverse("conclusion_detail", args=[conclusion.pk])).content.decode()
    assert "Việc nhập nhầm" not in page
    response = client.post(reverse("task_delete", args=[task.pk]))
    assert response["Location"] == reverse("task_detail", args=[task.pk])
    assert FollowUpTask.objects.filter(pk=task.pk).exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [_vi("A unit has reported on this task: it can no longer be deleted.")]


def test_extending_an_overdue_task_records_its_state_going_back(office_chief, secretary, tree, conclusion):
    """Every change of a task's state is audited: an extension can take an overdue
    task back to not started, and the assignment records the state it starts in."""
    today = timezone.localdate()
    conclusion.issued_on = today - dt.timedelta(days=30)
    conclusion.save()
    late = services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Báo cáo sơ kết",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=today - dt.timedelta(days=2),
    )
    added = AuditEvent.objects.get(action=services.AuditAction.TASK_ADDED)
    assert added.after["state"] == "overdue" and added.after["content"] == "Báo cáo sơ kết"
    services.task_update(
        actor=office_chief,
        task=late,
        content=late.content,
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=today + dt.timedelta(days=10),
    )
    extended = AuditEvent.objects.get(action=services.AuditAction.TASK_EXTENDED)
    assert (extended.before["state"], extended.after["state"]) == ("overdue", "not_started")
