"""A period's numbers summed up the tree: each child subtree of a node, the node's
total, who reported, the previous period; the page, its drill-down, its workbook and
who may open it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person
from vanphong.reports import selectors, services
from vanphong.reports.tests.conftest import at, good_values


def _send(period, organization, clerk, when=None, **changes):
    services.draft_save(actor=clerk, period=period, organization=organization, values=good_values(**changes))
    with mock.patch("django.utils.timezone.now", return_value=when or at(dt.date(2026, 9, 18))):
        return services.report_submit(actor=clerk, period=period, organization=organization)


def _cell_under(parent, name="Chi bộ Phòng Y tế dự phòng"):
    """A grassroots cell under a grassroots committee (asked too), with its clerk."""
    unit = core_services.organization_create(
        actor=None, parent=parent, name=name, abbreviation="CB", kind=kind("grassroots-cell")
    )
    return unit, make_person(organization=unit, role=Role.CLERK)


def _line(sums, organization, own=False):
    (line,) = [x for x in sums.lines if x.organization == organization and x.is_own == own]
    return line


def test_children_sum_to_the_parent_and_who_sent_nothing_adds_nothing(period, khoi, tree):
    health, building = khoi.units[1], khoi.units[2]
    cell, cell_clerk = _cell_under(health)
    _send(period, khoi.units[0], khoi.clerks[0])  # 45 members
    _send(period, health, khoi.clerks[1], members="30", men="10", women="20")
    _send(period, cell, cell_clerk, members="10", men="4", women="6")
    # The building department's cell began a draft and never sent it.
    services.draft_save(
        actor=khoi.clerks[2], period=period, organization=building, values=good_values(members="99")
    )

    sums = selectors.period_sums(period)
    assert sums.node == tree.bloc and [line.organization for line in sums.lines] == khoi.units
    assert _line(sums, khoi.units[0]).values["members"] == 45
    assert _line(sums, health).values["members"] == 40  # its own report and its cell's
    assert (_line(sums, health).asked, _line(sums, health).reported) == (2, 2)
    assert _line(sums, building).values == {} and (
        _line(sums, building).asked,
        _line(sums, building).reported,
    ) == (1, 0)
    assert sums.total.values["members"] == 85 == selectors.sum_of(period, "members", tree.bloc)
    assert sums.total.values["cells.*.members"] == Decimal(135)
    assert (sums.total.asked, sums.total.reported) == (4, 3)
    assert _line(sums, khoi.units[0]).drillable and not _line(sums, building).drillable

    # One level down: the committee's own report and its cell, adding up to its line above.
    below = selectors.period_sums(period, health)
    assert [(line.organization, line.is_own) for line in below.lines] == [(health, True), (cell, False)]
    assert [line.values["members"] for line in below.lines] == [30, 10]
    assert below.total.values == _line(sums, health).values
    assert [unit.pk for unit in below.trail] == [tree.bloc.pk, health.pk]


def test_a_returned_then_resubmitted_report_counts_its_latest_submission(period, khoi, tree):
    _send(period, khoi.units[0], khoi.clerks[0])
    report = period.reports.get()
    services.report_return(actor=khoi.office, report=report, reason="Số liệu chưa khớp")
    _send(period, khoi.units[0], khoi.clerks[0], when=at(dt.date(2026, 9, 25)), members="46", women="21")
    sums = selectors.period_sums(period)
    assert sums.total.values["members"] == 46 and sums.total.values["women"] == 21
    assert sums.total.reported == 1


def test_the_previous_period_of_the_form_is_compared(form, period, khoi):
    q2 = services.period_open(actor=khoi.office, form=form, year=2026, number=2)
    _send(
        q2, khoi.units[0], khoi.clerks[0], members="40", men="20", women="20", when=at(dt.date(2026, 6, 10))
    )
    _send(period, khoi.units[0], khoi.clerks[0])
    sums = selectors.period_sums(period)
    assert sums.previous_period == q2
    line = _line(sums, khoi.units[0])
    assert line.cells(["members", "men"]) == [("members", 45, 40, 5), ("men", 25, 20, 5)]
    assert sums.total.previous["members"] == 40
    assert selectors.period_sums(q2).previous_period is None


def _queries(period, node=None):
    with CaptureQueriesContext(connection) as context:
        sums = selectors.period_sums(period, node)
        [line.drillable for line in sums.lines]
    return len(context.captured_queries)


def test_the_queries_do_not_grow_with_the_organizations(period, khoi):
    _send(period, khoi.units[0], khoi.clerks[0])
    few = _queries(period)
    for i in range(6):
        cell, clerk = _cell_under(khoi.units[1], name=f"Chi bộ {i}")
        _send(period, cell, clerk, members="10", men="4", women="6")
    assert _queries(period) == few
    assert selectors.period_sums(period).total.values["members"] == 105


def test_the_page_drills_down_and_exports(client, period, khoi, tree):
    cell, cell_clerk = _cell_under(khoi.units[1])
    _send(period, khoi.units[0], khoi.clerks[0])
    _send(period, cell, cell_clerk, members="10", men="4", women="6")
    client.force_login(khoi.office)
    url = reverse("report_period_statistics", args=[period.pk])
    board = client.get(reverse("report_board", args=[period.pk])).content.decode()
    assert f'href="{url}"' in board
    page = client.get(url).content.decode()
    assert 'id="sums-table"' in page and 'id="sums-chart"' in page
    assert f'href="{url}?org={khoi.units[1].pk}"' in page  # a click goes one level down
    assert 'data-unit="total"' in page and 'data-value="55"' in page
    down = client.get(url, {"org": khoi.units[1].pk}).content.decode()
    assert cell.name in down and f'data-org="{tree.bloc.pk}"' in down
    # A unit outside the form's committee, or not a number: 404.
    assert client.get(url, {"org": tree.other_province.pk}).status_code == 404
    assert client.get(url, {"org": "x"}).status_code == 404

    response = client.get(reverse("report_period_statistics_export", args=[period.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert ["Tổng số", 55, None, None] in [row[:4] for row in rows]
    assert [khoi.units[0].name, 45, None, None] in [row[:4] for row in rows]
    assert ["Tổng số", 2, 4] in [row[:3] for row in rows]


@pytest.mark.parametrize("name", ["report_period_statistics", "report_period_statistics_export"])
def test_outsiders_get_404_and_those_who_may_not_receive_403(client, period, khoi, outsider, secretary, name):
    url = reverse(name, args=[period.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(khoi.clerks[0])
    assert client.get(url).status_code == 404
    # The city's Secretary sees the board, not the office's sums; nor is it offered.
    client.force_login(secretary)
    assert client.get(url).status_code == 403
    with translation.override("vi"):
        link = _("Numbers summed up the tree")
        board = client.get(
            reverse("report_board", args=[period.pk]), HTTP_ACCEPT_LANGUAGE="vi"
        ).content.decode()
    assert link not in board
    client.force_login(khoi.office)
    assert client.get(url).status_code == 200
    with translation.override("vi"):
        board = client.get(
            reverse("report_board", args=[period.pk]), HTTP_ACCEPT_LANGUAGE="vi"
        ).content.decode()
    assert link in board
