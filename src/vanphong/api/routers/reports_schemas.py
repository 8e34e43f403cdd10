"""What the reports' endpoints read and write. A form's fields are its published
version's definition as stored (`reports/schema.py`: number, text, choice, date,
table, file); the values of a draft are what was typed, as strings (a table: a list
of rows, each a mapping of column key to string); a submission's values are the
cleaned ones (numbers as numbers, dates ISO). Sums are decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from vanphong.api.schemas import Id, PersonRef, Ref
from vanphong.reports.models import Periodicity, ReportState
from vanphong.reports.rating import Band
from vanphong.reports.selectors import Status


class ReportVersionOut(Schema):
    number: int
    published_at: dt.datetime | None = Field(description="None: a draft version, not yet asked of anyone.")


class ReportVersionDetailOut(ReportVersionOut):
    fields: list[dict[str, Any]] = Field(
        description=(
            "What is asked, in order: each {key, label, kind (number, text, choice, date, table, file), "
            "required, and per kind min/max/integer, min_words, choices, columns/rows}."
        )
    )
    checks: list[dict[str, Any]] = Field(description="Sums that must match: {kind: sum, total, parts}.")


class ReportFormOut(Schema):
    id: int
    organization: Ref = Field(description="The committee whose office asks for it.")
    title: str
    periodicity: Periodicity
    due_day: int = Field(description="The day of the period's last month it is due on.")
    due_days_after: int | None = Field(description="Or: due this many days after the period's end.")
    recipients_root: Ref | None = Field(description="Every grassroots organization under this node…")
    recipients: list[Ref] = Field(description="…or these organizations.")
    tolerance_percent: int | None = Field(
        description="A figure moving more than this from the last period makes a report thin."
    )
    current_version: int | None = Field(description="The latest published version's number.")


class ReportFormPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportFormOut]


class ReportFormDetailOut(ReportFormOut):
    version: ReportVersionDetailOut | None = Field(
        description="The current published version, with its fields."
    )
    versions: list[ReportVersionOut] = Field(description="Every version, the latest first.")


class ReportPeriodOut(Schema):
    id: int
    form: Ref = Field(description="The form (its id and title).")
    organization: Ref = Field(description="The committee asking.")
    version: int = Field(description="The form's version the period is filled on.")
    label: str
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None = Field(description="Set once closed: no more submissions.")


class ReportPeriodPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportPeriodOut]


class ReportPeriodDetailOut(ReportPeriodOut):
    fields: list[dict[str, Any]] = Field(description="The version's fields (as a form's).")
    checks: list[dict[str, Any]]


class ReportPageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ReportPeriodQuery(ReportPageQuery):
    """The list's filters (all optional), then a page of the result."""

    form: Id | None = Field(None, description="A form (id).")
    year: int | None = Field(None, ge=1945, le=2200, description="Periods beginning in this year.")
    state: Literal["open", "closed"] | None = None


class ReportBoardQuery(Schema):
    status: Status | None = Field(None, description="Only the rows of this status.")
    thin: bool = Field(False, description="Only the thin reports.")
    # No NUL byte, which PostgreSQL refuses in text: a 422 rather than a server error.
    q: str = Field("", max_length=100, pattern=r"^[^\x00]*$", description="Words of the organization's name.")
    day: dt.date | None = Field(None, description="The status as of this day (today by default).")


class ReportBoardCounts(Schema):
    total: int
    on_time: int
    late: int
    missing: int
    pending: int = Field(description="Not sent, not yet due.")
    thin: int
    returned: int


class ReportBoardRowOut(Schema):
    organization: Ref
    status: Status = Field(description="on_time, late (first sent after the due day), missing or pending.")
    report_id: int | None = Field(description="None: not begun.")
    report_state: ReportState | None
    first_submitted_at: dt.datetime | None
    submitted_at: dt.datetime | None
    thin: bool
    thin_reasons: list[str] = Field(description="Why it is thin, in words (the request's language).")


class ReportBoardOut(Schema):
    period: ReportPeriodOut
    day: dt.date
    counts: ReportBoardCounts = Field(description="Over every organization asked, whatever the filters.")
    rows: list[ReportBoardRowOut] = Field(
        description="The rows matching the filters (1,000 at most), in tree order."
    )


class ReportRemindOut(Schema):
    organizations: int = Field(description="How many organizations were reminded.")


class ReportSummaryOut(Schema):
    id: int
    state: ReportState
    submitted_at: dt.datetime | None
    first_submitted_at: dt.datetime | None
    thin: bool
    return_reason: str
    returned_at: dt.datetime | None


class ReportDuePeriodOut(Schema):
    period: ReportPeriodOut
    report: ReportSummaryOut | None = Field(description="None: not begun.")


class ReportDueOrganizationOut(Schema):
    organization: Ref
    periods: list[ReportDuePeriodOut] = Field(
        description="The open periods it must report on, the earliest due first."
    )


class ReportReturnedOut(Schema):
    period: ReportPeriodOut
    organization: Ref
    report: ReportSummaryOut


class ReportDueOut(Schema):
    organizations: list[ReportDueOrganizationOut]
    returned: list[ReportReturnedOut] = Field(
        description="Reports returned for correction, to be sent again."
    )


class ReportAttachmentOut(Schema):
    id: int
    field_key: str
    name: str
    size: int
    content_type: str
    sha256: str


class ReportSubmissionOut(Schema):
    number: int = Field(description="1 for the first submission, 2 after a return, …")
    version: int
    values: dict[str, Any] = Field(description="As cleaned: numbers as numbers, dates ISO, tables as rows.")
    thin_reasons: list[str] = Field(description="Why it is thin, in words.")
    submitted_at: dt.datetime
    submitted_by: PersonRef


class ReportFillOut(Schema):
    id: int | None = Field(description="None: no draft begun yet.")
    period: ReportPeriodDetailOut
    organization: Ref
    state: ReportState | None
    draft: dict[str, Any] = Field(description="The draft as typed (strings, even a wrong one).")
    draft_saved_at: dt.datetime | None
    first_submitted_at: dt.datetime | None
    submitted_at: dt.datetime | None
    thin: bool
    return_reason: str
    returned_at: dt.datetime | None
    files: list[ReportAttachmentOut]
    submissions: list[ReportSubmissionOut] = Field(description="Every submission, the latest first.")


class ReportDraftIn(Schema):
    values: dict[str, Any] = Field(
        description=(
            "What was typed, by field key: a string (or number) per field; a table, a list of rows "
            "{column key: value}; a file field is kept as attached. Left-out fields are emptied."
        )
    )


class ReportSubmitIn(Schema):
    values: dict[str, Any] | None = Field(
        None, description="Saved as the draft first (kept even if the submission is refused)."
    )


class ReportReturnIn(Schema):
    reason: str = Field(max_length=5000, description="What must be corrected.")


class ReportSumsQuery(Schema):
    organization: Id | None = Field(
        None, description="The node to sum under (one under the form's committee; the committee by default)."
    )


class ReportKeyOut(Schema):
    key: str = Field(
        description=(
            "A number field's key, a table cell's `table.row.column`, a column total's `table.*.column`."
        )
    )
    label: str


class ReportCellOut(Schema):
    key: str
    value: Decimal | None = Field(description="This period's sum.")
    previous: Decimal | None = Field(description="The previous period's sum.")
    change: Decimal | None


class ReportSumLineOut(Schema):
    organization: Ref | None = Field(
        description="The child subtree; the node itself for its own report; None: the total."
    )
    own: bool = Field(description="The node's own report (not a child's subtree).")
    drillable: bool = Field(description="Has organizations under it: sum again with it as `organization`.")
    asked: int
    reported: int
    cells: list[ReportCellOut]


class ReportSumsOut(Schema):
    period: ReportPeriodOut
    previous_period: ReportPeriodOut | None
    node: Ref
    trail: list[Ref] = Field(description="From the form's committee down to the node.")
    keys: list[ReportKeyOut]
    lines: list[ReportSumLineOut]
    total: ReportSumLineOut


class ReportRatingQuery(Schema):
    committee: Id | None = Field(
        None, description="A committee the caller receives reports for (the first of them by default)."
    )
    year: int = Field(ge=1945, le=2200, description="Periods beginning in this year.")
    as_of: dt.date | None = Field(None, description="Periods due by this day count (today by default).")


class ReportRatingRowOut(Schema):
    organization: Ref | None = Field(description="None: the total over every organization.")
    due: int = Field(description="Periods counted (past their due day).")
    on_time: int
    late: int
    missing: int
    thin: int = Field(description="Reports sent that were thin.")
    required: int = Field(description="Required parts asked in the reports sent.")
    filled: int = Field(description="Of them, filled in.")
    on_time_percent: float | None
    thin_percent: float | None = Field(description="Thin among those sent.")
    completeness_percent: float | None
    score: Decimal = Field(description="0–100, to one decimal.")
    band: Band = Field(description="The suggested rating: excellent, good, done or failed.")
    band_label: str


class ReportRatingOut(Schema):
    committee: Ref
    year: int
    as_of: dt.date
    periods: list[ReportPeriodOut] = Field(description="The periods counted, the earliest due first.")
    rows: list[ReportRatingRowOut] = Field(description="Each organization asked, the best score first.")
    total: ReportRatingRowOut
    bands: dict[Band, int] = Field(description="How many organizations in each band.")
