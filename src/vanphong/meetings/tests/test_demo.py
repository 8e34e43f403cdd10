"""The demo's meetings, loaded into the test tree with the demo's sign-ins: a closed
BTV meeting with its attendance, an upcoming one with an agenda and open pre-reads;
loaded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.meetings import demo, selectors, services
from vanphong.meetings.models import Meeting, MeetingState, Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_meetings():
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
    lines: list[str] = []
    counts = demo.load_demo(city=tree.city, out=lines.append)
    assert counts == {"meetings": 2} and lines
    past = Meeting.objects.get(title=demo.PAST_TITLE)
    upcoming = Meeting.objects.get(title=demo.UPCOMING_TITLE)
    assert past.state == MeetingState.CLOSED and past.starts_at < timezone.now()
    assert past.event is not None and upcoming.event is not None
    answers = sorted(past.invitations.values_list("response", flat=True))
    assert answers.count(Response.DECLINED) == 1 and answers.count(Response.DELEGATED) == 1
    q = selectors.quorum(past)
    # Six members; one declined, one sent a delegate (not counted): four present of four needed.
    assert (q.members, q.present, q.needed, q.delegates_present, q.reached) == (6, 4, 4, 1, True)
    assert upcoming.state == MeetingState.INVITED and upcoming.prereads_open()
    assert upcoming.invitation_pdf
    btv = upcoming.invitations.get(person__username="btv").person
    uncleared = upcoming.invitations.get(person__username="btv2").person
    titles = list(selectors.items_visible_to(btv, upcoming).values_list("title", flat=True))
    assert len(titles) == 2  # the classified item (Mật) yes, the Standing members' item no
    assert len(selectors.items_visible_to(uncleared, upcoming)) == 1
    document = upcoming.items.get(order=1).documents.first()
    pdf, _name = services.document_open(actor=btv, document=document)
    assert pdf.startswith(b"%PDF")
    # Loading again adds nothing.
    assert demo.load_demo(city=tree.city, out=lines.append) == {"meetings": 2}
