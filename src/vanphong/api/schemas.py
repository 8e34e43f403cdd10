"""What the API reads and writes, as its OpenAPI schema shows it. Dates are ISO 8601;
secrecy and urgency are the registry's integer levels; related records are named by id."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from vanphong.core.models import Secrecy
from vanphong.registry.models import Urgency

MAX_SECRECY = max(Secrecy.values)
MAX_URGENCY = max(Urgency.values)

# A record's id given in a query or a body: the databases' 64-bit integers at most.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A refused request: `errors` maps each field (or `__all__`) to its messages, in
    the language of the request's `Accept-Language`."""

    detail: str
    errors: dict[str, list[str]]


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


class DocumentTypeOut(Schema):
    code: str
    name: str


class IncomingOut(Schema):
    id: int
    organization: Ref
    number: int = Field(description="The incoming number in its register.")
    register_year: int
    classified: bool = Field(description="Entered in the classified register.")
    received_on: dt.date
    issuer: str
    symbol: str
    document_date: dt.date
    document_type: DocumentTypeOut
    abstract: str
    secrecy: int = Field(description="0 not classified, 1 confidential, 2 secret, 3 top secret.")
    urgency: int = Field(description="0 normal, 1 urgent, 2 very urgent, 3 flash, 4 flash by a set time.")
    handler_unit: Ref | None
    deadline: dt.date | None
    note: str


class IncomingPage(Schema):
    count: int = Field(description="Documents matching the filters (all pages).")
    limit: int
    offset: int
    items: list[IncomingOut]


class IncomingIn(Schema):
    organization_id: int | None = Field(
        None, description="The committee whose register it goes in: required when you keep several."
    )
    received_on: dt.date
    issuer: str
    symbol: str = ""
    document_date: dt.date
    document_type: str = Field(description="The document type's code, e.g. cong-van.")
    abstract: str
    secrecy: int = Field(0, ge=0, le=MAX_SECRECY)
    urgency: int = Field(0, ge=0, le=MAX_URGENCY)
    handler_unit: int | None = Field(None, description="A unit of the committee (id).")
    deadline: dt.date | None = None
    note: str = ""
    confirm_duplicate: bool = Field(
        False, description="Register even though the same issuer, symbol and date are already registered."
    )


class ProgressOut(Schema):
    author: PersonRef
    at: dt.datetime
    text: str


class SlipOut(Schema):
    id: int
    document_id: int
    state: str = Field(description="sent (awaiting direction), directed (in progress) or done.")
    secrecy: int
    sent_to: list[PersonRef]
    sent_by: PersonRef | None
    sent_at: dt.datetime
    note: str
    instruction: str
    lead_unit: Ref | None
    lead_person: PersonRef | None
    co_units: list[Ref]
    co_persons: list[PersonRef]
    deadline: dt.date | None
    is_overdue: bool
    directed_by: PersonRef | None
    directed_at: dt.datetime | None
    completed_by: PersonRef | None
    completed_at: dt.datetime | None
    completion_note: str
    progress: list[ProgressOut]


class SendIn(Schema):
    leaders: list[int] = Field(description="Ids of the leaders to send the document to.")
    note: str = ""


class DirectIn(Schema):
    instruction: str
    lead_unit: int | None = None
    lead_person: int | None = None
    co_units: list[int] = []
    co_persons: list[int] = []
    deadline: dt.date | None = None


class NoteIn(Schema):
    note: str = ""


class IncomingQuery(Schema):
    """The list's filters, as the page's: words of the abstract, symbol, issuer or type;
    a type; a period of receipt. Then a page of the result."""

    q: str = ""
    # A code is a slug: anything else (a NUL byte, which PostgreSQL refuses in text) is
    # a 422 rather than a query.
    document_type: str | None = Field(None, description="A document type's code.", pattern=r"^[-a-z0-9_]+$")
    received_from: dt.date | None = Field(None, description="Received on or after (ISO date).")
    received_to: dt.date | None = Field(None, description="Received on or before (ISO date).")
    limit: int = Field(50, ge=1, le=200)
    # Bounded: the databases take a 64-bit OFFSET at most, and no register is this long.
    offset: int = Field(0, ge=0, le=1_000_000_000)
