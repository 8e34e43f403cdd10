"""The board's totals, counted over the period's reports, are the totals of its rows:
each status, thin and returned, before and after the due day, whoever began, sent,
was returned or never began, and not a report of an organization no longer asked."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db.models import Count, Q

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person
from vanphong.reports import selectors, services
from vanphong.reports.models import Report, ReportState
from vanphong.reports.tests.conftest import at, good_values


def _send(period, organization, clerk, when, **changes):
    services.draft_save(actor=clerk, period=period, organization=organization, values=good_values(**changes))
    with mock.patch("django.utils.timezone.now", return_value=when):
        return services.report_submit(actor=clerk, period=period, organization=organization)


def _counted_over_rows(period, today):
    """The totals as the rows give them, one count per status."""
    return selectors.board_rows(period, today).aggregate(
        total=Count("pk"),
        thin=Count("pk", filter=Q(is_thin=True)),
        returned=Count("pk", filter=Q(report_state=ReportState.RETURNED)),
        **{str(s): Count("pk", filter=Q(status=str(s))) for s in selectors.Status},
    )


def test_the_totals_are_those_of_the_rows(period, khoi, tree):
    more = []
    for n in range(4):
        unit = core_services.organization_create(
            actor=None,
            parent=tree.bloc,
            name=f"Chi bộ cơ sở số {n}",
            abbreviation="CB",
            kind=kind("grassroots-cell"),
        )
        more.append((unit, make_person(organization=unit, role=Role.CLERK)))
    # On time and thin; late; on time then returned; a draft only; two never began.
    _send(period, khoi.units[0], khoi.clerks[0], at(dt.date(2026, 9, 18)), summary="Tốt.")
    _send(period, khoi.units[1], khoi.clerks[1], at(dt.date(2026, 9, 25)))
    _send(period, khoi.units[2], khoi.clerks[2], at(dt.date(2026, 9, 20), 23))
    services.report_return(
        actor=khoi.office, report=Report.objects.get(organization=khoi.units[2]), reason="Sửa"
    )
    unit, clerk = more[0]
    services.draft_save(actor=clerk, period=period, organization=unit, values=good_values())
    # One that sent, then closed before the period began: no longer asked, not counted.
    gone, gone_clerk = more[1]
    _send(period, gone, gone_clerk, at(dt.date(2026, 9, 18)))
    gone.closed_on = dt.date(2026, 6, 30)
    gone.save(update_fields=["closed_on"])

    for today in [dt.date(2026, 9, 19), dt.date(2026, 9, 20), dt.date(2026, 9, 21), dt.date(2026, 12, 1)]:
        counts = selectors.board(period, today=today).counts
        assert counts == _counted_over_rows(period, today), today
    after = selectors.board(period, today=dt.date(2026, 9, 21)).counts
    assert after == {
        "total": 6,
        "thin": 1,
        "returned": 1,
        "pending": 0,
        "on_time": 2,
        "late": 1,
        "missing": 3,
    }
    before = selectors.board(period, today=dt.date(2026, 9, 19)).counts
    assert (before["missing"], before["pending"], before["late"]) == (0, 3, 1)


def test_a_subtree_as_a_range_of_paths():
    assert selectors.path_range("00010009") == Q(path__gte="00010009", path__lt="0001000A")
    # The last letter of the alphabet carries: everything under 000Z sorts before 001.
    assert selectors.path_range("000Z", "organization__path") == Q(
        organization__path__gte="000Z", organization__path__lt="001"
    )
    assert selectors.path_range("ZZZZ") == Q(path__gte="ZZZZ")
