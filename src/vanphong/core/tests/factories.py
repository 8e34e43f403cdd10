"""The office in miniature, for tests: a small tree and one persona per role.

Trung ương (TW)
├── Thành ủy Ngọc Sơn (TU)                 ← "own organization" for the personas
│   ├── Văn phòng Thành ủy (VPTU)           office staff are members here
│   └── Đảng ủy Khối các cơ quan (ĐUK)
│       └── Đảng ủy Sở Tư pháp (ĐU)          ← "sub-organization"
│           └── Chi bộ Phòng Hành chính (CB)
└── Tỉnh ủy Hà Bắc (TU)                     ← "other branch"
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from vanphong.core import services
from vanphong.core.models import Organization, OrganizationKind, Person, Role, Secrecy

_counter = itertools.count(1)

OFFICE_ROLES = {
    Role.OFFICE_CHIEF,
    Role.OFFICE_DEPUTY_CHIEF,
    Role.SPECIALIST,
    Role.CLERK,
    Role.ARCHIVIST,
    Role.ACCOUNTANT,
}


def kind(code: str) -> OrganizationKind:
    return OrganizationKind.objects.get(code=code)


@dataclass
class Tree:
    central: Organization
    city: Organization
    office: Organization
    bloc: Organization
    grassroots: Organization
    cell: Organization
    other_province: Organization


def make_tree() -> Tree:
    central = services.organization_create(
        actor=None, parent=None, name="Ban Chấp hành Trung ương", abbreviation="TW", kind=kind("central")
    )
    city = services.organization_create(
        actor=None, parent=central, name="Thành ủy Ngọc Sơn", abbreviation="TU", kind=kind("provincial")
    )
    office = services.organization_create(
        actor=None, parent=city, name="Văn phòng Thành ủy", abbreviation="VPTU", kind=kind("office")
    )
    bloc = services.organization_create(
        actor=None,
        parent=city,
        name="Đảng ủy Khối các cơ quan thành phố",
        abbreviation="ĐUK",
        kind=kind("provincial-party"),
    )
    grassroots = services.organization_create(
        actor=None,
        parent=bloc,
        name="Đảng ủy Sở Tư pháp",
        abbreviation="ĐU",
        kind=kind("grassroots-committee"),
    )
    cell = services.organization_create(
        actor=None, parent=grassroots, name="Chi bộ Phòng Hành chính", abbreviation="CB", kind=kind("cell")
    )
    other = services.organization_create(
        actor=None, parent=central, name="Tỉnh ủy Hà Bắc", abbreviation="TU", kind=kind("provincial")
    )
    return Tree(central, city, office, bloc, grassroots, cell, other)


def make_person(
    *,
    organization: Organization | None = None,
    role: Role = Role.MEMBER,
    clearance: Secrecy = Secrecy.NONE,
    full_name: str | None = None,
    password: str | None = "matkhau-thu-nghiem",
    username: str | None = None,
    email: str = "",
) -> Person:
    n = next(_counter)
    return services.person_create(
        actor=None,
        username=username or f"nguoi{n}",
        full_name=full_name or f"Nguyễn Văn Thử {n}",
        password=password,
        clearance=clearance,
        organization=organization,
        role=role,
        started_on=dt.date(2020, 1, 1),
        email=email,
    )


def persona(tree: Tree, role: Role, clearance: Secrecy = Secrecy.NONE) -> Person:
    """A person holding `role` for the city committee: office staff through its
    office, everyone else in the committee itself."""
    home = tree.office if role in OFFICE_ROLES else tree.city
    return make_person(organization=home, role=role, clearance=clearance)


def closed_unit(tree: Tree, *, closed_on: dt.date | None = None) -> tuple[Organization, Person]:
    """A grassroots committee under the bloc, closed on `closed_on` (today by
    default), and its former Secretary, cleared for secrets (so that only the closing
    refuses them), whose role ended that day and who holds no other."""
    unit = services.organization_create(
        actor=None,
        parent=tree.bloc,
        name="Đảng ủy Sở Giao thông (đã sáp nhập)",
        abbreviation="ĐU",
        kind=kind("grassroots-committee"),
    )
    former = make_person(
        organization=unit, role=Role.SECRETARY, clearance=Secrecy.SECRET, full_name="Lê Thị Sáp Nhập"
    )
    services.organization_close(
        actor=None, organization=unit, closed_on=closed_on or timezone.localdate(), note="Sáp nhập"
    )
    unit.refresh_from_db()
    return unit, former


CLERK_PASSWORD = "mat-khau-van-thu"


def city_clerk(tree: Tree, *, password: str = CLERK_PASSWORD) -> Person:
    """Nguyễn Thị Hoa, the city office's văn thư (username `vanthu`), cleared for
    "Mật": the clerk the browser tests sign in as."""
    return make_person(
        organization=tree.office,
        role=Role.CLERK,
        clearance=Secrecy.CONFIDENTIAL,
        username="vanthu",
        full_name="Nguyễn Thị Hoa",
        password=password,
    )
