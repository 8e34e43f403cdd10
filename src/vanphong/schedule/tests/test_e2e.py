"""The weekly schedule in a real browser: the office's specialist adds an event in
which a leader is already booked, sees the warning, confirms, publishes the week,
and downloads the printed week."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.schedule import services
from vanphong.schedule.models import Event, ScheduleWeek, monday_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_the_office_adds_an_event_confirms_a_double_booking_and_publishes(live_server, browser):
    tree = make_tree()
    office = make_person(
        organization=tree.office,
        role=Role.SPECIALIST,
        username="chuyenvien",
        full_name="Vũ Đức Anh",
        password=PASSWORD,
    )
    secretary = make_person(organization=tree.city, role=Role.SECRETARY, full_name="Trần Quốc Hưng")
    tuesday = monday_of(timezone.localdate()) + dt.timedelta(days=1)
    services.event_create(
        actor=office,
        organization=tree.city,
        day=tuesday,
        title="Hội nghị Ban Thường vụ Thành ủy",
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 0),
        presiding=secretary,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "chuyenvien", PASSWORD)
    page.locator('#nav a[href="/schedule/"]').click()
    expect(page.locator("#week-table")).to_contain_text("Hội nghị Ban Thường vụ Thành ủy")
    page.locator("#add-event").click()
    page.locator("#id_day").fill(tuesday.strftime("%d/%m/%Y"))
    page.locator("#id_starts_at").fill("9h30")
    page.locator("#id_ends_at").fill("10:30")
    page.locator("#id_title").fill("Tiếp đoàn công tác của Ban Tổ chức Trung ương")
    page.locator("#id_place").fill("Phòng khách Thành ủy")
    page.locator("#id_attendees").select_option(str(secretary.pk))
    page.locator("#id_preparing_unit").select_option(str(tree.office.pk))
    page.locator("#event-form button[type=submit]").click()
    warning = page.locator("#double-booking")
    expect(warning).to_contain_text("Trần Quốc Hưng")
    expect(warning).to_contain_text("Hội nghị Ban Thường vụ Thành ủy")
    assert Event.objects.count() == 1
    page.screenshot(path=str(SHOTS / "schedule-double-booking.png"), full_page=True)
    page.locator("#id_confirm_double_booking").check()
    page.locator("#event-form button[type=submit]").click()
    expect(page.locator("#week-table")).to_contain_text("Tiếp đoàn công tác của Ban Tổ chức Trung ương")
    expect(page.locator("#double-bookings")).to_be_visible()
    expect(page.locator("#week-table .double-booking")).to_have_count(2)
    page.locator("#publish").click()
    expect(page.locator("#week-state .text-bg-success")).to_be_visible()
    expect(page.locator("#publish")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "schedule-week.png"), full_page=True)
    assert ScheduleWeek.objects.get(monday=monday_of(tuesday)).is_published

    href = page.locator("#week-pdf").get_attribute("href")
    assert href is not None
    answer = page.request.get(live_server.url + href)
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(answer.body())) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "LỊCH CÔNG TÁC TUẦN" in text and "Tiếp đoàn công tác" in text and "DỰ THẢO" not in text

    # Next week, with htmx: nothing there yet.
    page.locator("#next-week").click()
    expect(page.locator("#week-title")).to_contain_text(
        (monday_of(tuesday) + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    )
    expect(page.locator("#week-table")).not_to_contain_text("Tiếp đoàn")
    page.close()


def test_on_a_phone_each_event_reads_whole_and_is_cancelled_with_a_reason(live_server, browser):
    """At 390 px the week's columns stack under each event (presiding, attending,
    unit, place on screen, nothing scrolled sideways); the office cancels an event
    giving a reason, which the published week shows beside the struck-through event."""
    tree = make_tree()
    specialist = make_person(
        organization=tree.office,
        role=Role.SPECIALIST,
        username="chuyenvien",
        full_name="Vũ Đức Anh",
        password=PASSWORD,
    )
    secretary = make_person(organization=tree.city, role=Role.SECRETARY, full_name="Trần Quốc Hưng")
    tuesday = monday_of(timezone.localdate()) + dt.timedelta(days=1)
    event = services.event_create(
        actor=specialist,
        organization=tree.city,
        day=tuesday,
        title="Làm việc với Ban Nội chính Thành ủy về công tác phòng, chống tham nhũng",
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 0),
        presiding=secretary,
        attendees_text="Lãnh đạo Ban Nội chính Thành ủy; Văn phòng Thành ủy",
        preparing_unit=tree.office,
        place="Phòng họp số 2",
    )
    services.week_publish(actor=specialist, organization=tree.city, day=tuesday)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page = browser.new_page(locale="vi-VN", viewport={"width": width, "height": height})
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url, "chuyenvien", PASSWORD)
        page.goto(f"{live_server.url}/schedule/")
        row = page.locator(f"#event-{event.pk}")
        expect(row).to_contain_text("Phòng họp số 2")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        for cell in (".event-presiding", ".event-attending", ".event-unit", ".event-place"):
            box = row.locator(cell).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, cell, box)
        if width == 390:
            # Named on the phone, as the table's heading is hidden there.
            before = row.locator(".event-presiding").evaluate("e => getComputedStyle(e, '::before').content")
            assert "Chủ trì" in before
        page.screenshot(path=str(SHOTS / f"schedule-week-{width}.png"), full_page=True)
        page.close()

    page = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "chuyenvien", PASSWORD)
    page.goto(f"{live_server.url}/schedule/")
    row = page.locator(f"#event-{event.pk}")
    row.locator(".cancel-event summary").click()
    row.locator("input[name=reason]").fill("Lùi sang tuần sau theo ý kiến Thường trực")
    row.locator(".cancel-form button[type=submit]").click()
    row = page.locator(f"#event-{event.pk}")
    expect(row.locator("del")).to_contain_text("Làm việc với Ban Nội chính")
    expect(row).to_contain_text("Lùi sang tuần sau theo ý kiến Thường trực")
    event.refresh_from_db()
    assert event.is_cancelled and event.cancel_note == "Lùi sang tuần sau theo ý kiến Thường trực"
    page.screenshot(path=str(SHOTS / "schedule-cancelled-390.png"), full_page=True)
    page.close()
