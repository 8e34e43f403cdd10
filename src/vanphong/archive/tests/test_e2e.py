"""The review of dossiers due for destruction, in a real browser, in Vietnamese: the
archivist ticks a dossier whose term ran out, records the council's decision, and
the catalogue shows it destroyed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.archive import services
from vanphong.archive.models import DossierState
from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_the_archivist_records_a_destruction_decision(live_server, browser):
    tree = make_tree()
    archivist = make_person(
        organization=tree.office,
        role=Role.ARCHIVIST,
        username="luutru",
        full_name="Bùi Thị Lưu",
        password=PASSWORD,
    )
    fonds = services.fonds_create(actor=archivist, organization=tree.city, number="01")
    old = services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title="Báo cáo tháng năm 2010",
        ended_on=dt.date(2010, 12, 31),
        retention_years=10,
    )
    services.dossier_close(actor=archivist, dossier=old)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "luutru", PASSWORD)
    page.get_by_role("link", name="Lưu trữ").click()
    page.locator("#fonds a").first.click()
    page.get_by_role("link", name="Đến hạn xem xét (1)").click()
    page.get_by_label("Báo cáo tháng năm 2010").check()
    page.get_by_label("Số quyết định").fill("3-QĐ/VPTU")
    page.get_by_label("Ngày quyết định").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_label("Người ký").fill("Hoàng Văn Bình")
    page.get_by_label("Hội đồng xác định giá trị tài liệu").fill(
        "Hội đồng xác định giá trị tài liệu Văn phòng Thành ủy"
    )
    page.locator("#review-form button[type=submit]").click()
    expect(page.locator("#decisions")).to_contain_text("3-QĐ/VPTU")
    page.screenshot(path=str(SHOTS / "archive-review.png"), full_page=True)
    page.goto(f"{live_server.url}/archive/fonds/{fonds.pk}/")
    expect(page.locator("#catalogue-table")).to_contain_text("Đã hủy")
    old.refresh_from_db()
    assert old.state == DossierState.DESTROYED
    page.close()
