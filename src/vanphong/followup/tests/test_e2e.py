"""The follow-up in a real browser, in Vietnamese: the office enters a conclusion with
three tasks for three units, a unit reports one done, one goes overdue and its
reminder goes out, and the Secretary's board counts all three."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.followup import tasks
from vanphong.followup.models import Conclusion, FollowUpTask
from vanphong.handling.models import Notification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def _sign_in(browser, live_server, username):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username, PASSWORD)
    return page


def test_three_tasks_followed_to_the_board(live_server, browser):
    tree = make_tree()
    make_person(organization=tree.office, role=Role.OFFICE_CHIEF, username="chanhvp", password=PASSWORD)
    secretary = make_person(
        organization=tree.city,
        role=Role.SECRETARY,
        username="bithu",
        full_name="Trần Văn Bí",
        password=PASSWORD,
    )
    make_person(organization=tree.bloc, role=Role.SECRETARY, username="khoi", password=PASSWORD)
    late_head = make_person(
        organization=tree.grassroots, role=Role.SECRETARY, username="stp", password=PASSWORD
    )
    today = timezone.localdate()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = _sign_in(browser, live_server, "chanhvp")
    page.get_by_role("link", name="Theo dõi kết luận").click()
    page.get_by_role("link", name="Nhập kết luận").click()
    page.locator("#id_organization").select_option(str(tree.city.pk))
    page.locator("#id_kind").select_option("KL")
    page.locator("#id_symbol").fill("140-KL/TU")
    page.locator("#id_issued_on").fill((today - dt.timedelta(days=10)).strftime("%d/%m/%Y"))
    page.locator("#id_title").fill("Kết luận của Ban Thường vụ về công tác chuẩn bị đại hội chi bộ")
    page.get_by_role("button", name="Lưu").click()
    for content, unit, days in [
        ("Xây dựng kế hoạch đại hội", tree.bloc, 10),
        ("Báo cáo nhân sự cấp ủy", tree.grassroots, -1),
        ("Chuẩn bị văn kiện", tree.office, 20),
    ]:
        page.locator("#id_content").fill(content)
        page.locator("#id_lead_unit").select_option(str(unit.pk))
        page.locator("#id_leader").select_option(str(secretary.pk))
        page.locator("#id_deadline").fill((today + dt.timedelta(days=days)).strftime("%d/%m/%Y"))
        page.locator("#task-form button[type=submit]").click()
        expect(page.locator("#tasks")).to_contain_text(content)
    expect(page.locator('#tasks [data-state="overdue"]')).to_have_count(1)
    page.screenshot(path=str(SHOTS / "followup-1-conclusion.png"), full_page=True)

    # The bloc reports its task done, with its report attached.
    page = _sign_in(browser, live_server, "khoi")
    task = FollowUpTask.objects.get(lead_unit=tree.bloc)
    page.goto(f"{live_server.url}/followup/tasks/{task.pk}/")
    page.locator("#id_note").fill("Đã ban hành kế hoạch số 12-KH/ĐUK")
    page.locator("#id_done").check()
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator('[data-state="done_on_time"]').first).to_be_visible()

    # The worker's daily job: the overdue task's reminder goes out.
    tasks.send_reminders.call()
    assert Notification.objects.filter(recipient=late_head, text__contains="đã qua").exists()

    page = _sign_in(browser, live_server, "bithu")
    page.get_by_role("link", name="Theo dõi kết luận").click()
    page.get_by_role("link", name="Bảng theo dõi của lãnh đạo").click()
    totals = page.locator("#totals")
    expect(totals.locator('[data-count="total"]')).to_have_text("3")
    expect(totals.locator('[data-count="overdue"]')).to_have_text("1")
    expect(totals.locator('[data-count="done_on_time"]')).to_have_text("1")
    expect(totals.locator('[data-count="open"]')).to_have_text("1")
    row = page.locator("#by-unit tr", has_text=tree.grassroots.name)
    expect(row.locator('[data-count="overdue"]')).to_have_text("1")
    page.screenshot(path=str(SHOTS / "followup-2-board.png"), full_page=True)

    # On a phone the board reads without sideways scrolling: each unit's bar under its
    # name, the main counts beside it.
    phone = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    sign_in(phone, live_server.url, "bithu", PASSWORD)
    phone.goto(f"{live_server.url}/followup/board/")
    row = phone.locator("#by-unit tr", has_text=tree.grassroots.name)
    expect(row.locator('[data-count="overdue"]')).to_be_visible()
    expect(row.locator('[role="img"]').first).to_be_visible()
    overflowing = phone.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
            .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.id || el.className)"""
    )
    phone.screenshot(path=str(SHOTS / "followup-3-board-phone.png"), full_page=True)
    assert overflowing == []
    # The tasks a count opens, and a conclusion's tasks: each task a card on a phone.
    for address, shot in (
        (f"/followup/?committee={tree.city.pk}&state=overdue", "followup-4-tasks-phone.png"),
        (f"/followup/conclusions/{Conclusion.objects.get().pk}/", "followup-5-conclusion-phone.png"),
    ):
        phone.goto(f"{live_server.url}{address}")
        expect(phone.locator("#tasks [data-task]").first.locator("[data-label]").last).to_be_in_viewport()
        overflowing = phone.evaluate(
            """() => [document.documentElement, ...document.querySelectorAll('.table-responsive')]
                .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.id || el.className)"""
        )
        phone.screenshot(path=str(SHOTS / shot), full_page=True)
        assert overflowing == [], address
