"""The figures' page and its exports: who may open them (404 for what one may not
see, 403 for a committee one sees but whose figures are not theirs), the period
picker with and without htmx, and the workbook and the report's skeleton holding the
numbers of the page."""

from __future__ import annotations

import io

import docx
import openpyxl
from django.urls import reverse

from vanphong.core.models import Role
from vanphong.core.tests.factories import persona
from vanphong.figures.tests.conftest import YEAR

PAGE = reverse("figures_home")


def year_query(tree, **more):
    return {"committee": tree.city.pk, "period": "year", "year": YEAR, **more}


def test_outsiders_and_members_see_nothing(client, year, outsider, member):
    for person in (outsider, member):
        client.force_login(person)
        for url in (PAGE, reverse("figures_export", args=["xlsx"]), reverse("figures_export", args=["docx"])):
            assert client.get(url, year_query(year.tree)).status_code == 404
    client.force_login(member)
    assert client.get(PAGE).status_code == 403  # figures of no committee at all
    assert client.get(PAGE, {"committee": "x"}).status_code == 404


def test_a_committee_member_sees_the_committee_but_not_its_figures(client, year):
    client.force_login(persona(year.tree, Role.COMMITTEE_MEMBER))
    assert client.get(PAGE, year_query(year.tree)).status_code == 403
    assert client.get(reverse("figures_export", args=["xlsx"]), year_query(year.tree)).status_code == 403


def test_the_clerk_opens_the_year_of_their_committee(client, year):
    client.force_login(year.clerk)
    page = client.get(PAGE, {"period": "year", "year": YEAR})
    assert page.status_code == 200 and page.context["figures"].committee == year.tree.city
    html = page.content.decode()
    assert 'data-count="outgoing">5<' in html and 'data-count="incoming">4<' in html
    assert 'data-count="events">5<' in html and 'data-count="tasks_on_time">2/4<' in html
    assert f"committee={year.tree.city.pk}" in html and "export.xlsx?" in html


def test_the_period_picker_answers_htmx_with_the_figures_only(client, year):
    client.force_login(year.office_chief)
    part = client.get(PAGE, year_query(year.tree, period="quarter", quarter=1), HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert html.startswith('<div id="figures">') and "<html" not in html
    assert 'name="quarter"' in html and 'name="month"' not in html
    assert 'data-start="2025-01-01"' in html and 'data-end="2025-03-31"' in html
    ranged = client.get(PAGE, year_query(year.tree, period="range", start="01/02/2025", end="28/02/2025"))
    figures = ranged.context["figures"]
    assert figures.events_held == 3 and figures.outgoing_total == 0


def test_a_reversed_range_is_refused_on_its_field(client, year):
    client.force_login(year.office_chief)
    page = client.get(PAGE, year_query(year.tree, period="range", start="31/12/2025", end="01/01/2025"))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["figures"] is None
    assert 'id="id_end_error"' in html and 'id="period-invalid"' in html
    export = client.get(reverse("figures_export", args=["docx"]), year_query(year.tree, period="range"))
    assert export.status_code == 302 and export.url.startswith(PAGE)


def test_choosing_from_to_shows_no_error_until_the_figures_are_asked_for(client, year):
    client.force_login(year.office_chief)
    htmx = {"HTTP_HX_REQUEST": "true"}
    for typed in ({}, {"start": "01/02/2025"}, {"start": "31/12/2025", "end": "01/01/2025"}):
        part = client.get(PAGE, year_query(year.tree, period="range", **typed), **htmx)
        html = part.content.decode()
        assert part.context["figures"] is None and 'name="start"' in html
        assert "_error" not in html and "period-invalid" not in html and 'id="period-pending"' in html
    # Reopened whole without the days (the address htmx pushed): nothing refused either.
    page = client.get(PAGE, year_query(year.tree, period="range")).content.decode()
    assert "_error" not in page and "period-invalid" not in page
    asked = client.get(PAGE, year_query(year.tree, period="range", start="01/02/2025", show="1"), **htmx)
    html = asked.content.decode()
    assert 'id="id_end_error"' in html and 'id="id_start_error"' not in html and 'id="period-invalid"' in html
    typed = year_query(year.tree, period="range", start="01/02/2025", end="28/02/2025")
    assert client.get(PAGE, typed, **htmx).context["figures"].events_held == 3


def test_the_workbook_holds_the_tables(client, year):
    client.force_login(year.office_chief)
    answer = client.get(reverse("figures_export", args=["xlsx"]), year_query(year.tree))
    assert answer.status_code == 200
    assert 'filename="so-lieu-cong-tac-' in answer["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Số liệu"]
    rows = [[cell for cell in row if cell is not None] for row in book.active.iter_rows(values_only=True)]
    assert ["SỐ LIỆU CÔNG TÁC VĂN PHÒNG NĂM 2025"] in rows
    assert ["Nghị quyết", 2, 1] in rows and ["Kết luận", 1, 0] in rows and ["Giấy mời", 1, 0] in rows
    assert ["Họp Ban Thường vụ", 2, 0] in rows and ["Tiếp khách, tiếp đoàn", 1, 0] in rows
    assert ["Hoàn thành đúng hạn", 3] in rows and ["Quá hạn chưa hoàn thành", 1] in rows
    assert ["Chương trình công tác năm 2025", 3, 2, 67] in rows
    totals = [row for row in rows if row and row[0] == "Tổng số"]
    assert totals[:3] == [["Tổng số", 5, 1], ["Tổng số", 4, 1], ["Tổng số", 5, 0]]


def test_the_report_skeleton_says_the_numbers_in_sentences(client, year):
    client.force_login(year.office_chief)
    answer = client.get(reverse("figures_export", args=["docx"]), year_query(year.tree))
    assert answer.status_code == 200
    document = docx.Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "THÀNH ỦY NGỌC SƠN\nVĂN PHÒNG\n*" in cells
    assert "Số      -BC/VPTU" in cells
    assert f"CHÁNH VĂN PHÒNG\n\n\n\n\n{year.office_chief.full_name}" in cells
    assert "BÁO CÁO" in text and "Kết quả công tác văn phòng năm 2025" in text
    assert (
        "Tham mưu ban hành 5 văn bản, gồm: 2 nghị quyết, 1 kết luận, 1 công văn, 1 giấy mời "
        "(trong đó 1 văn bản mật)." in text
    )
    assert (
        "Tiếp nhận, vào sổ và chuyển xử lý 4 văn bản đến, gồm: 1 báo cáo, 3 công văn "
        "(trong đó 1 văn bản mật)." in text
    )
    assert (
        "Tham mưu, phục vụ 5 hoạt động của Thường trực, Ban Thường vụ: tổ chức 1 hội nghị, "
        "2 cuộc họp Ban Thường vụ, 1 cuộc hội ý Thường trực; tiếp 1 đoàn khách." in text
    )
    assert "Theo dõi, đôn đốc 5 nhiệm vụ đến hạn trong kỳ" in text
    assert "3/5 nhiệm vụ hoàn thành đúng hạn (60%), 1 nhiệm vụ hoàn thành quá hạn" in text
    assert "Chương trình công tác năm 2025: hoàn thành 2/3 nội dung (67%)." in text
    assert "II. ĐÁNH GIÁ CHUNG" in text and "PHỤ LỤC" in text


def test_the_exports_respect_the_readers_clearance(client, year):
    client.force_login(year.specialist)  # not cleared
    document = docx.Document(
        io.BytesIO(client.get(reverse("figures_export", args=["docx"]), year_query(year.tree)).content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tham mưu ban hành 4 văn bản, gồm: 1 nghị quyết" in text and "văn bản mật" not in text


def test_the_menu_offers_the_figures_to_the_office(client, year, member):
    client.force_login(year.clerk)
    assert PAGE in client.get(reverse("dashboard")).content.decode()
    client.force_login(member)
    assert PAGE not in client.get(reverse("dashboard")).content.decode()
