"""Fixtures of the work programs' tests: the city committee's tree and personas (from
core's), a leader of the committee, and its yearly and November programs of 2026."""

import pytest

from vanphong.core.models import Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import make_person, persona
from vanphong.programs import services
from vanphong.programs.models import ProgramKind

YEAR = 2026


@pytest.fixture
def specialist(tree):  # noqa: F811
    return persona(tree, Role.SPECIALIST)


@pytest.fixture
def leader(tree):  # noqa: F811
    return make_person(organization=tree.city, role=Role.STANDING_MEMBER, full_name="Lê Văn Thắng")


@pytest.fixture
def yearly(specialist, tree):  # noqa: F811
    return services.program_create(actor=specialist, organization=tree.city, kind=ProgramKind.YEAR, year=YEAR)


@pytest.fixture
def november(specialist, tree):  # noqa: F811
    return services.program_create(
        actor=specialist, organization=tree.city, kind=ProgramKind.MONTH, year=YEAR, period=11
    )
