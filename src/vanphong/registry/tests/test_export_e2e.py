"""In a real browser: a long register is asked for from the list, its page waits while
`vanphong worker` lays it out, then offers the file without being reloaded (htmx)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from vanphong.core.tests.factories import city_clerk, make_tree
from vanphong.registry import exports
from vanphong.registry.models import DocumentType, ExportStatus, RegisterExport
from vanphong.registry.services import incoming_register
from vanphong.registry.tests.conftest import incoming_entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_page_offers_the_register_once_the_worker_has_made_it(
    live_server, browser, transactional_db, monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(exports, "PDF_SYNC_MAX_ROWS", 2)
    settings.MEDIA_ROOT = tmp_path
    tree = make_tree()
    city_clerk(tree, password="mat-khau-van-thu")
    year = timezone.localdate().year - 1
    kind = DocumentType.objects.get(code="cong-van")
    for n in range(1, 4):
        day = dt.date(year, n, 5)
        incoming_register(
            **incoming_entry(tree, kind, received_on=day, document_date=day, symbol=f"{n}-CV/X")
        )

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("mat-khau-van-thu")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/registry/incoming/?received_from=01/01/{year}&received_to=31/12/{year}")
    page.get_by_role("link", name="Xuất PDF").click()
    page.wait_for_url("**/registry/exports/*/")
    status = page.locator("#export-status")
    assert "hx-trigger" in (status.evaluate("e => e.outerHTML") or "")
    assert RegisterExport.objects.get().status == ExportStatus.PENDING

    call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    # The page asks again by itself and shows the download.
    link = page.locator("#export-status a[download]")
    link.wait_for(timeout=15_000)
    page.screenshot(path=str(settings.BASE_DIR / "var" / "test-results" / "e2e-export.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"so-van-ban-den-{year}-01-01_{year}-12-31.pdf"
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
