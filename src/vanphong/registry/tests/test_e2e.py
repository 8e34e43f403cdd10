"""The clerk registers an incoming document in a real browser, by keyboard alone."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from vanphong.core.tests.factories import city_clerk, make_tree
from vanphong.registry.models import IncomingDocument

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_clerk_registers_by_keyboard_and_finds_it_without_accents(live_server, browser, transactional_db):
    tree = make_tree()
    city_clerk(tree, password="mat-khau-van-thu")
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("mat-khau-van-thu")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("link", name="Văn bản đến").click()
    page.get_by_role("link", name="Vào sổ văn bản đến").click()

    sent = timezone.localdate() - dt.timedelta(days=3)
    page.get_by_label("Ngày đến").focus()
    # Every field by keyboard: type, Tab to the next.
    page.keyboard.press("Control+A")
    page.keyboard.type(timezone.localdate().strftime("%d/%m/%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("Ban Tổ chức Trung ương")
    page.keyboard.press("Tab")
    page.keyboard.type("127-HD/BTCTW")
    page.keyboard.press("Tab")
    page.keyboard.type(sent.strftime("%d/%m/%Y"))
    page.keyboard.press("Tab")
    page.get_by_label("Tên loại văn bản").select_option(label="Hướng dẫn")
    page.keyboard.press("Tab")
    page.keyboard.type("Hướng dẫn tổ chức đại hội đảng bộ cấp cơ sở")
    page.get_by_role("button", name="Lưu vào sổ").press("Enter")
    page.wait_for_url("**/registry/incoming/*/")
    assert page.locator("h1").inner_text().startswith("Văn bản đến số 1")
    assert IncomingDocument.objects.get().symbol == "127-HD/BTCTW"

    page.goto(live_server.url + "/registry/incoming/")
    page.get_by_role("search").get_by_label("Tìm", exact=True).fill("dai hoi dang bo")
    page.locator("#results").get_by_text("127-HD/BTCTW").wait_for()
    page.screenshot(path=str(settings.BASE_DIR / "var" / "test-results" / "e2e-incoming.png"), full_page=True)
