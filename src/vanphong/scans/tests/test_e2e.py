"""Issue 6's path in a real browser, in Vietnamese: the archivist uploads a scanned
page, watches the batch's progress come to 100 % (htmx), files the read scan into a
dossier, finds a word inside the scan without typing its accents, and exports the
catalogue. The workers' steps run in this process while the page polls."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Dialog, Page, expect

from vanphong.archive import services as archive_services
from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.scans import services
from vanphong.scans.models import ScanBatch
from vanphong.scans.tests import samples

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def _sign_in(browser, live_server, username: str) -> Page:
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, username, PASSWORD)
    return page


def test_the_archivist_digitizes_files_searches_and_exports(live_server, browser, tmp_path):
    tree = make_tree()
    archivist = make_person(
        organization=tree.office,
        role=Role.ARCHIVIST,
        username="luutru",
        full_name="Bùi Thị Lưu",
        password=PASSWORD,
    )
    fonds = archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    dossier = archive_services.dossier_create(
        actor=archivist, fonds=fonds, title="Công văn của Văn phòng năm 2024"
    )
    scan = samples.write_png(tmp_path / "cong-van-125.png", samples.render_page())
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = _sign_in(browser, live_server, "luutru")
    page.get_by_role("link", name="Số hóa tài liệu", exact=True).click()
    page.get_by_label("Tên đợt số hóa").fill("Hộp 12, năm 2024")
    # A 0-byte file among them is refused alone, by the pipeline, after the upload.
    empty = tmp_path / "trang-rong.pdf"
    empty.write_bytes(b"")
    page.get_by_label("Tệp quét").set_input_files([str(scan), str(empty)])
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url("**/scans/batches/*/")
    expect(page.locator("#progress-text")).to_contain_text("Đã đọc 0 trên")

    # The workers read the page while the batch's page polls its progress.
    batch = ScanBatch.objects.get()
    worker = threading.Thread(target=lambda: services.batch_run_here(batch_id=batch.pk))
    worker.start()
    worker.join(timeout=180)
    expect(page.locator("#progress-text")).to_contain_text("Hoàn thành.", timeout=20_000)
    expect(page.locator(".progress-bar")).to_have_text("100%")
    page.screenshot(path=str(SHOTS / "scans-1-batch.png"), full_page=True)
    refusal = page.locator("#files tr", has_text="trang-rong.pdf").locator("td").last
    expect(refusal).to_contain_text("trang-rong.pdf")
    # On a phone the refusal's reason reads under the file's name, nothing off-screen.
    page.set_viewport_size({"width": 390, "height": 844})
    box = refusal.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "scans-1-batch-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(SHOTS / "scans-1-batch-1366.png"), full_page=True)

    # The read scan, filed into the dossier.
    page.locator("#files a", has_text="cong-van-125").click()
    page.wait_for_url("**/scans/files/*/")
    page.locator("#id_dossier").select_option(str(dossier.pk))
    # The title guessed from the text, and the page count, both corrected on the form.
    expect(page.locator("#id_sheets")).to_have_value("1")
    page.locator("#id_title").fill("Công văn số 125 về số hóa tài liệu lưu trữ (bản quét)")
    page.locator("#id_sheets").fill("2")
    page.screenshot(path=str(SHOTS / "scans-2-file.png"), full_page=True)
    page.locator("#to-dossier button[type=submit]").click()
    page.wait_for_url(f"**/archive/dossiers/{dossier.pk}/")
    expect(page.locator("#items")).to_contain_text("bản quét")
    expect(page.locator("#items")).to_contain_text("Công văn số 125 về số hóa")
    page.screenshot(path=str(SHOTS / "scans-2-dossier.png"), full_page=True)

    # A word inside the scan, typed without its accents.
    page.get_by_role("link", name="Số hóa tài liệu", exact=True).click()
    page.locator("#id_q").fill("so hoa tai lieu luu tru")
    page.locator("form[role=search] button[type=submit]").click()
    hit = page.locator("#hits li").first
    expect(hit.locator("mark")).to_have_text("số hóa tài liệu lưu trữ", ignore_case=True)
    assert "#page=1" in (hit.locator("a").first.get_attribute("href") or "")
    expect(hit).to_contain_text("cong-van-125.png")
    expect(hit).to_contain_text("Hộp 12, năm 2024")
    page.screenshot(path=str(SHOTS / "scans-3-search.png"), full_page=True)
    # The same words searched in the incoming register find the page there too.
    page.goto(f"{live_server.url}/registry/incoming/?q=so+hoa+tai+lieu+luu+tru")
    hit = page.locator("#scan-hits li").first
    expect(hit.locator("mark")).to_have_text("số hóa tài liệu lưu trữ", ignore_case=True)
    assert "#page=1" in (hit.locator("a").first.get_attribute("href") or "")
    page.screenshot(path=str(SHOTS / "scans-4-register-search.png"), full_page=True)

    # The catalogue, exported.
    page.goto(f"{live_server.url}/archive/fonds/{fonds.pk}/")
    expect(page.locator("#catalogue-table")).to_contain_text("Công văn của Văn phòng năm 2024")
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == "muc-luc-ho-so-phong-01.xlsx"

    # Filed by mistake: taken out again, once the archivist confirms.
    page.goto(f"{live_server.url}/archive/dossiers/{dossier.pk}/")
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.locator("form[action$='/remove/'] button").first.click()
    expect(page.locator(".alert-success")).to_contain_text("Đã rút văn bản khỏi hồ sơ")
    assert asked and asked[0].startswith("Rút “")
    page.close()
