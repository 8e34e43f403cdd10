"""The register in a real browser: the clerk registers a paper denunciation, the Chief
of Office forwards it with the deadline from the time limits, the handler records the
reply; the clerk never sees the denouncer's name, the Chief sees it on request and
that view is audited. On a phone-sized screen for the clerk.

Elements are found by their ids and addresses, not by their Vietnamese labels (the
translations are merged separately)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.letters.models import Letter, LetterState
from vanphong.letters.services import AuditAction

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"
DENOUNCER = "Đặng Văn Chính"


def _sign_in(browser, live_server, username, *, phone=False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 1000}
    page = browser.new_page(locale="vi-VN", viewport=viewport)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username, PASSWORD)
    return page


def test_a_paper_denunciation_forwarded_and_answered(live_server, browser):
    tree = make_tree()
    make_person(organization=tree.office, role=Role.CLERK, username="vanthu", password=PASSWORD)
    make_person(
        organization=tree.office,
        role=Role.OFFICE_CHIEF,
        username="chanhvp",
        password=PASSWORD,
        clearance=Secrecy.SECRET,
    )
    handler = make_person(
        organization=tree.bloc,
        role=Role.SPECIALIST,
        username="ubkt",
        full_name="Lê Thị Kiểm",
        password=PASSWORD,
    )
    today = timezone.localdate()
    received = today - dt.timedelta(days=2)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The clerk registers the paper letter, on a phone.
    page = _sign_in(browser, live_server, "vanthu", phone=True)
    page.goto(f"{live_server.url}/letters/new/")
    page.locator("#id_channel").select_option("post")
    page.locator("#id_kind").select_option("denunciation")
    page.locator("#id_received_on").fill(received.strftime("%d/%m/%Y"))
    page.locator("#id_sender_name").fill(DENOUNCER)
    page.locator("#id_sender_contact").fill("0914 326 588")
    page.locator("#id_sender_address").fill("Thôn Nam, xã Ngọc Lâm")
    page.locator("#id_subject").fill("Tố cáo cán bộ địa chính xã nhận tiền khi làm thủ tục đất đai")
    page.locator("#id_content").fill("Yêu cầu nộp 30 triệu đồng ngoài quy định; có ghi âm kèm theo.")
    page.locator("#id_has_evidence").check()
    page.locator("#letter-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Tố cáo cán bộ địa chính")
    letter = Letter.objects.get()
    assert letter.register_number == f"1/KNTC-{received.year}"
    expect(page.locator('[data-identity="hidden"]')).to_be_visible()
    assert DENOUNCER not in page.content()
    page.screenshot(path=str(SHOTS / "letters-1-clerk-registered.png"), full_page=True)
    page.goto(f"{live_server.url}/letters/")
    expect(page.locator("#letters")).to_contain_text("1/KNTC")
    assert DENOUNCER not in page.content()
    page.close()

    # The Chief of Office forwards it; the deadline comes from the time limits.
    page = _sign_in(browser, live_server, "chanhvp")
    page.goto(f"{live_server.url}/letters/")
    page.locator(f'#letters [data-letter="{letter.pk}"] a').first.click()
    assert DENOUNCER not in page.content()
    page.locator("#identity button[type=submit]").click()
    expect(page.locator('[data-identity="shown"]')).to_contain_text(DENOUNCER)
    assert (
        AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED, actor__username="chanhvp").count() == 1
    )
    # The handlers offered are the office's until a unit is chosen; choosing the bloc
    # brings its people (htmx), each named with post and unit.
    assert page.locator(f"#forward-form #id_handler option[value='{handler.pk}']").count() == 0
    page.locator("#forward-form #id_unit").select_option(str(tree.bloc.pk))
    option = page.locator(f"#forward-form #id_handler option[value='{handler.pk}']")
    expect(option).to_have_count(1)
    expect(option).to_contain_text(f"Lê Thị Kiểm — {Role(Role.SPECIALIST).label}, {tree.bloc.name}")
    page.screenshot(path=str(SHOTS / "letters-2-forward-handlers.png"), full_page=True)
    page.locator("#forward-form #id_handler").select_option(str(handler.pk))
    page.locator("#forward-form #id_instruction").fill("Xác minh, giữ bí mật người tố cáo.")
    page.locator("#forward-form button[type=submit]").click()
    letter.refresh_from_db()
    assert letter.state == LetterState.FORWARDED and letter.deadline is not None
    expect(page.locator("#deadline")).to_contain_text(letter.deadline.strftime("%d/%m/%Y"))
    page.screenshot(path=str(SHOTS / "letters-2-forwarded.png"), full_page=True)
    page.close()

    # The handler records the reply.
    page = _sign_in(browser, live_server, "ubkt")
    page.goto(f"{live_server.url}/letters/{letter.pk}/")
    page.locator("#reply-form #id_reply").fill("Đã xác minh; kiến nghị xử lý kỷ luật cán bộ vi phạm.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#reply")).to_contain_text("kiến nghị xử lý kỷ luật")
    letter.refresh_from_db()
    assert letter.state == LetterState.REPLIED and letter.replied_by == handler
    page.close()

    # The clerk still cannot see the name, on the letter or in the list.
    page = _sign_in(browser, live_server, "vanthu")
    page.goto(f"{live_server.url}/letters/{letter.pk}/")
    expect(page.locator("#reply")).to_be_visible()
    assert DENOUNCER not in page.content()
    assert page.locator("#identity button").count() == 0
    page.screenshot(path=str(SHOTS / "letters-3-clerk-after-reply.png"), full_page=True)
