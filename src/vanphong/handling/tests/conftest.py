"""Fixtures of the handling tests: core's office in miniature (re-exported: pytest
loads core's conftest only for core's own tests), the leaders and handlers of a
slip, and documents to send."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree, make_person, persona
from vanphong.handling import services
from vanphong.handling.models import TransferSlip
from vanphong.registry.models import DocumentType, IncomingDocument
from vanphong.registry.services import incoming_register

TODAY = timezone.localdate()


def register_document(tree: Tree, clerk: Person, **overrides: Any) -> IncomingDocument:  # noqa: F811
    entry: dict[str, Any] = {
        "actor": clerk,
        "organization": tree.city,
        "received_on": TODAY,
        "issuer": "Ban Tổ chức Trung ương",
        "symbol": "12-CV/BTCTW",
        "document_date": TODAY - dt.timedelta(days=2),
        "document_type": DocumentType.objects.get(code="cong-van"),
        "abstract": "V/v hướng dẫn công tác chuẩn bị đại hội chi bộ",
    }
    entry.update(overrides)
    return incoming_register(**entry)


@pytest.fixture
def deputy(tree):  # noqa: F811
    """A Deputy Secretary: a leader of the committee, but not on the slips below."""
    return persona(tree, Role.DEPUTY_SECRETARY, Secrecy.SECRET)


@pytest.fixture
def uncleared_leader(tree):  # noqa: F811
    """A Standing Committee member without clearance."""
    return persona(tree, Role.STANDING_MEMBER, Secrecy.NONE)


@pytest.fixture
def handler(tree):  # noqa: F811
    """The Secretary of Đảng ủy Sở Tư pháp, far below the city committee: leads the
    handling of the slips below."""
    return make_person(
        organization=tree.grassroots,
        role=Role.SECRETARY,
        clearance=Secrecy.CONFIDENTIAL,
        full_name="Trần Văn Xử Lý",
        email="xuly@example.vn",
    )


@pytest.fixture
def document(tree, clerk):  # noqa: F811
    return register_document(tree, clerk)


@pytest.fixture
def classified(tree, clerk):  # noqa: F811
    return register_document(tree, clerk, secrecy=Secrecy.CONFIDENTIAL, symbol="3-CV/BTCTW")


@pytest.fixture
def sent(clerk, secretary, document) -> TransferSlip:  # noqa: F811
    return services.slip_send(
        actor=clerk, document=document, leaders=[secretary], note="Kính trình đồng chí Bí thư"
    )


@pytest.fixture
def directed(tree, secretary, handler, sent) -> TransferSlip:  # noqa: F811
    return services.slip_direct(
        actor=secretary,
        slip=sent,
        instruction="Giao Đảng ủy Sở Tư pháp chủ trì, báo cáo trước hạn.",
        lead_unit=tree.grassroots,
        lead_person=handler,
        deadline=TODAY + dt.timedelta(days=7),
    )
