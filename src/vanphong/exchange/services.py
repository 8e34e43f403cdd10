"""Electronic exchange: the only place that sends signed documents to recipient
organizations, receives them, registers them, and exports or imports packages.

A package is a ZIP of `document.pdf` (the signed PDF, untouched) and `metadata.json`
(issuer, symbol, date, type, abstract, urgency, signer, the PDF's SHA-256), so an
outside system can hand a document to vanphong and take one from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.attachments import services as attachment_services
from vanphong.core import audit
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.storage import files_removed_on_failure
from vanphong.exchange import selectors
from vanphong.exchange.models import Delivery, DeliveryState
from vanphong.handling.services import notify
from vanphong.registry import services as registry_services
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument, Urgency
from vanphong.signatures import services as signature_services

PACKAGE_FORMAT = "vanphong-exchange/1"
MAX_PACKAGE_BYTES = 60 * 1024 * 1024


class AuditAction:
    SENT = "exchange.sent"
    SEND_REFUSED = "exchange.send_refused"
    RECEIVED = "exchange.received"
    REGISTERED = "exchange.registered"
    IMPORTED = "exchange.imported"


AUDIT_LABELS = {
    AuditAction.SENT: gettext_lazy("Sent electronically"),
    AuditAction.SEND_REFUSED: gettext_lazy("Electronic sending refused"),
    AuditAction.RECEIVED: gettext_lazy("Received electronically"),
    AuditAction.REGISTERED: gettext_lazy("Registered from the electronic queue"),
    AuditAction.IMPORTED: gettext_lazy("Package imported"),
}
AUDIT_TARGET_PAGES = {"exchange.delivery": "delivery_detail"}


def signed_pdf_of(outgoing: OutgoingDocument) -> bytes | None:
    """The signed PDF of a document signed in vanphong (None for one signed on paper)."""
    draft = getattr(outgoing, "draft", None)
    if draft is None or not draft.signed_pdf:
        return None
    with draft.signed_pdf.open("rb") as handle:
        return handle.read()


def may_send(person: Person, outgoing: OutgoingDocument) -> bool:
    """The issuer's văn thư, or its signer, sends it."""
    return can(person, Action.REGISTER, outgoing) or (
        outgoing.signer_id == person.pk and can(person, Action.DIRECT, outgoing)
    )


def outgoing_send(*, actor: Person, outgoing: OutgoingDocument) -> list[Delivery]:
    """Send the signed PDF of `outgoing` to each of its recipient organizations in the
    system that has not had it yet. A classified document never travels: the attempt
    is refused with a hard error and audited (217-QĐ/TW)."""
    if not may_send(actor, outgoing):
        raise PermissionDenied
    if outgoing.secrecy > Secrecy.NONE:
        _refuse_classified(actor=actor, outgoing=outgoing)
        raise ValidationError(
            _(
                "%(symbol)s is classified (%(secrecy)s): a classified document is never sent "
                "over the network. Send it by the cơ yếu service or on paper."
            )
            % {"symbol": outgoing.symbol, "secrecy": Secrecy(outgoing.secrecy).label}
        )
    with files_removed_on_failure() as stored:
        return _send(actor=actor, outgoing=outgoing, stored=stored)


@transaction.atomic
def _refuse_classified(*, actor: Person, outgoing: OutgoingDocument) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.SEND_REFUSED,
        target=outgoing,
        after={"reason": "classified", "secrecy": outgoing.secrecy},
    )


@transaction.atomic
def _send(*, actor: Person, outgoing: OutgoingDocument, stored: list[str]) -> list[Delivery]:
    # One sending at a time per document: two clicks do not deliver twice.
    outgoing = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("organization", "signer")
        .get(pk=outgoing.pk)
    )
    if outgoing.is_cancelled:
        raise ValidationError(_("%(symbol)s was cancelled: it is not sent.") % {"symbol": outgoing.symbol})
    data = signed_pdf_of(outgoing)
    if data is None:
        raise ValidationError(
            _("%(symbol)s has no signed PDF in vanphong: only documents signed here are sent electronically.")
            % {"symbol": outgoing.symbol}
        )
    draft = outgoing.draft
    already = set(Delivery.objects.filter(outgoing=outgoing).values_list("organization_id", flat=True))
    recipients = [org for org in draft.internal_recipients.order_by("path") if org.pk not in already]
    if not recipients:
        raise ValidationError(_("Every recipient organization in the system has already received it."))
    check = signature_services.pdf_check(data)
    sha256 = check.sha256  # the check hashed the very bytes sent
    deliveries = []
    for organization in recipients:
        delivery = Delivery(
            organization=organization,
            outgoing=outgoing,
            issuer=outgoing.organization.name,
            symbol=outgoing.symbol,
            document_date=outgoing.issued_on,
            document_type_code=outgoing.document_type.code,
            abstract=outgoing.abstract,
            urgency=outgoing.urgency,
            signer_name=outgoing.signer.full_name,
            sha256=sha256,
            signature_check=check,
            sent_by=actor,
        )
        delivery.pdf.save(f"{outgoing.symbol}.pdf", ContentFile(data), save=False)
        stored.append(delivery.pdf.name)
        delivery.save()
        deliveries.append(delivery)
        # The text is stored: in the office's language, whoever sends.
        with translation.override(settings.LANGUAGE_CODE):
            text = _("%(issuer)s sent %(symbol)s electronically: register it.") % {
                "issuer": outgoing.organization.name,
                "symbol": outgoing.symbol,
            }
        for clerk in selectors.clerks_of(organization):
            notify(recipient=clerk, text=text, url=reverse("delivery_detail", args=[delivery.pk]))
    audit.record(
        actor=actor,
        action=AuditAction.SENT,
        target=outgoing,
        after={
            "recipients": [delivery.organization.name for delivery in deliveries],
            "sha256": sha256,
            "signature": check.status,
        },
    )
    return deliveries


@transaction.atomic
def delivery_receive(*, actor: Person, delivery: Delivery) -> Delivery:
    """The recipient's văn thư opens it: the sender sees it received. Opening it
    again changes nothing."""
    if not can(actor, Action.REGISTER, delivery.organization):
        raise PermissionDenied
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != DeliveryState.SENT:
        return delivery
    delivery.state, delivery.received_by, delivery.received_at = DeliveryState.RECEIVED, actor, timezone.now()
    delivery.save(update_fields=["state", "received_by", "received_at"])
    audit.record(actor=actor, action=AuditAction.RECEIVED, target=delivery, after={"state": delivery.state})
    return delivery


def delivery_register(
    *,
    actor: Person,
    delivery: Delivery,
    received_on: dt.date,
    issuer: str,
    symbol: str,
    document_date: dt.date,
    document_type: DocumentType,
    abstract: str,
    urgency: Urgency = Urgency.NORMAL,
    handler_unit: Organization | None = None,
    handler_person: Person | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> IncomingDocument:
    """Register a received document in the recipient's incoming register, with the
    signed PDF attached as its original (verified again as it is attached), in one
    transaction. The clerk may correct what the sender said."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if not can(actor, Action.REGISTER, delivery.organization):
            raise PermissionDenied
        if delivery.state == DeliveryState.REGISTERED:
            raise ValidationError(_("This document has already been registered."))
        document = registry_services.incoming_register(
            actor=actor,
            organization=delivery.organization,
            received_on=received_on,
            issuer=issuer,
            symbol=symbol,
            document_date=document_date,
            document_type=document_type,
            abstract=abstract,
            urgency=urgency,
            handler_unit=handler_unit,
            handler_person=handler_person,
            deadline=deadline,
            note=note,
        )
        with delivery.pdf.open("rb") as handle:
            upload = ContentFile(handle.read(), name=f"{delivery.symbol.replace('/', '-')}.pdf")
        attachment_services.attachment_add(actor=actor, document=document, upload=upload)
        delivery.state, delivery.incoming, delivery.registered_at = (
            DeliveryState.REGISTERED,
            document,
            timezone.now(),
        )
        if delivery.received_at is None:
            delivery.received_by, delivery.received_at = actor, delivery.registered_at
        delivery.save()
        if delivery.sent_by is not None:
            notify(
                recipient=delivery.sent_by,
                text=_("%(recipient)s registered %(symbol)s as incoming No. %(number)s.")
                % {
                    "recipient": delivery.organization.name,
                    "symbol": delivery.symbol,
                    "number": document.number,
                },
                url=reverse("outgoing_detail", args=[delivery.outgoing_id]) if delivery.outgoing_id else "/",
            )
        audit.record(
            actor=actor,
            action=AuditAction.REGISTERED,
            target=delivery,
            after={"incoming": document.pk, "number": document.number},
        )
        return document


# --- Packages ------------------------------------------------------------------------------------


def package_of(outgoing: OutgoingDocument) -> bytes:
    """The exchange package of a signed document: its PDF as signed and its metadata."""
    data = signed_pdf_of(outgoing)
    if data is None:
        raise ValidationError(_("Only documents signed in vanphong can be exported as a package."))
    if outgoing.secrecy > Secrecy.NONE:
        raise ValidationError(_("A classified document is never exported."))
    metadata = {
        "format": PACKAGE_FORMAT,
        "issuer": outgoing.organization.name,
        "issuer_abbreviation": outgoing.organization.abbreviation,
        "symbol": outgoing.symbol,
        "document_date": outgoing.issued_on.isoformat(),
        "document_type": outgoing.document_type.code,
        "abstract": outgoing.abstract,
        "urgency": outgoing.urgency,
        "signer": outgoing.signer.full_name,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2))
        archive.writestr("document.pdf", data)
    return buffer.getvalue()


def _read_package(data: bytes) -> tuple[dict[str, Any], bytes]:
    bad = ValidationError(
        {
            "package": _(
                "This is not an exchange package: a ZIP with document.pdf and metadata.json is expected."
            )
        }
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if not {"metadata.json", "document.pdf"} <= names:
                raise bad
            if sum(info.file_size for info in archive.infolist()) > MAX_PACKAGE_BYTES:
                raise ValidationError({"package": _("The package is too large.")})
            metadata = json.loads(archive.read("metadata.json").decode("utf-8"))
            pdf = archive.read("document.pdf")
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, OSError):
        raise bad from None
    if not isinstance(metadata, dict):
        raise bad
    return metadata, pdf


def _metadata_errors(metadata: dict[str, Any], pdf: bytes) -> dict[str, Any]:
    """The metadata as the delivery keeps it, or a refusal naming what is wrong."""
    missing = [
        key
        for key in ("issuer", "symbol", "document_date", "abstract")
        if not str(metadata.get(key) or "").strip()
    ]
    if missing:
        raise ValidationError(
            {"package": _("The package's metadata lacks: %(fields)s.") % {"fields": ", ".join(missing)}}
        )
    try:
        document_date = dt.date.fromisoformat(str(metadata["document_date"]))
    except ValueError:
        raise ValidationError(
            {
                "package": _("The package's document date is not a date (YYYY-MM-DD): %(value)s.")
                % {"value": metadata["document_date"]}
            }
        ) from None
    declared = str(metadata.get("sha256") or "")
    if declared and declared.lower() != hashlib.sha256(pdf).hexdigest():
        raise ValidationError(
            {"package": _("The PDF in the package is not the one its metadata describes (SHA-256 differs).")}
        )
    try:
        urgency = int(metadata.get("urgency") or 0)
    except (TypeError, ValueError):
        urgency = 0
    return {
        "issuer": str(metadata["issuer"]).strip()[:200],
        "symbol": str(metadata["symbol"]).strip()[:60],
        "document_date": document_date,
        "document_type_code": str(metadata.get("document_type") or "")[:40],
        "abstract": str(metadata["abstract"]).strip(),
        "urgency": urgency if urgency in Urgency.values else 0,
        "signer_name": str(metadata.get("signer") or "")[:200],
    }


def package_import(*, actor: Person, organization: Organization, data: bytes) -> Delivery:
    """Put a package received from an outside system in `organization`'s electronic
    queue, its signature verified. Bad packages are refused whole, nothing kept."""
    if not can(actor, Action.REGISTER, organization):
        raise PermissionDenied
    if len(data) > MAX_PACKAGE_BYTES:
        raise ValidationError({"package": _("The package is too large.")})
    metadata, pdf = _read_package(data)
    fields = _metadata_errors(metadata, pdf)
    if not pdf.startswith(b"%PDF"):
        raise ValidationError({"package": _("document.pdf in the package is not a PDF.")})
    with files_removed_on_failure() as stored, transaction.atomic():
        check = signature_services.pdf_check(pdf)
        delivery = Delivery(
            organization=organization,
            sha256=check.sha256,
            signature_check=check,
            sent_by=None,
            state=DeliveryState.RECEIVED,
            received_by=actor,
            received_at=timezone.now(),
            **fields,
        )
        delivery.pdf.save("package.pdf", ContentFile(pdf), save=False)
        stored.append(delivery.pdf.name)
        delivery.save()
        audit.record(
            actor=actor,
            action=AuditAction.IMPORTED,
            target=delivery,
            after={"symbol": delivery.symbol, "issuer": delivery.issuer, "signature": check.status},
        )
        return delivery
