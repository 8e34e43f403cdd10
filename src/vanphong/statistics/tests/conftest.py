"""Fixtures of the statistics' tests: core's office in miniature (re-exported) and
`roll`: members on the rolls of the Khối's units at the end of 2025's third and
fourth quarters, made through core's services, with what each figure must count.

Under the Khối (ĐUK):
- Đảng ủy Sở Tư pháp (ĐU) with two cells:
  - Chi bộ Phòng Hành chính: `turns_30` (M, 30 on 31/12/2025), `admitted` (F, 29,
    admitted 10/11/2025), `turns_60` (F, 60 on 31/12/2025, also the ĐU's Secretary:
    a seat, not a second place on a roll), `turns_61` (M), `left` (M, off the roll
    on 15/10/2025);
  - Chi bộ Phòng Tổ chức: `admitted_q3` (F, 45, admitted 15/08/2025), `unknown`
    (no gender, no date of birth);
- Chi bộ cơ sở Trường Chính trị (members on its own roll): `direct` (M, 35),
  `arrived` (F, 55, on the roll from 05/10/2025).

On 31/12/2025: ĐU 6, the Trường 2, the Khối 8; men 3, women 4, not recorded 1;
under 30: 1, 30–45: 3, 46–60: 2, over 60: 1, no date of birth: 1; admitted in Q4: 1.
On 30/09/2025: ĐU 6, the Trường 1, the Khối 7; admitted in Q3: 1."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from vanphong.core import services
from vanphong.core.models import Organization, Person, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree, kind

AS_OF = dt.date(2025, 12, 31)
PREVIOUS = dt.date(2025, 9, 30)
_n = itertools.count(1)


@dataclass
class Roll:
    tree: Tree
    cell2: Organization
    school: Organization
    people: dict[str, Person]


def add_member(
    organization: Organization,
    *,
    gender: str = "",
    birth: dt.date | None = None,
    joined: dt.date | None = None,
    started: dt.date = dt.date(2020, 1, 1),
    name: str = "",
) -> Person:
    n = next(_n)
    return services.person_create(
        actor=None,
        username=f"dangvien{n}",
        full_name=name or f"Trần Văn Đảng Viên {n}",
        gender=gender,
        birth_date=birth,
        joined_party_on=joined,
        organization=organization,
        role=Role.MEMBER,
        started_on=started,
    )


def make_roll(office: Tree) -> Roll:
    cell2 = services.organization_create(
        actor=None,
        parent=office.grassroots,
        name="Chi bộ Phòng Tổ chức",
        abbreviation="CB",
        kind=kind("cell"),
    )
    school = services.organization_create(
        actor=None,
        parent=office.bloc,
        name="Chi bộ cơ sở Trường Chính trị",
        abbreviation="CB",
        kind=kind("grassroots-cell"),
    )
    d = dt.date
    people = {
        "turns_30": add_member(office.cell, gender="M", birth=d(1995, 12, 31), joined=d(2015, 5, 1)),
        "admitted": add_member(
            office.cell, gender="F", birth=d(1996, 1, 1), joined=d(2025, 11, 10), started=d(2025, 11, 10)
        ),
        "turns_60": add_member(office.cell, gender="F", birth=d(1965, 12, 31), joined=d(1990, 1, 1)),
        "turns_61": add_member(office.cell, gender="M", birth=d(1964, 12, 31), joined=d(1985, 1, 1)),
        "left": add_member(office.cell, gender="M", birth=d(1980, 6, 1), joined=d(2005, 1, 1)),
        "admitted_q3": add_member(
            cell2, gender="F", birth=d(1980, 1, 1), joined=d(2025, 8, 15), started=d(2025, 8, 15)
        ),
        "unknown": add_member(cell2),
        "direct": add_member(school, gender="M", birth=d(1990, 3, 3), joined=d(2010, 1, 1)),
        "arrived": add_member(
            school, gender="F", birth=d(1970, 1, 1), joined=d(2000, 1, 1), started=d(2025, 10, 5)
        ),
    }
    left = people["left"].memberships.get()
    services.membership_end(actor=None, membership=left, ended_on=d(2025, 10, 15))
    services.membership_add(
        actor=None,
        person=people["turns_60"],
        organization=office.grassroots,
        role=Role.SECRETARY,
        started_on=d(2020, 10, 1),
    )
    office.bloc.refresh_from_db()
    office.grassroots.refresh_from_db()
    return Roll(office, cell2, school, people)


@pytest.fixture
def roll(tree) -> Roll:  # noqa: F811
    return make_roll(tree)
