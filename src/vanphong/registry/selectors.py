"""Reads of the registry, cut down by the permission module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Membership, Organization, Person
from vanphong.core.permissions import GRANTS, Action, Reach, grants_of, visible_to
from vanphong.core.vietnamese import fold
from vanphong.registry import search
from vanphong.registry.models import (
    DocumentType,
    Handling,
    IncomingDocument,
    IncomingSearchIndex,
    OutgoingDocument,
    OutgoingSearchIndex,
    duplicate_key,
)

M = TypeVar("M", bound=Model)

SIGNING_ROLES = [role for role, actions in GRANTS.items() if Action.DIRECT in actions]


def reads_registers(person: Person) -> bool:
    """Does one of the person's roles read the registers of a committee (the whole
    subtree)? A Party member or the accountant, whose roles reach their own unit only,
    has no register to read: the menu does not offer them."""
    return any(GRANTS[grant.role].get(Action.VIEW) is Reach.SUBTREE for grant in grants_of(person))


def navigation(person: Person) -> list[tuple[str, str, str]]:
    """The registry's entries in the main menu: (label, url, name)."""
    if not reads_registers(person):
        return []
    return [
        (str(_("Incoming documents")), reverse("incoming_list"), "incoming"),
        (str(_("Outgoing documents")), reverse("outgoing_list"), "outgoing"),
    ]


def registering_committees(person: Person) -> QuerySet[Organization]:
    """The committees whose registers `person` keeps (a văn thư acts for the committee
    its office serves): the pages and the API choose among these."""
    committees = Organization.objects.filter(kind__is_committee=True, closed_on__isnull=True)
    return visible_to(person, committees, action=Action.REGISTER).order_by("path")


def incoming_visible_to(person: Person) -> QuerySet[IncomingDocument]:
    """Incoming documents `person` may see: their committees' registers, and nothing
    classified above their clearance: not in lists, counts or search."""
    return visible_to(
        person,
        IncomingDocument.objects.all(),
        organization_field="organization",
        secrecy_field="secrecy",
        action=Action.VIEW,
    )


def incoming_duplicates(
    person: Person, *, organization: Organization, issuer: str, symbol: str, document_date: dt.date
) -> QuerySet[IncomingDocument]:
    """Entries of the same issuer, symbol and date already registered: the clerk is
    warned before entering the same document twice."""
    if not symbol.strip():
        return IncomingDocument.objects.none()
    return incoming_visible_to(person).filter(
        organization=organization,
        duplicate_key=duplicate_key(issuer, symbol),
        document_date=document_date,
    )


@dataclass(frozen=True)
class Listing:
    """How one direction's register is listed and searched: by which day, through
    which SQLite index. Newest first, and on one day in the order registered: the
    id, not the register's number, breaks the tie so that one index
    (`incoming_newest`, `outgoing_newest`) serves every register a person sees at
    once (a number is per register, and the classified register runs its own)."""

    date_field: str
    index: type[Model]

    @property
    def order(self) -> tuple[str, str]:
        return (f"-{self.date_field}", "-id")

    def page(self, documents: QuerySet[M], query: str, order: str) -> search.Results[M] | search.Capped[M]:
        """The page's list: with words, the search's results (best first, or newest
        first), else the register newest first. Either pages with Paginator."""
        found = search.search(
            documents, query, date_field=self.date_field, index=self.index, by_date=order == Order.DATE
        )
        return found if found is not None else search.Capped(documents.order_by(*self.order))

    def every(self, documents: QuerySet[M], query: str) -> QuerySet[M]:
        """Every entry the words find, newest first, uncounted and uncapped: for
        printed registers and the API."""
        found = search.search(documents, query, date_field=self.date_field, index=self.index)
        if found is not None:
            documents = found.all_matching()
        return documents.order_by(*self.order)


INCOMING = Listing("received_on", IncomingSearchIndex)
OUTGOING = Listing("issued_on", OutgoingSearchIndex)


class Order:
    """How a list with words searched is ordered (without words: newest first)."""

    RELEVANCE = "relevance"
    DATE = "date"


@dataclass(frozen=True)
class IncomingFilters:
    query: str = ""
    order: str = Order.RELEVANCE
    document_type: DocumentType | None = None
    issuer: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    classified: bool | None = None
    # Where its handling stands (`HandlingStatus`); empty: any.
    status: str = ""


class HandlingStatus:
    """The statuses the incoming register is filtered by. Overdue documents are
    among those being handled: the earliest deadline of their directed slips has
    passed."""

    NONE = "none"  # chưa chuyển xử lý
    OPEN = "open"  # đang xử lý
    OVERDUE = "overdue"  # quá hạn
    DONE = "done"  # đã xong


def _status_q(status: str) -> Q:
    if status == HandlingStatus.OVERDUE:
        return Q(handling=Handling.OPEN, handling_deadline__lt=timezone.localdate())
    return Q(handling=Handling(status))  # the others are the recorded states


def _issuer_q(issuer: str) -> Q:
    """The documents of one issuer, however its name was capitalized or accented
    ("Ban Tổ chức Trung ương" = "BAN TO CHUC TRUNG UONG"): the duplicate key starts
    with the folded name."""
    return Q(duplicate_key__startswith=f"{fold(issuer)}|")


def _incoming_filtered(person: Person, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    documents = incoming_visible_to(person).select_related("document_type", "register", "handler_unit")
    if filters.document_type is not None:
        documents = documents.filter(document_type=filters.document_type)
    if filters.issuer.strip():
        documents = documents.filter(_issuer_q(filters.issuer))
    if filters.received_from is not None:
        documents = documents.filter(received_on__gte=filters.received_from)
    if filters.received_to is not None:
        documents = documents.filter(received_on__lte=filters.received_to)
    if filters.classified is not None:
        documents = documents.filter(register__is_classified=filters.classified)
    if filters.status:
        documents = documents.filter(_status_q(filters.status))
    return documents


def incoming_results(
    person: Person, filters: IncomingFilters
) -> search.Results[IncomingDocument] | search.Capped[IncomingDocument]:
    """The incoming register page's list (`Listing.page`)."""
    return INCOMING.page(_incoming_filtered(person, filters), filters.query, filters.order)


def incoming_list(person: Person, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    """Every incoming entry the filters and words find (`Listing.every`)."""
    return INCOMING.every(_incoming_filtered(person, filters), filters.query)


# --- Outgoing documents ---------------------------------------------------------------------


def outgoing_visible_to(person: Person) -> QuerySet[OutgoingDocument]:
    """Outgoing documents `person` may see: their committees' registers, and nothing
    classified above their clearance: not in lists, counts or search."""
    return visible_to(
        person,
        OutgoingDocument.objects.all(),
        organization_field="organization",
        secrecy_field="secrecy",
        action=Action.VIEW,
    )


def outgoing_issuers(person: Person) -> QuerySet[Organization]:
    """The open organizations whose outgoing documents `person` numbers: a văn thư
    of the city office numbers the Thành ủy's and the office's own."""
    return visible_to(
        person, Organization.objects.filter(closed_on__isnull=True), action=Action.REGISTER
    ).order_by("path")


def outgoing_signers(issuers: QuerySet[Organization]) -> QuerySet[Person]:
    """People offered as signers: those holding a leading role in one of the issuers
    today. The service checks that the one chosen signs for the issuer chosen."""
    leading = Membership.objects.current().filter(role__in=SIGNING_ROLES, organization__in=issuers)
    return Person.objects.filter(pk__in=leading.values("person"), is_active=True).order_by("sort_key")


def outgoing_drafters(issuers: QuerySet[Organization]) -> QuerySet[Person]:
    """People offered as drafters: anyone working in one of the issuers today."""
    working = Membership.objects.current().filter(organization__in=issuers)
    return Person.objects.filter(pk__in=working.values("person"), is_active=True).order_by("sort_key")


@dataclass(frozen=True)
class OutgoingFilters:
    query: str = ""
    order: str = Order.RELEVANCE
    document_type: DocumentType | None = None
    issuer: Organization | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    classified: bool | None = None
    cancelled: bool | None = None


def _outgoing_filtered(person: Person, filters: OutgoingFilters) -> QuerySet[OutgoingDocument]:
    documents = outgoing_visible_to(person).select_related(
        "document_type", "register", "signer", "organization"
    )
    if filters.document_type is not None:
        documents = documents.filter(document_type=filters.document_type)
    if filters.issuer is not None:
        documents = documents.filter(organization=filters.issuer)
    if filters.issued_from is not None:
        documents = documents.filter(issued_on__gte=filters.issued_from)
    if filters.issued_to is not None:
        documents = documents.filter(issued_on__lte=filters.issued_to)
    if filters.classified is not None:
        documents = documents.filter(register__is_classified=filters.classified)
    if filters.cancelled is not None:
        documents = documents.filter(cancelled_at__isnull=not filters.cancelled)
    return documents


def outgoing_results(
    person: Person, filters: OutgoingFilters
) -> search.Results[OutgoingDocument] | search.Capped[OutgoingDocument]:
    """The outgoing register page's list (`Listing.page`)."""
    return OUTGOING.page(_outgoing_filtered(person, filters), filters.query, filters.order)


def outgoing_list(person: Person, filters: OutgoingFilters) -> QuerySet[OutgoingDocument]:
    """Every outgoing entry the filters and words find (`Listing.every`)."""
    return OUTGOING.every(_outgoing_filtered(person, filters), filters.query)
