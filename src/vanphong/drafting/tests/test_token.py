"""Signing a draft with a key on a PKCS#11 token (SoftHSM2 standing in for the USB
token or the HSM): the credential names the token and key, the PIN is asked at each
signature, a wrong PIN numbers nothing."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ValidationError
from django.urls import reverse

from vanphong.drafting import services
from vanphong.drafting.models import DraftState
from vanphong.registry.models import OutgoingDocument
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import CheckStatus, CredentialKind, SigningCredential, TrustAnchor
from vanphong.signatures.tests.conftest import (  # noqa: F401
    SOFTHSM_MODULE,
    TOKEN_KEY_LABEL,
    TOKEN_LABEL,
    TOKEN_PIN,
    pki,
    softhsm,
)


@pytest.fixture
def token_credential(db, pki, softhsm, secretary, settings):  # noqa: F811
    with pytest.raises(ValidationError) as refused:  # only the libraries the administrator allowed
        signature_services.credential_add_pkcs11(
            actor=secretary,
            person=secretary,
            module=SOFTHSM_MODULE,
            token=TOKEN_LABEL,
            key=TOKEN_KEY_LABEL,
            pin=TOKEN_PIN,
            label="Token",
        )
    assert "module" in refused.value.message_dict
    settings.VANPHONG_PKCS11_MODULES = [SOFTHSM_MODULE]
    TrustAnchor.objects.create(
        name="DEMO", certificate=pki.ca.certificate.public_bytes(serialization.Encoding.DER), is_demo=True
    )
    with pytest.raises(ValidationError) as refused:
        signature_services.credential_add_pkcs11(
            actor=secretary,
            person=secretary,
            module=SOFTHSM_MODULE,
            token=TOKEN_LABEL,
            key=TOKEN_KEY_LABEL,
            pin="000000",
            label="Token",
        )
    assert "pin" in refused.value.message_dict
    return signature_services.credential_add_pkcs11(
        actor=secretary,
        person=secretary,
        module=SOFTHSM_MODULE,
        token=TOKEN_LABEL,
        key=TOKEN_KEY_LABEL,
        pin=TOKEN_PIN,
        label="Token",
    )


def test_a_draft_is_signed_with_a_key_on_a_token(token_credential, make_draft, specialist, secretary):
    assert token_credential.kind == CredentialKind.PKCS11 and not token_credential.pkcs12
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])
    with pytest.raises(ValidationError):
        services.draft_sign(actor=secretary, draft=draft, credential=token_credential, pin="000000")
    assert not OutgoingDocument.objects.exists()
    draft = services.draft_sign(actor=secretary, draft=draft, credential=token_credential, pin=TOKEN_PIN)
    assert draft.state == DraftState.SIGNED
    with draft.signed_pdf.open("rb") as handle:
        check = signature_services.pdf_check(handle.read())
    assert check.status == CheckStatus.VALID, check.summary


def test_the_signer_adds_a_token_key_from_the_page(client, db, pki, softhsm, secretary, settings):  # noqa: F811
    client.force_login(secretary)
    assert 'id="pkcs11-form"' not in client.get(reverse("signature_home")).content.decode()
    response = client.post(
        reverse("credential_add_token"),
        {"module": "/tmp/evil.so", "token": TOKEN_LABEL, "key": TOKEN_KEY_LABEL, "pin": TOKEN_PIN},
    )
    assert response.status_code == 200 and not SigningCredential.objects.exists()
    settings.VANPHONG_PKCS11_MODULES = [SOFTHSM_MODULE]
    form = {"module": SOFTHSM_MODULE, "token": TOKEN_LABEL, "key": TOKEN_KEY_LABEL, "label": "USB token"}
    response = client.post(reverse("credential_add_token"), {**form, "pin": "000000"})
    assert "Sai mã PIN" in response.content.decode() and not SigningCredential.objects.exists()
    response = client.post(reverse("credential_add_token"), {**form, "pin": TOKEN_PIN})
    assert response.status_code == 302
    assert SigningCredential.objects.get().pkcs11_token == TOKEN_LABEL
