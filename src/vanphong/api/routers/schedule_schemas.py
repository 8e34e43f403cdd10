"""What the weekly schedule's endpoints read and write. Times are `hh:mm`, the
office's local time as the page shows them (not RFC 3339 times, which carry an offset)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from vanphong.api.schemas import Id, PersonRef, Ref
from vanphong.schedule.models import EventKind, EventState

# The days a schedule is kept for: a week is reckoned from its Monday to the next,
# which the calendar must still hold.
FIRST_DAY, LAST_DAY = dt.date(1945, 1, 1), dt.date(2200, 12, 31)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
Time = Annotated[str, Field(pattern=TIME_PATTERN, description="hh:mm, the office's local time.")]


def parse_time(value: str | None) -> dt.time | None:
    """A `Time` (already matched by its pattern) as the services take it."""
    return None if value is None else dt.time.fromisoformat(value)


class ClashOut(Schema):
    """A leader of this event booked at an overlapping time in another event (of any
    committee, among those the caller may see)."""

    person: PersonRef
    event_id: int
    organization: Ref
    day: dt.date
    all_day: bool
    starts_at: Time | None
    ends_at: Time | None
    title: str


class EventOut(Schema):
    id: int
    organization: Ref
    monday: dt.date = Field(description="The Monday of the event's week.")
    day: dt.date
    all_day: bool
    starts_at: Time | None
    ends_at: Time | None
    kind: EventKind
    title: str
    place: str
    presiding: PersonRef | None
    attendees: list[PersonRef] = Field(description="The leaders booked (checked for double bookings).")
    attendees_text: str = Field(description="Who attends, as written.")
    preparing_unit: Ref | None
    note: str
    state: EventState = Field(description="planned or cancelled.")
    cancel_note: str
    changed: bool = Field(description="Added, changed or cancelled after its week was published.")
    changed_at: dt.datetime | None
    revision: int
    double_bookings: list[ClashOut] = Field(description="Empty unless a leader is booked twice.")


class WeekOut(Schema):
    organization: Ref
    monday: dt.date
    sunday: dt.date
    iso_year: int
    iso_week: int
    keeping: bool = Field(
        description="The caller keeps this schedule (its office): may add, change, publish."
    )
    published: bool
    published_at: dt.datetime | None
    publications: int = Field(description="How many times published (2 and more: adjusted).")
    visible: bool = Field(description="Events shown: to the office always, to the others once published.")
    double_bookings: int = Field(description="Events with a leader booked twice.")
    changes: int = Field(description="Events changed after publishing.")
    events: list[EventOut]


class WeekQuery(Schema):
    """The ISO week `week` (e.g. 2026-W48), else the week containing `day`, else this
    week. A week the calendar does not have (2025-W53, or outside 1945–2200) is a 404."""

    day: dt.date | None = None
    week: str | None = Field(None, pattern=r"^\d{4}-W\d{2}$", description="An ISO week, e.g. 2026-W48.")


class EventIn(Schema):
    day: Day
    all_day: bool = False
    starts_at: Time | None = Field(None, description="Required unless the event lasts all day.")
    ends_at: Time | None = Field(None, description="Optional; after the start.")
    kind: EventKind = EventKind.OTHER
    title: str
    place: str = Field("", max_length=300)
    presiding: Id | None = Field(None, description="A leader of the committee (id).")
    attendees: list[Id] = Field([], description="The leaders and the office's chiefs attending (ids).")
    attendees_text: str = Field("", max_length=500)
    preparing_unit: Id | None = Field(None, description="A unit of the committee's tree (id).")
    note: str = Field("", max_length=500)
    confirm_double_booking: bool = Field(False, description="Save even though a leader is booked twice.")


class EventPatch(Schema):
    """The fields to change; those left out stay as they are (`null` clears a time,
    the presiding leader or the preparing unit)."""

    day: Day | None = None
    all_day: bool = False
    starts_at: Time | None = None
    ends_at: Time | None = None
    kind: EventKind = EventKind.OTHER
    title: str = ""
    place: str = Field("", max_length=300)
    presiding: Id | None = None
    attendees: list[Id] = []
    attendees_text: str = Field("", max_length=500)
    preparing_unit: Id | None = None
    note: str = Field("", max_length=500)
    confirm_double_booking: bool = False


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class PublishIn(Schema):
    """The week to publish: the ISO week `week`, else the week containing `day`."""

    day: Day | None = None
    week: str | None = Field(None, pattern=r"^\d{4}-W\d{2}$", description="An ISO week, e.g. 2026-W48.")
