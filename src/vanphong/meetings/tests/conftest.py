"""Fixtures of the meetings' tests: core's office in miniature (re-exported) and a
city Standing Committee of six with its office."""

# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.conftest import member, office_chief, outsider, secretary, tree
from vanphong.core.tests.factories import Tree, make_person
from vanphong.meetings import services
from vanphong.meetings.models import Meeting, MeetingKind


@dataclass
class Committee:
    """The city's BTV: the Secretary, a Deputy, four standing members (one cleared
    for Mật only, one for nothing), two committee members (BCH only), and the office:
    its chief and a specialist who keeps the meetings."""

    secretary: Person
    deputy: Person
    standing: list[Person]
    committee_members: list[Person]
    office_chief: Person
    specialist: Person

    @property
    def btv(self) -> list[Person]:
        return [self.secretary, self.deputy, *self.standing]


@pytest.fixture
def committee(tree: Tree) -> Committee:
    secretary = make_person(
        organization=tree.city, role=Role.SECRETARY, clearance=Secrecy.TOP_SECRET, full_name="Trần Quốc Bình"
    )
    deputy = make_person(
        organization=tree.city, role=Role.DEPUTY_SECRETARY, clearance=Secrecy.SECRET, full_name="Lê Thị Hạnh"
    )
    standing = [
        make_person(
            organization=tree.city,
            role=Role.STANDING_MEMBER,
            clearance=Secrecy.SECRET,
            full_name="Phạm Văn Cường",
        ),
        make_person(
            organization=tree.city,
            role=Role.STANDING_MEMBER,
            clearance=Secrecy.SECRET,
            full_name="Đỗ Minh Đức",
        ),
        make_person(
            organization=tree.city,
            role=Role.STANDING_MEMBER,
            clearance=Secrecy.CONFIDENTIAL,
            full_name="Vũ Thị Em",
        ),
        make_person(
            organization=tree.city,
            role=Role.STANDING_MEMBER,
            clearance=Secrecy.NONE,
            full_name="Hoàng Văn Giang",
        ),
    ]
    committee_members = [
        make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER, full_name="Ngô Thị Hoa"),
        make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER, full_name="Bùi Văn Khoa"),
    ]
    chief = make_person(
        organization=tree.office,
        role=Role.OFFICE_CHIEF,
        clearance=Secrecy.SECRET,
        full_name="Nguyễn Thị Lan",
        email="chanhvp@example.vn",
    )
    specialist = make_person(
        organization=tree.office, role=Role.SPECIALIST, clearance=Secrecy.SECRET, full_name="Đặng Văn Minh"
    )
    return Committee(secretary, deputy, standing, committee_members, chief, specialist)


def btv_kind() -> MeetingKind:
    return MeetingKind.objects.get(code="btv")


def at(days: int, hour: int = 8) -> dt.datetime:
    """A moment `days` from today at `hour` o'clock, local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def meeting(tree: Tree, committee: Committee) -> Meeting:
    return services.meeting_create(
        actor=committee.specialist,
        organization=tree.city,
        kind=btv_kind(),
        title="Họp Ban Thường vụ Thành ủy tháng 12",
        starts_at=at(5),
        ends_at=at(5, 11),
        place="Phòng họp số 1, Thành ủy",
        chair=committee.secretary,
        secretary=committee.specialist,
        preread_days=3,
    )


def pdf_bytes(pages: int = 3, text: str = "Dự thảo báo cáo") -> bytes:
    """A small PDF of `pages` pages, made as the app makes its own."""
    from vanphong.core.printing import pdf_from_html

    body = "".join(
        f"<section style='page-break-after: always'><p>{text}, trang {n + 1}</p></section>"
        for n in range(pages)
    )
    return pdf_from_html(f"<!doctype html><meta charset='utf-8'><body>{body}</body>")


def upload(data: bytes | None = None, name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its files in a directory of its own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
