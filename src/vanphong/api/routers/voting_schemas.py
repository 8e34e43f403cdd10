"""What the votes' and written consultations' endpoints read and write. The names
are the voting app's own (`Vote…`, `Consultation…`) so that no OpenAPI component is
shared by chance with another router's."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from vanphong.api.schemas import Id, PersonRef, Ref
from vanphong.meetings.models import MajorityBasis
from vanphong.voting.models import Choice, ConsultationState, VoteKind, VoteState


class VoteNamedOut(Schema):
    person: PersonRef = Field(description="Who voted (a delegate, on the seat of `in_place_of`).")
    choice: Choice
    on_paper: bool = Field(description="Entered by the secretary from a paper ballot.")
    in_place_of: PersonRef | None


class VoteOut(Schema):
    id: int
    meeting_id: int
    item_id: int | None
    item_title: str
    question: str
    kind: VoteKind = Field(description="open (show of hands, counts entered), named or secret.")
    state: VoteState
    voters: int = Field(description="Seats that have voted (in the app or on paper); 0 for a show of hands.")
    votes_for: int | None = Field(
        description="None while a secret vote is open: nobody sees its count before."
    )
    votes_against: int | None
    votes_abstain: int | None
    members: int | None = Field(description="Members of the body, fixed at closing.")
    present: int | None = Field(description="Members present at closing (delegates as the kind says).")
    majority_basis: MajorityBasis | None = Field(
        description="all: of all members; present: of those present."
    )
    majority_needed: int | None = Field(description="Votes in favour needed to pass, fixed at closing.")
    passed: bool | None
    named: list[VoteNamedOut] = Field(description="Who voted how: a named vote only.")
    may_vote: bool = Field(description="Whether the caller may cast a ballot now.")
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class VoteIn(Schema):
    question: str = Field(max_length=500)
    kind: VoteKind
    item: Id | None = Field(default=None, description="An agenda item of the meeting.")


class VoteBallotIn(Schema):
    choice: Choice


class VoteCountsIn(Schema):
    votes_for: int = Field(ge=0, le=10_000)
    votes_against: int = Field(ge=0, le=10_000)
    votes_abstain: int = Field(ge=0, le=10_000)


class VotePaperBallotsIn(VoteCountsIn):
    seats: list[Id] = Field(description="The invitations (seats) of the members who voted on paper.")


class VotePaperNamedIn(Schema):
    seat: Id = Field(description="The invitation (seat) of the member who voted on paper.")
    choice: Choice


class ConsultationDocumentOut(Schema):
    id: int
    title: str
    original_name: str
    content_type: str
    size: int
    sha256: str


class ConsultationAnswerOut(Schema):
    person: PersonRef
    choice: Choice | None
    opinion: str
    answered_at: dt.datetime | None
    reminders: int


class ConsultationOut(Schema):
    id: int
    organization: Ref
    body: str = Field(description="The kind of meeting whose body is consulted (its code: btv, bch…).")
    body_name: str
    question: str
    text: str
    deadline: dt.datetime
    state: ConsultationState
    members: int
    answered: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    majority_basis: MajorityBasis = Field(
        description="all: of all members consulted; present: of those answering."
    )
    majority_needed: int
    passed: bool | None = Field(description="Recorded at closing.")
    documents: list[ConsultationDocumentOut]
    mine: ConsultationAnswerOut | None = Field(description="The caller's own answer, if consulted.")
    answers: list[ConsultationAnswerOut] = Field(description="Everyone's answers: for the office only.")


class ConsultationIn(Schema):
    organization: Id
    body: str = Field(description="The code of the kind of meeting whose body is consulted (btv, bch).")
    question: str = Field(max_length=500)
    text: str = ""
    deadline: dt.datetime


class ConsultationAnswerIn(Schema):
    choice: Choice
    opinion: str = ""


class ConsultationRemindedOut(Schema):
    reminded: list[PersonRef]
