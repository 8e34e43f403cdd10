# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from PIL import Image

from vanphong.core.models import Person, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree
from vanphong.core.tests.factories import Tree, make_person
from vanphong.public import services, visits
from vanphong.public.models import Announcement


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    visits.store().clear()
    visits.reset_process_state()
    yield
    cache.clear()
    visits.store().clear()
    visits.reset_process_state()


@pytest.fixture
def specialist(tree: Tree) -> Person:
    """A specialist of the city committee's office: writes the public site."""
    return make_person(organization=tree.office, role=Role.SPECIALIST, full_name="Lê Minh Thư")


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def published(tree: Tree, specialist: Person) -> Announcement:
    item = services.announcement_create(
        actor=specialist,
        organization=tree.city,
        kind="announcement",
        title="Thông báo lịch tiếp công dân tháng 12",
        body="Thường trực Thành ủy tiếp công dân vào ngày 15 hằng tháng.\n\nĐịa điểm: trụ sở Thành ủy.",
    )
    services.announcement_publish(actor=specialist, announcement=item)
    return item
