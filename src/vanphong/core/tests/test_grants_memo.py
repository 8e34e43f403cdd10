"""A person's grants are read once per request, and read again after any write."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core import permissions, services
from vanphong.core.models import Role
from vanphong.core.permissions import Action, can, grants_of, grants_remembered
from vanphong.core.tests.factories import make_person, make_tree

pytestmark = pytest.mark.django_db


def _counting_reads():
    return mock.patch.object(permissions, "_read_grants", wraps=permissions._read_grants)


def test_within_a_request_the_grants_are_read_once():
    tree = make_tree()
    chief = make_person(organization=tree.office, role=Role.OFFICE_CHIEF)
    with _counting_reads() as outside:
        for _ in range(3):
            can(chief, Action.VIEW, tree.city)
    with grants_remembered(), _counting_reads() as inside:
        for _ in range(3):
            assert can(chief, Action.VIEW, tree.city)
    assert outside.call_count == 3
    assert inside.call_count == 1


def test_a_write_in_the_request_forgets_the_grants_read_before_it():
    tree = make_tree()
    person = make_person(organization=tree.cell, role=Role.MEMBER)
    with grants_remembered():
        assert not can(person, Action.DRAFT, tree.city)
        services.membership_add(
            actor=None,
            person=person,
            organization=tree.office,
            role=Role.SPECIALIST,
            started_on=timezone.localdate(),
        )
        assert can(person, Action.DRAFT, tree.city)
        assert Role.SPECIALIST in {grant.role for grant in grants_of(person)}


def test_the_middleware_remembers_for_one_page(client):
    tree = make_tree()
    chief = make_person(organization=tree.office, role=Role.OFFICE_CHIEF)
    client.force_login(chief)
    with _counting_reads() as reads:
        assert client.get(reverse("dashboard")).status_code == 200
    assert reads.call_count == 1
