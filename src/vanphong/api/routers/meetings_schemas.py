"""What the meetings' endpoints read and write. Every class is named `Meeting…`: ninja
names the schema's components by class, and other routers have their own `ItemOut`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from vanphong.api.schemas import MAX_SECRECY, Id, PersonRef, Ref
from vanphong.meetings.models import AccessAfter, DocumentSource, MeetingState, Response

KIND_CODE = r"^[-a-z0-9_]+$"


class MeetingKindOut(Schema):
    code: str
    name: str
    invited_body: str = Field(
        description="Whose members are invited by default: standing_committee, executive_committee, "
        "standing_members or none."
    )
    quorum_numerator: int = Field(description="The quorum as a fraction of the members; 0/1: none needed.")
    quorum_denominator: int
    majority_basis: str = Field(description="all: of all members; present: of the members present.")
    delegates_count: bool = Field(description="Whether a delegate counts towards the quorum.")


class MeetingKindRef(Schema):
    code: str
    name: str


class MeetingOut(Schema):
    id: int
    organization: Ref = Field(description="The committee holding the meeting.")
    kind: MeetingKindRef
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    chair: PersonRef | None
    secretary: PersonRef | None = Field(description="The meeting's secretary (thư ký).")
    state: MeetingState = Field(description="draft, invited, in_progress or closed.")
    event_id: int | None = Field(description="Its entry in the weekly schedule.")
    preread_days: int = Field(description="The pre-reads open this many days before the meeting.")
    downloads_allowed: bool = Field(description="False: the pre-reads may be read, not downloaded.")
    access_after: AccessAfter = Field(description="When reading ends: at_close, days_after or keep.")
    access_days: int
    prereads_open_from: dt.datetime
    prereads_close_at: dt.datetime | None = Field(description="None: not known yet, or never.")
    invited_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None


class MeetingPage(Schema):
    count: int = Field(description="Meetings matching the filters (all pages).")
    limit: int
    offset: int
    items: list[MeetingOut]


class MeetingDocumentOut(Schema):
    id: int
    meeting_id: int
    item_id: int
    title: str
    source: DocumentSource = Field(description="incoming, outgoing, draft or upload.")
    original_name: str = Field(description="An uploaded file's name; empty for the registry's and drafts.")
    size: int
    page_count: int | None
    added_at: dt.datetime
    readable: bool = Field(description="Whether the caller may open it now (the pre-reads are open).")
    downloadable: bool = Field(description="Whether the caller may download it (`/pdf/`).")


class MeetingItemOut(Schema):
    id: int
    order: int
    title: str
    presenter: PersonRef | None
    preparing_unit: Ref | None
    planned_start: dt.time | None
    duration_minutes: int | None
    secrecy: int = Field(description="0 not classified, 1 confidential, 2 secret, 3 top secret.")
    invite_all: bool = Field(description="Everyone invited to the meeting; else `invitees`.")
    invitees: list[PersonRef]
    note: str
    carries_files: bool = Field(description="False for a classified item: its documents are on paper.")
    documents: list[MeetingDocumentOut]


class MeetingInvitationOut(Schema):
    id: int
    person: PersonRef
    is_member: bool = Field(description="A member of the kind's body: counted for the quorum.")
    response: Response = Field(description="pending, confirmed, declined or delegated.")
    reason: str
    delegate: PersonRef | None
    responded_at: dt.datetime | None
    notified_at: dt.datetime | None = Field(description="When the invitation was sent to them.")
    checked_in_at: dt.datetime | None
    present: bool


class MeetingQuorumOut(Schema):
    members: int = Field(description="Members of the body invited.")
    needed: int = Field(description="Members present needed; 0 when the kind needs no quorum.")
    present: int = Field(description="Members present (delegates only where the kind counts them).")
    delegates_present: int
    majority: int = Field(description="Votes needed to carry a decision, on the kind's basis.")
    numerator: int
    denominator: int
    required: bool
    reached: bool


class MeetingDetailOut(MeetingOut):
    items: list[MeetingItemOut] = Field(
        description="The items the caller is invited to and cleared for, in order."
    )
    my_invitation: MeetingInvitationOut | None = Field(
        description="The seat the caller sits on: their own, or the one they attend as a delegate."
    )
    quorum: MeetingQuorumOut
    may_manage: bool = Field(description="The office or the meeting's secretary.")
    chairing: bool
    prereads_open: bool


class MeetingQuery(Schema):
    """The list's filters (all optional), then a page of the result."""

    when: Literal["upcoming", "past"] | None = Field(
        None,
        description="upcoming: not closed and not ended more than a day ago (soonest first); "
        "past: the others (latest first).",
    )
    kind: str | None = Field(None, description="A kind's code.", pattern=KIND_CODE, max_length=40)
    state: MeetingState | None = None
    organization: Id | None = Field(None, description="A committee (id).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class MeetingIn(Schema):
    """A new meeting, as the meeting form creates it."""

    organization: Id | None = Field(
        None, description="The committee (id): required when the caller keeps several."
    )
    kind: str = Field(description="A kind's code.", pattern=KIND_CODE, max_length=40)
    title: str = Field(max_length=300)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    place: str = Field("", max_length=300)
    chair: Id | None = Field(None, description="A leader of the committee (id).")
    secretary: Id | None = Field(None, description="Someone of the committee or its office (id).")
    preread_days: int = Field(3, ge=0, le=60)
    downloads_allowed: bool = False
    access_after: AccessAfter = AccessAfter.AT_CLOSE
    access_days: int = Field(0, ge=0, le=3650)
    invite_body: bool = Field(True, description="Invite the members of the kind's body.")
    confirm_double_booking: bool = Field(False, description="Keep it although the schedule has a clash.")


class MeetingUpdateIn(Schema):
    """The fields to change (those left out stay as they are)."""

    kind: str | None = Field(None, pattern=KIND_CODE, max_length=40)
    title: str | None = Field(None, max_length=300)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=300)
    chair: Id | None = None
    secretary: Id | None = None
    preread_days: int | None = Field(None, ge=0, le=60)
    downloads_allowed: bool | None = None
    access_after: AccessAfter | None = None
    access_days: int | None = Field(None, ge=0, le=3650)
    confirm_double_booking: bool = False


class MeetingItemIn(Schema):
    """A new item at the end of the agenda, as the agenda page adds it."""

    title: str = Field(max_length=500)
    presenter: Id | None = Field(None, description="Someone of the committee or its office (id).")
    preparing_unit: Id | None = Field(None, description="A unit of the committee's tree (id).")
    planned_start: dt.time | None = None
    duration_minutes: int | None = Field(None, ge=1, le=600)
    secrecy: int = Field(0, ge=0, le=MAX_SECRECY, description="Not above the caller's clearance.")
    invitees: list[Id] | None = Field(
        None, description="Left out or null: everyone invited; else these invited people (ids)."
    )
    note: str = ""


class MeetingItemUpdateIn(Schema):
    """The fields to change (those left out stay as they are; `invitees` null: everyone)."""

    title: str | None = Field(None, max_length=500)
    presenter: Id | None = None
    preparing_unit: Id | None = None
    planned_start: dt.time | None = None
    duration_minutes: int | None = Field(None, ge=1, le=600)
    secrecy: int | None = Field(None, ge=0, le=MAX_SECRECY)
    invitees: list[Id] | None = None
    note: str | None = None


class MeetingItemMoveIn(Schema):
    direction: Literal["up", "down"]


class MeetingInviteeIn(Schema):
    person: Id = Field(description="Someone of the committee or its office, not invited yet (id).")
    is_member: bool = Field(False, description="Counted as a member of the body for the quorum.")


class MeetingAnswerIn(Schema):
    response: Literal["confirmed", "declined", "delegated"]
    reason: str = Field("", max_length=300, description="Required when declining.")
    delegate: Id | None = Field(
        None, description="Required when delegating: someone of the committee or its office (id)."
    )


class MeetingCheckInIn(Schema):
    present: bool = Field(True, description="False undoes a check-in.")
