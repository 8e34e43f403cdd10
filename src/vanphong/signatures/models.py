"""Digital signatures (ký số): the signers' credentials, the authorities the office
trusts, and the stored result of verifying each signed PDF that enters the system.

The cryptography itself is in `pdf.py` (pyHanko) and the demo authority in `ca.py`;
these models keep what the office must be able to show later."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Person


class CredentialKind(models.TextChoices):
    PKCS12 = "pkcs12", _("Certificate file (PKCS#12)")
    PKCS11 = "pkcs11", _("Token or HSM (PKCS#11)")


class SigningCredential(models.Model):
    """A signer's key and certificate. A PKCS#12 file is kept as issued: encrypted
    under its passphrase, which is the PIN the signer types at each signature and is
    never stored. A PKCS#11 credential names the token and key; the key never leaves
    the token."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="signing_credentials", verbose_name=_("signer")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CredentialKind.choices)
    label = models.CharField(_("label"), max_length=120)
    pkcs12 = models.BinaryField(null=True, blank=True, editable=False)
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=300, blank=True)
    pkcs11_token = models.CharField(_("token label"), max_length=120, blank=True)
    pkcs11_key = models.CharField(_("key label"), max_length=120, blank=True)
    certificate = models.BinaryField(editable=False)  # DER
    subject = models.CharField(_("subject"), max_length=400)
    issuer = models.CharField(_("issuer"), max_length=400)
    serial = models.CharField(_("serial number"), max_length=80)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    is_demo = models.BooleanField(_("demo only"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["person", "-valid_until"]
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")

    def __str__(self) -> str:
        return self.label


class TrustAnchor(models.Model):
    """A root certificate the office trusts (the national roots, or the demo CA),
    with the latest revocation list of the authority if one was loaded. The networks
    are closed: nothing is fetched, lists are loaded by an administrator."""

    name = models.CharField(_("name"), max_length=200)
    certificate = models.BinaryField(editable=False)  # DER
    crl = models.BinaryField(null=True, blank=True, editable=False)  # DER
    crl_loaded_at = models.DateTimeField(_("revocation list loaded at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo only"), default=False)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted authority")
        verbose_name_plural = _("trusted authorities")

    def __str__(self) -> str:
        return self.name


class CheckStatus(models.TextChoices):
    """The badge of a verified PDF: one word a clerk can act on."""

    VALID = "valid", _("Valid signature")
    INVALID = "invalid", _("Invalid signature")
    MODIFIED = "modified", _("Changed after signing")
    UNTRUSTED = "untrusted", _("Unknown authority")
    EXPIRED = "expired", _("Certificate expired")
    REVOKED = "revoked", _("Certificate revoked")
    UNSIGNED = "unsigned", _("Not signed")


class SignatureCheck(models.Model):
    """The verification of one file's signatures at one time, as shown on its badge.
    Other apps point at it (an attachment, a received document); the file itself is
    theirs and is never altered."""

    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("result"), max_length=10, choices=CheckStatus.choices)
    summary = models.CharField(_("summary"), max_length=300)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    details = models.JSONField(default=dict)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("signature check")
        verbose_name_plural = _("signature checks")

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.summary}"

    @property
    def is_valid(self) -> bool:
        return self.status == CheckStatus.VALID
