"""The follow-up of a conclusion's tasks: entering, reporting, the states as days
pass, reminders, and the board's counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person
from vanphong.followup import selectors, services
from vanphong.followup.models import Conclusion, FollowUpTask, Progress, TaskState
from vanphong.followup.tests.conftest import ISSUED
from vanphong.handling.models import Notification
from vanphong.registry.models import DocumentType


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in their English source form, whatever the catalog says.
    with translation.override("en"):
        yield


def _add(actor, conclusion, unit, leader, deadline, **extra):
    return services.task_add(
        actor=actor,
        conclusion=conclusion,
        content=extra.pop("content", f"Báo cáo kết quả của {unit.name}"),
        lead_unit=unit,
        leader=leader,
        deadline=deadline,
        **extra,
    )


@pytest.fixture
def three(tree, conclusion, office_chief, secretary, heads, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [
            _add(
                office_chief,
                conclusion,
                tree.bloc,
                secretary,
                dt.date(2026, 11, 20),
                co_units=[tree.grassroots],
            ),
            _add(office_chief, conclusion, tree.grassroots, secretary, dt.date(2026, 11, 15)),
            _add(office_chief, conclusion, tree.office, secretary, dt.date(2026, 12, 15)),
        ]


def test_three_tasks_for_three_units_and_the_board_counts_them(
    three, tree, heads, secretary, django_capture_on_commit_callbacks
):
    bloc_task, _grassroots_task, office_task = three
    assert [task.number for task in three] == [1, 2, 3]
    # Each lead unit's head and the leader were told, in the app and by e-mail.
    assert Notification.objects.filter(recipient=heads.bloc, url=f"/followup/tasks/{bloc_task.pk}/").exists()
    assert {message.to[0] for message in mail.outbox} >= {"bt.khoi@example.vn", "bt.stp@example.vn"}
    with django_capture_on_commit_callbacks(execute=True):
        services.task_report(
            actor=heads.bloc,
            task=bloc_task,
            note="Đã tổ chức hội nghị",
            done=True,
            today=dt.date(2026, 11, 18),
        )
        services.task_report(
            actor=heads.office, task=office_task, note="Đang tổng hợp", today=dt.date(2026, 11, 18)
        )
    today = dt.date(2026, 11, 25)
    states = dict(FollowUpTask.objects.with_state(today).values_list("number", "state"))
    assert states == {1: TaskState.DONE_ON_TIME, 2: TaskState.OVERDUE, 3: TaskState.IN_PROGRESS}
    for task in FollowUpTask.objects.all():
        assert task.state_on(today) == states[task.number]  # one task in hand reads the same
    board = selectors.board(tree.city, today)
    counts = {row.label: (row.open, row.overdue, row.done_on_time, row.done_late) for row in board.by_unit}
    assert counts == {
        tree.bloc.name: (0, 0, 1, 0),
        tree.grassroots.name: (0, 1, 0, 0),
        tree.office.name: (1, 0, 0, 0),
    }
    assert board.by_unit[0].label == tree.grassroots.name  # the overdue first
    (leader,) = board.by_leader
    assert (leader.label, leader.total, leader.on_time_percent) == (secretary.full_name, 3, 50)
    assert AuditEvent.objects.filter(action=services.AuditAction.TASK_ADDED).count() == 3
    reported = AuditEvent.objects.filter(action=services.AuditAction.TASK_REPORTED).order_by("pk")
    assert [(event.before["state"], event.after["state"]) for event in reported] == [
        (TaskState.NOT_STARTED, TaskState.DONE_ON_TIME),
        (TaskState.NOT_STARTED, TaskState.IN_PROGRESS),
    ]


def test_a_task_done_after_its_deadline_is_done_late(three, heads):
    _bloc, grassroots_task, _office = three
    services.task_report(
        actor=heads.grassroots, task=grassroots_task, note="Xong", done=True, today=dt.date(2026, 11, 17)
    )
    grassroots_task.refresh_from_db()
    assert grassroots_task.state_on(dt.date(2026, 11, 25)) == TaskState.DONE_LATE
    with pytest.raises(ValidationError, match="already done"):
        services.task_report(actor=heads.grassroots, task=grassroots_task, note="Lần nữa")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": dt.date(2026, 10, 30)}, "deadline"),  # before the conclusion's date
        ({"lead_unit": "other_province"}, "lead_unit"),  # outside the committee's tree
        ({"co_units": ["other_province"]}, "co_units"),
        ({"leader": "member"}, "leader"),  # not a leader of the committee
        ({"leader": "clerk"}, "leader"),  # office staff are not its leaders either
        ({"content": "  "}, "content"),
    ],
)
def test_bad_tasks_are_refused_and_nothing_is_saved(
    tree, conclusion, office_chief, secretary, member, clerk, change, field
):
    values = {
        "lead_unit": tree.bloc,
        "leader": secretary,
        "deadline": dt.date(2026, 12, 1),
        "content": "Việc",
    }
    named = {"other_province": tree.other_province, "member": member, "clerk": clerk}
    for key, value in change.items():
        values[key] = [named[v] for v in value] if isinstance(value, list) else named.get(value, value)
    with pytest.raises(ValidationError) as caught:
        services.task_add(actor=office_chief, conclusion=conclusion, **values)
    assert field in caught.value.message_dict
    assert not FollowUpTask.objects.exists()
    assert not AuditEvent.objects.filter(action=services.AuditAction.TASK_ADDED).exists()


def test_only_the_office_enters_and_only_the_units_report(three, tree, outsider, member, heads, conclusion):
    with pytest.raises(PermissionDenied):
        services.conclusion_create(
            actor=outsider, organization=tree.city, kind="TB", symbol="1-TB/TU", issued_on=ISSUED, title="x"
        )
    with pytest.raises(PermissionDenied):
        _add(heads.bloc, conclusion, tree.bloc, heads.bloc, dt.date(2026, 12, 1))
    bloc_task, grassroots_task, _office = three
    with pytest.raises(PermissionDenied):
        services.task_report(actor=member, task=bloc_task, note="Không phải đơn vị")
    # The Sở Tư pháp co-operates on the bloc's task: it reports progress, not the end.
    with pytest.raises(ValidationError) as caught:
        services.task_report(actor=heads.grassroots, task=bloc_task, note="Đã phối hợp", done=True)
    assert "done" in caught.value.message_dict
    report = services.task_report(actor=heads.grassroots, task=bloc_task, note="Đã phối hợp")
    assert report.unit == tree.grassroots
    with pytest.raises(ValidationError) as caught:
        services.task_report(actor=heads.grassroots, task=grassroots_task, note="   ")
    assert "note" in caught.value.message_dict


def test_reminders_go_out_before_the_deadline_and_when_it_passes_once_each(
    three, heads, secretary, office_chief, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send(today=dt.date(2026, 11, 13))
    # 15/11 is two days away: the grassroots committee and the leader are reminded.
    assert sent == {"before": 1, "overdue": 0}
    assert Notification.objects.filter(
        recipient=heads.grassroots, text__startswith="Deadline on 15/11/2026"
    ).exists()
    assert "bt.stp@example.vn" in {message.to[0] for message in mail.outbox}
    assert services.reminders_send(today=dt.date(2026, 11, 14)) == {"before": 0, "overdue": 0}
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send(today=dt.date(2026, 11, 16))
    assert sent == {"before": 0, "overdue": 1}
    overdue = Notification.objects.filter(text__startswith="The deadline 15/11/2026 has passed")
    # The unit's head, the leader, and the office's Chief and Deputy Chief.
    assert set(overdue.values_list("recipient", flat=True)) == {
        heads.grassroots.pk,
        secretary.pk,
        office_chief.pk,
        heads.office.pk,
    }
    assert AuditEvent.objects.filter(action=services.AuditAction.TASK_REMINDED).count() == 2
    # The bloc's task (due 20/11) is done before its reminder would go out: none does.
    bloc_task = three[0]
    services.task_report(
        actor=heads.bloc, task=bloc_task, note="Xong", done=True, today=dt.date(2026, 11, 16)
    )
    assert services.reminders_send(today=dt.date(2026, 11, 17)) == {"before": 0, "overdue": 0}
    assert FollowUpTask.objects.get(pk=bloc_task.pk).reminded_before_at is None


def test_a_registered_conclusion_carries_its_number_date_and_abstract(
    outgoing, office_chief, secretary, tree
):
    kl = DocumentType.objects.get(code="ket-luan")
    document = outgoing(document_type=kl, abstract="Kết luận về công tác cán bộ")
    conclusion = services.conclusion_create(actor=office_chief, outgoing=document)
    assert (conclusion.symbol, conclusion.issued_on, conclusion.title, conclusion.kind) == (
        document.symbol,
        document.issued_on,
        "Kết luận về công tác cán bộ",
        "KL",
    )
    with pytest.raises(ValidationError, match="already followed up"):
        services.conclusion_create(actor=office_chief, outgoing=document)
    letter = outgoing()  # a công văn carries no tasks
    with pytest.raises(ValidationError) as caught:
        services.conclusion_create(actor=office_chief, outgoing=letter)
    assert "outgoing" in caught.value.message_dict
    assert Conclusion.objects.count() == 1


def test_a_unit_head_sees_the_tasks_of_their_unit_only(three, tree, heads, outsider, secretary):
    # The grassroots committee leads the second task and co-operates on the first.
    assert set(selectors.tasks_visible_to(heads.grassroots)) == {three[0], three[1]}
    assert not selectors.tasks_visible_to(outsider).exists()
    assert selectors.tasks_visible_to(secretary).count() == 3
    assert not selectors.tasks_visible_to(make_person(organization=tree.cell, role=Role.MEMBER)).exists()
    assert Progress.DONE not in set(FollowUpTask.objects.values_list("progress", flat=True))


def test_the_board_counts_each_state_as_the_task_lists_label_it(tree, conclusion, secretary, office_chief):
    """The board counts by `state_conditions`, the lists label by `with_state`: the
    same tasks in the same states, including the day the deadline falls."""
    today = dt.date(2026, 12, 5)
    cases = [
        # (deadline, progress, completed on)
        (today, "not_started", None),
        (today, "in_progress", None),
        (today - dt.timedelta(days=1), "not_started", None),
        (today - dt.timedelta(days=1), "in_progress", None),
        (today, "done", today),
        (today - dt.timedelta(days=1), "done", today),
        (today + dt.timedelta(days=9), "done", today),
        (today + dt.timedelta(days=9), "done", None),  # done without a day: late
    ]
    for n, (deadline, progress, completed) in enumerate(cases, start=1):
        FollowUpTask.objects.create(
            conclusion=conclusion,
            organization=tree.city,
            number=n,
            content=f"Việc {n}",
            lead_unit=tree.bloc if n % 2 else tree.office,
            leader=secretary if n < 5 else office_chief,
            deadline=deadline,
            progress=progress,
            completed_on=completed,
        )
    labelled: dict[str, int] = {}
    for state in FollowUpTask.objects.with_state(today).values_list("state", flat=True):
        labelled[state] = labelled.get(state, 0) + 1
    board = selectors.board(tree.city, today)
    assert labelled == {"not_started": 1, "in_progress": 1, "overdue": 2, "done_on_time": 2, "done_late": 2}
    assert board.total.counts == labelled
    for rows in (board.by_unit, board.by_leader):
        summed: dict[str, int] = {}
        for row in rows:
            for state, n in row.counts.items():
                summed[state] = summed.get(state, 0) + n
        assert summed == labelled


def test_the_tasks_history_names_its_fields_and_the_overdue_reminder_the_new_state(three, heads):
    from vanphong.core.templatetags.office import describe_events

    task = three[1]  # the grassroots committee's, due 15/11/2026
    services.reminders_send(today=dt.date(2026, 11, 16))
    events = list(
        AuditEvent.objects.filter(target_type="followup.followuptask", target_id=str(task.pk)).order_by("pk")
    )
    assigned, reminded = (
        dict((label, (old, new)) for label, old, new in rows) for rows in describe_events(events)
    )
    assert [event.action for event in events] == [
        services.AuditAction.TASK_ADDED,
        services.AuditAction.TASK_REMINDED,
    ]
    # The task's number is not the registry's incoming number ("No.").
    assert assigned["Task number"] == ("—", "2") and "No." not in assigned
    assert assigned["Lead unit"][1] == task.lead_unit.name
    # The state changed with the date, by nobody: before and after say how.
    assert reminded["State"] == ("Not started", "Overdue, not done")
    assert heads.grassroots.full_name in reminded["Reminded"][1] and "to" not in reminded
    assert events[1].actor is None


def test_a_units_head_and_deputies_are_told_not_its_accountant_or_archivist(tree, office_chief, heads):
    from vanphong.core.tests.factories import kind

    office = tree.office
    for role in (Role.ACCOUNTANT, Role.ARCHIVIST, Role.CLERK, Role.SPECIALIST, Role.MEMBER):
        make_person(organization=office, role=role)
    assert set(selectors.unit_heads(office)) == {office_chief, heads.office}
    # A committee: its Secretary and Deputy Secretaries.
    deputy = make_person(organization=tree.bloc, role=Role.DEPUTY_SECRETARY)
    make_person(organization=tree.bloc, role=Role.STANDING_MEMBER)
    assert set(selectors.unit_heads(tree.bloc)) == {heads.bloc, deputy}
    # A unit without a head: its role holders, then everyone in it.
    from vanphong.core import services as core_services

    board = core_services.organization_create(
        actor=None, parent=tree.city, name="Ban Tổ chức", abbreviation="BTC", kind=kind("board")
    )
    member = make_person(organization=board, role=Role.MEMBER)
    assert selectors.unit_heads(board) == [member]
    specialist = make_person(organization=board, role=Role.SPECIALIST)
    assert selectors.unit_heads(board) == [specialist]
