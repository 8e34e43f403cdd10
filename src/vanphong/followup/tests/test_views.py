"""The follow-up pages: entering a conclusion and its tasks, a unit's report with a
file, the board, and who may open what."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanphong.followup.models import Conclusion, FollowUpTask, Progress, TaskReportFile


def test_the_office_enters_a_conclusion_then_its_tasks(client, tree, office_chief, secretary, heads):
    client.force_login(office_chief)
    response = client.post(
        reverse("conclusion_create"),
        {
            "organization": tree.city.pk,
            "kind": "KL",
            "symbol": "130-KL/TU",
            "issued_on": "05/11/2026",
            "title": "Kết luận về chuyển đổi số",
        },
    )
    conclusion = Conclusion.objects.get()
    assert response["Location"] == reverse("conclusion_detail", args=[conclusion.pk])
    bad = client.post(
        reverse("conclusion_detail", args=[conclusion.pk]),
        {"content": "Việc", "lead_unit": tree.bloc.pk, "leader": secretary.pk, "deadline": "01/11/2026"},
    )
    assert bad.status_code == 200 and "trước ngày ban hành kết luận" in bad.content.decode()
    assert not FollowUpTask.objects.exists()
    client.post(
        reverse("conclusion_detail", args=[conclusion.pk]),
        {
            "content": "Xây dựng kế hoạch",
            "lead_unit": tree.bloc.pk,
            "leader": secretary.pk,
            "deadline": "30/11/2099",
        },
    )
    page = client.get(reverse("conclusion_detail", args=[conclusion.pk])).content.decode()
    assert "Xây dựng kế hoạch" in page and 'data-state="not_started"' in page


def test_a_unit_reports_with_a_file_and_the_board_shows_it(
    client, tree, office_chief, secretary, heads, conclusion
):
    from vanphong.followup import services

    task = services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Tổ chức hội nghị",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=dt.date(2099, 1, 1),
    )
    client.force_login(heads.bloc)
    response = client.post(
        reverse("task_detail", args=[task.pk]),
        {
            "note": "Đã tổ chức",
            "done": "on",
            "attachments": [SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 x")],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == Progress.DONE
    assert TaskReportFile.objects.get().name == "bao-cao.pdf"
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert 'data-state="done_on_time"' in page and 'id="report-form"' not in page
    client.force_login(secretary)
    board = client.get(reverse("followup_board")).content.decode()
    assert 'data-count="done_on_time">1<' in board and tree.bloc.name in board


def test_outsiders_see_nothing(client, tree, outsider, member, office_chief, secretary, conclusion):
    from vanphong.followup import services

    task = services.task_add(
        actor=office_chief,
        conclusion=conclusion,
        content="Việc",
        lead_unit=tree.bloc,
        leader=secretary,
        deadline=dt.date(2099, 1, 1),
    )
    client.force_login(outsider)
    assert client.get(reverse("conclusion_detail", args=[conclusion.pk])).status_code == 404
    assert client.get(reverse("task_detail", args=[task.pk])).status_code == 404
    # An office chief elsewhere enters conclusions for their own committee only.
    response = client.post(
        reverse("conclusion_create"),
        {
            "organization": tree.city.pk,
            "kind": "TB",
            "symbol": "1-TB/TU",
            "issued_on": "05/11/2026",
            "title": "x",
        },
    )
    assert response.status_code == 200 and Conclusion.objects.count() == 1
    client.force_login(member)
    assert client.get(reverse("conclusion_create")).status_code == 403
    assert client.get(reverse("followup_board")).status_code == 403
    assert client.post(reverse("task_detail", args=[task.pk]), {"note": "x"}).status_code == 404
