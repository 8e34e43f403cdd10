"""The office clerk signs in through a real browser and sees the Vietnamese home page."""

from pathlib import Path

import pytest
from django.conf import settings

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"


@pytest.fixture
def office(transactional_db):
    from vanphong.core.tests.factories import make_tree

    tree = make_tree()
    clerk = make_person(
        organization=tree.office,
        role=Role.CLERK,
        clearance=Secrecy.CONFIDENTIAL,
        full_name="Nguyễn Thị Hoa",
        username="vanthu",
        password="mat-khau-van-thu",
    )
    return tree, clerk


def test_the_clerk_signs_in_and_sees_the_vietnamese_dashboard(live_server, browser, office):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    assert "/account/login/" in page.url
    assert page.locator("h1").inner_text() == "Đăng nhập vào Văn phòng số"

    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()

    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("mat-khau-van-thu")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Xin chào, Hoa"
    assert page.get_by_role("heading", name="Ký hiệu các đơn vị").is_visible()
    assert page.get_by_text("Văn phòng Thành ủy").first.is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-dashboard.png"), full_page=True)

    # The keyboard reaches the skip link first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"


def test_the_menu_folds_on_a_phone_width_screen(live_server, browser, office):
    page = browser.new_page(locale="vi-VN", viewport={"width": 375, "height": 740})
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Tên đăng nhập").fill("vanthu")
    page.get_by_label("Mật khẩu").fill("mat-khau-van-thu")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    page.screenshot(path=str(SHOTS / "e2e-phone-home.png"), full_page=True)
    menu = page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Tổ chức", exact=True)
    assert not menu.is_visible()
    page.get_by_role("button", name="Mở menu").click()
    menu.wait_for(state="visible")
    menu.click()
    page.wait_for_url("**/organizations/")
    assert page.locator("h1").inner_text() == "Tổ chức"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(SHOTS / "e2e-phone.png"), full_page=True)


def test_the_chief_of_office_adds_a_unit_after_a_vietnamese_field_error(live_server, browser, office):
    tree, _clerk = office
    make_person(
        organization=tree.office,
        role=Role.OFFICE_CHIEF,
        clearance=Secrecy.SECRET,
        full_name="Hoàng Văn Bình",
        username="chanhvp",
        password="mat-khau-chanh-vp",
    )
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("Tên đăng nhập").fill("chanhvp")
    page.get_by_label("Mật khẩu").fill("mat-khau-chanh-vp")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + f"/organizations/{tree.city.pk}/")
    page.get_by_role("link", name="Thêm đơn vị").click()
    page.get_by_label("Tên").fill("Ban Dân vận Thành ủy")
    page.get_by_label("Ký hiệu viết tắt").fill("VPTU")  # the office's abbreviation
    page.get_by_label("Loại").select_option(label="Ban tham mưu")
    page.get_by_label("Ngày thành lập").fill("01/03/2025")
    page.get_by_role("button", name="Lưu").click()
    error = page.locator(".invalid-feedback")
    assert "đã dùng ký hiệu “VPTU”" in error.inner_text()
    assert page.get_by_label("Tên").input_value() == "Ban Dân vận Thành ủy"  # nothing typed is lost

    page.get_by_label("Ký hiệu viết tắt").fill("BDVTU")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/organizations/*/")
    assert page.locator("h1").inner_text().startswith("Ban Dân vận Thành ủy")
    history = page.locator("#history + ol")
    assert "Tạo tổ chức" in history.inner_text()
    assert "Hoàng Văn Bình" in history.inner_text()
    page.screenshot(path=str(SHOTS / "e2e-unit-created.png"), full_page=True)
