"""The demo's programs on a small tree named like the demo city: the 2026 program
with its twelve items issued, broken down into the second half, the fourth quarter
and the months of October to December, some done there and so, by the system, above;
a second load writes nothing."""

from __future__ import annotations

from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person
from vanphong.programs import demo, selectors
from vanphong.programs.models import ItemState, Program, ProgramItem, ProgramState


def test_the_demo_year_is_broken_down_into_its_half_quarter_and_months(tree):
    for name, abbreviation, code in [
        ("Ban Tổ chức Thành ủy", "BTCTU", "board"),
        ("Ban Tuyên giáo và Dân vận Thành ủy", "BTGDVTU", "board"),
        ("Ban Nội chính Thành ủy", "BNCTU", "board"),
        ("Ủy ban Kiểm tra Thành ủy", "UBKTTU", "inspection"),
    ]:
        core_services.organization_create(
            actor=None, parent=tree.city, name=name, abbreviation=abbreviation, kind=kind(code)
        )
    make_person(organization=tree.office, role=Role.SPECIALIST, username="chuyenvien")
    make_person(organization=tree.office, role=Role.OFFICE_CHIEF, username="chanhvp")
    make_person(organization=tree.city, role=Role.SECRETARY, username="bithu", full_name="Trần Quốc Hưng")
    make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY, username="phobithu")
    said: list[str] = []
    assert demo.load_demo(city=tree.city, out=said.append) == {"work_programs": 6}
    assert said and "2026" in said[0]
    yearly = Program.objects.get(kind="year", year=2026)
    half = Program.objects.get(kind="half", period=2)
    quarter = Program.objects.get(kind="quarter", period=4)
    october, november, december = Program.objects.filter(kind="month").order_by("period")
    assert yearly.items.count() == len(demo.ITEMS) == 12
    assert [p.state for p in (yearly, half, quarter, october, november)] == [ProgramState.ISSUED] * 5
    assert december.state == ProgramState.DRAFTING
    assert (half.items.count(), quarter.items.count()) == (10, 8)
    assert (october.items.count(), november.items.count(), december.items.count()) == (2, 4, 4)
    # The chain kept both ways: a month's item comes from the quarter's, from the half's, from the year's.
    for item in ProgramItem.objects.filter(program__kind="month").select_related("source__source__source"):
        assert item.source.program == quarter and item.source.source.program == half
        assert item.source.source.source.program == yearly
    # Every item falls within its program's period.
    for item in ProgramItem.objects.select_related("program"):
        start, end = item.planned_bounds
        assert item.program.starts_on <= start and end <= item.program.ends_on, item
    conference = yearly.items.get(position=8)
    assert conference.leader.username == "bithu" and conference.breakdown.get().program == half
    if timezone.localdate() >= yearly.ends_on.replace(month=11, day=20):
        assert november.items.filter(state=ItemState.DONE).count() == 2
        assert october.items.filter(state=ItemState.DONE).count() == 2
        # Done in November: done in the quarter, the half and the year by the system.
        nov_item = november.items.get(source__source__source__position=6)
        assert nov_item.source.state == nov_item.source.source.state == ItemState.DONE
        rate = selectors.execution_rate(yearly).total
        assert rate.done == 6 and rate.planned == 12
        per_quarter = [period.done for period in selectors.execution_rate(yearly).periods]
        assert per_quarter == [2, 0, 2, 2]
        assert selectors.execution_rate(quarter).total.done == 2
        assert [p.done for p in selectors.execution_rate(quarter).periods] == [0, 2, 0]
    assert demo.load_demo(city=tree.city, out=said.append) == {"work_programs": 6}
    assert ProgramItem.objects.count() == 12 + 10 + 8 + 10
