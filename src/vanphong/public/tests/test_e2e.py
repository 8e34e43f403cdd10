"""The public site in a real browser at phone width, without signing in: a citizen
sends a letter through the form (a wrong answer to the check first: refused at the
field, what was typed kept), sees the tracking code, looks up the letter's status;
the visitor counts change as a second visitor comes in."""

from __future__ import annotations

from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from playwright.sync_api import expect

from vanphong.core.tests.factories import make_tree
from vanphong.letters.models import Letter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PHONE = {"width": 390, "height": 844}


def _answer(page) -> str:
    key = page.locator("input[name=captcha_0]").input_value()
    return CaptchaStore.objects.get(hashkey=key).response


def _count(page, which: str) -> int:
    text = page.locator(f"#count-{which}").inner_text()
    return int(text.replace(".", ""))


def test_a_citizen_writes_and_follows_the_letter_and_the_counts_move(live_server, browser):
    from django.core.cache import cache

    from vanphong.public import visits

    cache.clear()
    visits.store().clear()
    make_tree()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/cong-khai/")
    expect(page.locator(".vp-public-name")).to_contain_text("Thành ủy Ngọc Sơn")
    assert _count(page, "today") == 1 and _count(page, "online") == 1
    page.locator("a[href='/cong-khai/gui-thu/']").first.click()

    page.locator("input[name=name]").fill("Nguyễn Thị Hoa")
    page.locator("input[name=contact]").fill("hoa.nguyen@example.vn")
    page.locator("input[name=subject]").fill("Kiến nghị về điện chiếu sáng ngõ 12")
    page.locator("textarea[name=content]").fill("Ngõ 12 phố Hòa Bình mất điện chiếu sáng đã hai tháng.")
    page.locator("input[name=captcha_1]").fill("999")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#id_captcha_error")).to_be_visible()
    expect(page.locator("textarea[name=content]")).to_have_value(
        "Ngõ 12 phố Hòa Bình mất điện chiếu sáng đã hai tháng."
    )
    assert not Letter.objects.exists()

    page.locator("input[name=captcha_1]").fill(_answer(page))
    page.screenshot(path=str(SHOTS / "public-contact-phone.png"), full_page=True)
    page.locator("form button[type=submit]").click()
    code = page.locator("#tracking-code").inner_text().strip()
    letter = Letter.objects.get()
    assert "".join(ch for ch in code if ch.isalnum()) == letter.tracking_code
    page.screenshot(path=str(SHOTS / "public-sent-phone.png"), full_page=True)

    page.goto(live_server.url + "/cong-khai/tra-cuu/")
    page.locator("input[name=code]").fill(code)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#status")).to_be_visible()
    expect(page.locator("#status-label")).not_to_be_empty()
    page.screenshot(path=str(SHOTS / "public-status-phone.png"), full_page=True)

    other = browser.new_context(locale="vi-VN", viewport=PHONE, user_agent="Khach thu hai")
    second = other.new_page()
    second.goto(live_server.url + "/cong-khai/")
    assert _count(second, "today") == 2 and _count(second, "online") == 2
    second.screenshot(path=str(SHOTS / "public-home-phone.png"), full_page=True)
    # The red button's text is white (the links' dark red on it was unreadable).
    send = second.locator("main a.btn-danger")
    assert send.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    assert send.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(192, 0, 0)"
    # "Tra cứu" on one line at 390 px.
    second.goto(live_server.url + "/cong-khai/tra-cuu/")
    button = second.locator("main form button[type=submit]")
    line = float(button.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    box = button.bounding_box()
    assert box is not None and box["height"] < 2 * line
    second.screenshot(path=str(SHOTS / "public-lookup-phone.png"), full_page=True)
    # A missing page is the public site's own.
    second.goto(live_server.url + "/cong-khai/bai/999999/")
    expect(second.locator(".vp-public-name")).to_be_visible()
    second.screenshot(path=str(SHOTS / "public-404-phone.png"), full_page=True)
    other.close()
    context.close()
