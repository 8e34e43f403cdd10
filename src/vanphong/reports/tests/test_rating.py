"""The year's reporting of each organization, scored for the year-end rating: a
hand-built year whose every number is known, the queries that do not grow with the
organizations, who may open the page, and the workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person
from vanphong.reports import rating, services
from vanphong.reports.rating import Band
from vanphong.reports.tests.conftest import at, good_values

YEAR = 2026
AS_OF = dt.date(2027, 1, 10)  # every quarter of 2026 past its due day (the 20th of its last month)
DUE = {1: dt.date(2026, 3, 20), 2: dt.date(2026, 6, 20), 3: dt.date(2026, 9, 20), 4: dt.date(2026, 12, 20)}
SHORT = "Chi bộ sinh hoạt đều."  # under the 20 words the summary asks: thin, yet nothing empty


def _send(period, organization, clerk, *, late=False, **changes):
    services.draft_save(actor=clerk, period=period, organization=organization, values=good_values(**changes))
    due = period.due_on
    when = at(due + dt.timedelta(days=5)) if late else at(due - dt.timedelta(days=2))
    with mock.patch("django.utils.timezone.now", return_value=when):
        return services.report_submit(actor=clerk, period=period, organization=organization)


@pytest.fixture
def year(form, khoi, tree):
    """Four quarters of 2026 and four organizations, each with a year known by heart:

    A (units[0]) on time every quarter, nothing thin;
    B (units[1]) Q1 on time, Q2 late, Q3 late leaving the summary empty, Q4 missing;
    C (units[2]) Q1 late leaving the summary empty, then nothing;
    D (a fourth cell) on time for three quarters, Q4 late and too short."""
    justice = core_services.organization_create(
        actor=None,
        parent=tree.bloc,
        name="Chi bộ Sở Tư pháp",
        abbreviation="CB",
        kind=kind("grassroots-cell"),
    )
    justice_clerk = make_person(organization=justice, role=Role.CLERK)
    a, b, c = khoi.units
    ca, cb, cc = khoi.clerks
    periods = {n: services.period_open(actor=khoi.office, form=form, year=YEAR, number=n) for n in DUE}
    for n in DUE:
        _send(periods[n], a, ca)
    _send(periods[1], b, cb)
    _send(periods[2], b, cb, late=True)
    _send(periods[3], b, cb, late=True, summary="")
    _send(periods[1], c, cc, late=True, summary="")
    for n in (1, 2, 3):
        _send(periods[n], justice, justice_clerk)
    _send(periods[4], justice, justice_clerk, late=True, summary=SHORT)
    return {"A": a, "B": b, "C": c, "D": justice, "periods": periods}


def _counts(row):
    return (row.due, row.on_time, row.late, row.missing, row.thin, row.filled, row.required)


def test_each_organization_counts_scores_and_bands_as_worked_out_by_hand(year, tree):
    result = rating.rating(tree.bloc, YEAR, as_of=AS_OF)
    assert [p.due_on for p in result.periods] == list(DUE.values())
    by_name = {row.pk: row for row in result.rows}
    a, b, c, d = (by_name[year[k].pk] for k in "ABCD")

    # due, on time, late, missing, thin, required parts filled / asked (4 per report)
    assert _counts(a) == (4, 4, 0, 0, 0, 16, 16)
    assert _counts(b) == (4, 1, 2, 1, 1, 11, 12)
    assert _counts(c) == (4, 0, 1, 3, 1, 3, 4)
    assert _counts(d) == (4, 3, 1, 0, 1, 16, 16)
    assert (a.on_time_share, b.thin_share, c.completeness, d.completeness) == (1, 1 / 3, 0.75, 1)

    # 100 × (0.5 × (on time + ½ late)/due + 0.3 × (sent − thin)/due + 0.2 × completeness × sent/due)
    assert a.score == Decimal("100.0") and a.band == Band.EXCELLENT
    # 0.5 × 4/8 + 0.3 × 2/4 + 0.2 × 11/12 × 3/4 = 0.25 + 0.15 + 0.1375
    assert b.score == Decimal("53.8") and b.band == Band.DONE  # 53.75, half up
    # 0.5 × 0.5/4 + 0 + 0.2 × 3/4 × 1/4
    assert c.score == Decimal("10.0") and c.band == Band.FAILED
    # 0.5 × 3.5/4 + 0.3 × 3/4 + 0.2
    assert d.score == Decimal("86.3") and d.band == Band.GOOD  # 86.25, half up

    assert [row.pk for row in result.rows] == [year[k].pk for k in "ADBC"]  # the best first
    assert _counts(result.total) == (16, 8, 4, 4, 3, 46, 48)
    assert result.total.score == Decimal("62.5")
    assert result.bands == {Band.EXCELLENT: 1, Band.GOOD: 1, Band.DONE: 1, Band.FAILED: 1}
    # Each row keeps its periods in order, with the status the board gives.
    assert [(p.due_on, status, thin) for p, status, thin, _report in b.periods] == [
        (DUE[1], "on_time", False),
        (DUE[2], "late", False),
        (DUE[3], "late", True),
        (DUE[4], "missing", False),
    ]


def test_only_periods_past_their_due_day_count_and_a_returned_report_keeps_its_first_timeliness(
    year, tree, khoi
):
    # On 20 December the fourth quarter is due that very day: not counted yet.
    before = rating.rating(tree.bloc, YEAR, as_of=DUE[4])
    assert len(before.periods) == 3
    row = next(r for r in before.rows if r.pk == year["B"].pk)
    assert (row.due, row.on_time, row.late, row.missing) == (3, 1, 2, 0)

    # The office returns A's first quarter; it is sent again, complete, after the due day:
    # still on time (judged by the first submission), and its latest submission counts.
    report = year["periods"][1].reports.get(organization=year["A"])
    services.report_return(actor=khoi.office, report=report, reason="Bổ sung số liệu")
    _send(year["periods"][1], year["A"], khoi.clerks[0], late=True)
    after = rating.rating(tree.bloc, YEAR, as_of=AS_OF)
    a = next(r for r in after.rows if r.pk == year["A"].pk)
    assert (a.on_time, a.late, a.score) == (4, 0, Decimal("100.0"))
    # Another year, or another committee's forms: nothing.
    assert rating.rating(tree.bloc, YEAR + 1, as_of=AS_OF).rows == []
    assert rating.rating(tree.city, YEAR, as_of=AS_OF).rows == []


BANDS = [("100", Band.EXCELLENT), ("90.0", Band.EXCELLENT), ("89.9", Band.GOOD), ("75", Band.GOOD)]
BANDS += [("74.9", Band.DONE), ("50", Band.DONE), ("49.9", Band.FAILED), ("0", Band.FAILED)]


@pytest.mark.parametrize(("score", "band"), BANDS)
def test_the_band_floors(score, band):
    assert rating.band_of(Decimal(score)) == band


def _queries(committee):
    with CaptureQueriesContext(connection) as context:
        result = rating.rating(committee, YEAR, as_of=AS_OF)
    return len(context.captured_queries), result


def test_the_queries_do_not_grow_with_the_organizations_or_the_periods(form, khoi, tree):
    periods = [services.period_open(actor=khoi.office, form=form, year=YEAR, number=n) for n in (1, 2)]
    _send(periods[0], khoi.units[0], khoi.clerks[0], summary="")
    _send(periods[1], khoi.units[1], khoi.clerks[1], late=True)
    few, small = _queries(tree.bloc)
    assert len(small.rows) == 3
    for i in range(27):
        unit = core_services.organization_create(
            actor=None, parent=tree.bloc, name=f"Chi bộ {i}", abbreviation="CB", kind=kind("grassroots-cell")
        )
        clerk = make_person(organization=unit, role=Role.CLERK)
        _send(
            periods[i % 2],
            unit,
            clerk,
            late=i % 3 == 0,
            summary="" if i % 4 == 0 else good_values()["summary"],
        )
    services.period_open(actor=khoi.office, form=form, year=YEAR, number=3)
    many, large = _queries(tree.bloc)
    assert len(large.rows) == 30 and len(large.periods) == 3
    assert many == few <= 4


@pytest.fixture
def page_url():
    return reverse("report_rating")


def test_the_page_shows_the_table_the_best_first_and_links_each_organization(
    client, year, khoi, tree, page_url
):
    client.force_login(khoi.office)
    with mock.patch("vanphong.reports.views.timezone.localdate", return_value=AS_OF):
        page = client.get(page_url, {"year": YEAR}).content.decode()
        home = client.get(reverse("reports_home")).content.decode()
        one = client.get(reverse("report_rating_organization", args=[year["B"].pk]), {"year": YEAR})
    assert page_url in home
    assert page.index(f'data-org="{year["A"].pk}"') < page.index(f'data-org="{year["D"].pk}"')
    assert page.index(f'data-org="{year["B"].pk}"') < page.index(f'data-org="{year["C"].pk}"')
    assert 'data-score="53.8"' in page and 'data-score="62.5"' in page
    assert reverse("report_rating_organization", args=[year["B"].pk]) in page
    # Sorted by a column: the most missing first, ties by score.
    with mock.patch("vanphong.reports.views.timezone.localdate", return_value=AS_OF):
        by_missing = client.get(page_url, {"year": YEAR, "sort": "missing"}).content.decode()
    order = [by_missing.index(f'data-org="{year[k].pk}"') for k in "CBAD"]
    assert order == sorted(order)
    # One organization's periods, each linked to its report on the office's side.
    assert one.status_code == 200
    body = one.content.decode()
    sent = year["periods"][3].reports.get(organization=year["B"])
    assert reverse("report_detail", args=[sent.pk]) in body
    assert body.count('data-status="missing"') == 1


def test_the_workbook_holds_the_same_numbers(client, year, khoi):
    client.force_login(khoi.office)
    with mock.patch("vanphong.reports.views.timezone.localdate", return_value=AS_OF):
        response = client.get(reverse("report_rating_export"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    table = {row[1]: row for row in rows if row and isinstance(row[0], int)}
    b = table[year["B"].name]
    # №, organization, due, on time, late, missing, thin, completeness %, score, band
    assert b[2:] == [4, 1, 2, 1, 1, 91.7, 53.8, "Hoàn thành nhiệm vụ"]
    assert table[year["A"].name][0] == 1 and table[year["C"].name][0] == 4
    assert table[year["C"].name][-1] == "Không hoàn thành nhiệm vụ"
    (total,) = [row for row in rows if row and row[0] == "Tổng số"]
    assert total[2:] == [16, 8, 4, 4, 3, 95.8, 62.5, None]


def test_a_grassroots_clerk_and_an_outsider_are_refused(client, year, khoi, tree, outsider, page_url):
    bloc = {"committee": tree.bloc.pk, "year": YEAR}
    organization_url = reverse("report_rating_organization", args=[year["B"].pk])
    export_url = reverse("report_rating_export")
    # A grassroots clerk sends reports and receives none: 403 everywhere.
    client.force_login(khoi.clerks[1])
    for url in (page_url, export_url, organization_url):
        assert client.get(url).status_code == 403, url
        assert client.get(url, bloc).status_code in (403, 404), url
    # Another province's office chief receives for their own committee only: their page
    # is their own (empty); the bloc's table, workbook and rows are out of reach.
    client.force_login(outsider)
    own = client.get(page_url, {"year": YEAR})
    assert own.status_code == 200 and f'data-org="{year["A"].pk}"' not in own.content.decode()
    for url in (page_url, export_url, organization_url):
        assert client.get(url, bloc).status_code == 404, url
    assert client.get(organization_url, {"year": YEAR}).status_code == 404  # not asked by their forms
    client.force_login(khoi.office)
    assert client.get(page_url, {"year": "x"}).status_code == 200  # a wrong year: the latest
    assert client.get(page_url, {"committee": "x"}).status_code == 404
    assert client.get(page_url, {"committee": tree.other_province.pk}).status_code == 404
