"""Fixtures of the registry's tests: core's office in miniature (re-exported: pytest
loads core's conftest only for core's own tests) and the registry's seeded data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from vanphong.core import audit
from vanphong.core import services as core_services
from vanphong.core.models import AuditEvent, CongressTerm, Person
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanphong.registry.services import incoming_register, outgoing_register

# The city committee's terms in the tests: the 16th ended a month ago, the 17th runs.
TERM_16_START = dt.date(2020, 10, 15)
TERM_17_START = timezone.localdate() - dt.timedelta(days=30)


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


@pytest.fixture
def terms(tree) -> tuple[CongressTerm, CongressTerm]:  # noqa: F811
    """The city committee's 16th term (ended) and 17th (current)."""
    return (
        core_services.term_add(
            actor=None,
            organization=tree.city,
            number=16,
            started_on=TERM_16_START,
            ended_on=TERM_17_START - dt.timedelta(days=1),
        ),
        core_services.term_add(actor=None, organization=tree.city, number=17, started_on=TERM_17_START),
    )


@pytest.fixture
def outgoing(tree, terms, document_type, secretary) -> Callable[..., OutgoingDocument]:  # noqa: F811
    """Numbers an outgoing document of the city committee: a plain Công văn issued
    today and signed by the Secretary, changed by keyword."""

    def register(**overrides: Any) -> OutgoingDocument:
        kind = overrides.pop("document_type", document_type)
        return outgoing_register(**outgoing_entry(tree, kind, secretary, **overrides))

    return register


def outgoing_entry(
    tree: Tree,  # noqa: F811
    document_type: DocumentType,
    signer: Person,
    /,
    **overrides: Any,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "actor": None,
        "organization": tree.city,
        "issued_on": timezone.localdate(),
        "document_type": document_type,
        "abstract": "V/v chuẩn bị hội nghị Ban Chấp hành Đảng bộ thành phố",
        "signer": signer,
        "signer_title": "T/M BAN THƯỜNG VỤ / BÍ THƯ",
        "recipients": "Các đảng ủy trực thuộc,\nLưu Văn phòng Thành ủy.",
    }
    entry.update(overrides)
    return entry


@pytest.fixture
def audit_fails_on_note(monkeypatch) -> str:
    """The audit write fails for an entry whose note is "hỏng" (after its number is
    drawn, so the number must be given back); returns that note."""
    real_record = audit.record

    def record_failing_for_marked(**kwargs: Any) -> AuditEvent:
        if getattr(kwargs["target"], "note", "") == "hỏng":
            raise ValidationError({"note": "Ghi chú này làm hỏng việc vào sổ."})
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", record_failing_for_marked)
    return "hỏng"
