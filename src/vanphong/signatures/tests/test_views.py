"""The signature pages: checking a PDF brought by hand (nothing kept), adding one's
own certificate file, and the administrator's trusted authorities and CRLs."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent, Person
from vanphong.core.tests.conftest import clerk, secretary, tree  # noqa: F401
from vanphong.signatures import ca
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import SignatureCheck, SigningCredential, TrustAnchor

NOW = timezone.now()


@pytest.fixture(scope="module")
def authority() -> ca.DemoAuthority:
    return ca.DemoAuthority.create(
        valid_from=NOW - dt.timedelta(days=1), valid_to=NOW + dt.timedelta(days=365), key_type="ec"
    )


def _p12(authority: ca.DemoAuthority, name: str, passphrase: str = "123456") -> bytes:
    key, certificate = authority.issue(
        name,
        email=None,
        valid_from=NOW - dt.timedelta(days=1),
        valid_to=NOW + dt.timedelta(days=30),
        key_type="ec",
    )
    return ca.pkcs12(key, certificate, [authority.certificate], passphrase)


@pytest.fixture
def admin(db) -> Person:
    return Person.objects.create_superuser("quantri", password="mat-khau-quan-tri", full_name="Quản Trị")


def _signed(client, authority, secretary) -> bytes:  # noqa: F811
    """A PDF signed by `secretary` with a certificate of `authority`."""
    from vanphong.drafting.rendering import Layout, render_pdf
    from vanphong.signatures import pdf

    rendered = render_pdf(
        Layout(
            superior_body="",
            issuing_body="THÀNH ỦY NGỌC SƠN",
            type_abbreviation="CV",
            issuer_abbreviation="TU",
            number=3,
            place="Ngọc Sơn",
            date=NOW.date(),
            type_name="CÔNG VĂN",
            abstract="V/v thử",
            is_official_letter=True,
            secrecy_label="",
            urgency_label="",
            body_html="<p>Nội dung</p>",
            signature_lines=["T/M BAN THƯỜNG VỤ", "BÍ THƯ"],
            signer_name=secretary.full_name,
            recipients=["Như trên,"],
            keep_copy="Lưu Văn phòng.",
        )
    )
    signer = pdf.load_pkcs12(_p12(authority, secretary.full_name), "123456")
    page, x1, y1, x2, y2 = rendered.signature_box
    return pdf.sign(
        rendered.data,
        signer=signer,
        box=pdf.SignatureBox(page=page + 1, x1=x1, y1=y1, x2=x2, y2=y2),
        stamp_lines=["Ký bởi"],
        reason="Thử",
        location="Ngọc Sơn",
    )


def test_a_pdf_brought_by_hand_is_checked_and_nothing_is_kept(client, clerk, secretary, authority):  # noqa: F811
    TrustAnchor.objects.create(
        name="DEMO", certificate=authority.certificate.public_bytes(serialization.Encoding.DER), is_demo=True
    )
    signed = _signed(client, authority, secretary)
    client.force_login(clerk)
    response = client.post(reverse("signature_verify"), {"file": SimpleUploadedFile("vb.pdf", signed)})
    assert 'data-status="valid"' in response.content.decode()
    tampered = bytearray(signed)
    tampered[signed.index(b"stream") + 30] ^= 0x01
    response = client.post(
        reverse("signature_verify"), {"file": SimpleUploadedFile("vb.pdf", bytes(tampered))}
    )
    page = response.content.decode()
    assert 'data-status="invalid"' in page and "Chữ ký không hợp lệ" in page
    assert not SignatureCheck.objects.exists()


def test_one_adds_ones_own_certificate_file_and_a_wrong_passphrase_is_refused(client, clerk, authority):  # noqa: F811
    client.force_login(clerk)
    data = _p12(authority, clerk.full_name)
    response = client.post(
        reverse("credential_add"),
        {"certificate_file": SimpleUploadedFile("a.p12", data), "passphrase": "sai-mat-khau", "label": ""},
    )
    assert "Sai mật khẩu" in response.content.decode()
    assert not SigningCredential.objects.exists()
    response = client.post(
        reverse("credential_add"),
        {"certificate_file": SimpleUploadedFile("a.p12", data), "passphrase": "123456", "label": "Token cũ"},
    )
    assert response.status_code == 302
    credential = SigningCredential.objects.get()
    assert credential.person == clerk and bytes(credential.pkcs12) == data
    assert AuditEvent.objects.filter(action=signature_services.AuditAction.CREDENTIAL_ADDED).count() == 1


def test_only_the_system_administrator_trusts_an_authority(client, clerk, admin, authority):  # noqa: F811
    pem = authority.certificate.public_bytes(serialization.Encoding.PEM)
    client.force_login(clerk)
    response = client.post(
        reverse("trust_add"), {"name": "X", "certificate": SimpleUploadedFile("r.pem", pem)}
    )
    assert response.status_code == 403 and not TrustAnchor.objects.exists()
    client.force_login(admin)
    response = client.post(
        reverse("trust_add"), {"name": "", "certificate": SimpleUploadedFile("r.pem", b"rac")}
    )
    assert "không phải chứng thư" in response.content.decode()
    response = client.post(
        reverse("trust_add"), {"name": "Root", "certificate": SimpleUploadedFile("r.pem", pem)}
    )
    assert response.status_code == 302 and TrustAnchor.objects.get().name == "Root"


def test_a_crl_is_loaded_only_when_its_authority_signed_it(client, admin, authority):
    anchor = signature_services.trust_anchor_add(
        actor=admin, name="Root", data=authority.certificate.public_bytes(serialization.Encoding.PEM)
    )
    stranger = ca.DemoAuthority.create(
        "Other", valid_from=NOW - dt.timedelta(days=1), valid_to=NOW + dt.timedelta(days=30), key_type="ec"
    )
    client.force_login(admin)
    foreign = stranger.crl([], this_update=NOW, next_update=NOW + dt.timedelta(days=7))
    response = client.post(
        reverse("crl_upload", args=[anchor.pk]), {"crl": SimpleUploadedFile("x.crl", foreign)}
    )
    assert "Root" in response.content.decode()
    anchor.refresh_from_db()
    assert anchor.crl is None
    own = authority.crl([(12345, NOW)], this_update=NOW, next_update=NOW + dt.timedelta(days=7))
    response = client.post(reverse("crl_upload", args=[anchor.pk]), {"crl": SimpleUploadedFile("x.crl", own)})
    assert response.status_code == 302
    anchor.refresh_from_db()
    assert bytes(anchor.crl) == own and anchor.crl_loaded_at is not None
    assert AuditEvent.objects.filter(action=signature_services.AuditAction.CRL_LOADED).count() == 1
