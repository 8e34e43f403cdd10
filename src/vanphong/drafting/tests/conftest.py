"""Fixtures of the drafting tests: the office in miniature (core's personas), the
city's congress terms (numbering needs one), a DEMO authority trusted by the office,
and a signing certificate for the Secretary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from vanphong.core.models import Person, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import Tree, persona
from vanphong.drafting import services
from vanphong.drafting.models import Draft, SignatureForm
from vanphong.registry.models import DocumentType
from vanphong.registry.tests.conftest import terms  # noqa: F401
from vanphong.signatures import ca
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import SigningCredential, TrustAnchor

PIN = "123456"


@pytest.fixture(scope="session")
def authority() -> ca.DemoAuthority:
    now = timezone.now()
    return ca.DemoAuthority.create(
        valid_from=now - dt.timedelta(days=30), valid_to=now + dt.timedelta(days=3650), key_type="ec"
    )


@pytest.fixture
def trusted(db, authority) -> TrustAnchor:
    return TrustAnchor.objects.create(
        name="DEMO", certificate=authority.certificate.public_bytes(serialization.Encoding.DER), is_demo=True
    )


@pytest.fixture
def issue_credential(trusted, authority) -> Callable[..., SigningCredential]:
    """A PKCS#12 credential for `person` (PIN `PIN`), valid from `start` to `end`."""

    def issue(
        person: Person,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        by: ca.DemoAuthority | None = None,
    ) -> SigningCredential:
        now = timezone.now()
        issuer = by or authority
        key, certificate = issuer.issue(
            person.full_name,
            email=None,
            valid_from=start or now - dt.timedelta(days=1),
            valid_to=end or now + dt.timedelta(days=365),
            key_type="ec",
        )
        return signature_services.credential_add_pkcs12(
            actor=None,
            person=person,
            data=ca.pkcs12(key, certificate, [issuer.certificate], PIN),
            passphrase=PIN,
            label=f"DEMO {person.full_name}",
            is_demo=True,
        )

    return issue


@pytest.fixture
def specialist(tree: Tree) -> Person:  # noqa: F811
    return persona(tree, Role.SPECIALIST)


@pytest.fixture
def letter_type(db) -> DocumentType:
    return DocumentType.objects.get(code="cong-van")


@pytest.fixture
def make_draft(tree, specialist, secretary, letter_type, terms) -> Callable[..., Draft]:  # noqa: F811
    """A công văn of the city committee drafted by the specialist, signed T/M BAN
    THƯỜNG VỤ by the Secretary, sent to the bloc and the other province."""

    def make(**overrides: Any) -> Draft:
        values: dict[str, Any] = {
            "actor": specialist,
            "organization": tree.city,
            "document_type": letter_type,
            "abstract": "V/v tổng kết công tác văn phòng cấp ủy năm 2026",
            "place": "Ngọc Sơn",
            "body_html": "<p>Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Thành ủy đề nghị:</p>"
            "<ul><li>Các đảng ủy trực thuộc báo cáo trước ngày 15/12.</li></ul>",
            "signature_form": SignatureForm.ON_BEHALF,
            "on_behalf_of": "Ban Thường vụ",
            "signer": secretary,
            "signer_title": "Bí thư",
            "internal_recipients": [tree.bloc],
            "external_recipients": "Các đồng chí Thành ủy viên",
        }
        values.update(overrides)
        return services.draft_create(**values)

    return make
