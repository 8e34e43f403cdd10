"""The demo's schedule, loaded into the test tree with the demo's sign-ins: three
weeks, two published, one change after publishing, one leader booked twice; loaded
once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.schedule import demo, selectors
from vanphong.schedule.models import Event, ScheduleWeek, monday_of

pytestmark = pytest.mark.django_db


def test_the_demo_schedule_around_today():
    tree = make_tree()
    make_person(organization=tree.office, role=Role.SPECIALIST, username="chuyenvien")
    for username, role in (
        ("bithu", Role.SECRETARY),
        ("phobithu", Role.DEPUTY_SECRETARY),
        ("btv", Role.STANDING_MEMBER),
    ):
        make_person(organization=tree.city, role=role, username=username)
    lines: list[str] = []
    counts = demo.load_demo(city=tree.city, out=lines.append)
    assert counts == {"schedule_events": len(demo.EVENTS)} and lines
    monday = monday_of(timezone.localdate())
    weeks = {w.monday: w for w in ScheduleWeek.objects.filter(organization=tree.city)}
    week = dt.timedelta(days=7)
    assert sorted(weeks) == [monday - week, monday, monday + week]
    assert weeks[monday - week].is_published and weeks[monday].is_published
    assert not weeks[monday + week].is_published
    changed = Event.objects.filter(changed_at__isnull=False)
    assert changed.count() == 1 and changed.get().day.weekday() == 4
    page = selectors.week_page(
        make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER), tree.city, monday
    )
    assert page.visible and page.changes == 1 and page.double_bookings == 2
    events = AuditEvent.objects.filter(action__startswith="schedule.").count()
    assert demo.load_demo(city=tree.city, out=lines.append) == counts
    assert AuditEvent.objects.filter(action__startswith="schedule.").count() == events
