"""The work programs' services: periods, items checked against the committee's tree,
its leaders and the program's period, a closed program refused, the breakdown kept
both ways, the execution rate, and one audit row per write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import AuditEvent
from vanphong.programs import selectors, services
from vanphong.programs.models import ItemState, ProgramItem, ProgramState
from vanphong.programs.services import AuditAction

YEAR = 2026


def add(specialist, program, tree, **overrides):
    values = {
        "actor": specialist,
        "program": program,
        "content": "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 5",
        "lead": tree.office,
        "planned_month": 11,
    }
    values.update(overrides)
    return services.item_add(**values)


def events(action):
    return AuditEvent.objects.filter(action=action).count()


def test_programs_of_each_kind_take_their_period_and_the_usual_title(specialist, tree):
    yearly = services.program_create(actor=specialist, organization=tree.city, kind="year", year=YEAR)
    assert (yearly.starts_on, yearly.ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert yearly.title == "Chương trình công tác năm 2026"
    assert yearly.place == "Ngọc Sơn" and yearly.state == ProgramState.DRAFTING
    half = services.program_create(actor=specialist, organization=tree.city, kind="half", year=YEAR, period=2)
    assert (half.starts_on, half.ends_on) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert half.title == "Chương trình công tác 6 tháng cuối năm 2026"
    quarter = services.program_create(
        actor=specialist, organization=tree.city, kind="quarter", year=YEAR, period=4
    )
    assert (quarter.starts_on, quarter.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter.title == "Chương trình công tác quý IV năm 2026"
    february = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=2028, period=2, title="  Tháng hai  "
    )
    assert february.ends_on == dt.date(2028, 2, 29) and february.title == "Tháng hai"
    assert events(AuditAction.PROGRAM_CREATED) == 4


def test_a_full_term_program_spans_the_committee_s_term(specialist, tree):
    with pytest.raises(ValidationError) as refused:
        services.program_create(actor=specialist, organization=tree.city, kind="term")
    assert "term" in refused.value.message_dict
    core_services.term_add(actor=None, organization=tree.city, number=17, started_on=dt.date(2025, 10, 15))
    program = services.program_create(actor=specialist, organization=tree.city, kind="term")
    assert (program.starts_on, program.ends_on) == (dt.date(2025, 10, 15), dt.date(2030, 10, 14))
    assert program.title == "Chương trình công tác toàn khóa XVII, nhiệm kỳ 2025–2030"
    with pytest.raises(ValidationError):
        services.program_create(actor=specialist, organization=tree.city, kind="term")


def test_bad_programs_are_refused(specialist, tree, outsider, clerk, yearly):
    with pytest.raises(ValidationError) as refused:
        services.program_create(actor=specialist, organization=tree.city, kind="year", year=YEAR)
    assert "kind" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.program_create(actor=specialist, organization=tree.city, kind="month", year=YEAR, period=13)
    assert "period" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.program_create(actor=specialist, organization=tree.office, kind="year", year=YEAR)
    assert "organization" in refused.value.message_dict
    for person in (outsider, clerk):
        with pytest.raises(PermissionDenied):
            services.program_create(actor=person, organization=tree.city, kind="year", year=2027)
    assert events(AuditAction.PROGRAM_CREATED) == 1


def test_an_item_is_checked_against_the_tree_the_leaders_and_the_period(
    specialist,
    tree,
    yearly,
    leader,
    member,
):
    before = AuditEvent.objects.count()
    cases = [
        ({"lead": tree.other_province}, "lead"),
        ({"partners": [tree.bloc, tree.other_province]}, "partners"),
        ({"leader": member}, "leader"),
        ({"planned_month": None, "planned_year": 2027}, "planned_year"),
        ({"content": "  "}, "content"),
    ]
    for overrides, field in cases:
        with pytest.raises(ValidationError) as refused:
            add(specialist, yearly, tree, **overrides)
        assert set(refused.value.message_dict) == {field}, overrides
    with pytest.raises(ValidationError) as refused:
        add(specialist, yearly, tree, lead=tree.other_province)
    message = refused.value.message_dict["lead"][0]
    assert "Tỉnh ủy Hà Bắc" in message and "Thành ủy Ngọc Sơn" in message
    assert not ProgramItem.objects.exists() and AuditEvent.objects.count() == before
    first_half = services.program_create(
        actor=specialist, organization=tree.city, kind="half", year=YEAR, period=1
    )
    with pytest.raises(ValidationError) as refused:
        add(specialist, first_half, tree, planned_month=9)
    assert "planned_month" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add(specialist, first_half, tree, planned_month=None, planned_quarter=3)
    assert "planned_quarter" in refused.value.message_dict

    item = add(
        specialist,
        yearly,
        tree,
        partners=[tree.bloc, tree.grassroots],
        leader=leader,
        output_kind="conference",
        timing_note="tuần 2",
    )
    second = add(specialist, yearly, tree, planned_month=None, planned_quarter=4)
    assert (item.position, second.position) == (1, 2)
    assert item.organization == tree.city and item.time_label.endswith("(tuần 2)")
    event = AuditEvent.objects.get(action=AuditAction.ITEM_ADDED, target_id=str(item.pk))
    assert event.after["partners"] == sorted([tree.bloc.name, tree.grassroots.name])
    assert event.after["leader"] == leader.pk and event.organization == tree.city


def test_a_monthly_program_s_items_take_its_month(specialist, tree, november):
    item = add(specialist, november, tree, planned_month=None)
    assert (item.planned_year, item.planned_month) == (YEAR, 11)
    with pytest.raises(ValidationError):
        add(specialist, november, tree, planned_month=12)


def test_an_item_is_changed_and_audited_with_what_changed(specialist, tree, yearly, leader):
    item = add(specialist, yearly, tree)
    services.item_update(
        actor=specialist, item=item, content="Hội nghị lần thứ 6", partners=[tree.bloc], leader=leader
    )
    item.refresh_from_db()
    assert item.content == "Hội nghị lần thứ 6" and list(item.partners.all()) == [tree.bloc]
    event = AuditEvent.objects.get(action=AuditAction.ITEM_UPDATED)
    assert event.before["partners"] == [] and event.after["partners"] == [tree.bloc.name]
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=specialist, item=item, lead=tree.other_province)
    assert "lead" in refused.value.message_dict
    item.refresh_from_db()
    assert item.lead == tree.office
    services.item_update(actor=specialist, item=item, content="Hội nghị lần thứ 6")  # no change: no event
    assert events(AuditAction.ITEM_UPDATED) == 1


def test_marking_where_an_item_stands(specialist, tree, yearly, clerk):
    item = add(specialist, yearly, tree)
    with pytest.raises(PermissionDenied):
        services.item_set_state(actor=clerk, item=item, state="done")
    with pytest.raises(ValidationError) as refused:
        services.item_set_state(
            actor=specialist, item=item, state="done", done_on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert "done_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.item_set_state(actor=specialist, item=item, state="moved")
    assert "note" in refused.value.message_dict
    services.item_set_state(actor=specialist, item=item, state="done")
    item.refresh_from_db()
    assert item.state == ItemState.DONE and item.done_on == timezone.localdate()
    services.item_set_state(actor=specialist, item=item, state="moved", note="Chuyển sang tháng 1/2027")
    item.refresh_from_db()
    assert item.state == ItemState.MOVED and item.done_on is None
    assert events(AuditAction.ITEM_STATE_CHANGED) == 2


def test_a_closed_program_cannot_be_changed(specialist, office_chief, tree, yearly, november):
    item = add(specialist, november, tree)
    source = add(specialist, yearly, tree)
    with pytest.raises(PermissionDenied):
        services.program_issue(actor=specialist, program=november, issued_on=timezone.localdate())
    services.program_issue(actor=office_chief, program=november, issued_on=timezone.localdate(), number=41)
    services.program_close(actor=office_chief, program=november)
    november.refresh_from_db()
    assert november.state == ProgramState.CLOSED
    before = AuditEvent.objects.count()
    attempts = [
        lambda: services.program_update(actor=specialist, program=november, title="Đổi tên"),
        lambda: add(specialist, november, tree),
        lambda: services.item_update(actor=specialist, item=item, content="Sửa nội dung"),
        lambda: services.item_set_state(actor=specialist, item=item, state="done"),
        lambda: services.item_break_down(actor=specialist, item=source, program=november),
        lambda: services.program_close(actor=office_chief, program=november),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert november.title in refused.value.messages[0]
    item.refresh_from_db()
    november.refresh_from_db()
    assert item.content.startswith("Hội nghị") and item.state == ItemState.PLANNED
    assert november.title == "Chương trình công tác tháng 11 năm 2026"
    assert november.items.count() == 1 and AuditEvent.objects.count() == before


def test_issuing_needs_items_and_a_leader_s_hand(office_chief, specialist, tree, yearly):
    with pytest.raises(ValidationError) as refused:
        services.program_issue(actor=office_chief, program=yearly, issued_on=timezone.localdate())
    assert "state" in refused.value.message_dict
    add(specialist, yearly, tree)
    services.program_issue(actor=office_chief, program=yearly, issued_on=dt.date(2026, 1, 5), number=3)
    yearly.refresh_from_db()
    assert (yearly.state, yearly.number) == (ProgramState.ISSUED, 3)
    with pytest.raises(ValidationError):
        services.program_issue(actor=office_chief, program=yearly, issued_on=timezone.localdate())
    assert events(AuditAction.PROGRAM_ISSUED) == 1


def test_a_yearly_item_is_broken_down_and_the_link_kept_both_ways(
    specialist,
    tree,
    yearly,
    november,
    leader,
):
    item = add(
        specialist, yearly, tree, partners=[tree.bloc], leader=leader, planned_month=None, planned_quarter=4
    )
    assert selectors.breakdown_targets(item) == [november]
    child = services.item_break_down(actor=specialist, item=item, program=november)
    assert child.source == item and list(item.breakdown.all()) == [child]
    assert (child.program, child.planned_month, child.content, child.leader) == (
        november,
        11,
        item.content,
        leader,
    )
    assert list(child.partners.all()) == [tree.bloc]
    assert selectors.breakdown_targets(item) == []
    event = AuditEvent.objects.get(action=AuditAction.ITEM_BROKEN_DOWN)
    assert event.target_id == str(child.pk) and event.after["source"] == item.pk

    with pytest.raises(ValidationError) as refused:
        services.item_break_down(actor=specialist, item=item, program=november)
    assert "program" in refused.value.message_dict  # already there
    march = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=YEAR, period=3
    )
    with pytest.raises(ValidationError) as refused:
        services.item_break_down(actor=specialist, item=item, program=march)  # planned for Q4
    assert "program" in refused.value.message_dict
    other_year = services.program_create(actor=specialist, organization=tree.city, kind="year", year=2027)
    with pytest.raises(ValidationError):
        services.item_break_down(actor=specialist, item=item, program=other_year)  # not shorter
    with pytest.raises(ValidationError):
        services.item_break_down(actor=specialist, item=child, program=other_year)
    second_half = services.program_create(
        actor=specialist, organization=tree.city, kind="half", year=YEAR, period=2
    )
    half_item = services.item_break_down(
        actor=specialist, item=item, program=second_half, content="Nội dung riêng"
    )
    assert (half_item.planned_quarter, half_item.content) == (4, "Nội dung riêng")
    assert set(item.breakdown.all()) == {child, half_item}
    assert events(AuditAction.ITEM_BROKEN_DOWN) == 2


def test_the_execution_rate_per_period(specialist, tree, yearly):
    january = add(specialist, yearly, tree, planned_month=1)
    add(specialist, yearly, tree, planned_month=2)
    dropped = add(specialist, yearly, tree, planned_month=None, planned_quarter=4)
    whole_year = add(specialist, yearly, tree, planned_month=None)
    services.item_set_state(actor=specialist, item=january, state="done", done_on=dt.date(2026, 1, 20))
    services.item_set_state(actor=specialist, item=whole_year, state="done", done_on=dt.date(2026, 6, 1))
    services.item_set_state(actor=specialist, item=dropped, state="dropped", note="Không còn phù hợp")
    execution = selectors.execution_rate(yearly)
    assert (execution.total.planned, execution.total.done, execution.total.dropped) == (3, 2, 1)
    assert execution.total.percent == 67
    q1, q2, q3, q4 = execution.periods
    assert (q1.planned, q1.done, q1.percent) == (2, 1, 50)
    assert (q2.planned, q3.planned, q3.percent) == (0, 0, None)
    assert (q4.planned, q4.done, q4.dropped) == (1, 1, 1)  # the whole year ends in Q4
    listed = selectors.program_list(specialist).get(pk=yearly.pk)
    assert (listed.planned, listed.done) == (3, 2)


def test_an_item_moved_to_a_later_program_is_created_there(specialist, tree, leader, november):
    partner = tree.bloc
    item = add(specialist, november, tree, leader=leader, partners=[partner], output_note="Nghị quyết")
    december = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=YEAR, period=12
    )
    before = AuditEvent.objects.count()
    moved = services.item_move(actor=specialist, item=item, program=december, note="Chuyển sang tháng 12")
    item.refresh_from_db()
    assert (item.state, item.state_note) == (ItemState.MOVED, "Chuyển sang tháng 12")
    assert moved.program == december and moved.moved_from == item and item.moved_to == moved
    assert (moved.content, moved.lead, moved.leader, moved.output_note) == (
        item.content,
        tree.office,
        leader,
        "Nghị quyết",
    )
    assert list(moved.partners.all()) == [partner]
    assert (moved.planned_year, moved.planned_month, moved.state) == (YEAR, 12, ItemState.PLANNED)
    assert moved.position == 1
    (event,) = AuditEvent.objects.filter(action=AuditAction.ITEM_MOVED)
    assert AuditEvent.objects.count() == before + 1
    assert event.before["state"] == ItemState.PLANNED and event.after["moved_from_state"] == ItemState.MOVED
    # The original's history shows the move; the rate counts it moved in November.
    assert moved in selectors.related_records(item)
    assert selectors.execution_rate(november).total.moved == 1


def test_moving_is_refused_to_a_closed_or_not_later_program(
    specialist, office_chief, outsider, tree, yearly, november
):
    item = add(specialist, november, tree)
    october = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=YEAR, period=10
    )
    december = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=YEAR, period=12
    )
    add(specialist, december, tree, planned_month=12)
    services.program_issue(actor=office_chief, program=december, issued_on=timezone.localdate())
    services.program_close(actor=office_chief, program=december)
    next_year = services.program_create(actor=specialist, organization=tree.city, kind="year", year=YEAR + 1)
    other = services.program_create(
        actor=outsider, organization=tree.other_province, kind="month", year=YEAR + 1, period=1
    )
    for target in (october, november, yearly, next_year, other):
        with pytest.raises(ValidationError) as refused:
            services.item_move(actor=specialist, item=item, program=target)
        assert "program" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.item_move(actor=specialist, item=item, program=december)
    assert december.title in refused.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.item_move(actor=outsider, item=item, program=october)
    done = add(specialist, november, tree, content="Đã xong")
    services.item_set_state(actor=specialist, item=done, state="done", done_on=dt.date(2026, 11, 20))
    january = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=YEAR + 1, period=1
    )
    with pytest.raises(ValidationError):
        services.item_move(actor=specialist, item=done, program=january)
    item.refresh_from_db()
    assert (
        item.state == ItemState.PLANNED and not ProgramItem.objects.filter(moved_from__isnull=False).exists()
    )
    assert not AuditEvent.objects.filter(action=AuditAction.ITEM_MOVED).exists()
