"""Reports in a real browser at phone width (390×844), in Vietnamese: the bloc's
office defines and publishes a quarterly form to its grassroots organizations and
opens last quarter; one grassroots clerk fills it in (a wrong value refused at its
field, the draft autosaved, typing offline kept in the browser and saved once back)
and submits; another's report is thin; the office reminds the missing one, whose
clerk then reports; the bloc's totals and chart follow, and the XLSX holds the same
numbers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core import services as core_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import kind, make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.handling.models import Notification
from vanphong.reports.models import Report, ReportPeriod, ReportState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"
PHONE = {"width": 390, "height": 844}
LONG = " ".join(["Chi bộ duy trì sinh hoạt định kỳ, nội dung sinh hoạt bám sát nhiệm vụ chính trị."] * 3)


def _page(browser, live_server, username):
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username, PASSWORD)
    return page


def _bar_values(page) -> list[str]:
    """The numbers written at the end of the chart's bars, smallest first."""
    rows = page.locator("#sums-chart .bar-row")
    return sorted(
        (rows.nth(i).locator("text").nth(1).text_content() or "").strip() for i in range(rows.count())
    )


def _last_quarter(today: dt.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def test_a_quarterly_form_filled_on_a_phone_one_thin_and_the_missing_reminded(live_server, browser):
    tree = make_tree()
    make_person(organization=tree.bloc, role=Role.SPECIALIST, username="vpkhoi", password=PASSWORD)
    units = [tree.grassroots]
    for name in ("Đảng ủy Sở Y tế", "Đảng ủy Sở Xây dựng"):
        units.append(
            core_services.organization_create(
                actor=None, parent=tree.bloc, name=name, abbreviation="ĐU", kind=kind("grassroots-committee")
            )
        )
    for i, unit in enumerate(units, start=1):
        make_person(organization=unit, role=Role.CLERK, username=f"cs{i}", password=PASSWORD)
    year, quarter = _last_quarter(timezone.localdate())
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The bloc's office defines the form, publishes it and opens last quarter.
    page = _page(browser, live_server, "vpkhoi")
    page.goto(f"{live_server.url}/reports/")
    page.locator("#new-form").click()
    page.locator("#id_organization").select_option(str(tree.bloc.pk))
    page.locator("#id_title").fill("Báo cáo quý về công tác xây dựng Đảng")
    page.locator("#id_periodicity").select_option("quarter")
    page.locator("#id_due_day").fill("20")
    page.locator("#id_recipients_root").select_option(str(tree.bloc.pk))
    for i, (key, label, field_kind, extra) in enumerate(
        [
            ("members", "Tổng số đảng viên", "number", {"minimum": "0"}),
            ("men", "Nam", "number", {"minimum": "0"}),
            ("women", "Nữ", "number", {"minimum": "0"}),
            ("summary", "Tình hình chung", "text", {"min_words": "20"}),
        ]
    ):
        page.locator(f"#id_fields-{i}-key").fill(key)
        page.locator(f"#id_fields-{i}-label").fill(label)
        page.locator(f"#id_fields-{i}-kind").select_option(field_kind)
        page.locator(f"#id_fields-{i}-required").check()
        for name, value in extra.items():
            page.locator(f"#id_fields-{i}-{name}").fill(value)
    page.locator("#id_checks").fill("members = men + women")
    page.locator("#form-create button[type=submit]").click()
    page.locator("#publish").click()
    expect(page.locator('#versions [data-published="1"]')).to_have_count(1)
    page.locator("#id_year").fill(str(year))
    page.locator("#id_number").fill(str(quarter))
    page.locator("#open-period button[type=submit]").click()
    expect(page.locator('#totals [data-count="total"]')).to_have_text("3")
    expect(page.locator('#totals [data-count="missing"]')).to_have_text("3")
    period = ReportPeriod.objects.get()
    page.screenshot(path=str(SHOTS / "reports-1-opened.png"), full_page=True)

    # The first grassroots clerk: a negative count is refused at its field, the draft kept.
    page = _page(browser, live_server, "cs1")
    page.goto(f"{live_server.url}/reports/due/")
    page.locator(f'[data-period="{period.pk}"]').click()
    page.locator("#id_members").fill("-5")
    page.locator("#id_men").fill("25")
    page.locator("#id_women").fill("20")
    page.locator("#id_summary").fill(LONG)
    page.locator("#submit-report").click()
    expect(page.locator('[data-error="members"]')).to_be_visible()
    expect(page.locator("#id_summary")).to_have_value(LONG)
    page.screenshot(path=str(SHOTS / "reports-2-refused.png"), full_page=True)
    # Typed while the connection is down: kept in the browser, saved once it is back.
    page.context.set_offline(True)
    page.locator("#id_members").fill("45")
    page.locator("#id_members").blur()
    stored = page.evaluate(f"localStorage.getItem('vanphong-report-{period.pk}-{units[0].pk}')")
    assert '"f:members":"45"' in stored
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status [data-saved]")).not_to_have_attribute("data-saved", "0")
    assert Report.objects.get(organization=units[0]).draft["members"] == "45"
    page.locator("#submit-report").click()
    expect(page.locator("#submitted")).to_be_visible()
    page.screenshot(path=str(SHOTS / "reports-3-submitted.png"), full_page=True)

    # The second clerk sends a thin report: a narrative of two words.
    page = _page(browser, live_server, "cs2")
    page.goto(f"{live_server.url}/reports/periods/{period.pk}/organizations/{units[1].pk}/")
    page.locator("#id_members").fill("30")
    page.locator("#id_men").fill("12")
    page.locator("#id_women").fill("18")
    page.locator("#id_summary").fill("Bình thường.")
    page.locator("#submit-report").click()
    expect(page.locator("#submitted")).to_be_visible()
    assert Report.objects.get(organization=units[1]).is_thin

    # The office's board: both sent after the due day, one thin, one missing; remind it.
    page = _page(browser, live_server, "vpkhoi")
    page.goto(f"{live_server.url}/reports/periods/{period.pk}/")
    totals = page.locator("#totals")
    expect(totals.locator('[data-count="late"]')).to_have_text("2")
    expect(totals.locator('[data-count="thin"]')).to_have_text("1")
    expect(totals.locator('[data-count="missing"]')).to_have_text("1")
    thin_row = page.locator(f'#board [data-organization="{units[1].pk}"]')
    expect(thin_row).to_have_attribute("data-thin", "1")
    expect(thin_row.locator(".thin-reasons li")).to_have_count(1)
    page.locator("#id_status").select_option("missing")
    expect(page.locator("#board [data-organization]")).to_have_count(1)
    page.locator("#remind").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Notification.objects.filter(
        recipient__username="cs3", url__contains=f"/reports/periods/{period.pk}/"
    ).exists()
    assert not Notification.objects.filter(recipient__username="cs1").exists()
    page.screenshot(path=str(SHOTS / "reports-4-board.png"), full_page=True)
    assert Report.objects.filter(state=ReportState.SUBMITTED).count() == 2

    # The bloc's totals: the two reports sent; a bar per unit, the unsent one at 0.
    page.locator("#period-statistics").click()
    total = page.locator('#sums-table tfoot [data-unit="total"]')
    expect(total.locator('[data-count="reported"]')).to_have_text("2/3")
    expect(total.locator('[data-key="members"]')).to_have_attribute("data-value", "75")
    expect(page.locator("#sums-chart .bar")).to_have_count(3)
    assert _bar_values(page) == ["0", "30", "45"]
    statistics_url = page.url

    # The reminded clerk reports; the totals and the chart follow.
    page = _page(browser, live_server, "cs3")
    page.goto(f"{live_server.url}/reports/periods/{period.pk}/organizations/{units[2].pk}/")
    page.locator("#id_members").fill("20")
    page.locator("#id_men").fill("9")
    page.locator("#id_women").fill("11")
    page.locator("#id_summary").fill(LONG)
    page.locator("#submit-report").click()
    expect(page.locator("#submitted")).to_be_visible()
    page = _page(browser, live_server, "vpkhoi")
    page.goto(statistics_url)
    total = page.locator('#sums-table tfoot [data-unit="total"]')
    expect(total.locator('[data-count="reported"]')).to_have_text("3/3")
    expect(total.locator('[data-key="members"]')).to_have_attribute("data-value", "95")
    expect(total.locator('[data-key="women"]')).to_have_attribute("data-value", "49")
    assert _bar_values(page) == ["20", "30", "45"]
    page.screenshot(path=str(SHOTS / "reports-5-totals.png"), full_page=True)

    # The spreadsheet holds the same numbers: each table's total row.
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    totals_by_table: dict[str, object] = {}
    title = None
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] and all(cell is None for cell in row[1:]):
            title = row[0]
        elif row and row[0] == "Tổng số" and title:
            totals_by_table[title] = row[1]
    assert totals_by_table["Tổng số đảng viên"] == 95
    assert totals_by_table["Nam"] == 46
    assert totals_by_table["Nữ"] == 49
    assert totals_by_table["Số tổ chức đã báo cáo"] == 3
