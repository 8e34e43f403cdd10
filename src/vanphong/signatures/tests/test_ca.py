"""The DEMO certificate authority: what its certificates, PKCS#12 files and CRLs say,
and that nothing it issues can pass for a real certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_format
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vanphong.signatures.ca import (
    DEFAULT_CA_NAME,
    DEMO_MARK,
    DOCUMENT_SIGNING,
    DemoAuthority,
    pkcs12,
)
from vanphong.signatures.pdf import SignatureBox, Trust, VerificationStatus, load_pkcs12, sign, verify
from vanphong.signatures.tests.conftest import DAY, NOW, Pki


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return str(name.get_attributes_for_oid(oid)[0].value)


def _pkcs8(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_the_authority_is_a_self_signed_root_marked_demo(pki: Pki):
    certificate = pki.ca.certificate
    assert certificate.subject == certificate.issuer
    certificate.verify_directly_issued_by(certificate)
    assert (
        _attribute(certificate.subject, NameOID.COMMON_NAME)
        == DEFAULT_CA_NAME
        == ("vanphong DEMO CA — không dùng thật")
    )
    assert DEMO_MARK in _attribute(certificate.subject, NameOID.ORGANIZATION_NAME)
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert isinstance(pki.ca.key, rsa.RSAPrivateKey) and pki.ca.key.key_size == 2048
    assert (certificate.not_valid_before_utc, certificate.not_valid_after_utc) == (
        NOW - 3650 * DAY,
        NOW + 3650 * DAY,
    )


def test_the_authority_survives_pem_and_back(pki: Pki):
    pem = pki.ca.to_pem()
    # The key is stored unencrypted: acceptable for a demo CA only.
    assert b"-----BEGIN PRIVATE KEY-----" in pem and b"ENCRYPTED" not in pem
    again = DemoAuthority.from_pem(pem)
    assert again.certificate == pki.ca.certificate
    assert _pkcs8(again.key) == _pkcs8(pki.ca.key)
    # What it issues chains to the original.
    _key, certificate = again.issue("Ngô Thị Lan", email=None, valid_from=NOW, valid_to=NOW + DAY)
    certificate.verify_directly_issued_by(pki.ca.certificate)


def test_a_pem_whose_certificate_is_not_of_its_key_is_refused(pki: Pki):
    mixed = pki.ca.to_pem().split(b"-----BEGIN CERTIFICATE-----")[
        0
    ] + pki.stranger_ca.certificate.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(ValueError, match="certificate"):
        DemoAuthority.from_pem(mixed)


def test_a_person_certificate_is_for_signing_documents_and_says_demo(pki: Pki):
    key, certificate = pki.ca.issue(
        "Nguyễn Thị Hồng Nhung",
        email="nhung.nth@example.vn",
        valid_from=NOW,
        valid_to=NOW + 365 * DAY,
        serial=0x1234ABCD,
    )
    certificate.verify_directly_issued_by(pki.ca.certificate)
    assert certificate.public_key() == key.public_key()
    assert certificate.serial_number == 0x1234ABCD
    assert (certificate.not_valid_before_utc, certificate.not_valid_after_utc) == (NOW, NOW + 365 * DAY)
    subject = certificate.subject
    assert _attribute(subject, NameOID.COMMON_NAME) == "Nguyễn Thị Hồng Nhung"
    assert _attribute(subject, NameOID.ORGANIZATION_NAME).endswith("(DEMO — không có giá trị pháp lý)")
    assert _attribute(subject, NameOID.ORGANIZATIONAL_UNIT_NAME).endswith("(DEMO — không có giá trị pháp lý)")
    # The name is a UTF8String, so its diacritics read the same everywhere.
    der = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    common_name = next(a for rdn in der.subject.chosen for a in rdn if a["type"].native == "common_name")
    assert common_name["value"].name == "utf8_string"

    extensions = certificate.extensions
    usage = extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert (usage.value.digital_signature, usage.value.content_commitment) == (True, True)
    assert (usage.value.key_cert_sign, usage.value.crl_sign, usage.value.key_encipherment) == (False,) * 3
    assert list(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        DOCUMENT_SIGNING,
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ]
    assert not extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.RFC822Name
    ) == ["nhung.nth@example.vn"]


def test_without_an_email_there_is_no_alternative_name(pki: Pki):
    with pytest.raises(x509.ExtensionNotFound):
        pki.expired.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_serials_are_random_unless_given(pki: Pki):
    serials = {pki.good.certificate.serial_number, pki.expired.certificate.serial_number}
    assert len(serials) == 2 and all(s > 2**64 for s in serials)


def test_dates_must_say_their_timezone(pki: Pki):
    with pytest.raises(ValueError, match="timezone-aware"):
        pki.ca.issue("Tên", email=None, valid_from=dt.datetime(2026, 1, 1), valid_to=NOW)


def test_a_pkcs12_file_holds_key_certificate_and_chain_under_its_passphrase(pki: Pki):
    data = pkcs12(pki.good.key, pki.good.certificate, [pki.ca.certificate], "bí mật")
    loaded = pkcs12_format.load_pkcs12(data, "bí mật".encode())
    assert loaded.key is not None and loaded.cert is not None
    assert _pkcs8(loaded.key) == _pkcs8(pki.good.key)
    assert loaded.cert.certificate == pki.good.certificate
    assert loaded.cert.friendly_name == "Nguyễn Văn An".encode()
    assert [c.certificate for c in loaded.additional_certs] == [pki.ca.certificate]
    with pytest.raises(ValueError):
        pkcs12_format.load_pkcs12(data, b"sai")


def test_a_crl_lists_the_revoked_serials_signed_by_the_authority(pki: Pki):
    revoked_at = NOW - 3 * DAY
    data = pki.ca.crl(
        [(111, revoked_at), (222, NOW - DAY)],
        this_update=NOW - DAY,
        next_update=NOW + 7 * DAY,
        number=42,
    )
    crl = x509.load_der_x509_crl(data)
    assert crl.is_signature_valid(pki.ca.key.public_key())
    assert crl.issuer == pki.ca.certificate.subject
    assert (crl.last_update_utc, crl.next_update_utc) == (NOW - DAY, NOW + 7 * DAY)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 42
    entry = crl.get_revoked_certificate_by_serial_number(111)
    assert entry is not None and entry.revocation_date_utc == revoked_at
    assert crl.get_revoked_certificate_by_serial_number(333) is None
    assert len(list(crl)) == 2
    # Without a number, later CRLs still get larger numbers.
    later = x509.load_der_x509_crl(pki.ca.crl([], this_update=NOW, next_update=NOW + DAY))
    assert later.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == int(NOW.timestamp())


def test_an_ec_key_signs_as_well(document):
    authority = DemoAuthority.create(valid_from=NOW - DAY, valid_to=NOW + 365 * DAY, key_type="ec")
    key, certificate = authority.issue(
        "Bùi Thị Mai", email=None, valid_from=NOW - DAY, valid_to=NOW + 30 * DAY, key_type="ec"
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
    signer = load_pkcs12(pkcs12(key, certificate, [authority.certificate], "1234"), "1234")
    signed = sign(
        document,
        signer=signer,
        box=SignatureBox(1, 340, 60, 560, 120),
        stamp_lines=["Ký bởi: Bùi Thị Mai"],
        reason="",
        location="",
    )
    result = verify(signed, trust=Trust(roots=[authority.certificate]))
    assert (result.status, result.signer_name) == (VerificationStatus.VALID, "Bùi Thị Mai")
