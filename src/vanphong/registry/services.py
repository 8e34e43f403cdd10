"""Registering documents. The only place that changes the registry.

Numbers are drawn from a counter row under a lock (the register's for incoming
documents, the issuer's series for outgoing ones), in the same transaction as the
entry: a failed registration rolls the counter back with it, so numbers have no gaps
and no duplicates however many clerks register at once. Every check runs before the
number is drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import CongressTerm, Organization, Person, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.registry import search
from vanphong.registry.models import (
    Direction,
    DocumentType,
    Handling,
    IncomingDocument,
    NumberingScope,
    NumberSeries,
    OutgoingDocument,
    Register,
    Urgency,
    duplicate_key,
    outgoing_symbol,
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


OUTGOING_FIELDS = [
    "register",
    "organization",
    "series",
    "number",
    "symbol",
    "issued_on",
    "document_type",
    "abstract",
    "signer",
    "signer_title",
    "recipients",
    "drafter",
    "copies",
    "secrecy",
    "urgency",
    "note",
]
CANCEL_FIELDS = ["cancelled_at", "cancelled_by", "cancel_note"]


class AuditAction:
    INCOMING_REGISTERED = "incoming.registered"
    CLASSIFIED_READ = "incoming.classified_read"
    OUTGOING_REGISTERED = "outgoing.registered"
    OUTGOING_CANCELLED = "outgoing.cancelled"
    OUTGOING_CLASSIFIED_READ = "outgoing.classified_read"


AUDIT_LABELS = {
    AuditAction.INCOMING_REGISTERED: gettext_lazy("Incoming document registered"),
    AuditAction.CLASSIFIED_READ: gettext_lazy("Classified document read"),
    AuditAction.OUTGOING_REGISTERED: gettext_lazy("Outgoing document numbered and registered"),
    AuditAction.OUTGOING_CANCELLED: gettext_lazy("Outgoing document cancelled"),
    AuditAction.OUTGOING_CLASSIFIED_READ: gettext_lazy("Classified document read"),
}
AUDIT_TARGET_PAGES = {
    "registry.incomingdocument": "incoming_detail",
    "registry.outgoingdocument": "outgoing_detail",
}


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
    handler_person: Person | None = None,
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
    elif handler_unit is not None and not handler_unit.is_open:
        errors["handler_unit"] = _("This organization has been closed.")
    # The handler holds a role today in an open unit of the committee's subtree.
    if handler_person is not None and not handler_person.is_active:
        errors["handler_person"] = _("The account of %(name)s has been disabled.") % {
            "name": handler_person.full_name
        }
    elif (
        handler_person is not None
        and not handler_person.memberships.current()
        .filter(organization__path__startswith=organization.path, organization__closed_on__isnull=True)
        .exists()
    ):
        errors["handler_person"] = _("%(name)s holds no role in this committee or the units under it.") % {
            "name": handler_person.full_name
        }
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
        handler_person=handler_person,
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
        search_terms=search.incoming_terms(
            type_name=document_type.name, symbol=symbol, issuer=issuer, abstract=abstract
        ),
        duplicate_key=duplicate_key(issuer, symbol),
    )
    audit.record(
        actor=actor,
        action=AuditAction.INCOMING_REGISTERED,
        target=document,
        after=audit.snapshot(document, INCOMING_FIELDS),
    )
    return document


def incoming_reindex(*, document: IncomingDocument, attached_text: str) -> None:
    """Make `document` findable by the text of its files (`attached_text`: all of
    it, as the attachments app reads it from their text layers), besides its
    columns. Not audited: the index is derived from the record, not part of it; the
    files it comes from are audited as they are attached."""
    document_type = document.document_type
    terms = search.incoming_terms(
        type_name=document_type.name,
        symbol=document.symbol,
        issuer=document.issuer,
        abstract=document.abstract,
        attached_text=attached_text,
    )
    IncomingDocument.objects.filter(pk=document.pk).update(search_terms=terms)


def incoming_handling_record(
    *, document: IncomingDocument, state: Handling, deadline: dt.date | None
) -> None:
    """Record where the handling of `document` stands, as its transfer slips say:
    none yet, some open, or all done; and the earliest deadline among its open
    directed slips (None when none has one). The handling app calls it whenever a
    slip's state or deadline changes, in that change's transaction, so the register
    filters by status without reading that app's tables. Not audited: derived from
    the slips, whose every change is audited."""
    if state != Handling.OPEN:
        deadline = None  # nothing left to be late for
    IncomingDocument.objects.filter(pk=document.pk).update(handling=state, handling_deadline=deadline)
    document.handling, document.handling_deadline = state, deadline


@transaction.atomic
def classified_reads_record(
    *, actor: Person, documents: Iterable[IncomingDocument | OutgoingDocument], via: str
) -> int:
    """Audit each read of a classified document (DOMAIN.md §2: every read is
    audited): its page opened, or its row in an exported register. One event per
    document, on that document's own history; unclassified ones write nothing.
    Returns the number of events written."""
    written = 0
    for document in documents:
        if document.secrecy > Secrecy.NONE:
            action = (
                AuditAction.OUTGOING_CLASSIFIED_READ
                if isinstance(document, OutgoingDocument)
                else AuditAction.CLASSIFIED_READ
            )
            audit.record(actor=actor, action=action, target=document, after={"via": via})
            written += 1
    return written


# --- Outgoing documents ---------------------------------------------------------------------


def _term_covering(organization: Organization, day: dt.date) -> CongressTerm | None:
    return (
        CongressTerm.objects.filter(organization=organization, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .first()
    )


def _series(
    organization: Organization, document_type: DocumentType, term: CongressTerm | None, year: int
) -> NumberSeries:
    """The issuer's series for the type's group in that term (or year), created on
    first use, locked for numbering."""
    scope: dict[str, Any] = {"term": term, "year": None} if term is not None else {"term": None, "year": year}
    series = NumberSeries.objects.filter(
        organization=organization, series_group=document_type.series_key, **scope
    )
    # The lock that makes numbers gap-free and unique: every document of this series
    # waits here for the one before it to commit or roll back.
    try:
        return series.select_for_update().get()
    except NumberSeries.DoesNotExist:
        # The series' first number: two clerks may create it at once; the loser of
        # the unique constraint takes the winner's row, then waits for its lock.
        NumberSeries.objects.get_or_create(
            organization=organization, series_group=document_type.series_key, **scope
        )
        return series.select_for_update().get()


def _check_outgoing(
    *,
    actor: Person | None,
    organization: Organization,
    issued_on: dt.date,
    document_type: DocumentType,
    abstract: str,
    signer: Person,
    signer_title: str,
    recipients: str,
    copies: int,
    secrecy: Secrecy,
    note: str,
    at_signing: bool,
) -> CongressTerm | None:
    """Every refusal, keyed to its field, before any number is drawn. Returns the
    congress term the number is drawn in (None for a type numbered by year)."""
    errors: dict[str, str] = {}
    for name, value in (("signer_title", signer_title), ("note", note)):
        try:
            OutgoingDocument._meta.get_field(name).run_validators(value)  # type: ignore[union-attr]
        except ValidationError as error:
            errors[name] = error.messages[0]
    term = None
    if at_signing and (actor is None or actor.pk != signer.pk):
        errors["signer"] = _("Only the signer numbers a document at signing.")
    elif not at_signing and actor is not None and not can(actor, Action.REGISTER, organization):
        errors["organization"] = _("You do not register documents of this issuer.")
    elif document_type.numbering_scope == NumberingScope.TERM:
        if not organization.kind.is_committee:
            errors["organization"] = _(
                "%(type)s is numbered by congress term, and %(issuer)s is not a Party committee: "
                "choose the committee as the issuer."
            ) % {"type": document_type.name, "issuer": organization.name}
        elif (term := _term_covering(organization, issued_on)) is None:
            errors["organization"] = _(
                "No congress term of %(issuer)s covers %(day)s: an administrator must enter the "
                "term before its documents can be numbered."
            ) % {"issuer": organization.name, "day": issued_on.strftime("%d/%m/%Y")}
    if not organization.is_open:
        errors["organization"] = _("This organization has been closed.")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("The date of issue cannot be in the future.")
    if not abstract:
        errors["abstract"] = _("Enter the abstract (trích yếu) of the document.")
    if not recipients:
        errors["recipients"] = _("Enter the recipients (nơi nhận).")
    if copies < 1:
        errors["copies"] = _("A document is issued in one copy at least.")
    if actor is not None and secrecy > actor.clearance:
        errors["secrecy"] = _("You are not cleared to register a document of this secrecy level.")
    if (problem := signer_problem(signer, organization, secrecy)) is not None:
        errors["signer"] = problem
    if errors:
        raise ValidationError(errors)
    return term


def signer_problem(signer: Person, organization: Organization, secrecy: int) -> str | None:
    """Why `signer` may not sign a document of `organization` at `secrecy`, or None:
    the outgoing register and the drafts ask the same question."""
    if not can(signer, Action.DIRECT, organization):
        return _("%(name)s does not sign for %(issuer)s.") % {
            "name": signer.full_name,
            "issuer": organization.name,
        }
    if secrecy > signer.clearance:
        return _("%(name)s is not cleared for this secrecy level.") % {"name": signer.full_name}
    return None


@transaction.atomic
def outgoing_register(
    *,
    actor: Person | None,
    organization: Organization,
    issued_on: dt.date,
    document_type: DocumentType,
    abstract: str,
    signer: Person,
    signer_title: str = "",
    recipients: str,
    drafter: Person | None = None,
    copies: int = 1,
    secrecy: Secrecy = Secrecy.NONE,
    urgency: Urgency = Urgency.NORMAL,
    note: str = "",
    at_signing: bool = False,
) -> OutgoingDocument:
    """Give a document of `organization` (the issuer) its number and symbol, e.g.
    `12-CV/TU`, and enter it in the issuer's outgoing register of the year.

    The văn thư numbers a document signed on paper (REGISTER on the issuer); a
    document signed digitally is numbered by its signer as they sign it
    (`at_signing`, from `drafting.services.draft_sign`, in the signing transaction).

    The number is the next of the issuer's series for the type's group, which
    restarts at 01 each congress term or each year as the type says (DOMAIN.md §2).
    A classified document takes the same series but goes in the classified outgoing
    register. `actor` None is the system (imports, the demo): no permission checks."""
    abstract, recipients = " ".join(abstract.split()), recipients.strip()
    signer_title, note = " ".join(signer_title.split()), note.strip()
    term = _check_outgoing(
        actor=actor,
        organization=organization,
        issued_on=issued_on,
        document_type=document_type,
        abstract=abstract,
        signer=signer,
        signer_title=signer_title,
        recipients=recipients,
        copies=copies,
        secrecy=secrecy,
        note=note,
        at_signing=at_signing,
    )
    register, _created = Register.objects.get_or_create(
        organization=organization,
        direction=Direction.OUTGOING,
        year=issued_on.year,
        is_classified=secrecy > Secrecy.NONE,
    )
    series = _series(organization, document_type, term, issued_on.year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    symbol = outgoing_symbol(series.last_number, document_type.abbreviation, organization.abbreviation)
    document = OutgoingDocument.objects.create(
        register=register,
        organization=organization,
        series=series,
        number=series.last_number,
        symbol=symbol,
        issued_on=issued_on,
        document_type=document_type,
        abstract=abstract,
        signer=signer,
        signer_title=signer_title,
        recipients=recipients,
        drafter=drafter,
        copies=copies,
        secrecy=secrecy,
        urgency=urgency,
        note=note,
        registered_by=actor,
        search_terms=search.outgoing_terms(
            type_name=document_type.name,
            symbol=symbol,
            issuer=organization.name,
            abstract=abstract,
            recipients=recipients,
        ),
    )
    audit.record(
        actor=actor,
        action=AuditAction.OUTGOING_REGISTERED,
        target=document,
        after=audit.snapshot(document, OUTGOING_FIELDS),
    )
    return document


@transaction.atomic
def outgoing_cancel(*, actor: Person | None, document: OutgoingDocument, note: str) -> OutgoingDocument:
    """Record that a numbered document was cancelled (not issued, or withdrawn). It
    keeps its number, which is never given again, and the register shows why."""
    # Locked so that two clerks cancelling at once do not both write the event.
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if actor is not None and not can(actor, Action.REGISTER, document):
        raise PermissionDenied(_("Only the registry of the issuer cancels its documents."))
    note = note.strip()
    if document.cancelled_at is not None:
        raise ValidationError({"note": _("This document has already been cancelled.")})
    if not note:
        raise ValidationError({"note": _("Say why the document is cancelled.")})
    before = audit.snapshot(document, CANCEL_FIELDS)
    document.cancelled_at = timezone.now()
    document.cancelled_by = actor
    document.cancel_note = note
    document.save(update_fields=CANCEL_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.OUTGOING_CANCELLED,
        target=document,
        before=before,
        after=audit.snapshot(document, CANCEL_FIELDS),
    )
    return document
