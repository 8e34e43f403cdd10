"""Breaking an item down, from the user test of issue 7: the new item's time falls
within its program's period (a yearly item without a month, broken down into the
6-month program, is planned for that half, not "Năm 2026"), and an item whose every
breakdown is done is marked done by the system, so the year's rate counts it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from vanphong.core.models import AuditEvent
from vanphong.programs import exports, labels, selectors, services
from vanphong.programs.models import ItemState, ProgramState
from vanphong.programs.services import AuditAction
from vanphong.programs.tests.test_services import add

YEAR = 2026


def program(specialist, tree, kind, period):
    return services.program_create(
        actor=specialist, organization=tree.city, kind=kind, year=YEAR, period=period
    )


@pytest.fixture
def second_half(specialist, tree):
    return program(specialist, tree, "half", 2)


def test_a_yearly_item_broken_down_into_a_half_or_a_quarter_takes_its_period(
    specialist, tree, yearly, second_half
):
    item = add(specialist, yearly, tree, planned_month=None)  # the whole year
    assert item.planned_bounds == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    half_item = services.item_break_down(actor=specialist, item=item, program=second_half)
    assert half_item.planned_bounds == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert half_item.time_label == labels.period_label(second_half)
    assert half_item.time_label != labels.time_label(YEAR, None, None)
    assert labels.printed_time(half_item) == "6 tháng cuối năm 2026"
    assert exports.row(half_item)[5] == "6 tháng cuối năm 2026"
    # From the half, the months of the half only are offered.
    june = program(specialist, tree, "month", 6)
    october = program(specialist, tree, "month", 10)
    assert selectors.breakdown_targets(half_item) == [october]
    assert june not in selectors.breakdown_targets(half_item)

    fourth = program(specialist, tree, "quarter", 4)
    quarter_item = services.item_break_down(actor=specialist, item=item, program=fourth)
    assert (quarter_item.planned_quarter, quarter_item.planned_month) == (4, None)
    assert quarter_item.time_label == labels.time_label(YEAR, 4, None)
    month_item = services.item_break_down(actor=specialist, item=half_item, program=october)
    assert month_item.planned_month == 10


def test_an_item_added_to_a_quarter_or_a_half_for_its_whole_period_is_planned_for_it(
    specialist, tree, second_half
):
    fourth = program(specialist, tree, "quarter", 4)
    assert add(specialist, fourth, tree, planned_month=None).planned_quarter == 4
    whole = add(specialist, second_half, tree, planned_month=None)
    assert whole.time_label == labels.period_label(second_half)
    rate = selectors.execution_rate(second_half)
    assert [period.planned for period in rate.periods] == [0, 1]  # Q3, Q4: the half ends in Q4


def test_the_source_is_done_by_the_system_when_its_every_breakdown_is_done(
    client, specialist, tree, yearly, november
):
    item = add(specialist, yearly, tree, planned_month=None, planned_quarter=4)
    december = program(specialist, tree, "month", 12)
    in_november = services.item_break_down(actor=specialist, item=item, program=november)
    in_december = services.item_break_down(actor=specialist, item=item, program=december)
    services.item_set_state(actor=specialist, item=in_december, state="done", done_on=dt.date(2026, 12, 3))
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED  # November's is not done yet
    assert not AuditEvent.objects.filter(action=AuditAction.ITEM_DONE_THROUGH_BREAKDOWN).exists()

    services.item_set_state(actor=specialist, item=in_november, state="done", done_on=dt.date(2026, 11, 25))
    item.refresh_from_db()
    assert (item.state, item.done_on) == (ItemState.DONE, dt.date(2026, 12, 3))
    event = AuditEvent.objects.get(action=AuditAction.ITEM_DONE_THROUGH_BREAKDOWN)
    assert event.actor is None and event.target_id == str(item.pk)
    assert event.before["state"] == "planned" and event.after["state"] == "done"
    # Its history names the breakdown by program and content, not by database ids.
    assert sorted(event.after["breakdown"]) == sorted(
        [f"{november.title}: {in_november}", f"{december.title}: {in_december}"]
    )
    assert event.after["completed_by"] == f"{november.title}: {in_november}"
    assert selectors.execution_rate(yearly).total.done == 1
    client.force_login(specialist)
    with translation.override("vi"):
        page = client.get(reverse("program_item_detail", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="vi")
        history = page.content.decode()
        assert translation.gettext("Broken down into") in history and "completed_by" not in history


def test_done_through_a_moved_breakdown_and_up_the_chain(specialist, tree, yearly, november, second_half):
    item = add(specialist, yearly, tree, planned_month=None)
    half_item = services.item_break_down(actor=specialist, item=item, program=second_half)
    in_november = services.item_break_down(actor=specialist, item=half_item, program=november)
    december = program(specialist, tree, "month", 12)
    moved = services.item_move(actor=specialist, item=in_november, program=december, note="Sang tháng 12")
    services.item_set_state(actor=specialist, item=moved, state="done", done_on=dt.date(2026, 12, 2))
    half_item.refresh_from_db()
    item.refresh_from_db()
    assert (half_item.state, item.state) == (ItemState.DONE, ItemState.DONE)
    assert AuditEvent.objects.filter(action=AuditAction.ITEM_DONE_THROUGH_BREAKDOWN, actor=None).count() == 2


def test_a_source_in_a_closed_program_or_with_a_breakdown_dropped_is_left_alone(
    specialist, office_chief, tree, yearly, november
):
    item = add(specialist, yearly, tree, planned_month=None, planned_quarter=4)
    other = add(specialist, yearly, tree, planned_month=12)
    december = program(specialist, tree, "month", 12)
    kept = services.item_break_down(actor=specialist, item=item, program=november)
    dropped = services.item_break_down(actor=specialist, item=item, program=december)
    services.item_set_state(actor=specialist, item=dropped, state="dropped", note="Không còn phù hợp")
    services.item_set_state(actor=specialist, item=kept, state="done", done_on=dt.date(2026, 11, 20))
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED

    child = services.item_break_down(actor=specialist, item=other, program=december)
    services.program_issue(actor=office_chief, program=yearly, issued_on=dt.date(2026, 1, 5))
    assert services.program_close(actor=office_chief, program=yearly).state == ProgramState.CLOSED
    services.item_set_state(actor=specialist, item=child, state="done", done_on=dt.date(2026, 12, 1))
    other.refresh_from_db()
    assert other.state == ItemState.PLANNED
