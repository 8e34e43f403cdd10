"""The membership counts against the roll made in conftest, the age bands at their
boundaries, the period before, the tree summed up, and queries that do not grow with
the tree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vanphong.core import services
from vanphong.core.models import Membership, Role
from vanphong.core.tests.factories import kind, persona
from vanphong.figures.selectors import Period, PeriodKind
from vanphong.statistics import selectors
from vanphong.statistics.selectors import (
    AGE_BANDS,
    Counts,
    age_q,
    previous_period,
    subtree_counts,
    years_before,
)
from vanphong.statistics.tests.conftest import AS_OF, PREVIOUS, add_member

Q4 = Period.of(PeriodKind.QUARTER, 2025, 4)


def counts(node, day=AS_OF, start=dt.date(2025, 10, 1)):
    return subtree_counts(node, day, start, day)


def test_the_khoi_on_the_last_day_of_the_quarter(roll):
    total, units = counts(roll.tree.bloc)
    assert total == Counts(
        members=8,
        male=3,
        female=4,
        gender_unknown=1,
        under_30=1,
        from_30_to_45=3,
        from_46_to_60=2,
        over_60=1,
        age_unknown=1,
        admitted=1,
    )
    assert units[roll.tree.grassroots.path].members == 6
    assert units[roll.school.path].members == 2


def test_each_breakdown_adds_up_to_the_members(roll):
    total, _units = counts(roll.tree.bloc)
    assert total.male + total.female + total.gender_unknown == total.members
    bands = sum(getattr(total, band.key) for band in AGE_BANDS) + total.age_unknown
    assert bands == total.members


def test_the_children_add_up_to_the_parent_at_every_level(roll):
    for node in [roll.tree.city, roll.tree.bloc, roll.tree.grassroots]:
        total, units = counts(node)
        for field in ["members", "male", "female", "under_30", "over_60", "admitted"]:
            assert sum(getattr(c, field) for c in units.values()) == getattr(total, field), (node, field)


def test_a_member_ended_before_the_day_is_not_counted_but_was_before(roll):
    left = roll.people["left"]
    cell = roll.tree.cell
    _total, before = counts(roll.tree.grassroots, PREVIOUS, dt.date(2025, 7, 1))
    _total, now = counts(roll.tree.grassroots)
    # The men of the cell: turns_30, turns_61 and `left`, who is gone by the 31st.
    assert before[cell.path].male == 3 and now[cell.path].male == 2
    # On the day it ends the membership still counts; not the day after.
    _total, on_the_day = counts(roll.tree.grassroots, dt.date(2025, 10, 15))
    _total, after = counts(roll.tree.grassroots, dt.date(2025, 10, 16))
    assert on_the_day[cell.path].male == 3 and after[cell.path].male == 2
    assert left.memberships.get().ended_on == dt.date(2025, 10, 15)


def test_a_person_with_two_memberships_in_a_subtree_is_counted_once(roll):
    # Legacy data (the service refuses it): one person on two cells' rolls at once.
    person = roll.people["turns_30"]
    Membership.objects.create(
        person=person, organization=roll.cell2, role=Role.MEMBER, started_on=dt.date(2021, 1, 1)
    )
    total, units = counts(roll.tree.grassroots)
    assert units[roll.tree.cell.path].members == 4 and units[roll.cell2.path].members == 3
    assert total.members == 6  # not 7
    bloc_total, bloc_units = counts(roll.tree.bloc)
    assert bloc_units[roll.tree.grassroots.path].members == 6 and bloc_total.members == 8


def test_a_seat_is_not_a_place_on_the_roll(roll):
    # turns_60 is the ĐU's Secretary and on a cell's roll: counted once, in the cell.
    total, units = counts(roll.tree.grassroots)
    assert roll.tree.grassroots.path not in units
    assert total.members == 6


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (dt.date(1995, 12, 31), "from_30_to_45"),  # 30th birthday on the day
        (dt.date(1996, 1, 1), "under_30"),  # 30 tomorrow
        (dt.date(1980, 12, 31), "from_30_to_45"),  # 45 on the day
        (dt.date(1979, 12, 31), "from_46_to_60"),  # 46 on the day
        (dt.date(1965, 12, 31), "from_46_to_60"),  # 60 on the day
        (dt.date(1964, 12, 31), "over_60"),  # 61 on the day
        (dt.date(1965, 1, 1), "from_46_to_60"),
    ],
)
def test_age_bands_at_their_boundaries(tree, birth, band):
    person = add_member(tree.cell, gender="M", birth=birth, joined=dt.date(2000, 1, 1))
    from vanphong.core.models import Person

    found = [
        b.key for b in AGE_BANDS if Person.objects.filter(age_q(b, AS_OF, prefix=""), pk=person.pk).exists()
    ]
    assert found == [band]


def test_a_birthday_on_29_february():
    assert years_before(dt.date(2024, 2, 29), 30) == dt.date(1994, 2, 28)
    assert years_before(dt.date(2025, 3, 1), 30) == dt.date(1995, 3, 1)


def test_the_previous_period_of_each_kind():
    assert previous_period(Period.of(PeriodKind.QUARTER, 2025, 1)) == Period.of(PeriodKind.QUARTER, 2024, 4)
    assert previous_period(Period.of(PeriodKind.QUARTER, 2025, 4)) == Period.of(PeriodKind.QUARTER, 2025, 3)
    assert previous_period(Period.of(PeriodKind.YEAR, 2025)) == Period.of(PeriodKind.YEAR, 2024)
    assert previous_period(Period.of(PeriodKind.MONTH, 2025, 1)) == Period.of(PeriodKind.MONTH, 2024, 12)
    assert previous_period(Period.of(PeriodKind.HALF, 2025, 2)) == Period.of(PeriodKind.HALF, 2025, 1)


def test_the_quarter_against_the_one_before(roll, secretary):
    stats = selectors.member_statistics(secretary, roll.tree.bloc, Q4, today=dt.date(2026, 6, 1))
    assert (stats.as_of, stats.previous_as_of) == (AS_OF, PREVIOUS)
    assert (stats.members.value, stats.members.previous, stats.members.change) == (8, 7, 1)
    assert (stats.admitted.value, stats.admitted.previous) == (1, 1)
    units = {line.key: line for line in stats.units}
    assert (units[roll.school.path].value, units[roll.school.path].previous) == (2, 1)
    assert [line.key for line in stats.by_gender] == ["male", "female", "gender_unknown"]
    assert [line.value for line in stats.by_age] == [1, 3, 2, 1, 1]
    # On 30/09: turns_30 was 29, turns_61 was 60, `left` (45) still there.
    assert [line.previous for line in stats.by_age] == [1, 3, 2, 0, 1]


def test_a_running_period_is_counted_as_of_today(roll, secretary):
    today = dt.date(2025, 11, 1)
    stats = selectors.member_statistics(secretary, roll.tree.bloc, Q4, today=today)
    assert stats.as_of == today
    assert stats.members.value == 7  # admitted on 10/11 not yet on the roll
    assert stats.admitted.value == 0


def test_units_without_a_roll_are_left_out_and_empty_cells_listed(roll, secretary):
    empty = services.organization_create(
        actor=None,
        parent=roll.tree.bloc,
        name="Chi bộ cơ sở Mới",
        abbreviation="CB",
        kind=kind("grassroots-cell"),
    )
    stats = selectors.member_statistics(secretary, roll.tree.city, Q4, today=dt.date(2026, 6, 1))
    assert [line.organization for line in stats.units] == [roll.tree.bloc]  # not the office
    stats = selectors.member_statistics(secretary, roll.tree.bloc, Q4, today=dt.date(2026, 6, 1))
    assert empty in [line.organization for line in stats.units]
    assert stats.trail == [roll.tree.city, roll.tree.bloc]  # the secretary's reach starts at the city


def test_the_trail_starts_where_the_reach_starts(roll):
    grassroots_secretary = add_member(roll.tree.cell)  # on a roll; now give a seat
    services.membership_add(
        actor=None,
        person=grassroots_secretary,
        organization=roll.school,
        role=Role.SECRETARY,
        started_on=dt.date(2021, 1, 1),
    )
    assert selectors.home_node(grassroots_secretary) == roll.school
    assert selectors.breadcrumb(grassroots_secretary, roll.school) == [roll.school]


def test_who_gets_the_menu_entry(roll, office_chief, clerk, member):
    assert selectors.navigation(office_chief)
    assert selectors.navigation(persona(roll.tree, Role.SPECIALIST))
    assert selectors.navigation(clerk) == []
    assert selectors.navigation(member) == []


def _grassroots_units(bloc, n):
    for i in range(n):
        unit = services.organization_create(
            actor=None,
            parent=bloc,
            name=f"Chi bộ cơ sở số {i}",
            abbreviation="CB",
            kind=kind("grassroots-cell"),
        )
        add_member(unit, gender="F" if i % 2 else "M", birth=dt.date(1980 + i % 30, 1, 1))


def test_the_number_of_queries_does_not_grow_with_the_tree(roll, secretary):
    bloc = roll.tree.bloc

    def queries() -> int:
        bloc.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            stats = selectors.member_statistics(secretary, bloc, Q4, today=dt.date(2026, 6, 1))
            assert stats.units
        return len(captured)

    _grassroots_units(bloc, 2)
    few = queries()
    _grassroots_units(bloc, 25)
    many = queries()
    assert many == few
    assert few <= 8
