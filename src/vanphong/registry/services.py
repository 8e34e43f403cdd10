"""Registering documents. The only place that changes the registry.

Numbers are drawn from the register row under a lock, in the same transaction as the
entry: a failed registration rolls the counter back with it, so numbers have no gaps
and no duplicates however many clerks register at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.vietnamese import fold
from vanphong.registry.models import (
    Direction,
    DocumentType,
    IncomingDocument,
    Register,
    Urgency,
    duplicate_key,
)

INCOMING_FIELDS = [
    "register",
    "number",
    "received_on",
    "issuer",
    "symbol",
    "document_date",
    "document_type",
    "abstract",
    "secrecy",
    "urgency",
    "handler_unit",
    "handler_person",
    "deadline",
    "note",
]


class AuditAction:
    INCOMING_REGISTERED = "incoming.registered"
    CLASSIFIED_READ = "incoming.classified_read"


AUDIT_LABELS = {
    AuditAction.INCOMING_REGISTERED: gettext_lazy("Incoming document registered"),
    AuditAction.CLASSIFIED_READ: gettext_lazy("Classified document read"),
}
AUDIT_TARGET_PAGES = {"registry.incomingdocument": "incoming_detail"}


def _register(organization: Organization, direction: Direction, year: int, classified: bool) -> Register:
    """The register for that year, created on first use, locked for numbering."""
    Register.objects.get_or_create(
        organization=organization, direction=direction, year=year, is_classified=classified
    )
    # The lock that makes numbers gap-free and unique: every registration in this
    # register waits here for the one before it to commit or roll back.
    return Register.objects.select_for_update().get(
        organization=organization, direction=direction, year=year, is_classified=classified
    )


def _search_text(document_type: DocumentType, symbol: str, issuer: str, abstract: str) -> str:
    """What the register's search matches, folded: the columns as the clerk reads
    them, with the type's name the way a document is named aloud ("Công văn số
    12-CV/TU", found by "cong van so 12"), then the issuer and the abstract."""
    number = f"số {symbol}" if symbol else ""
    return fold(f"{document_type.name} {number} {issuer} {abstract}")


def _check_incoming(
    *,
    organization: Organization,
    received_on: dt.date,
    issuer: str,
    symbol: str,
    document_date: dt.date,
    abstract: str,
    handler_unit: Organization | None,
    deadline: dt.date | None,
    note: str,
) -> None:
    today = timezone.localdate()
    errors: dict[str, str] = {}
    # The columns' lengths, checked here rather than left to the database: PostgreSQL
    # would fail the whole request on a long value, and SQLite would store it.
    for name, value in (("issuer", issuer), ("symbol", symbol), ("note", note)):
        try:
            IncomingDocument._meta.get_field(name).run_validators(value)  # type: ignore[union-attr]
        except ValidationError as error:
            errors[name] = error.messages[0]
    if not issuer.strip():
        errors["issuer"] = _("Enter the body that issued the document.")
    if not abstract.strip():
        errors["abstract"] = _("Enter the abstract (trích yếu) of the document.")
    if received_on > today:
        errors["received_on"] = _("The date received cannot be in the future.")
    if document_date > today:
        errors["document_date"] = _("The document's date cannot be in the future.")
    elif document_date > received_on:
        errors["document_date"] = _("A document cannot be dated after the day it was received.")
    if deadline is not None and deadline < received_on:
        errors["deadline"] = _("The deadline cannot be before the day the document was received.")
    if handler_unit is not None and not handler_unit.path.startswith(organization.path):
        errors["handler_unit"] = _("Choose a unit of this committee.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incoming_register(
    *,
    actor: Person | None,
    organization: Organization,
    received_on: dt.date,
    issuer: str,
    symbol: str,
    document_date: dt.date,
    document_type: DocumentType,
    abstract: str,
    secrecy: Secrecy = Secrecy.NONE,
    urgency: Urgency = Urgency.NORMAL,
    handler_unit: Organization | None = None,
    handler_person: Person | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> IncomingDocument:
    """Enter an incoming document in the register of its year: the classified
    register when it is classified (such a document is registered as metadata only:
    its file stays on paper or on the cơ yếu system)."""
    if actor is not None and secrecy > actor.clearance:
        raise ValidationError(
            {"secrecy": _("You are not cleared to register a document of this secrecy level.")}
        )
    issuer, symbol, abstract = " ".join(issuer.split()), symbol.strip(), " ".join(abstract.split())
    note = note.strip()
    _check_incoming(
        organization=organization,
        received_on=received_on,
        issuer=issuer,
        symbol=symbol,
        document_date=document_date,
        abstract=abstract,
        handler_unit=handler_unit,
        deadline=deadline,
        note=note,
    )
    register = _register(organization, Direction.INCOMING, received_on.year, secrecy > Secrecy.NONE)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    document = IncomingDocument.objects.create(
        register=register,
        organization=organization,
        number=register.last_number,
        received_on=received_on,
        issuer=issuer,
        symbol=symbol,
        document_date=document_date,
        document_type=document_type,
        abstract=abstract,
        secrecy=secrecy,
        urgency=urgency,
        handler_unit=handler_unit,
        handler_person=handler_person,
        deadline=deadline,
        note=note,
        registered_by=actor,
        search_text=_search_text(document_type, symbol, issuer, abstract),
        duplicate_key=duplicate_key(issuer, symbol),
    )
    audit.record(
        actor=actor,
        action=AuditAction.INCOMING_REGISTERED,
        target=document,
        after=audit.snapshot(document, INCOMING_FIELDS),
    )
    return document


@transaction.atomic
def classified_reads_record(*, actor: Person, documents: Iterable[IncomingDocument], via: str) -> int:
    """Audit each read of a classified document (DOMAIN.md §2: every read is
    audited): its page opened, or its row in an exported register. One event per
    document, on that document's own history; unclassified ones write nothing.
    Returns the number of events written."""
    written = 0
    for document in documents:
        if document.secrecy > Secrecy.NONE:
            audit.record(actor=actor, action=AuditAction.CLASSIFIED_READ, target=document, after={"via": via})
            written += 1
    return written
