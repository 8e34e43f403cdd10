"""Issue 9's minutes and concluding notice in a real browser, on the demo's past BTV
meeting (its secret ballot included): the office's specialist (the meeting's
secretary) draws up the minutes (a BB draft whose DOCX prints the Party header and
BIÊN BẢN), writes the conclusion and a task on the first item, draws up the notice;
the Chief of Office approves it, the Secretary signs it (numbered TB); the specialist
hands its tasks over and they are on the follow-up board."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from vanphong.core import services as core_services
from vanphong.core.models import Organization, Person, Role, Secrecy
from vanphong.core.tests.factories import kind, make_person, make_tree
from vanphong.drafting.models import DraftState
from vanphong.drafting.tests.conftest import PIN, authority, issue_credential, trusted
from vanphong.e2e import sign_in
from vanphong.followup.models import FollowUpTask
from vanphong.meetings import demo
from vanphong.meetings.models import Meeting, MeetingPapers
from vanphong.registry.tests.conftest import TERM_17_START
from vanphong.voting import demo as voting_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"
TASK = "Hướng dẫn các chi bộ hoàn thiện văn kiện đại hội"


def _page(browser, live_server, username: str, errors: list[str]) -> Page:
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
    sign_in(page, live_server.url, username, PASSWORD)
    return page


@pytest.fixture
def past(transactional_db, settings, tmp_path) -> Meeting:
    """The demo's people of the city (with passwords), its boards, the 17th term, and
    the demo's meetings and votes: the past BTV meeting, closed, with a secret ballot."""
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = make_tree()
    core_services.term_add(actor=None, organization=tree.city, number=17, started_on=TERM_17_START)
    for name, abbreviation in (("Ban Tổ chức Thành ủy", "BTCTU"), ("Ủy ban Kiểm tra Thành ủy", "UBKTTU")):
        core_services.organization_create(
            actor=None, parent=tree.city, name=name, abbreviation=abbreviation, kind=kind("board")
        )
    for organization, username, role, clearance in (
        (tree.office, "chuyenvien", Role.SPECIALIST, Secrecy.SECRET),
        (tree.office, "chanhvp", Role.OFFICE_CHIEF, Secrecy.SECRET),
        (tree.city, "bithu", Role.SECRETARY, Secrecy.TOP_SECRET),
        (tree.city, "phobithu", Role.DEPUTY_SECRETARY, Secrecy.TOP_SECRET),
        (tree.city, "btv", Role.STANDING_MEMBER, Secrecy.SECRET),
        (tree.city, "btv2", Role.STANDING_MEMBER, Secrecy.NONE),
        (tree.city, "btv3", Role.STANDING_MEMBER, Secrecy.NONE),
        (tree.city, "btv4", Role.STANDING_MEMBER, Secrecy.NONE),
        (tree.city, "capuy", Role.COMMITTEE_MEMBER, Secrecy.CONFIDENTIAL),
    ):
        make_person(
            organization=organization, role=role, username=username, clearance=clearance, password=PASSWORD
        )
    demo.load_demo(city=tree.city, out=lambda line: None)
    voting_demo.load_demo(city=tree.city, out=lambda line: None)
    return Meeting.objects.get(title=demo.PAST_TITLE)


def test_the_minutes_and_the_notice_of_the_demo_meeting(live_server, browser, past, issue_credential):
    SHOTS.mkdir(parents=True, exist_ok=True)
    issue_credential(Person.objects.get(username="bithu"))  # the Secretary's DEMO certificate
    assert not MeetingPapers.objects.exists()
    errors: list[str] = []
    base = live_server.url

    # --- The meeting's secretary draws up the minutes from the record. -----------------------
    page = _page(browser, live_server, "chuyenvien", errors)
    page.goto(f"{base}/meetings/{past.pk}/")
    page.locator("#minutes-create").click()
    page.wait_for_url("**/drafts/*/")
    papers = MeetingPapers.objects.get(meeting=past)
    minutes = papers.minutes
    assert minutes.document_type.abbreviation == "BB"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biên bản")
    expect(page.locator("main")).to_contain_text(past.title)
    page.screenshot(path=str(SHOTS / "minutes-1-draft.png"), full_page=True)
    words = docx.Document(io.BytesIO(page.request.get(f"{base}/drafts/{minutes.pk}/draft.docx").body()))
    text = "\n".join(
        [p.text for p in words.paragraphs]
        + [cell.text for table in words.tables for row in table.rows for cell in row.cells]
    )
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN",
        past.title,
        "4/6 đồng chí",
        "bỏ phiếu kín",
        "8 giờ 00 phút",
        "11 giờ 00 phút",
    ):
        assert expected in text, expected

    # --- The conclusion and a task on the first item (htmx cards). ----------------------------
    page.goto(f"{base}/meetings/{past.pk}/")
    expect(page.locator("#minutes-state")).to_have_text("Đang soạn thảo")
    page.locator("#conclusions-link").click()
    item = past.items.order_by("order").first()
    card = page.locator(f"#item-{item.pk}")
    card.locator("textarea[name=text]").fill("Ban Thường vụ cơ bản thống nhất với báo cáo tiến độ.")
    with page.expect_response(lambda response: "/conclusion/" in response.url):
        card.get_by_role("button").first.click()
    expect(card.locator("textarea[name=text]")).to_have_value(
        "Ban Thường vụ cơ bản thống nhất với báo cáo tiến độ."
    )
    card.locator("summary").click()
    prefix = f"#id_item{item.pk}-"
    card.locator(prefix + "content").fill(TASK)
    card.locator(prefix + "lead_unit").select_option(
        str(Organization.objects.get(name="Ban Tổ chức Thành ủy").pk)
    )
    card.locator(prefix + "leader").select_option(str(Person.objects.get(username="btv").pk))
    deadline = timezone.localdate() + dt.timedelta(days=30)
    card.locator(prefix + "deadline").fill(deadline.strftime("%d/%m/%Y"))
    card.locator(".task-form button[type=submit]").click()
    expect(page.locator(f"#item-{item.pk} .conclusion-task")).to_contain_text(TASK)
    page.screenshot(path=str(SHOTS / "minutes-2-conclusions.png"), full_page=True)

    # --- The notice, drawn up from the conclusions, goes to the Chief of Office. -------------
    page.locator("#notice-from-conclusions").click()
    page.wait_for_url("**/drafts/*/")
    notice = MeetingPapers.objects.get(meeting=past).notice
    assert notice.document_type.abbreviation == "TB" and TASK in notice.body_html
    page.locator("#submit-form").get_by_role("button", name="Trình").click()
    expect(page.locator("#draft-state")).to_have_text("Đang trình duyệt")
    page.close()

    page = _page(browser, live_server, "chanhvp", errors)
    page.goto(f"{base}/drafts/{notice.pk}/")
    page.locator("#decision-form").get_by_role("button", name="Duyệt").click()
    expect(page.locator("#draft-state")).to_have_text("Chờ ký")
    page.close()

    page = _page(browser, live_server, "bithu", errors)
    page.goto(f"{base}/drafts/{notice.pk}/")
    page.locator("#sign-form").get_by_label("Mã PIN hoặc mật khẩu chứng thư").fill(PIN)
    page.locator("#sign-form").get_by_role("button", name="Ký số").click()
    expect(page.locator("#draft-state")).to_have_text("Đã ký")
    expect(page.get_by_role("heading", level=1)).to_contain_text("-TB/TU")
    page.close()
    notice.refresh_from_db()
    assert notice.state == DraftState.SIGNED

    # --- The secretary hands its tasks to the follow-up board. --------------------------------
    page = _page(browser, live_server, "chuyenvien", errors)
    page.goto(f"{base}/meetings/{past.pk}/")
    expect(page.locator("#notice-state")).to_have_text("Đã ký")
    page.screenshot(path=str(SHOTS / "minutes-3-signed.png"), full_page=True)
    page.locator("#hand-over").click()
    page.wait_for_url("**/followup/conclusions/*/")
    expect(page.locator("body")).to_contain_text(TASK)
    expect(page.locator("body")).to_contain_text(notice.outgoing.symbol)
    page.goto(f"{base}/followup/board/")
    expect(page.locator("body")).to_contain_text("Ban Tổ chức Thành ủy")
    page.screenshot(path=str(SHOTS / "minutes-4-board.png"), full_page=True)
    page.goto(f"{base}/meetings/{past.pk}/")
    expect(page.locator("#followup-link")).to_be_visible()
    task = FollowUpTask.objects.get()
    assert (task.content, task.lead_unit.name, task.deadline) == (TASK, "Ban Tổ chức Thành ủy", deadline)
    assert task.conclusion.outgoing == notice.outgoing
    assert errors == []
