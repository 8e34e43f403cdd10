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


def test_the_chief_finds_the_archive_and_reads_the_catalogue_on_a_phone(live_server, browser):
    """The Chief of Office reads the archive (menu entry, no keeping); at 390 px each
    dossier is a card led by its title, every column on screen, nothing sideways."""
    tree = make_tree()
    archivist = make_person(organization=tree.office, role=Role.ARCHIVIST, username="luutru")
    make_person(organization=tree.office, role=Role.OFFICE_CHIEF, username="chanhvp", password=PASSWORD)
    fonds = services.fonds_create(actor=archivist, organization=tree.city, number="01")
    title = "Hồ sơ Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 12 về phát triển kinh tế - xã hội"
    services.dossier_create(
        actor=archivist,
        fonds=fonds,
        title=title,
        symbol="HS.01/1987",
        started_on=dt.date(1987, 2, 3),
        ended_on=dt.date(1987, 12, 28),
        sheets=57,
        note="Bản chính",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page = browser.new_page(locale="vi-VN", viewport={"width": width, "height": height})
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url, "chanhvp", PASSWORD)
        menu = page.locator("nav").get_by_role("link", name="Lưu trữ")
        if width < 1200:
            page.locator(".navbar-toggler").click()
        menu.click()
        page.locator("#fonds a").first.click()
        row = page.locator("#catalogue-table tbody tr").first
        expect(row).to_contain_text(title)
        expect(page.get_by_role("link", name="Hồ sơ mới")).to_have_count(0)  # reads, does not keep
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        for cell in row.locator("td").all():
            if not cell.inner_text().strip():
                continue  # an empty column (no box): hidden in the card
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        link = row.get_by_role("link", name=title).bounding_box()
        first = row.locator("td").first.bounding_box()
        assert link is not None and first is not None
        if width == 390:  # the title leads the card
            assert link["y"] <= first["y"]
        page.screenshot(path=str(SHOTS / f"archive-catalogue-{width}.png"), full_page=True)
        page.close()


def test_the_review_a_decision_and_the_retention_table_fit_a_phone(live_server, browser):
    """At 390 px the dossiers due for review, the decisions recorded, a decision's
    dossiers and the retention table are cards (vp-stack): every column on screen,
    named, nothing sideways."""
    tree = make_tree()
    archivist = make_person(
        organization=tree.office, role=Role.ARCHIVIST, username="luutru", password=PASSWORD
    )
    fonds = services.fonds_create(actor=archivist, organization=tree.city, number="01")
    long_title = "Hồ sơ Hội nghị Ban Thường vụ Thành ủy về công tác cán bộ và tổ chức bộ máy năm 2005"
    dossiers = []
    for title in (long_title, long_title + " (tập 2)"):
        dossier = services.dossier_create(
            actor=archivist,
            fonds=fonds,
            title=title,
            symbol="HS.12/2005",
            started_on=dt.date(2005, 1, 3),
            ended_on=dt.date(2005, 12, 28),
            sheets=120,
            retention_years=10,
        )
        services.dossier_close(actor=archivist, dossier=dossier)
        dossiers.append(dossier)
    decision = services.destruction_record(
        actor=archivist,
        fonds=fonds,
        dossiers=dossiers[1:],
        decision_number="15-QĐ/VPTU",
        decided_on=timezone.localdate(),
        decided_by="Hoàng Văn Bình, Chánh Văn phòng Thành ủy",
        council="Hội đồng xác định giá trị tài liệu Văn phòng Thành ủy gồm năm đồng chí",
        note="Hết thời hạn bảo quản, không còn giá trị",
    )
    services.retention_rule_create(
        actor=archivist,
        code="1.12.3",
        name="Hồ sơ hội nghị tổng kết, sơ kết công tác năm, nhiệm kỳ của các cơ quan tham mưu giúp việc",
        years=None,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = 390
    page = browser.new_page(locale="vi-VN", viewport={"width": width, "height": 844})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "luutru", PASSWORD)
    pages = [
        ("review", f"/archive/fonds/{fonds.pk}/review/", ["#due", "#decisions"]),
        ("decision", f"/archive/destructions/{decision.pk}/", ["#destroyed"]),
        ("retention", "/archive/retention/", ["#retention-rules"]),
    ]
    for name, url, tables in pages:
        page.goto(live_server.url + url)
        page.screenshot(path=str(SHOTS / f"archive-{name}-{width}.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
        for table in tables:
            rows = page.locator(f"{table} tbody tr")
            assert rows.count() >= 1, table
            for cell in rows.first.locator("td").all():
                if not cell.inner_text().strip():
                    continue
                box = cell.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (table, box)
        if name == "review":  # a column named in the card
            expect(page.locator("#due tbody tr").first).to_contain_text(long_title)
    page.close()
