"""The membership statistics in a real browser, in Vietnamese: the Chief of Office
opens the page from the menu (the city committee, this quarter), picks 2025 (its
fourth quarter), goes down one level to the Khối by clicking its row, switches to
the third quarter (each change answered in place by htmx), and downloads the
workbook, which holds the numbers the page shows; then the same page on a phone."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from playwright.sync_api import expect

from vanphong.e2e import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "matkhau-thu-nghiem"  # the factories' default


def test_the_chief_of_office_drills_down_switches_the_quarter_and_downloads(
    live_server, browser, roll, office_chief
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    bloc, city = roll.tree.bloc, roll.tree.city
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, office_chief.username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("#nav a[href='/statistics/members/']").click()
    expect(page.locator("#period-form")).to_be_visible()
    expect(page.locator("#statistics-title")).to_have_attribute("data-org", str(city.pk))
    page.evaluate(
        "() => { window.settles = 0;"
        " document.addEventListener('htmx:afterSettle', () => { window.settles += 1; }); }"
    )
    answers: list[str] = []
    page.on("response", lambda response: answers.append(f"{response.status} {response.url}"))

    def settled(action: Callable[[], object]) -> None:
        before = page.evaluate("() => window.settles")
        action()
        try:
            page.wait_for_function(f"() => window.settles > {before}")
        except Exception:
            raise AssertionError(f"no settle: {answers}") from None

    settled(lambda: page.locator("#id_period").select_option("quarter"))
    settled(lambda: page.locator("#id_year").select_option("2025"))
    settled(lambda: page.locator("#id_quarter").select_option("4"))
    expect(page.locator("#statistics-days")).to_have_attribute("data-as-of", "2025-12-31")
    expect(page.locator('#totals [data-count="members"]')).to_have_text("8")
    page.screenshot(path=str(SHOTS / "statistics-city.png"), full_page=True)

    # Down one level: the Khối's row.
    settled(lambda: page.locator(f'#units-table tr[data-org="{bloc.pk}"] a.drill').click())
    expect(page.locator("#statistics-title")).to_have_attribute("data-org", str(bloc.pk))
    expect(page.locator(f'#trail [data-org="{city.pk}"]')).to_be_visible()
    expect(page.locator(f'#units-table tr[data-org="{roll.school.pk}"] [data-count="now"]')).to_have_text("2")
    expect(
        page.locator(f'#units-table tr[data-org="{roll.school.pk}"] [data-count="previous"]')
    ).to_have_text("1")
    assert page.locator("#units-chart rect.bar").count() == page.locator("#units-table tbody tr").count() == 2
    assert f"org={bloc.pk}" in page.url and "quarter=4" in page.url  # htmx pushed the address
    page.screenshot(path=str(SHOTS / "statistics-khoi.png"), full_page=True)

    # The quarter before.
    settled(lambda: page.locator("#id_quarter").select_option("3"))
    expect(page.locator("#statistics-days")).to_have_attribute("data-as-of", "2025-09-30")
    expect(page.locator('#totals [data-count="members"]')).to_have_text("7")
    expect(page.locator('#totals [data-count="admitted"]')).to_have_text("1")
    page.screenshot(path=str(SHOTS / "statistics-quarter.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename == f"thong-ke-dang-vien-{bloc.pk}-2025-09-30.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert ["Tổng số", 7, 6, 1, 100.0, 1, 0] in rows  # Q3 against Q2: admitted 1 and 0
    assert [roll.school.name, 1, 1, 0] == rows[[r[0] for r in rows].index(roll.school.name)][:4]

    # On a phone: the same page, nothing wider than the screen but the table's own scroll.
    phone = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    expect(phone.locator("#units-chart svg")).to_be_visible()
    phone.screenshot(path=str(SHOTS / "statistics-phone.png"), full_page=True)
    wide = phone.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 390 && !e.closest('.table-responsive'))"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
    )
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, wide
    phone.close()
    page.close()
