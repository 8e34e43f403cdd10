"""The demo's votes: a secret ballot on the past BTV meeting, closed and carried, and
an open written consultation with two answers and reminders; loaded once."""

from __future__ import annotations

import pytest

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.meetings import demo as meetings_demo
from vanphong.voting import demo, selectors
from vanphong.voting.models import Consultation, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_votes():
    tree = make_tree()
    make_person(
        organization=tree.office, role=Role.SPECIALIST, username="chuyenvien", clearance=Secrecy.SECRET
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
    assert demo.load_demo(city=tree.city, out=lambda line: None) == {}  # no meetings yet
    meetings_demo.load_demo(city=tree.city, out=lambda line: None)
    lines: list[str] = []
    assert demo.load_demo(city=tree.city, out=lines.append) == {"votes": 1, "consultations": 1}
    assert lines
    vote = Vote.objects.get()
    [result] = selectors.results_for_meeting(vote.meeting)
    assert result.closed and result.kind == "secret" and result.named == []
    assert (result.votes_for, result.members, result.present, result.majority_needed, result.passed) == (
        4,
        6,
        4,
        4,
        True,
    )
    consultation = Consultation.objects.get()
    tally = selectors.consultation_tally(consultation)
    assert (tally.members, tally.answered, tally.votes_for, tally.votes_against) == (6, 2, 1, 1)
    assert not consultation.is_closed and consultation.documents.count() == 1
    # Its document titled in words, not by a file name.
    assert consultation.documents.get().title == "Dự thảo Quy chế làm việc của Ban Thường vụ Thành ủy"
    assert set(
        consultation.recipients.filter(answered_at__isnull=True).values_list("reminders", flat=True)
    ) == {1}
    assert demo.load_demo(city=tree.city, out=lines.append) == {"votes": 1, "consultations": 1}
    assert Vote.objects.count() == 1 and Consultation.objects.count() == 1
