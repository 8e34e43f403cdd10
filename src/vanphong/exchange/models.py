"""Electronic exchange between offices (Quy định 337-QĐ/TW): a signed outgoing
document sent to each recipient organization in the system, where it waits in the
incoming queue, pre-filled for registration; and packages (signed PDF + JSON
metadata) exchanged with outside systems.

Only unclassified documents travel (217-QĐ/TW): the service refuses any other."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person
from vanphong.registry.models import IncomingDocument, OutgoingDocument
from vanphong.signatures.models import SignatureCheck


def received_name(instance: Delivery, filename: str) -> str:
    return f"received/{timezone.now():%Y/%m/%d}/{timezone.now():%H%M%S%f}.pdf"


class DeliveryState(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", pgettext_lazy("delivery state", "Received")
    REGISTERED = "registered", _("Registered")


class Delivery(models.Model):
    """One document arriving at one organization: sent from inside the system
    (`outgoing` set) or imported from a package. The recipient's văn thư opens it
    (RECEIVED) and registers it (REGISTERED, `incoming` set). The PDF is the one
    signed, byte for byte; its verification is `signature_check`."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    outgoing = models.ForeignKey(
        OutgoingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("outgoing document"),
    )
    # What the sender says of the document, as the registration form is pre-filled.
    issuer = models.CharField(_("issuing body"), max_length=200)
    symbol = models.CharField(_("number and symbol"), max_length=60)
    document_date = models.DateField(_("document date"))
    document_type_code = models.SlugField(max_length=40)
    abstract = models.TextField(_("abstract"))
    urgency = models.PositiveSmallIntegerField(_("urgency"), default=0)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    pdf = models.FileField(_("signed PDF"), upload_to=received_name, max_length=200)
    sha256 = models.CharField(max_length=64)
    signature_check = models.ForeignKey(
        SignatureCheck, on_delete=models.PROTECT, related_name="+", verbose_name=_("signature check")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.SENT
    )
    sent_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    received_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    incoming = models.OneToOneField(
        IncomingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery",
        verbose_name=_("incoming document"),
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("electronic delivery")
        verbose_name_plural = _("electronic deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["outgoing", "organization"],
                condition=models.Q(outgoing__isnull=False),
                name="delivery_once_per_recipient",
            )
        ]
        indexes = [models.Index(fields=["organization", "state", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.symbol} → {self.organization}"

    # Permission checks read the secrecy of what they guard: what travels is never classified.
    secrecy = 0
