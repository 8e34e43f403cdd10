"""A work program in a real browser: the office adds an item to the city's yearly
program, breaks it down into the November program, marks it done there (in place,
with htmx), and downloads the yearly program as PDF with the item in its table."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from playwright.sync_api import expect

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.programs import services
from vanphong.programs.models import ItemState, ProgramItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"
CONTENT = "Kiểm tra công tác chuẩn bị đại hội chi bộ nhiệm kỳ 2027–2032"


def test_the_office_adds_breaks_down_marks_done_and_prints(live_server, browser):
    tree = make_tree()
    specialist = make_person(
        organization=tree.office,
        role=Role.SPECIALIST,
        username="chuyenvien",
        full_name="Vũ Đức Anh",
        password=PASSWORD,
    )
    leader = make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY, full_name="Nguyễn Thị Thanh Hà")
    yearly = services.program_create(actor=specialist, organization=tree.city, kind="year", year=2026)
    november = services.program_create(
        actor=specialist, organization=tree.city, kind="month", year=2026, period=11
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "chuyenvien", PASSWORD)
    page.locator("nav a[href='/programs/']").click()
    page.get_by_role("link", name=yearly.title).click()

    # Add the item (htmx: the items section is replaced in place).
    form = page.locator("#item-form")
    form.locator("#id_content").fill(CONTENT)
    form.locator("#id_lead").select_option(str(tree.office.pk))
    form.locator("#id_partners").select_option([str(tree.bloc.pk)])
    form.locator("#id_leader").select_option(str(leader.pk))
    form.locator("#id_planned").select_option("2026-11")
    form.locator("#id_output_kind").select_option("inspection")
    form.locator("button[type=submit]").click()
    row = page.locator("#items-table tbody tr", has_text=CONTENT)
    expect(row).to_contain_text("Nguyễn Thị Thanh Hà")
    expect(page.locator("#item-form #id_content")).to_have_value("")
    item = ProgramItem.objects.get(program=yearly)

    # Break it down into November.
    row.get_by_role("link", name=CONTENT).click()
    page.locator("#id_program").select_option(str(november.pk))
    page.locator("#breakdown-form button[type=submit]").click()
    expect(page.locator("#breakdown")).to_contain_text(november.title)
    page.locator("#breakdown a").first.click()
    expect(page.locator("#source")).to_contain_text(yearly.title)
    page.locator(".breadcrumb a", has_text=november.title).click()

    # Mark it done in the November program (htmx), and see it on the yearly item.
    monthly_row = page.locator("#items-table tbody tr", has_text=CONTENT)
    expect(monthly_row.locator(".source")).to_contain_text(yearly.title)
    monthly_row.locator(".mark-done").click()
    expect(monthly_row.locator(".mark-done")).to_have_count(0)
    child = item.breakdown.get()
    assert child.state == ItemState.DONE and child.done_on is not None
    expect(page.locator("#execution-total")).to_contain_text("1 / 1 (100%)")
    page.screenshot(path=str(SHOTS / "programs-november.png"), full_page=True)
    page.goto(f"{live_server.url}/programs/{yearly.pk}/")
    expect(page.locator("#items-table .breakdown")).to_contain_text(november.title)

    # The yearly program as PDF.
    with page.expect_download() as download:
        page.locator("#print-pdf").click()
    data = Path(download.value.path()).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        table = next(t for t in pdf.pages[0].extract_tables() if t and t[0][0] == "STT")
    cells = [" ".join((cell or "").split()) for cell in table[1]]
    assert cells[:3] == ["1", CONTENT, tree.office.name] and cells[4] == "Nguyễn Thị Thanh Hà"
    assert cells[5] == "Tháng 11/2026"
    page.screenshot(path=str(SHOTS / "programs-yearly.png"), full_page=True)
    page.close()


def test_a_programs_items_read_whole_on_a_phone(live_server, browser):
    """At 390 px each item's columns stack under its content (preparing body, bodies
    co-operating, leader, time, output, state on screen, nothing scrolled sideways)."""
    tree = make_tree()
    specialist = make_person(
        organization=tree.office, role=Role.SPECIALIST, username="chuyenvien", password=PASSWORD
    )
    leader = make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY, full_name="Nguyễn Thị Thanh Hà")
    yearly = services.program_create(actor=specialist, organization=tree.city, kind="year", year=2026)
    item = services.item_add(
        actor=specialist,
        program=yearly,
        content=CONTENT,
        lead=tree.office,
        partners=[tree.bloc],
        leader=leader,
        planned_month=11,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page = browser.new_page(locale="vi-VN", viewport={"width": width, "height": height})
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url, "chuyenvien", PASSWORD)
        page.goto(f"{live_server.url}/programs/{yearly.pk}/")
        row = page.locator(f"#item-{item.pk}")
        expect(row).to_contain_text("Nguyễn Thị Thanh Hà")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        for cell in row.locator("td").all():
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        page.screenshot(path=str(SHOTS / f"programs-items-{width}.png"), full_page=True)
        page.close()
