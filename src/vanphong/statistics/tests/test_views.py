"""The page, its charts and its workbook; who may open them."""

from __future__ import annotations

import io
import re

import openpyxl
from django.urls import reverse

from vanphong.core.models import Role
from vanphong.core.tests.factories import persona
from vanphong.statistics.tests.conftest import Roll

PAGE = reverse("statistics_members")
EXPORT = reverse("statistics_members_export")
Q4_2025 = {"period": "quarter", "year": "2025", "quarter": "4"}


def ask(client, person, url=PAGE, **params):
    client.force_login(person)
    return client.get(url, params)


def rows_of(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table is not None
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), re.S)
    assert body is not None
    return re.findall(r"<tr[ >]", body.group(1))


def chart_of(html: str, chart_id: str) -> str:
    chart = re.search(rf'<figure[^>]*id="{chart_id}".*?</figure>', html, re.S)
    assert chart is not None
    return chart.group(0)


def test_the_secretary_reads_the_khoi_for_a_quarter(client, roll: Roll, secretary):
    response = ask(client, secretary, org=roll.tree.bloc.pk, **Q4_2025)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="members">8<' in html and 'data-count="admitted">1<' in html
    assert f'data-org="{roll.school.pk}"' in html
    assert 'data-as-of="2025-12-31"' in html and 'data-previous="2025-09-30"' in html
    # One bar per row of each table, each bar with its title.
    for table, chart in [
        ("units-table", "units-chart"),
        ("gender-table", "gender-chart"),
        ("age-table", "age-chart"),
    ]:
        svg = chart_of(html, chart)
        rows = len(rows_of(html, table))
        assert svg.count('<rect class="bar"') == rows == svg.count("<title") - 1
        assert f'data-bars="{rows}"' in svg
    assert 'role="img"' in chart_of(html, "units-chart")


def test_a_row_drills_down_and_the_trail_goes_back(client, roll: Roll, secretary):
    html = ask(client, secretary, org=roll.tree.bloc.pk, **Q4_2025).content.decode()
    assert f"org={roll.tree.grassroots.pk}&amp;period=quarter&amp;year=2025&amp;quarter=4" in html
    html = ask(client, secretary, org=roll.tree.grassroots.pk, **Q4_2025).content.decode()
    assert 'data-count="members">6<' in html
    trail = re.search(r'<ol class="breadcrumb.*?</ol>', html, re.S)
    assert trail is not None
    assert roll.tree.city.name in trail.group(0) and roll.tree.bloc.name in trail.group(0)


def test_htmx_gets_the_part_only(client, roll: Roll, office_chief):
    client.force_login(office_chief)
    response = client.get(PAGE, {"org": roll.tree.bloc.pk, **Q4_2025}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith('<div id="statistics">') and "<html" not in html


def test_the_home_node_is_where_the_reach_starts(client, roll: Roll, office_chief):
    html = ask(client, office_chief, **Q4_2025).content.decode()
    assert f'id="statistics-title" data-org="{roll.tree.city.pk}"' in html
    assert f'data-org="{roll.tree.office.pk}"' not in html  # an office keeps no roll


def test_an_outsider_gets_404_and_a_clerk_403(client, roll: Roll, outsider, clerk, member):
    assert ask(client, outsider, org=roll.tree.bloc.pk).status_code == 404
    assert ask(client, outsider, EXPORT, org=roll.tree.bloc.pk).status_code == 404
    assert ask(client, clerk, org=roll.tree.bloc.pk).status_code == 403
    assert ask(client, member).status_code == 403
    assert ask(client, outsider, org="abc").status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_a_grassroots_secretary_may_not_climb(client, roll: Roll):
    secretary = persona(roll.tree, Role.MEMBER)
    from vanphong.core import services

    services.membership_add(
        actor=None,
        person=secretary,
        organization=roll.school,
        role=Role.SECRETARY,
        started_on=roll.school.opened_on or __import__("datetime").date(2021, 1, 1),
    )
    assert ask(client, secretary, org=roll.school.pk, **Q4_2025).status_code == 200
    assert ask(client, secretary, org=roll.tree.bloc.pk, **Q4_2025).status_code in {403, 404}


def test_the_page_asks_as_many_queries_for_25_units_as_for_2(client, roll: Roll, secretary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vanphong.statistics.tests.test_selectors import _grassroots_units

    client.force_login(secretary)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, {"org": roll.tree.bloc.pk, **Q4_2025}).status_code == 200
        return len(captured)

    _grassroots_units(roll.tree.bloc, 2)
    few = queries()
    _grassroots_units(roll.tree.bloc, 25)
    assert queries() == few


def test_the_page_asks_a_bounded_number_of_queries(
    client, roll: Roll, secretary, django_assert_max_num_queries
):
    client.force_login(secretary)
    # About ten are the statistics'; the rest are the session and the menu (each
    # app asks the person's grants).
    with django_assert_max_num_queries(40):
        assert client.get(PAGE, {"org": roll.tree.bloc.pk, **Q4_2025}).status_code == 200


def test_an_invalid_period_says_so(client, roll: Roll, secretary):
    html = ask(client, secretary, org=roll.tree.bloc.pk, period="quarter", year="1900").content.decode()
    assert 'id="period-invalid"' in html
    response = ask(client, secretary, EXPORT, org=roll.tree.bloc.pk, period="quarter", year="1900")
    assert response.status_code == 302


def test_the_workbook_holds_the_pages_numbers(client, roll: Roll, secretary):
    response = ask(client, secretary, EXPORT, org=roll.tree.bloc.pk, **Q4_2025)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        f'thong-ke-dang-vien-{roll.tree.bloc.pk}-2025-12-31.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == roll.tree.bloc.name.upper()
    assert "THỐNG KÊ ĐẢNG VIÊN QUÝ IV NĂM 2025" in rows[1][0]
    assert [roll.tree.grassroots.name, 6, 6, 0, 75.0, 1, 1] in rows
    assert [roll.school.name, 2, 1, 1, 25.0, 0, 0] in rows
    assert ["Tổng số", 8, 7, 1, 100.0, 1, 1] in rows
    assert ["Nam", 3, 4, -1, 37.5] in [row[:5] for row in rows]
    assert ["Nữ", 4, 2, 2, 50.0] in [row[:5] for row in rows]
    assert ["Dưới 30 tuổi", 1, 1, 0, 12.5] in [row[:5] for row in rows]
    assert ["Trên 60 tuổi", 1, 0, 1, 12.5] in [row[:5] for row in rows]
    assert ["Kết nạp", 1, 1, 0] in [row[:4] for row in rows]
