"""The live meeting in two browsers: the chair at desktop width moves to the next item
and the member's tablet-width page shows it within 2 seconds (htmx polling, no reload);
the member asks to speak, the chair sees the request and gives the floor, the member's
page says so; the member's note is saved as they type."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.meetings import selectors, services
from vanphong.meetings.models import MeetingKind, PrivateNote, SpeakerRequest, SpeakerState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_the_chair_runs_the_items_and_the_queue_a_member_follows(live_server, browser):
    tree = make_tree()
    office = make_person(organization=tree.office, role=Role.SPECIALIST, clearance=Secrecy.SECRET)
    chair = make_person(
        organization=tree.city,
        role=Role.SECRETARY,
        username="chutri",
        full_name="Trần Quốc Hưng",
        password=PASSWORD,
        clearance=Secrecy.SECRET,
    )
    member = make_person(
        organization=tree.city,
        role=Role.STANDING_MEMBER,
        username="btv",
        full_name="Lê Văn Thắng",
        password=PASSWORD,
    )
    make_person(organization=tree.city, role=Role.STANDING_MEMBER, full_name="Phạm Thị Mai")
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8)))
    meeting = services.meeting_create(
        actor=office,
        organization=tree.city,
        kind=MeetingKind.objects.get(code="btv"),
        title="Họp Ban Thường vụ Thành ủy thường kỳ",
        starts_at=starts,
        chair=chair,
    )
    titles = [
        "Báo cáo tình hình kinh tế – xã hội năm 2026",
        "Chương trình công tác năm 2027",
        "Công tác cán bộ",
    ]
    for title in titles:
        services.item_add(actor=office, meeting=meeting, title=title)
    services.invitations_send(actor=office, meeting=meeting)
    services.meeting_open(actor=chair, meeting=meeting)
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = f"{live_server.url}/meetings/{meeting.pk}/live/"

    desk = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    sign_in(desk, live_server.url, "chutri", PASSWORD)
    desk.goto(url)
    expect(desk.locator("#live-item-title")).to_contain_text(titles[0])

    tablet = browser.new_page(locale="vi-VN", viewport={"width": 800, "height": 1280})
    tablet.set_default_timeout(15_000)
    sign_in(tablet, live_server.url, "btv", PASSWORD)
    tablet.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    tablet.locator("#live-link").click()
    expect(tablet.locator("#live-item-title")).to_contain_text(titles[0])
    assert tablet.locator("#live-next").count() == 0

    # The chair moves on; the member's page follows within 2 s, without a reload.
    tablet.evaluate("window.notReloaded = true")
    desk.locator("#live-next").click()
    expect(desk.locator("#live-item-title")).to_contain_text(titles[1])
    clicked = time.monotonic()
    expect(tablet.locator("#live-item-title")).to_contain_text(titles[1], timeout=2_000)
    assert time.monotonic() - clicked < 2
    assert tablet.evaluate("window.notReloaded") is True

    # The member asks to speak; the chair's queue shows it and gives the floor.
    tablet.locator("#live-register").click()
    expect(tablet.locator("#live-withdraw")).to_be_visible()
    request = SpeakerRequest.objects.get(person=member)
    expect(desk.locator(f"#speaker-{request.pk}")).to_contain_text("Lê Văn Thắng", timeout=3_000)
    desk.screenshot(path=str(SHOTS / "meetings-live-chair.png"), full_page=True)
    desk.locator(f"#speaker-{request.pk} button").click()
    expect(desk.locator(f"#speaker-{request.pk}")).to_have_attribute("data-state", "speaking")
    expect(tablet.locator("#my-floor")).to_be_visible(timeout=2_000)
    request.refresh_from_db()
    assert request.state == SpeakerState.SPEAKING
    desk.locator(f"#speaker-{request.pk} button").click()
    expect(desk.locator("#live-queue-empty")).to_be_visible()
    spoken = selectors.speakers_of(meeting)
    assert [(entry.item.title, [s.person for s in entry.speakers]) for entry in spoken] == [
        (titles[1], [member])
    ]

    # A private note, saved as it is typed.
    second = meeting.items.get(order=2)
    tablet.locator(f"#note-text-{second.pk}-item").fill("Đề nghị bổ sung chỉ tiêu chuyển đổi số")
    expect(tablet.locator(f"#note-status-{second.pk}-item")).not_to_be_empty()
    assert (
        PrivateNote.objects.get(author=member, item=second).text == "Đề nghị bổ sung chỉ tiêu chuyển đổi số"
    )
    tablet.screenshot(path=str(SHOTS / "meetings-live-tablet.png"), full_page=True)
    phone = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844})
    sign_in(phone, live_server.url, "btv", PASSWORD)
    phone.goto(url)
    expect(phone.locator("#live-item-title")).to_contain_text(titles[1])
    phone.screenshot(path=str(SHOTS / "meetings-live-phone.png"), full_page=True)

    # The chair opens a vote: the member's live page shows it within 2 s and leads to
    # the ballot (voting declares it; meetings shows it).
    from vanphong.voting import services as voting

    for person in (chair, member):
        services.check_in(actor=office, invitation=meeting.invitations.get(person=person))
    vote = voting.vote_open(
        actor=chair, meeting=meeting, question="Thông qua Chương trình công tác", kind="secret"
    )
    notice = tablet.locator("[data-notice]")
    expect(notice).to_contain_text("Thông qua Chương trình công tác", timeout=2_000)
    tablet.screenshot(path=str(SHOTS / "meetings-live-vote.png"), full_page=True)
    notice.locator("a").click()
    expect(tablet.locator(f"#ballot-{vote.pk}")).to_be_visible()
    voting.vote_close(actor=chair, vote=vote)
    tablet.goto(url)
    expect(tablet.locator("#live-item-title")).to_contain_text(titles[1])
    assert tablet.locator("[data-notice]").count() == 0
