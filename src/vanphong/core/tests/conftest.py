import pytest

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import Tree, make_tree, persona


@pytest.fixture
def tree(db) -> Tree:
    return make_tree()


@pytest.fixture
def clerk(tree):
    return persona(tree, Role.CLERK, Secrecy.CONFIDENTIAL)


@pytest.fixture
def office_chief(tree):
    return persona(tree, Role.OFFICE_CHIEF, Secrecy.SECRET)


@pytest.fixture
def secretary(tree):
    return persona(tree, Role.SECRETARY, Secrecy.TOP_SECRET)


@pytest.fixture
def member(tree):
    from vanphong.core.tests.factories import make_person

    return make_person(organization=tree.cell, role=Role.MEMBER)


@pytest.fixture
def outsider(tree):
    from vanphong.core.tests.factories import make_person

    return make_person(organization=tree.other_province, role=Role.OFFICE_CHIEF, clearance=Secrecy.TOP_SECRET)
