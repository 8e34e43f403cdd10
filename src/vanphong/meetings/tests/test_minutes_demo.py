"""The demo's past BTV meeting with its paperwork (issue 9, item 9): the minutes and the
concluding notice signed through drafting, the votes in the minutes, the notice's
tasks on the follow-up board; loaded once."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import pytest
from django.utils import timezone

from vanphong.core import services as core_services
from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.factories import kind, make_person, make_tree
from vanphong.drafting.models import DraftState
from vanphong.drafting.tests.conftest import authority, issue_credential, trusted
from vanphong.followup import selectors as followup_selectors
from vanphong.meetings import demo
from vanphong.meetings.models import Meeting, MeetingPapers
from vanphong.registry.tests.conftest import TERM_17_START
from vanphong.voting.models import Vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_past_meeting_has_minutes_and_a_notice_on_the_board(issue_credential):
    tree = make_tree()
    core_services.term_add(actor=None, organization=tree.city, number=17, started_on=TERM_17_START)
    for name, abbreviation in (("Ban Tổ chức Thành ủy", "BTCTU"), ("Ủy ban Kiểm tra Thành ủy", "UBKTTU")):
        core_services.organization_create(
            actor=None, parent=tree.city, name=name, abbreviation=abbreviation, kind=kind("board")
        )
    make_person(
        organization=tree.office, role=Role.SPECIALIST, username="chuyenvien", clearance=Secrecy.SECRET
    )
    make_person(
        organization=tree.office, role=Role.OFFICE_CHIEF, username="chanhvp", clearance=Secrecy.SECRET
    )
    for username, role, clearance in (
        ("bithu", Role.SECRETARY, Secrecy.TOP_SECRET),
        ("phobithu", Role.DEPUTY_SECRETARY, Secrecy.TOP_SECRET),
        ("btv", Role.STANDING_MEMBER, Secrecy.SECRET),
        ("btv2", Role.STANDING_MEMBER, Secrecy.NONE),
        ("btv3", Role.STANDING_MEMBER, Secrecy.NONE),
        ("btv4", Role.STANDING_MEMBER, Secrecy.NONE),
        ("capuy", Role.COMMITTEE_MEMBER, Secrecy.CONFIDENTIAL),
    ):
        make_person(organization=tree.city, role=role, username=username, clearance=clearance)
    issue_credential(Person.objects.get(username="bithu"))  # the DEMO certificate, PIN 123456
    lines: list[str] = []
    assert demo.load_demo(city=tree.city, out=lines.append) == {"meetings": 2, "meeting_papers": 1}
    past = Meeting.objects.get(title=demo.PAST_TITLE)
    papers = MeetingPapers.objects.get(meeting=past)
    assert papers.minutes.state == DraftState.SIGNED and papers.minutes.outgoing.symbol == "01-BB/TU"
    assert papers.notice.state == DraftState.SIGNED and papers.notice.outgoing.symbol == "01-TB/TU"
    # Dated the meeting's day or the day after, never days later.
    held_on = timezone.localtime(past.starts_at).date()
    for paper in (papers.minutes, papers.notice):
        assert 0 <= (paper.outgoing.issued_on - held_on).days <= 1
    # The minutes carry the meeting's secretary beside the chair; the giấy mời its number.
    assert papers.minutes.cosigner == past.secretary
    assert past.invitation_outgoing.symbol == "01-GM/TU" and past.invitation_outgoing.issued_on <= held_on
    # The voting demo ran first: the minutes report its secret ballot.
    vote = Vote.objects.get(meeting=past)
    assert vote.question in papers.minutes.body_html and "bỏ phiếu kín" in papers.minutes.body_html
    assert "4/6 đồng chí" in papers.minutes.body_html
    assert papers.conclusion is not None and papers.conclusion.outgoing == papers.notice.outgoing
    assert papers.conclusion.tasks.count() == len(demo.TASKS)
    board = followup_selectors.board(tree.city)
    assert board.total.total == 3
    assert {row.label for row in board.by_unit} == {"Ban Tổ chức Thành ủy", "Văn phòng Thành ủy"}
    assert any("nhiệm vụ trên bảng theo dõi" in line for line in lines)
    # Loading again adds nothing.
    assert demo.load_demo(city=tree.city, out=lines.append) == {"meetings": 2, "meeting_papers": 1}
    assert papers.conclusion.tasks.count() == 3 and Vote.objects.count() == 1
