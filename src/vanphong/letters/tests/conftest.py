# ruff: noqa: F401, F811  (fixtures imported from other apps, used as arguments)
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vanphong.core.models import Person, Role, Secrecy
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree
from vanphong.core.tests.factories import Tree, make_person, persona
from vanphong.letters import services
from vanphong.letters.models import Channel, Letter, LetterKind

DENOUNCER = "Trần Văn Tố"


@pytest.fixture
def specialist(tree: Tree) -> Person:
    return persona(tree, Role.SPECIALIST, Secrecy.CONFIDENTIAL)


@pytest.fixture
def handler(tree: Tree) -> Person:
    """A specialist of the bloc's committee, to whom a letter is assigned."""
    return make_person(organization=tree.bloc, role=Role.SPECIALIST, full_name="Lê Thị Xử Lý")


@pytest.fixture
def rules(tree: Tree) -> None:
    services.rules_update(actor=None, organization=tree.city, receives_public_form=True)


def register(actor: Person, tree: Tree, **changes: Any) -> Letter:
    values: dict[str, Any] = {
        "organization": tree.city,
        "channel": Channel.POST,
        "kind": LetterKind.PETITION,
        "received_on": timezone.localdate() - dt.timedelta(days=3),
        "subject": "Kiến nghị sửa chữa đường liên thôn",
        "content": "Đường liên thôn xuống cấp nghiêm trọng sau mùa mưa.",
        "sender_name": "Nguyễn Văn An",
        "sender_contact": "0912 345 678",
        "sender_address": "Thôn Đông, xã Ngọc Sơn",
    }
    values.update(changes)
    return services.letter_register(actor=actor, **values)


@pytest.fixture
def denunciation(clerk: Person, tree: Tree) -> Letter:
    return register(
        clerk,
        tree,
        kind=LetterKind.DENUNCIATION,
        subject="Tố cáo cán bộ địa chính nhận tiền khi cấp giấy chứng nhận",
        content="Ông X, cán bộ địa chính xã, nhận 20 triệu đồng của hộ gia đình tôi.",
        sender_name=DENOUNCER,
        sender_contact="0987 654 321",
        sender_address="Tổ 5, phường Bình Minh",
    )
