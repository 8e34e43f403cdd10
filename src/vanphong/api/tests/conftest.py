"""Fixtures of the API's tests: core's office, handling's slips, the programs' and
the follow-up's (re-exported: pytest loads another app's conftest only for its own
tests), tokens, and a client that sends one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vanphong.api.services import token_issue
from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import persona
from vanphong.followup.tests.conftest import conclusion, heads  # noqa: F401
from vanphong.handling.tests.conftest import (  # noqa: F401
    classified,
    deputy,
    directed,
    document,
    handler,
    sent,
)
from vanphong.programs.tests.conftest import leader, november, specialist, yearly  # noqa: F401

Api = Callable[[Person | None], Client]


@pytest.fixture
def uncleared(tree):  # noqa: F811
    """A specialist of the city office who sees its whole register but holds no
    clearance: classified entries must not exist for them."""
    return persona(tree, Role.SPECIALIST, Secrecy.NONE)


@pytest.fixture
def sysadmin(db) -> Person:
    """The system administrator: a superuser outside the tree, as the demo has one."""
    return Person.objects.create_superuser("quantri", "Quan-tri-2026!", full_name="Quản Trị Hệ Thống")


def bearer(person: Person) -> str:
    _token, plaintext = token_issue(actor=person, person=person, name="thử nghiệm")
    return plaintext


@pytest.fixture
def api(db) -> Api:
    """A client acting as `person` through a fresh token (no token for None);
    English messages unless a test asks otherwise."""

    def client(person: Person | None, language: str = "en") -> Client:
        headers = {"Accept-Language": language}
        if person is not None:
            headers["Authorization"] = f"Bearer {bearer(person)}"
        return Client(headers=headers)

    return client


def queries(client: Client, url: str) -> int:
    """How many queries a GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)
