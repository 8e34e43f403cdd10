"""The calendar link in a real browser: a leader opens the week (the event's kind
shows), makes their calendar link, and a calendar program that never signed in reads
the published week from it; after a new link, the old one reads nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.schedule import services
from vanphong.schedule.models import EventKind, monday_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_a_leader_makes_a_calendar_link_that_a_calendar_program_reads(live_server, browser):
    tree = make_tree()
    office = make_person(organization=tree.office, role=Role.SPECIALIST)
    make_person(
        organization=tree.city,
        role=Role.SECRETARY,
        username="bithu",
        full_name="Trần Quốc Hưng",
        password=PASSWORD,
    )
    tuesday = monday_of(timezone.localdate()) + dt.timedelta(days=1)
    event = services.event_create(
        actor=office,
        organization=tree.city,
        day=tuesday,
        kind=EventKind.STANDING_COMMITTEE,
        title="Họp Ban Thường vụ Thành ủy thường kỳ",
        starts_at=dt.time(8, 0),
    )
    services.week_publish(actor=office, organization=tree.city, day=tuesday)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, "bithu", PASSWORD)
    page.locator('#nav a[href="/schedule/"]').click()
    expect(page.locator(f"#event-{event.pk} .event-kind")).to_have_attribute(
        "data-kind", "standing_committee"
    )
    page.locator("#make-calendar-link").click()
    address = page.locator("#calendar-link-address")
    expect(address).to_be_visible()
    link = address.input_value()
    assert link.startswith(live_server.url + f"/schedule/{tree.city.pk}/calendar/lich_") and link.endswith(
        ".ics"
    )
    page.screenshot(path=str(SHOTS / "schedule-calendar-link.png"), full_page=True)

    # A calendar program: no session, no cookie.
    program = browser.new_context()
    answer = program.request.get(link)
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["summary"]) for e in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")]
    assert summaries == ["Họp Ban Thường vụ Thành ủy thường kỳ"]

    page.goto(live_server.url + f"/schedule/{tree.city.pk}/")
    expect(page.locator("#calendar-link-state")).to_be_visible()
    page.screenshot(path=str(SHOTS / "schedule-week-calendar-link.png"), full_page=True)
    page.locator("#make-calendar-link").click()
    renewed = page.locator("#calendar-link-address").input_value()
    assert renewed != link
    assert program.request.get(link).status == 404 and program.request.get(renewed).ok
    program.close()
    page.close()
