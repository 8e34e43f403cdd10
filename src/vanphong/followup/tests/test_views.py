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


def test_the_boards_queries_do_not_grow_with_its_units_leaders_and_tasks(
    client, tree, office_chief, secretary, conclusion
):
    """The board counts in the database: no query per task, unit or leader (it has
    100,000 tasks in bench/followup.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vanphong.core import services as core_services
    from vanphong.core.models import Role
    from vanphong.core.tests.factories import kind, make_person
    from vanphong.followup import services

    def assign(units, leaders, deadline):
        for unit in units:
            for leader in leaders:
                services.task_add(
                    actor=office_chief,
                    conclusion=conclusion,
                    content=f"Việc của {unit.name}",
                    lead_unit=unit,
                    leader=leader,
                    deadline=deadline,
                )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("followup_board"))
        assert page.status_code == 200
        return len(captured), page.content.decode()

    assign([tree.bloc], [secretary], dt.date(2026, 11, 20))
    client.force_login(secretary)
    few, _page = queries()
    units = [
        core_services.organization_create(
            actor=None,
            parent=tree.bloc,
            name=f"Đảng ủy Sở {n}",
            abbreviation=f"S{n}",
            kind=kind("grassroots-committee"),
        )
        for n in range(5)
    ]
    leaders = [make_person(organization=tree.city, role=Role.STANDING_MEMBER) for _ in range(3)]
    assign([tree.grassroots, tree.office, *units], [secretary, *leaders], dt.date(2099, 1, 1))
    many, page = queries()
    assert many == few
    assert 'data-count="total">29<' in page and units[4].name in page and leaders[2].full_name in page


def test_the_board_shows_the_programs_in_force_with_their_execution_rate(
    client, tree, office_chief, secretary
):
    """The committee's issued programs whose period holds today, linked to their page;
    not one still drafted, nor another committee's."""
    from django.utils import timezone

    from vanphong.core.models import Role
    from vanphong.core.tests.factories import make_person
    from vanphong.programs import services as programs
    from vanphong.programs.models import ProgramKind

    today = timezone.localdate()
    year = programs.program_create(
        actor=office_chief, organization=tree.city, kind=ProgramKind.YEAR, year=today.year
    )
    first, _second = (
        programs.item_add(actor=office_chief, program=year, content=content, lead=tree.office)
        for content in ("Sơ kết công tác", "Tổng kết năm")
    )
    programs.program_issue(actor=secretary, program=year, issued_on=dt.date(today.year, 1, 5))
    programs.item_set_state(actor=office_chief, item=first, state="done", done_on=today)
    month = programs.program_create(
        actor=office_chief,
        organization=tree.city,
        kind=ProgramKind.MONTH,
        year=today.year,
        period=today.month,
    )
    other_chief = make_person(organization=tree.other_province, role=Role.OFFICE_CHIEF)
    other = programs.program_create(
        actor=other_chief, organization=tree.other_province, kind=ProgramKind.YEAR, year=today.year
    )
    client.force_login(secretary)
    page = client.get(reverse("followup_board")).content.decode()
    assert f'href="{reverse("program_detail", args=[year.pk])}"' in page
    assert 'data-count="execution">1 / 2 (50%)<' in page
    assert f'data-program="{month.pk}"' not in page and f'data-program="{other.pk}"' not in page


def test_each_count_of_the_board_opens_the_tasks_it_counts(client, tree, office_chief, secretary, conclusion):
    """A leader clicks a count of the board (a unit's overdue tasks, a leader's open
    ones) and the list shows exactly those tasks, in as many queries whatever their
    number, and its pages keep the filter."""
    import re
    from html import unescape

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from vanphong.core.models import Role
    from vanphong.core.tests.factories import make_person
    from vanphong.followup import services

    today = timezone.localdate()
    past, future = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    deputy = make_person(organization=tree.city, role=Role.STANDING_MEMBER)
    conclusion.issued_on = today - dt.timedelta(days=60)
    conclusion.save()

    def assign(unit, leader, deadline, n=1):
        return [
            services.task_add(
                actor=office_chief,
                conclusion=conclusion,
                content=f"Việc {unit.abbreviation} {leader.pk} {deadline} {i}",
                lead_unit=unit,
                leader=leader,
                deadline=deadline,
            )
            for i in range(n)
        ]

    late_bloc = assign(tree.bloc, secretary, past, 2)
    assign(tree.bloc, deputy, future)
    late_office = assign(tree.office, deputy, past)
    client.force_login(secretary)
    board = client.get(reverse("followup_board")).content.decode()
    links = {
        (m["count"], unescape(m["href"]))
        for m in re.finditer(r'href="(?P<href>[^"]*)" data-count="(?P<count>\w+)"', board)
    }

    def listed(href):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(href)
        assert page.status_code == 200
        ids = re.findall(r'data-task="(\d+)"', page.content.decode())
        return {int(i) for i in ids}, len(captured), page

    home = reverse("followup_home")
    bloc_overdue = f"{home}?committee={tree.city.pk}&lead_unit={tree.bloc.pk}&state=overdue"
    assert ("overdue", bloc_overdue) in links
    shown, few, _ = listed(bloc_overdue)
    assert shown == {t.pk for t in late_bloc}
    deputy_open = f"{home}?committee={tree.city.pk}&leader={deputy.pk}&state=open"
    assert ("open", deputy_open) in links
    assert len(listed(deputy_open)[0]) == 1
    everything = f"{home}?committee={tree.city.pk}&state=overdue"
    assert listed(everything)[0] == {t.pk for t in late_bloc + late_office}

    # Sixty more overdue tasks of the unit: the same queries, and a second page that
    # keeps the unit and the state.
    late_bloc += assign(tree.bloc, secretary, past, 60)
    shown, many, page = listed(bloc_overdue)
    assert many == few and len(shown) == 50
    body = page.content.decode()
    assert "62" in body
    second = unescape(re.search(r'href="(\?[^"]*page=2)"', body)[1])
    assert f"lead_unit={tree.bloc.pk}" in second and "state=overdue" in second
    rest, _, _ = listed(reverse("followup_home") + second)
    assert shown | rest == {t.pk for t in late_bloc} and not shown & rest


def test_a_filter_that_is_not_a_choice_is_refused_at_its_field(client, tree, secretary, conclusion):
    client.force_login(secretary)
    page = client.get(reverse("followup_home"), {"state": "gone", "lead_unit": "x"})
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.errors) == {"state", "lead_unit"}
    assert client.get(reverse("followup_board"), {"committee": "abc"}).status_code == 200


def test_a_units_head_narrowed_to_the_committee_sees_their_units_tasks_only(
    client, tree, office_chief, secretary, heads, conclusion
):
    from vanphong.followup import services

    def assign(unit):
        return services.task_add(
            actor=office_chief,
            conclusion=conclusion,
            content=f"Việc {unit.abbreviation}",
            lead_unit=unit,
            leader=secretary,
            deadline=dt.date(2099, 1, 1),
        )

    ours, theirs = assign(tree.bloc), assign(tree.office)
    client.force_login(heads.bloc)
    page = client.get(reverse("followup_home"), {"committee": tree.city.pk}).content.decode()
    assert f'data-task="{ours.pk}"' in page and f'data-task="{theirs.pk}"' not in page
    assert tree.office.name not in page  # not even as a choice of lead unit


def test_a_conclusion_is_taken_from_the_outgoing_register(client, tree, office_chief, outgoing, monkeypatch):
    """The list offers the latest registered KL and TB only; any of the committee's
    may still be chosen (a sliced list refused every choice)."""
    from vanphong.followup.forms import OutgoingChoiceField
    from vanphong.registry.models import DocumentType

    kl = DocumentType.objects.get(code="ket-luan")
    older = outgoing(document_type=kl, abstract="Kết luận về công tác cán bộ")
    newer = outgoing(document_type=kl, abstract="Kết luận về chuyển đổi số")
    monkeypatch.setattr(OutgoingChoiceField, "offered", 1)
    client.force_login(office_chief)
    form = client.get(reverse("conclusion_create")).content.decode()
    assert f'value="{newer.pk}"' in form and f'value="{older.pk}"' not in form
    for document in (newer, older):
        response = client.post(
            reverse("conclusion_create"), {"organization": tree.city.pk, "outgoing": document.pk}
        )
        conclusion = Conclusion.objects.get(outgoing=document)
        assert response["Location"] == reverse("conclusion_detail", args=[conclusion.pk])
        assert (conclusion.symbol, conclusion.kind) == (document.symbol, "KL")
