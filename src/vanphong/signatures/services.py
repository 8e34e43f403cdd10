"""Digital signatures: the only place that adds credentials and trusted authorities,
opens a signer's key, signs a PDF and stores the verification of one.

Refusals come back as ValidationError keyed "pin" or "credential", with the
problem named in Vietnamese ("Chữ ký không hợp lệ: …"), so the page that signs shows
it on the form and the caller's transaction rolls back."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Person
from vanphong.core.permissions import Action, can
from vanphong.signatures import pdf
from vanphong.signatures.models import (
    CheckStatus,
    CredentialKind,
    SignatureCheck,
    SigningCredential,
    TrustAnchor,
)


class AuditAction:
    CREDENTIAL_ADDED = "signature.credential_added"
    CREDENTIAL_RETIRED = "signature.credential_retired"
    TRUST_ADDED = "signature.trust_added"
    CRL_LOADED = "signature.crl_loaded"


AUDIT_LABELS = {
    AuditAction.CREDENTIAL_ADDED: gettext_lazy("Signing credential added"),
    AuditAction.CREDENTIAL_RETIRED: gettext_lazy("Signing credential retired"),
    AuditAction.TRUST_ADDED: gettext_lazy("Trusted authority added"),
    AuditAction.CRL_LOADED: gettext_lazy("Revocation list loaded"),
}
AUDIT_TARGET_PAGES: dict[str, str] = {}


def _refused(field: str, error: pdf.SignatureError) -> ValidationError:
    """The refusal on `field`, always opening with "Invalid signature:" (the
    certificate problems already do; a wrong PIN or a bad file does not)."""
    message = error.message
    if not message.startswith(_("Invalid signature")):
        message = _("Invalid signature: %(problem)s") % {"problem": message}
    return ValidationError({field: message})


# --- Trust ---------------------------------------------------------------------------------------


def _files(directory: Path, suffixes: tuple[str, ...]) -> list[bytes]:
    if not directory.is_dir():
        return []
    return [path.read_bytes() for path in sorted(directory.iterdir()) if path.suffix.lower() in suffixes]


def trust() -> pdf.Trust:
    """The roots and revocation lists the office trusts today: the authorities
    entered here (the demo CA among them) and the files in VANPHONG_TRUST_DIR."""
    roots: list[bytes] = []
    crls: list[bytes] = []
    for anchor in TrustAnchor.objects.all():
        roots.append(bytes(anchor.certificate))
        if anchor.crl:
            crls.append(bytes(anchor.crl))
    directory = Path(settings.VANPHONG_TRUST_DIR)
    roots += _files(directory, (".pem", ".crt", ".cer", ".der"))
    crls += _files(directory, (".crl",))
    return pdf.Trust(roots=[_certificate(data) for data in roots], crls=crls)


def _certificate(data: bytes) -> x509.Certificate:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


# --- Credentials ---------------------------------------------------------------------------------


def _describe(certificate: asn1_x509.Certificate) -> dict[str, Any]:
    return {
        "certificate": certificate.dump(),
        "subject": certificate.subject.human_friendly[:400],
        "issuer": certificate.issuer.human_friendly[:400],
        "serial": format(certificate.serial_number, "X")[:80],
        "valid_from": certificate["tbs_certificate"]["validity"]["not_before"].native,
        "valid_until": certificate["tbs_certificate"]["validity"]["not_after"].native,
    }


def _credential_add(
    *, actor: Person | None, person: Person, described: dict[str, Any], **fields: Any
) -> SigningCredential:
    """Keep a credential whose key was just opened, and audit it on its person."""
    credential = SigningCredential.objects.create(person=person, **described, **fields)
    audit.record(
        actor=actor,
        action=AuditAction.CREDENTIAL_ADDED,
        target=person,
        after={
            "credential": credential.label,
            "kind": credential.kind,
            "serial": credential.serial,
            "subject": credential.subject,
            "valid_until": credential.valid_until.isoformat(),
            "token": credential.pkcs11_token,
        },
    )
    return credential


def _may_add_for(actor: Person | None, person: Person) -> bool:
    """The person themselves, an administrator of their organization, or the system."""
    return actor is None or actor.pk == person.pk or can(actor, Action.ADMINISTER, person)


@transaction.atomic
def credential_add_pkcs12(
    *, actor: Person | None, person: Person, data: bytes, passphrase: str, label: str, is_demo: bool = False
) -> SigningCredential:
    """Keep `person`'s PKCS#12 file, checked by opening it with its passphrase (which
    is not kept). `actor` None is the system (the demo)."""
    if not _may_add_for(actor, person):
        raise PermissionDenied
    try:
        signer = pdf.load_pkcs12(data, passphrase)
    except pdf.SignatureError as error:
        raise _refused("pin", error) from None
    return _credential_add(
        actor=actor,
        person=person,
        described=_describe(signer.signing_cert),
        kind=CredentialKind.PKCS12,
        label=label.strip() or person.full_name,
        pkcs12=data,
        is_demo=is_demo,
    )


@transaction.atomic
def credential_add_pkcs11(
    *, actor: Person | None, person: Person, module: str, token: str, key: str, pin: str, label: str
) -> SigningCredential:
    """Name `person`'s key on a PKCS#11 token, checked by opening it with the PIN
    (which is not kept); the certificate is read from the token."""
    if not _may_add_for(actor, person):
        raise PermissionDenied
    if module not in settings.VANPHONG_PKCS11_MODULES:
        raise ValidationError({"module": _("This PKCS#11 library is not one the administrator allowed.")})
    try:
        with pdf.open_pkcs11(module=module, token_label=token, pin=pin, key_label=key or None) as signer:
            described = _describe(signer.signing_cert)
    except pdf.SignatureError as error:
        raise _refused("pin", error) from None
    return _credential_add(
        actor=actor,
        person=person,
        described=described,
        kind=CredentialKind.PKCS11,
        label=label.strip() or person.full_name,
        pkcs11_module=module,
        pkcs11_token=token,
        pkcs11_key=key,
    )


def usable_credentials(person: Person) -> QuerySet[SigningCredential]:
    """The person's credentials in use and not expired, the longest valid first."""
    return SigningCredential.objects.filter(
        person=person, is_active=True, valid_until__gt=timezone.now()
    ).order_by("-valid_until")


@contextmanager
def signer_for(*, credential: SigningCredential, pin: str, at: dt.datetime) -> Iterator[Any]:
    """The pyHanko signer of `credential`, opened with `pin` and checked against the
    trusted roots at `at` (expired, not yet valid, revoked, unknown authority are
    refused before anything is signed)."""
    try:
        if credential.kind == CredentialKind.PKCS12:
            signer: Any = pdf.load_pkcs12(bytes(credential.pkcs12 or b""), pin)
            pdf.check_signer(signer.signing_cert, trust=trust(), at=at, chain=list(signer.cert_registry))
            yield signer
        else:
            if credential.pkcs11_module not in settings.VANPHONG_PKCS11_MODULES:
                raise ValidationError(
                    {"credential": _("This PKCS#11 library is not one the administrator allowed.")}
                )
            with pdf.open_pkcs11(
                module=credential.pkcs11_module,
                token_label=credential.pkcs11_token,
                pin=pin,
                key_label=credential.pkcs11_key or None,
            ) as signer:
                pdf.check_signer(signer.signing_cert, trust=trust(), at=at, chain=list(signer.cert_registry))
                yield signer
    except pdf.SignatureError as error:
        raise _refused("pin" if error.code == pdf.SignatureCode.WRONG_PIN else "credential", error) from None


def sign_pdf(
    data: bytes, *, signer: Any, box: pdf.SignatureBox, stamp_lines: list[str], location: str, reason: str
) -> bytes:
    """`data` signed PAdES by `signer`, the stamp drawn in `box`; B-T when the office
    has a timestamp server (VANPHONG_TIMESTAMP_URL), B-B otherwise."""
    try:
        return pdf.sign(
            data,
            signer=signer,
            box=box,
            stamp_lines=stamp_lines,
            reason=reason,
            location=location,
            timestamp_url=settings.VANPHONG_TIMESTAMP_URL or None,
        )
    except pdf.SignatureError as error:
        raise _refused("credential", error) from None


# --- Verification --------------------------------------------------------------------------------


def pdf_check(data: bytes) -> SignatureCheck:
    """Verify the signatures of a PDF that enters the system and keep the result for
    its badge. Writes no audit event of its own: the caller records the check in the
    event of what it attached or received (`check.pk`, `check.status`). The file is
    only read."""
    result = pdf.verify(data, trust=trust())
    return SignatureCheck.objects.create(
        sha256=hashlib.sha256(data).hexdigest(),
        status=CheckStatus(result.status.value),
        summary=str(result.summary)[:300],
        signer_name=(result.signer_name or "")[:200],
        signed_at=result.signed_at,
        details=result.to_dict(),
    )


def is_system_administrator(person: Person) -> bool:
    """The trusted authorities are the whole system's: its administrator keeps them
    (an active superuser, as for /admin)."""
    return bool(person.is_authenticated and person.is_active and person.is_superuser)


def _load_certificate(data: bytes) -> x509.Certificate:
    try:
        return _certificate(data)
    except ValueError:
        raise ValidationError({"certificate": _("This file is not a certificate (PEM or DER).")}) from None


@transaction.atomic
def trust_anchor_add(*, actor: Person, name: str, data: bytes) -> TrustAnchor:
    """Trust a root certificate (a national root, read from its file)."""
    if not is_system_administrator(actor):
        raise PermissionDenied
    certificate = _load_certificate(data)
    der = certificate.public_bytes(serialization.Encoding.DER)
    if TrustAnchor.objects.filter(certificate=der).exists():
        raise ValidationError({"certificate": _("This authority is already trusted.")})
    anchor = TrustAnchor.objects.create(
        name=name.strip() or certificate.subject.rfc4514_string()[:200], certificate=der
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRUST_ADDED,
        target=anchor,
        after={
            "name": anchor.name,
            "subject": certificate.subject.rfc4514_string(),
            "valid_until": certificate.not_valid_after_utc.isoformat(),
        },
    )
    return anchor


@transaction.atomic
def crl_load(*, actor: Person, anchor: TrustAnchor, data: bytes) -> TrustAnchor:
    """Replace the authority's revocation list by a newer one, read from its file
    (the networks are closed: nothing is fetched)."""
    if not is_system_administrator(actor):
        raise PermissionDenied
    try:
        crl = x509.load_der_x509_crl(data) if b"-----BEGIN" not in data else x509.load_pem_x509_crl(data)
    except ValueError:
        raise ValidationError({"crl": _("This file is not a certificate revocation list (CRL).")}) from None
    root = x509.load_der_x509_certificate(bytes(anchor.certificate))
    try:
        if not crl.is_signature_valid(root.public_key()):  # type: ignore[arg-type]
            raise ValidationError(
                {"crl": _("This revocation list was not signed by %(name)s.") % {"name": anchor.name}}
            )
    except TypeError:
        raise ValidationError(
            {"crl": _("This revocation list was not signed by %(name)s.") % {"name": anchor.name}}
        ) from None
    anchor.crl = crl.public_bytes(serialization.Encoding.DER)
    anchor.crl_loaded_at = timezone.now()
    anchor.save(update_fields=["crl", "crl_loaded_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CRL_LOADED,
        target=anchor,
        after={
            "revoked": len(list(crl)),
            "next_update": crl.next_update_utc.isoformat() if crl.next_update_utc else None,
        },
    )
    return anchor
