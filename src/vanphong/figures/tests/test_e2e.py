"""The office's figures in a real browser, in Vietnamese: the Chief of Office opens
the page from the menu, picks the year 2025, then its first quarter (each change
answered in place by htmx), and downloads the workbook, which holds the numbers the
page shows."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from playwright.sync_api import expect

from vanphong.e2e import sign_in
from vanphong.figures.tests.conftest import YEAR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "matkhau-thu-nghiem"  # the factories' default


def test_the_chief_of_office_reads_a_year_and_a_quarter_and_downloads_them(live_server, browser, year):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, year.office_chief.username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("#nav a[href='/figures/']").click()
    expect(page.locator("#period-form")).to_be_visible()
    # htmx binds the new form only once it has settled: count the settlings, so that
    # each choice is made on a form htmx listens to (a person is never that fast).
    page.evaluate(
        "() => { window.settles = 0;"
        " document.addEventListener('htmx:afterSettle', () => { window.settles += 1; }); }"
    )

    answers: list[str] = []
    page.on("response", lambda response: answers.append(f"{response.status} {response.url}"))

    def choose(field: str, value: str) -> None:
        before = page.evaluate("() => window.settles")
        page.locator(field).select_option(value)
        try:
            page.wait_for_function(f"() => window.settles > {before}")
        except Exception:
            html = page.locator("#period-form").inner_html()
            raise AssertionError(f"no settle after {field}={value}: {answers} {html}") from None

    choose("#id_year", str(YEAR))
    expect(page.locator("#figures-period")).to_have_attribute("data-start", f"{YEAR}-01-01")
    expect(page.locator('[data-count="outgoing"]')).to_have_text("5")
    expect(page.locator('[data-count="incoming"]')).to_have_text("4")
    expect(page.locator('[data-count="events"]')).to_have_text("5")
    expect(page.locator('[data-count="tasks_on_time"]')).to_have_text("3/5")
    assert "year=2025" in page.url  # htmx pushed the period into the address
    page.screenshot(path=str(SHOTS / "figures-year.png"), full_page=True)

    choose("#id_period", "quarter")
    expect(page.locator("#id_quarter")).to_be_visible()
    choose("#id_quarter", "1")
    expect(page.locator("#figures-period")).to_have_attribute("data-end", f"{YEAR}-03-31")
    expect(page.locator('[data-count="outgoing"]')).to_have_text("2")
    expect(page.locator('#events-table tr[data-kind="standing_committee"] [data-count="held"]')).to_have_text(
        "2"
    )
    expect(page.locator('[data-count="tasks_on_time"]')).to_have_text("1/2")
    page.screenshot(path=str(SHOTS / "figures-quarter.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.endswith(f"{YEAR}-01-01_{YEAR}-03-31.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = [[cell for cell in row if cell is not None] for row in book.active.iter_rows(values_only=True)]
    assert ["Nghị quyết", 2, 1] in rows and ["Họp Ban Thường vụ", 2, 0] in rows
    assert ["Hoàn thành đúng hạn", 1] in rows and ["Hoàn thành quá hạn", 1] in rows

    # From – to: nothing refused while the two days are being typed; the Show button asks.
    choose("#id_period", "range")
    expect(page.locator("#id_start")).to_be_visible()
    expect(page.locator("#period-pending")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    page.locator("#id_start").fill(f"01/02/{YEAR}")
    page.locator("#show-figures").click()
    expect(page.locator("#id_end_error")).to_be_visible()
    expect(page.locator("#id_start_error")).to_have_count(0)
    page.locator("#id_end").fill(f"28/02/{YEAR}")
    shown = page.evaluate("() => window.settles")
    page.locator("#show-figures").click()
    expect(page.locator("#figures-period")).to_have_attribute("data-end", f"{YEAR}-02-28")
    expect(page.locator(".invalid-feedback")).to_have_count(0)
    # htmx settles a moment after the swap: counted before typing the next days.
    page.wait_for_function(f"() => window.settles > {shown}")

    # Typed as a clerk types, leaving the first day with Tab: leaving a day's field
    # sends nothing (it once swapped the form under the next day being typed, which
    # lost its first digit and showed the wrong period).
    settled = page.evaluate("() => window.settles")
    page.locator("#id_start").fill("")
    page.locator("#id_start").press_sequentially(f"01/01/{YEAR}", delay=60)
    page.locator("#id_start").press("Tab")
    page.locator("#id_end").fill("")
    page.locator("#id_end").press_sequentially(f"31/03/{YEAR}", delay=60)
    assert page.evaluate("() => window.settles") == settled
    page.locator("#show-figures").click()
    expect(page.locator("#figures-period")).to_have_attribute("data-end", f"{YEAR}-03-31")
    expect(page.locator("#figures-period")).to_have_attribute("data-start", f"{YEAR}-01-01")
    assert f"end=31%2F03%2F{YEAR}" in page.url
    page.close()
