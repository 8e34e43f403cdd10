"""What the follow-up's endpoints read and write. A task's `state` is computed as of a
day (today unless the request names one): not_started, in_progress, done_on_time,
done_late or overdue."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from vanphong.api.schemas import Id, PersonRef, Ref
from vanphong.followup.models import ConclusionKind, Progress, TaskState


class ConclusionOut(Schema):
    id: int
    organization: Ref
    kind: ConclusionKind = Field(description="KL (conclusion) or TB (concluding notice).")
    symbol: str
    issued_on: dt.date
    title: str
    secrecy: int = Field(description="0 not classified, 1 confidential, 2 secret, 3 top secret.")
    outgoing_id: int | None = Field(description="The outgoing document it was taken from, if any.")


class ConclusionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ConclusionOut]


class ConclusionRef(Schema):
    id: int
    kind: ConclusionKind
    symbol: str
    issued_on: dt.date


class TaskOut(Schema):
    id: int
    conclusion: ConclusionRef
    organization: Ref = Field(description="The committee whose conclusion it is.")
    number: int
    content: str
    lead_unit: Ref
    co_units: list[Ref]
    leader: PersonRef = Field(description="The leader in charge.")
    deadline: dt.date
    progress: Progress = Field(description="What the units reported: not_started, in_progress or done.")
    completed_on: dt.date | None
    state: TaskState = Field(description="As of the day asked for (today by default).")


class ConclusionDetailOut(ConclusionOut):
    day: dt.date = Field(description="The day the tasks' states are as of.")
    tasks: list[TaskOut]


class TaskPage(Schema):
    day: dt.date = Field(description="The day the states are as of.")
    count: int
    limit: int
    offset: int
    items: list[TaskOut]


class ReportFileOut(Schema):
    id: int
    name: str
    # The file through the API (the caller's token), as /api/v1/followup/files/{id}/.
    url: str


class ReportOut(Schema):
    author: PersonRef
    unit: Ref = Field(description="The unit in whose name it was reported.")
    at: dt.datetime
    note: str
    done: bool
    files: list[ReportFileOut]


class TaskDetailOut(TaskOut):
    reports: list[ReportOut]


class TaskQuery(Schema):
    """The list's filters (all optional), then a page of the result, nearest deadline first."""

    day: dt.date | None = Field(None, description="The states as of this day (today by default).")
    state: TaskState | None = None
    unit: Id | None = Field(None, description="A unit (id): the tasks it leads or co-operates on.")
    leader: Id | None = Field(None, description="The leader in charge (id).")
    overdue: bool | None = Field(None, description="Only those overdue (true), or those not (false).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class DayQuery(Schema):
    day: dt.date | None = Field(None, description="The states as of this day (today by default).")


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class ConclusionIn(Schema):
    """A conclusion taken from the outgoing register (`outgoing`: a registered KL or
    TB, whose committee, number, date, abstract and secrecy it takes), or entered by
    hand (then `organization`, `kind`, `symbol`, `issued_on` and `title` are required)."""

    outgoing: Id | None = Field(None, description="A registered KL or TB (id) not followed up yet.")
    organization: Id | None = Field(None, description="A committee whose office you work in (id).")
    kind: ConclusionKind | None = None
    symbol: str = Field("", max_length=60, description="E.g. 125-KL/TU.")
    issued_on: dt.date | None = None
    title: str = ""


class TaskIn(Schema):
    content: str
    lead_unit: Id = Field(description="A unit of the committee's tree (id).")
    co_units: list[Id] = Field([], description="Co-operating units (ids), as `lead_unit`.")
    leader: Id = Field(description="A leader of the committee (id).")
    deadline: dt.date = Field(description="Not before the conclusion's date.")


class ReportIn(Schema):
    note: str = Field("", description="What was done.")
    done: bool = Field(False, description="The task is done (the lead unit, the leader or the office).")


class BoardRowOut(Schema):
    name: str = Field(description="The unit's or the leader's name (empty for the total).")
    not_started: int
    in_progress: int
    done_on_time: int
    done_late: int
    overdue: int
    total: int
    on_time_percent: int | None = Field(
        description="Done on time among the tasks due or done, in whole percent; None when none."
    )


class BoardOut(Schema):
    committee: Ref
    day: dt.date
    total: BoardRowOut
    by_unit: list[BoardRowOut] = Field(description="Per lead unit, the most overdue first.")
    by_leader: list[BoardRowOut] = Field(description="Per leader in charge, the most overdue first.")


class BoardQuery(Schema):
    committee: Id | None = Field(
        None, description="A committee whose board you may open; the first of them by default."
    )
    day: dt.date | None = Field(None, description="The states as of this day (today by default).")
