"""What the work programs' endpoints read and write."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from vanphong.api.schemas import DocumentTypeOut, Id, PersonRef, Ref
from vanphong.programs.models import ItemState, OutputKind, ProgramKind, ProgramState


class ProgramOut(Schema):
    id: int
    organization: Ref
    kind: ProgramKind = Field(description="term, year, half, quarter or month.")
    year: int | None = Field(description="None for a full-term program.")
    period: int = Field(description="The half (1–2), quarter (1–4) or month (1–12); 0 for a year or a term.")
    period_label: str = Field(description="The period in words, in the request's language.")
    starts_on: dt.date
    ends_on: dt.date
    title: str
    place: str
    state: ProgramState = Field(description="drafting, issued (in force) or closed (no change any more).")
    number: int | None = Field(description="The number of the CTr document, once issued.")
    issued_on: dt.date | None
    planned: int = Field(description="Items planned (all but the dropped ones).")
    done: int = Field(description="Items done.")


class ProgramPage(Schema):
    count: int = Field(description="Programs matching the filters (all pages).")
    limit: int
    offset: int
    items: list[ProgramOut]


class ItemLink(Schema):
    id: int
    program_id: int
    program_title: str


class ItemOut(Schema):
    id: int
    program_id: int
    position: int = Field(description="The item's order number in its program.")
    content: str
    lead: Ref = Field(description="The body that prepares it.")
    partners: list[Ref] = Field(description="Co-operating bodies of the committee's tree.")
    partners_note: str = Field(description="Other co-operating bodies, as written.")
    leader: PersonRef | None = Field(description="The leader in charge.")
    planned_year: int
    planned_quarter: int | None
    planned_month: int | None
    time_label: str = Field(description="The planned time in words, in the request's language.")
    timing_note: str
    output_kind: OutputKind
    output_type: DocumentTypeOut | None
    output_note: str
    state: ItemState = Field(description="planned, done, moved (to a later period) or dropped.")
    done_on: dt.date | None
    state_note: str
    source: ItemLink | None = Field(description="The item of a longer program this one breaks down.")
    breakdown: list[ItemLink] = Field(description="The items of shorter programs this one is broken into.")


class RateOut(Schema):
    label: str
    planned: int = Field(description="Items planned in the period (the dropped ones not counted).")
    done: int
    moved: int
    dropped: int
    percent: int | None = Field(description="Done against planned, in whole percent; None when none planned.")


class ExecutionOut(Schema):
    total: RateOut
    periods: list[RateOut] = Field(
        description="A term's years, a year's or half's quarters, a quarter's months, or the month."
    )


class ProgramDetailOut(ProgramOut):
    items: list[ItemOut]
    execution: ExecutionOut


class ProgramQuery(Schema):
    """The list's filters (all optional), then a page of the result."""

    organization: Id | None = Field(None, description="A committee (id).")
    kind: ProgramKind | None = None
    year: int | None = Field(None, ge=1945, le=2200, description="Programs covering this year.")
    period: int | None = Field(None, ge=0, le=12, description="The half, quarter or month number.")
    state: ProgramState | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ItemIn(Schema):
    """A new item, as the program page's form adds it."""

    content: str
    lead: Id = Field(
        description="The preparing body: the committee, one of its units or a committee under it."
    )
    partners: list[Id] = Field([], description="Co-operating bodies (ids), as `lead`.")
    partners_note: str = Field("", max_length=300)
    leader: Id | None = Field(None, description="A leader of the committee (id).")
    planned_year: int | None = Field(None, ge=1945, le=2200, description="Left out: the program's year.")
    planned_quarter: int | None = Field(None, ge=1, le=4)
    planned_month: int | None = Field(
        None, ge=1, le=12, description="A month program's items take its month."
    )
    timing_note: str = Field("", max_length=100, description="E.g. “second week”.")
    output_kind: OutputKind = OutputKind.DOCUMENT
    output_type: str | None = Field(
        None, description="The output's document type (code).", pattern=r"^[-a-z0-9_]+$"
    )
    output_note: str = Field("", max_length=200)


class ItemStateIn(Schema):
    state: ItemState
    done_on: dt.date | None = Field(None, description="When done: the day (today when left out).")
    note: str = Field("", max_length=300, description="Required when moved or dropped: why.")
