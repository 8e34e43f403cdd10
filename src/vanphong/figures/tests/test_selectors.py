"""The figures computed from the records: each count against the year the fixture
made, the period's edges, cancelled records left out, the viewer's clearance, and a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, persona
from vanphong.figures import selectors
from vanphong.figures.selectors import Period, PeriodKind
from vanphong.figures.tests.conftest import DEC_31, JAN_1, YEAR
from vanphong.schedule.models import EventKind

AFTER = dt.date(YEAR + 1, 3, 1)  # the day the figures are computed: after the year


def counts(rows):
    return {row.abbreviation: (row.count, row.classified) for row in rows}


def test_the_year_of_the_office_counted_from_its_records(year):
    figures = selectors.figures(year.office_chief, year.tree.city, Period.of(PeriodKind.YEAR, YEAR), AFTER)
    # Outgoing: the cancelled KL and the Công văn of the year before are left out;
    # the office's own Giấy mời is the office's work.
    assert counts(figures.outgoing) == {"NQ": (2, 1), "KL": (1, 0), "CV": (1, 0), "GM": (1, 0)}
    assert [row.name for row in figures.outgoing] == ["Nghị quyết", "Kết luận", "Công văn", "Giấy mời"]
    assert figures.outgoing_total == 5 and figures.outgoing_classified == 1
    # Incoming: the grassroots committee's and next year's are not counted.
    assert counts(figures.incoming) == {"CV": (3, 1), "BC": (1, 0)}
    assert figures.incoming_total == 4
    # Events: the cancelled conference and last year's are not counted.
    assert {row.kind: row.held for row in figures.events} == {
        EventKind.CONFERENCE: 1,
        EventKind.STANDING_COMMITTEE: 2,
        EventKind.STANDING_BRIEFING: 1,
        EventKind.WORKING_SESSION: 0,
        EventKind.FIELD_INSPECTION: 0,
        EventKind.RECEPTION: 1,
        EventKind.OTHER: 0,
    }
    assert figures.events_held == 5 and figures.events_ahead == 0
    tasks = figures.tasks
    assert tasks is not None and tasks.as_of == DEC_31
    assert (tasks.done_on_time, tasks.done_late, tasks.overdue, tasks.not_yet_due) == (3, 1, 1, 0)
    assert tasks.total == 5 and tasks.on_time_percent == 60
    [rate] = figures.programs
    assert (rate.planned, rate.done, rate.percent) == (3, 2, 67)


def test_the_edges_of_the_period_are_inside_it(year):
    first = selectors.figures(year.office_chief, year.tree.city, Period(JAN_1, JAN_1), AFTER)
    assert counts(first.outgoing) == {"NQ": (1, 0)}
    assert counts(first.incoming) == {"CV": (1, 0)}
    assert first.held(EventKind.STANDING_COMMITTEE) == 1 and first.events_held == 1
    assert first.tasks is not None and first.tasks.total == 1 and first.tasks.done_on_time == 1
    last = selectors.figures(year.office_chief, year.tree.city, Period(DEC_31, DEC_31), AFTER)
    assert counts(last.outgoing) == {"KL": (1, 0)}
    assert counts(last.incoming) == {"CV": (1, 0)}
    assert last.held(EventKind.RECEPTION) == 1 and last.events_held == 1
    between = selectors.figures(
        year.office_chief, year.tree.city, Period(dt.date(YEAR, 1, 2), dt.date(YEAR, 12, 30)), AFTER
    )
    assert between.outgoing_total == 3 and between.incoming_total == 2 and between.events_held == 3
    # The yearly program does not lie within a shorter period.
    assert between.programs == []


def test_quarters_halves_and_months(year):
    q1 = selectors.figures(year.office_chief, year.tree.city, Period.of(PeriodKind.QUARTER, YEAR, 1), AFTER)
    assert q1.period.start == JAN_1 and q1.period.end == dt.date(YEAR, 3, 31)
    assert counts(q1.outgoing) == {"NQ": (2, 1)}
    assert q1.held(EventKind.STANDING_COMMITTEE) == 2 and q1.held(EventKind.CONFERENCE) == 1
    assert q1.tasks is not None and (q1.tasks.done_on_time, q1.tasks.done_late) == (1, 1)
    h2 = Period.of(PeriodKind.HALF, YEAR, 2)
    assert (h2.start, h2.end) == (dt.date(YEAR, 7, 1), DEC_31)
    february = Period.of(PeriodKind.MONTH, YEAR, 2)
    assert (february.start, february.end) == (dt.date(YEAR, 2, 1), dt.date(YEAR, 2, 28))
    figures = selectors.figures(year.office_chief, year.tree.city, february, AFTER)
    assert figures.events_held == 3 and figures.outgoing_total == 0


def test_a_running_period_counts_events_ahead_and_tasks_as_of_today(year):
    today = dt.date(YEAR, 6, 15)
    figures = selectors.figures(year.office_chief, year.tree.city, Period.of(PeriodKind.YEAR, YEAR), today)
    assert figures.events_held == 4 and figures.events_ahead == 1  # the reception of 31/12
    tasks = figures.tasks
    assert tasks is not None and tasks.as_of == today
    # The task due 30/06 is not overdue on 15/06; the one due 31/12 is done early.
    assert (tasks.done_on_time, tasks.done_late, tasks.overdue, tasks.not_yet_due) == (3, 1, 0, 1)


def test_the_viewers_clearance_caps_what_is_counted(year):
    period = Period.of(PeriodKind.YEAR, YEAR)
    cleared = selectors.figures(year.clerk, year.tree.city, period, AFTER)  # "Mật"
    assert counts(cleared.outgoing)["NQ"] == (2, 1) and cleared.incoming_classified == 1
    assert cleared.tasks is not None and cleared.tasks.total == 4  # the "Tối mật" conclusion's task is not
    uncleared = selectors.figures(year.specialist, year.tree.city, period, AFTER)
    assert counts(uncleared.outgoing)["NQ"] == (1, 0) and uncleared.outgoing_classified == 0
    assert uncleared.incoming_total == 3 and uncleared.incoming_classified == 0
    assert uncleared.tasks is not None and uncleared.tasks.total == 4
    assert not uncleared.sees_all_secrets and year.office_chief.clearance == Secrecy.SECRET


def test_the_number_of_queries_does_not_grow_with_the_rows(year, django_assert_max_num_queries):
    period = Period.of(PeriodKind.YEAR, YEAR)
    with django_assert_max_num_queries(10):
        selectors.figures(year.office_chief, year.tree.city, period, AFTER)


def test_who_opens_the_figures_of_which_committee(tree, secretary, clerk, office_chief, outsider, member):
    assert selectors.home_committee(clerk) == tree.city
    assert selectors.home_committee(office_chief) == tree.city
    assert selectors.home_committee(secretary) == tree.city
    assert selectors.home_committee(member) is None
    assert selectors.home_committee(persona(tree, Role.COMMITTEE_MEMBER)) is None
    # Leaders reach the committees below; the office's staff their own only.
    assert set(selectors.committees_for(secretary)) >= {tree.city, tree.bloc, tree.grassroots}
    assert list(selectors.committees_for(clerk)) == [tree.city]
    assert tree.city not in selectors.committees_for(outsider)
    assert selectors.navigation(clerk) and not selectors.navigation(member)
    assert selectors.scope_of(tree.city) == [tree.city.pk, tree.office.pk]
    assert selectors.scope_of(tree.grassroots) == [tree.grassroots.pk]
    grassroots_clerk = make_person(organization=tree.grassroots, role=Role.CLERK)
    assert selectors.home_committee(grassroots_clerk) == tree.grassroots


@pytest.mark.parametrize(
    ("kind", "part", "start", "end"),
    [
        (PeriodKind.YEAR, 0, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        (PeriodKind.HALF, 1, dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        (PeriodKind.QUARTER, 4, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        (PeriodKind.MONTH, 2, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_periods_of_the_calendar(kind, part, start, end):
    period = Period.of(kind, 2024, part)
    assert (period.start, period.end) == (start, end)
