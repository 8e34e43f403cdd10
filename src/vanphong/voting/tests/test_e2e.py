"""A secret vote in two browsers: the member's tablet (768 px wide) is on the votes
page before the vote opens; the chair opens a secret ballot on a desktop; the ballot
appears on the tablet without a reload (htmx), the member votes with a big button and
the buttons are gone; the chair sees only how many voted until closing, then the tally
(one in favour, one against: not carried, three of four needed), and the database
holds no choice beside a person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.e2e import sign_in
from vanphong.meetings import services as meeting_services
from vanphong.meetings.models import MeetingKind
from vanphong.voting import services
from vanphong.voting.models import Vote, Voter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def test_a_secret_vote_in_two_browsers(live_server, browser, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = make_tree()
    office = make_person(organization=tree.office, role=Role.SPECIALIST, clearance=Secrecy.SECRET)
    chair = make_person(
        organization=tree.city,
        role=Role.SECRETARY,
        username="bithu",
        full_name="Trần Quốc Hưng",
        password=PASSWORD,
    )
    member = make_person(
        organization=tree.city,
        role=Role.STANDING_MEMBER,
        username="btv",
        full_name="Lê Văn Thắng",
        password=PASSWORD,
    )
    other = make_person(organization=tree.city, role=Role.STANDING_MEMBER, full_name="Phạm Thị Mai")
    make_person(organization=tree.city, role=Role.STANDING_MEMBER, full_name="Vũ Văn Nam")
    start = timezone.now() - dt.timedelta(minutes=30)
    meeting = meeting_services.meeting_create(
        actor=office,
        organization=tree.city,
        kind=MeetingKind.objects.get(code="btv"),
        title="Họp Ban Thường vụ Thành ủy thường kỳ",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        chair=chair,
        secretary=office,
        confirm_double_booking=True,
    )
    meeting_services.invitations_send(actor=office, meeting=meeting)
    for person in (chair, member, other):
        meeting_services.check_in(actor=office, invitation=meeting.invitations.get(person=person))
    meeting_services.meeting_open(actor=chair, meeting=meeting)
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = f"{live_server.url}/voting/meetings/{meeting.pk}/"

    tablet = browser.new_page(locale="vi-VN", viewport={"width": 768, "height": 1024})
    tablet.set_default_timeout(15_000)
    sign_in(tablet, live_server.url, "btv", PASSWORD)
    tablet.goto(url)
    expect(tablet.locator("#no-ballot")).to_be_visible()

    desk = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    desk.on("dialog", lambda dialog: dialog.accept())
    sign_in(desk, live_server.url, "bithu", PASSWORD)
    desk.goto(url)
    expect(desk.locator("#quorum.alert-success")).to_be_visible()
    desk.locator("#id_question").fill("Thông qua phương án nhân sự Ủy ban Kiểm tra")
    desk.locator("#open-vote-form input[value=secret]").check()
    desk.locator("#open-vote-form button[type=submit]").click()
    vote = Vote.objects.get()
    expect(desk.locator(f"#vote-{vote.pk} .vote-state")).to_be_visible()

    # The ballot comes to the tablet by itself (htmx polling), with buttons a finger hits.
    ballot = tablet.locator(f"#ballot-{vote.pk}")
    expect(ballot).to_be_visible()
    button = ballot.locator("button[value=for]")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 600
    tablet.screenshot(path=str(SHOTS / "voting-ballot-tablet.png"), full_page=True)
    # A secret ballot asks before it is cast: dismissed, nothing is sent; accepted, it counts.
    asked: list[str] = []
    label = button.inner_text().strip()

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    tablet.once("dialog", lambda dialog: answer(dialog, False))
    button.click()
    tablet.wait_for_timeout(300)
    assert not Voter.objects.filter(vote=vote).exists()
    expect(button).to_be_visible()
    tablet.once("dialog", lambda dialog: answer(dialog, True))
    button.click()
    expect(tablet.locator(f"#ballot-{vote.pk} .voted")).to_be_visible()
    expect(tablet.locator(f"#ballot-{vote.pk} button")).to_have_count(0)
    assert len(asked) == 2 and all(label in message for message in asked)
    services.ballot_cast(actor=other, vote=vote, choice="against")
    assert Voter.objects.filter(vote=vote).count() == 2

    desk.reload()
    expect(desk.locator(f"#vote-{vote.pk} .secret-pending")).to_contain_text("2")
    expect(desk.locator(f"#vote-{vote.pk} .count-for")).to_have_count(0)
    desk.locator(f"#vote-{vote.pk} .close-vote").click()
    expect(desk.locator("#vote-state")).to_have_attribute("data-state", "closed")
    expect(desk.locator("#tally .count-for")).to_have_text("1")
    expect(desk.locator("#tally .count-against")).to_have_text("1")
    expect(desk.locator("#tally .count-abstain")).to_have_text("0")
    expect(desk.locator("#tally .outcome")).to_have_attribute("data-passed", "no")
    desk.screenshot(path=str(SHOTS / "voting-tally.png"), full_page=True)

    vote.refresh_from_db()
    assert (vote.cast_for, vote.cast_against, vote.majority_needed, vote.passed) == (1, 1, 3, False)
    assert set(Voter.objects.values_list("choice", flat=True)) == {""}
    tablet.reload()
    expect(tablet.locator("#no-ballot")).to_be_visible()
    tablet.screenshot(path=str(SHOTS / "voting-results-tablet.png"), full_page=True)
