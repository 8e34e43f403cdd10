"""Fixtures of the registry's tests: core's office in miniature (re-exported: pytest
loads core's conftest only for core's own tests) and the registry's seeded data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree
from vanphong.registry.models import DocumentType, IncomingDocument
from vanphong.registry.services import incoming_register


@pytest.fixture
def document_type(db) -> DocumentType:
    """Công văn, seeded by the data migration (so transactional tests need
    `serialized_rollback=True` to find it again after a flush)."""
    return DocumentType.objects.get(code="cong-van")


@pytest.fixture
def report_type(db) -> DocumentType:
    return DocumentType.objects.get(code="bao-cao")


@pytest.fixture
def incoming(tree, document_type) -> Callable[..., IncomingDocument]:  # noqa: F811
    """Registers an incoming document in the city committee's register: a plain,
    valid Công văn received today, changed by keyword."""

    def register(**overrides: Any) -> IncomingDocument:
        kind = overrides.pop("document_type", document_type)
        return incoming_register(**incoming_entry(tree, kind, **overrides))

    return register


def incoming_entry(tree: Tree, document_type: DocumentType, **overrides: Any) -> dict[str, Any]:  # noqa: F811
    today = timezone.localdate()
    entry: dict[str, Any] = {
        "actor": None,
        "organization": tree.city,
        "received_on": today,
        "issuer": "Ban Tổ chức Thành ủy",
        "symbol": "12-CV/BTCTU",
        "document_date": today - dt.timedelta(days=2),
        "document_type": document_type,
        "abstract": "V/v cử cán bộ dự lớp bồi dưỡng",
    }
    entry.update(overrides)
    return entry
