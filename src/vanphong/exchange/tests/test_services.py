"""Electronic exchange: a signed document sent to each recipient organization, received,
registered there with its signed PDF verified; classified documents refused and the
attempt audited; packages exported and imported, bad ones refused whole."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.attachments.models import Attachment
from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person
from vanphong.drafting import services as drafting_services
from vanphong.drafting.tests.conftest import PIN
from vanphong.exchange import services
from vanphong.exchange.models import Delivery, DeliveryState
from vanphong.registry.models import DocumentType
from vanphong.signatures.models import CheckStatus


@pytest.fixture
def signed(make_draft, specialist, secretary, issue_credential):
    """A công văn of the city committee, signed, to the bloc's committee."""
    draft = drafting_services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])
    return drafting_services.draft_sign(
        actor=secretary, draft=draft, credential=issue_credential(secretary), pin=PIN
    ).outgoing


@pytest.fixture
def bloc_clerk(tree):
    return make_person(organization=tree.bloc, role=Role.CLERK, full_name="Trần Thị Văn Thư Khối")


def test_sending_delivers_the_signed_pdf_to_each_recipient_once(signed, clerk, tree):
    deliveries = services.outgoing_send(actor=clerk, outgoing=signed)
    assert [d.organization for d in deliveries] == [tree.bloc]
    delivery = deliveries[0]
    assert (delivery.state, delivery.symbol, delivery.issuer) == (
        DeliveryState.SENT,
        signed.symbol,
        tree.city.name,
    )
    assert delivery.signature_check.status == CheckStatus.VALID
    with delivery.pdf.open("rb") as handle, signed.draft.signed_pdf.open("rb") as original:
        assert handle.read() == original.read()  # byte for byte what was signed
    with pytest.raises(ValidationError):  # a second click sends nothing more
        services.outgoing_send(actor=clerk, outgoing=signed)
    assert AuditEvent.objects.for_target(signed).filter(action=services.AuditAction.SENT).count() == 1


def test_only_the_issuers_clerk_or_signer_sends(signed, outsider, bloc_clerk):
    for person in (outsider, bloc_clerk):
        with pytest.raises(PermissionDenied):
            services.outgoing_send(actor=person, outgoing=signed)
    assert not Delivery.objects.exists()


def test_a_classified_document_never_travels_and_the_attempt_is_audited(signed, clerk):
    signed.secrecy = Secrecy.CONFIDENTIAL
    signed.save()
    clerk.clearance = Secrecy.CONFIDENTIAL
    clerk.save()
    with pytest.raises(ValidationError) as refused:
        services.outgoing_send(actor=clerk, outgoing=signed)
    assert "cơ yếu" in " ".join(refused.value.messages)
    assert not Delivery.objects.exists()
    attempt = AuditEvent.objects.for_target(signed).get(action=services.AuditAction.SEND_REFUSED)
    assert attempt.actor == clerk


def test_the_recipient_receives_and_registers_it_with_the_pdf_attached(signed, clerk, bloc_clerk, tree):
    delivery = services.outgoing_send(actor=clerk, outgoing=signed)[0]
    assert bloc_clerk.notifications.get().text.endswith("điện tử: hãy vào sổ.")
    with pytest.raises(PermissionDenied):  # the sender's clerk does not register for the bloc
        services.delivery_receive(actor=clerk, delivery=delivery)
    delivery = services.delivery_receive(actor=bloc_clerk, delivery=delivery)
    assert delivery.state == DeliveryState.RECEIVED
    document = services.delivery_register(
        actor=bloc_clerk,
        delivery=delivery,
        received_on=timezone.localdate(),
        issuer=delivery.issuer,
        symbol=delivery.symbol,
        document_date=delivery.document_date,
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract=delivery.abstract,
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.incoming) == (DeliveryState.REGISTERED, document)
    assert document.organization == tree.bloc
    attachment = Attachment.objects.get(document=document)
    assert attachment.sha256 == delivery.sha256
    assert attachment.signature_check.status == CheckStatus.VALID
    with pytest.raises(ValidationError):
        services.delivery_register(
            actor=bloc_clerk,
            delivery=delivery,
            received_on=timezone.localdate(),
            issuer=delivery.issuer,
            symbol=delivery.symbol,
            document_date=delivery.document_date,
            document_type=DocumentType.objects.get(code="cong-van"),
            abstract=delivery.abstract,
        )
    # The sender was told.
    assert clerk.notifications.filter(text__contains=signed.symbol).exists()


def _package(metadata: dict, pdf: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("document.pdf", pdf)
    return buffer.getvalue()


def test_a_package_exported_imports_with_a_valid_signature(signed, bloc_clerk, tree):
    package = services.package_of(signed)
    delivery = services.package_import(actor=bloc_clerk, organization=tree.bloc, data=package)
    assert delivery.outgoing is None and delivery.symbol == signed.symbol
    assert delivery.signature_check.status == CheckStatus.VALID
    assert AuditEvent.objects.for_target(delivery).filter(action=services.AuditAction.IMPORTED).count() == 1


def test_a_tampered_package_shows_as_invalid(signed, bloc_clerk, tree):
    with zipfile.ZipFile(io.BytesIO(services.package_of(signed))) as archive:
        metadata = json.loads(archive.read("metadata.json"))
        pdf = bytearray(archive.read("document.pdf"))
    # Change one byte of the signed content (inside the first stream).
    position = pdf.index(b"stream") + 20
    pdf[position] ^= 0x01
    metadata["sha256"] = hashlib.sha256(bytes(pdf)).hexdigest()
    delivery = services.package_import(
        actor=bloc_clerk, organization=tree.bloc, data=_package(metadata, bytes(pdf))
    )
    assert delivery.signature_check.status == CheckStatus.INVALID


@pytest.mark.parametrize(
    "data, words",
    [
        (b"not a zip", "ZIP"),
        (_package({"issuer": "X"}, b"%PDF-1.7"), "symbol"),
        (
            _package(
                {"issuer": "X", "symbol": "1-CV/TU", "document_date": "hôm qua", "abstract": "A"}, b"%PDF"
            ),
            "hôm qua",
        ),
        (
            _package(
                {
                    "issuer": "X",
                    "symbol": "1",
                    "document_date": "2026-01-02",
                    "abstract": "A",
                    "sha256": "0" * 64,
                },
                b"%PDF-1.7",
            ),
            "SHA-256",
        ),
        (
            _package(
                {"issuer": "X", "symbol": "1", "document_date": "2026-01-02", "abstract": "A"}, b"GIF89a"
            ),
            "PDF",
        ),
    ],
)
def test_a_bad_package_is_refused_whole(data, words, bloc_clerk, tree):
    with pytest.raises(ValidationError) as refused:
        services.package_import(actor=bloc_clerk, organization=tree.bloc, data=data)
    assert words in " ".join(refused.value.messages)
    assert not Delivery.objects.exists()
