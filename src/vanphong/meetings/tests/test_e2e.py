"""A BTV meeting in a real browser: the office's specialist creates it, adds an item
with its PDF and sends the invitation; a member on a tablet-width screen confirms and
opens the pre-read (stamped with their name); the specialist checks members in and
the quorum turns reached without a page load (htmx)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.meetings.models import Invitation, Meeting, Response
from vanphong.meetings.tests.conftest import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_a_meeting_from_creation_to_quorum(live_server, browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = make_tree()
    make_person(
        organization=tree.office,
        role=Role.SPECIALIST,
        username="chuyenvien",
        password=PASSWORD,
        clearance=Secrecy.SECRET,
    )
    secretary = make_person(organization=tree.city, role=Role.SECRETARY, full_name="Trần Quốc Hưng")
    member = make_person(
        organization=tree.city,
        role=Role.STANDING_MEMBER,
        username="btv",
        full_name="Lê Văn Thắng",
        password=PASSWORD,
    )
    make_person(organization=tree.city, role=Role.STANDING_MEMBER, full_name="Phạm Thị Mai")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(pdf_bytes(2, "Báo cáo tình hình kinh tế"))
    day = timezone.localdate() + dt.timedelta(days=2)

    office = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    office.set_default_timeout(15_000)
    sign_in(office, live_server.url, "chuyenvien", PASSWORD)
    office.goto(f"{live_server.url}/meetings/")
    office.locator("#new-meeting").click()
    office.locator("#id_kind").select_option(label="Họp Ban Thường vụ")
    office.locator("#id_title").fill("Họp Ban Thường vụ Thành ủy thường kỳ")
    office.locator("#id_day").fill(day.strftime("%d/%m/%Y"))
    office.locator("#id_starts_at").fill("8h00")
    office.locator("#id_ends_at").fill("11:00")
    office.locator("#id_chair").select_option(str(secretary.pk))
    office.locator("#meeting-form button[type=submit]").click()
    meeting = Meeting.objects.get()
    office.locator("#id_title").fill("Báo cáo tình hình kinh tế – xã hội năm 2026")
    office.locator("#item-form button[type=submit]").click()
    item = meeting.items.get()
    office.locator(f"#item-{item.pk} summary").click()
    office.locator(f"#item{item.pk}_file").set_input_files(str(pdf))
    office.locator(f"#item-{item.pk} .document-form button[type=submit]").click()
    expect(office.locator(f"#item-{item.pk}")).to_contain_text("bao-cao")
    office.locator('a.nav-link[href$="/invitations/"]').click()
    office.locator("#send-invitations").click()
    expect(office.locator("#invitation-pdf")).to_be_visible()
    office.screenshot(path=str(SHOTS / "meetings-invitations.png"), full_page=True)

    tablet = browser.new_page(locale="vi-VN", viewport={"width": 800, "height": 1280})
    tablet.set_default_timeout(15_000)
    sign_in(tablet, live_server.url, "btv", PASSWORD)
    tablet.goto(f"{live_server.url}/meetings/")
    tablet.locator("#my-meetings a").first.click()
    expect(tablet.locator("#agenda")).to_contain_text("Báo cáo tình hình kinh tế")
    tablet.locator("#answer-form input[value=confirmed]").check()
    tablet.locator("#answer-form button[type=submit]").click()
    expect(tablet.locator("#my-answer .answer")).to_have_attribute("data-response", "confirmed")
    assert Invitation.objects.get(person=member).response == Response.CONFIRMED
    tablet.screenshot(path=str(SHOTS / "meetings-member-tablet.png"), full_page=True)
    href = tablet.locator("#agenda a.btn").first.get_attribute("href")
    served = tablet.request.get(f"{live_server.url}{href}")
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(served.body())) as document:
        assert len(document.pages) == 2
        assert all("Lê Văn Thắng" in (page.extract_text() or "") for page in document.pages)

    office.reload()
    expect(office.locator("#quorum")).to_contain_text("0")
    buttons = office.locator("#invitations-table button.check-in")
    for n in range(2):
        office.locator("#invitations-table button.check-in.btn-outline-secondary").first.click()
        expect(office.locator("#invitations-table button.check-in.btn-success")).to_have_count(n + 1)
    expect(office.locator("#quorum.alert-success")).to_be_visible()
    assert buttons.count() == 3
    office.screenshot(path=str(SHOTS / "meetings-quorum.png"), full_page=True)
