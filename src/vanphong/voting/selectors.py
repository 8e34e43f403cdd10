"""Reads of votes and consultations, and who may do what.

- A vote is seen by whoever sees its meeting (`meetings.selectors.meetings_visible_to`)
  and, for a vote on an item, sees the item (invited and cleared).
- The chair, the meeting's secretary and the office run the votes
  (`may_run_votes`).
- Who votes: the seats of members of the body checked in (`voting_seats`); a seat
  taken by a delegate only where the kind of meeting counts delegates
  (`MeetingKind.delegates_count`).
- The counts of a secret vote are shown to nobody until it closes (`tally_visible`);
  those of an open or named vote to everyone who sees the vote.
- A consultation is seen by the members consulted and the committee's office.

`results_for_meeting(meeting)` and `results_for_consultations(committee)` are what
the minutes read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, organizations_q
from vanphong.meetings import selectors as meeting_selectors
from vanphong.meetings.models import Invitation, Meeting, MeetingState, Response
from vanphong.voting.models import (
    Choice,
    Consultation,
    ConsultationState,
    Recipient,
    Vote,
    VoteKind,
    Voter,
)


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if (
        may_anywhere(person, Action.DRAFT)
        or Recipient.objects.filter(person=person).exists()
        or Invitation.objects.filter(Q(person=person) | Q(delegate=person)).exists()
    ):
        return [(pgettext("menu", "Votes and consultations"), reverse("voting_home"), "voting")]
    return []


# --- Votes -------------------------------------------------------------------------------------


def may_run_votes(person: Person, meeting: Meeting) -> bool:
    if not person.is_authenticated or not person.is_active:
        return False
    return meeting.chair_id == person.pk or meeting_selectors.may_manage(person, meeting)


def may_see_meeting(person: Person, meeting: Meeting) -> bool:
    return meeting_selectors.meetings_visible_to(person).filter(pk=meeting.pk).exists()


def may_see_vote(person: Person, vote: Vote) -> bool:
    if not may_see_meeting(person, vote.meeting):
        return False
    return (
        vote.item_id is None
        or meeting_selectors.items_visible_to(person, vote.meeting).filter(pk=vote.item_id).exists()
    )


def votes_visible_to(person: Person, meeting: Meeting) -> QuerySet[Vote]:
    if not may_see_meeting(person, meeting):
        return Vote.objects.none()
    items = meeting_selectors.items_visible_to(person, meeting).values("pk")
    return (
        Vote.objects.filter(meeting=meeting)
        .filter(Q(item__isnull=True) | Q(item__in=items))
        .select_related("item", "meeting__kind")
        .annotate(voted=Count("voters"))
        .order_by("opened_at", "pk")
    )


def voting_seats(meeting: Meeting) -> QuerySet[Invitation]:
    """The seats that vote: members of the body present, a delegate's seat only where
    the kind counts delegates."""
    seats = meeting.invitations.filter(is_member=True, present=True)
    if not meeting.kind.delegates_count:
        seats = seats.exclude(response=Response.DELEGATED)
    return seats.select_related("person", "delegate")


def ballot_seat(person: Person, vote: Vote) -> Invitation | None:
    """The seat on which the person may vote in this vote now (None: they may not,
    or have voted already)."""
    if vote.is_closed or vote.kind == VoteKind.OPEN:
        return None
    seat = meeting_selectors.seat_of(person, vote.meeting)
    if seat is None or not voting_seats(vote.meeting).filter(pk=seat.pk).exists():
        return None
    if seat.response == Response.DELEGATED and seat.person_id == person.pk:
        return None
    if Voter.objects.filter(vote=vote, seat=seat).exists():
        return None
    return seat


def has_voted(person: Person, vote: Vote) -> bool:
    seat = meeting_selectors.seat_of(person, vote.meeting)
    return seat is not None and Voter.objects.filter(vote=vote, seat=seat).exists()


def tally_visible(vote: Vote) -> bool:
    """A secret vote's counts exist for nobody's eyes until it closes."""
    return vote.is_closed or vote.kind != VoteKind.SECRET


def open_votes(meeting: Meeting) -> QuerySet[Vote]:
    return Vote.objects.filter(meeting=meeting, state="open")


def meeting_live_notices(person: Person, meeting: Meeting) -> list[tuple[str, str, str]]:
    """The live meeting's page tells who is following it that a vote is open: the chair
    and the secretary the way to the panel, a member with a seat the way to the ballot
    (meetings finds this by name; `voting.services` raises the live counter)."""
    votes = list(open_votes(meeting).order_by("pk"))
    if not votes:
        return []
    runs = may_run_votes(person, meeting)
    notices = []
    for vote in votes:
        if vote.item_id is not None and not may_see_vote(person, vote):
            continue
        text = _("A vote is open: %(question)s") % {"question": vote.question}
        if runs:
            notices.append((text, reverse("voting_meeting_panel", args=[meeting.pk]), _("Run the vote")))
        elif ballot_seat(person, vote) is not None:
            notices.append((text, reverse("voting_meeting", args=[meeting.pk]), _("Go to the ballot")))
        else:
            notices.append((text, "", ""))
    return notices


@dataclass(frozen=True)
class NamedChoice:
    person: Person
    choice: str
    choice_label: str
    on_paper: bool
    in_place_of: Person | None  # the member whose seat a delegate voted on


@dataclass(frozen=True)
class Result:
    """One vote's result as the minutes write it. Counts are None while a secret vote
    is open; `named` lists who voted how for a named vote only; `voters` is who voted
    (any kind), without their choice."""

    vote: Vote
    question: str
    item_id: int | None
    item_title: str
    kind: str
    kind_label: str
    closed: bool
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    voters: int
    members: int | None
    present: int | None
    majority_basis: str
    majority_basis_label: str
    majority_needed: int | None
    passed: bool | None
    named: list[NamedChoice] = field(default_factory=list)


def result_of(vote: Vote) -> Result:
    visible = tally_visible(vote)
    voters = list(vote.voters.select_related("person", "seat__person"))
    named = []
    if vote.kind == VoteKind.NAMED:
        named = [
            NamedChoice(
                person=v.person,
                choice=v.choice,
                choice_label=str(Choice(v.choice).label),
                on_paper=v.on_paper,
                in_place_of=v.seat.person if v.seat.person_id != v.person_id else None,
            )
            for v in voters
        ]
    return Result(
        vote=vote,
        question=vote.question,
        item_id=vote.item_id,
        item_title=vote.item.title if vote.item else "",
        kind=vote.kind,
        kind_label=str(VoteKind(vote.kind).label),
        closed=vote.is_closed,
        votes_for=vote.votes_for if visible else None,
        votes_against=vote.votes_against if visible else None,
        votes_abstain=vote.votes_abstain if visible else None,
        voters=len(voters),
        members=vote.members,
        present=vote.present,
        majority_basis=vote.majority_basis,
        majority_basis_label=vote.get_majority_basis_display() if vote.majority_basis else "",
        majority_needed=vote.majority_needed,
        passed=vote.passed,
        named=named,
    )


def results_for_meeting(meeting: Meeting) -> list[Result]:
    """Every vote of the meeting in the order held, with its result (for the minutes:
    the caller decides who reads them)."""
    votes = (
        Vote.objects.filter(meeting=meeting)
        .select_related("item", "meeting__kind")
        .order_by("opened_at", "pk")
    )
    return [result_of(vote) for vote in votes]


def meetings_with_votes_for(person: Person) -> QuerySet[Meeting]:
    """The meetings the person sees that are running or have votes: where their vote
    panel is."""
    return (
        meeting_selectors.meetings_visible_to(person)
        .filter(Q(state=MeetingState.IN_PROGRESS) | Q(votes__isnull=False))
        .distinct()
        .order_by("-starts_at", "-pk")
    )


# --- Written consultations ---------------------------------------------------------------------


def may_keep_consultations(person: Person, committee: Organization) -> bool:
    return meeting_selectors.may_keep(person, committee)


def consultations_visible_to(person: Person) -> QuerySet[Consultation]:
    if not person.is_authenticated or not person.is_active:
        return Consultation.objects.none()
    kept = Organization.objects.filter(organizations_q(person, Action.DRAFT))
    asked = Recipient.objects.filter(person=person).values("consultation")
    return Consultation.objects.filter(Q(pk__in=asked) | Q(organization__in=kept)).select_related(
        "organization", "kind", "created_by"
    )


def recipient_of(person: Person, consultation: Consultation) -> Recipient | None:
    return consultation.recipients.filter(person=person).first()


@dataclass(frozen=True)
class Tally:
    members: int
    answered: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    majority_basis: str
    majority_needed: int

    @property
    def waiting(self) -> int:
        return self.members - self.answered

    @property
    def would_pass(self) -> bool:
        return self.votes_for >= self.majority_needed


def consultation_tally(consultation: Consultation) -> Tally:
    """The answers counted now (or, closed, as recorded). The majority: the kind's
    basis, of all members consulted or of those who answered."""
    if consultation.is_closed and consultation.members is not None:
        return Tally(
            members=consultation.members,
            answered=consultation.answered or 0,
            votes_for=consultation.votes_for or 0,
            votes_against=consultation.votes_against or 0,
            votes_abstain=consultation.votes_abstain or 0,
            majority_basis=consultation.majority_basis,
            majority_needed=consultation.majority_needed or 0,
        )
    counts = consultation.recipients.aggregate(
        members=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        votes_for=Count("pk", filter=Q(choice=Choice.FOR)),
        votes_against=Count("pk", filter=Q(choice=Choice.AGAINST)),
        votes_abstain=Count("pk", filter=Q(choice=Choice.ABSTAIN)),
    )
    kind = consultation.kind
    return Tally(
        **counts,
        majority_basis=kind.majority_basis,
        majority_needed=kind.majority_of(counts["members"], counts["answered"]),
    )


def open_consultations_for(person: Person) -> QuerySet[Consultation]:
    """The consultations awaiting the person's answer."""
    waiting = Recipient.objects.filter(person=person, answered_at__isnull=True).values("consultation")
    return Consultation.objects.filter(pk__in=waiting, state=ConsultationState.OPEN).order_by("deadline")


def results_for_consultations(
    committee: Organization, *, closed_since: dt.datetime | None = None
) -> list[tuple[Consultation, Tally]]:
    """The committee's closed consultations (since a moment, e.g. the last meeting)
    with their recorded result, oldest first: what the minutes or a notice report."""
    closed = Consultation.objects.filter(organization=committee, state=ConsultationState.CLOSED)
    if closed_since is not None:
        closed = closed.filter(closed_at__gte=closed_since)
    return [(c, consultation_tally(c)) for c in closed.select_related("kind").order_by("closed_at", "pk")]
