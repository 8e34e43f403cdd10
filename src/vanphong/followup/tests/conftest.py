# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from vanphong.core.models import Person, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree
from vanphong.core.tests.factories import Tree, make_person
from vanphong.followup import services
from vanphong.followup.models import Conclusion
from vanphong.registry.tests.conftest import document_type, outgoing, terms

ISSUED = dt.date(2026, 11, 2)


@dataclass
class Heads:
    bloc: Person
    grassroots: Person
    office: Person


@pytest.fixture
def heads(tree) -> Heads:
    """The heads of the three units the tasks go to, with e-mail addresses."""
    return Heads(
        bloc=make_person(organization=tree.bloc, role=Role.SECRETARY, email="bt.khoi@example.vn"),
        grassroots=make_person(organization=tree.grassroots, role=Role.SECRETARY, email="bt.stp@example.vn"),
        office=make_person(organization=tree.office, role=Role.OFFICE_DEPUTY_CHIEF, email="pcvp@example.vn"),
    )


@pytest.fixture
def conclusion(tree, office_chief) -> Conclusion:
    return services.conclusion_create(
        actor=office_chief,
        organization=tree.city,
        kind="KL",
        symbol="125-KL/TU",
        issued_on=ISSUED,
        title="Kết luận của Ban Thường vụ về công tác chuẩn bị đại hội chi bộ",
    )
