"""Fixtures of the voting tests: the meetings' city Standing Committee of six with its
office and a BTV meeting (re-exported), and that meeting under way."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

from collections.abc import Iterable

import pytest

from vanphong.core.models import Person
from vanphong.core.tests.conftest import member, office_chief, outsider, secretary, tree
from vanphong.meetings import services as meeting_services
from vanphong.meetings.models import Meeting
from vanphong.meetings.tests.conftest import Committee, at, committee, media, meeting, pdf_bytes, upload


def run(meeting: Meeting, committee: Committee, present: Iterable[Person]) -> Meeting:
    """Send the invitations, check `present` in and open the meeting (by its chair)."""
    meeting_services.invitations_send(actor=committee.specialist, meeting=meeting)
    for person in present:
        seat = meeting.invitations.get(person=person)
        meeting_services.check_in(actor=committee.specialist, invitation=seat)
    return meeting_services.meeting_open(actor=committee.secretary, meeting=meeting)


@pytest.fixture
def running(meeting: Meeting, committee: Committee) -> Meeting:
    """The BTV meeting of six in progress with five present (the last standing member
    absent): quorum 4 of 6 reached."""
    return run(meeting, committee, committee.btv[:5])
