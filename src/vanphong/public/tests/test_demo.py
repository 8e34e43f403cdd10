"""The demo's public site on a small tree: the office's chuyenvien writes and publishes
the announcements and news (audited), six weeks of counts; a second load writes nothing."""

from __future__ import annotations

import pytest

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person
from vanphong.public import demo, selectors
from vanphong.public.models import VisitDay

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_announcements_and_news_of_the_city(client, tree):
    make_person(organization=tree.office, role=Role.SPECIALIST, username="chuyenvien")
    said: list[str] = []
    assert demo.load_demo(city=tree.bloc, out=said.append) == {}  # not the site's committee
    counts = demo.load_demo(city=tree.city, out=said.append)
    assert counts == {"public_announcements": 5} and said[0].startswith("Trang công khai")
    assert selectors.published(tree.city).filter(kind="news").count() == 3
    assert AuditEvent.objects.filter(action="public.announcement_published").count() == 5
    assert VisitDay.objects.count() == 42 and not VisitDay.objects.exclude(salt="").exists()
    page = client.get("/cong-khai/").content.decode()
    assert "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 5" in page and tree.city.name in page
    events = AuditEvent.objects.count()
    assert demo.load_demo(city=tree.city, out=said.append) == counts
    assert AuditEvent.objects.count() == events
