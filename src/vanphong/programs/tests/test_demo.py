"""The demo's programs on a small tree named like the demo city: the 2026 program
with its twelve items issued, broken down into November and December, some done; a
second load writes nothing."""

from __future__ import annotations

from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person
from vanphong.programs import demo, selectors
from vanphong.programs.models import ItemState, Program, ProgramItem, ProgramState


def test_the_demo_program_is_broken_down_into_november_and_december(tree):
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
    assert demo.load_demo(city=tree.city, out=said.append) == {"work_programs": 3}
    assert said and "2026" in said[0]
    yearly = Program.objects.get(kind="year", year=2026)
    november, december = Program.objects.filter(kind="month").order_by("period")
    assert yearly.items.count() == len(demo.ITEMS) == 12
    assert (yearly.state, november.state, december.state) == (
        ProgramState.ISSUED,
        ProgramState.ISSUED,
        ProgramState.DRAFTING,
    )
    assert november.items.count() == 4 and december.items.count() == 4
    assert all(item.source.program == yearly for item in ProgramItem.objects.filter(program__kind="month"))
    conference = yearly.items.get(position=8)
    assert conference.leader.username == "bithu" and conference.breakdown.get().program == december
    if timezone.localdate() >= yearly.ends_on.replace(month=11, day=20):
        assert november.items.filter(state=ItemState.DONE).count() == 2
        rate = selectors.execution_rate(yearly).total
        assert rate.done == 6 and rate.planned == 12
    assert demo.load_demo(city=tree.city, out=said.append) == {"work_programs": 3}
    assert ProgramItem.objects.count() == 20
